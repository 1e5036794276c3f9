"""The one presentation layer: every number, name, date and word a person reads is written here.

The app's templates (``jinja.register``), the report, the xlsx workbooks, the Japanese CSVs and the CLI
summaries call these functions, so a rule (「p < 0.001」, 研修前, 「2026年12月6日 14:53」, 病院と地域の重なり)
lives in one place. Machine outputs (CSV/JSON of docs/schemas.md) keep raw values and codes.

Modules: ``numbers`` (p, percentages, effect sizes, scores), ``names`` (zones, phases, methods, states),
``dates`` (Japan time), ``words`` (scale words, keywords, parts of speech), ``tables`` (DataFrames for
people), ``jinja`` (template filters). See docs/present.md.
"""

from issuemine.present.dates import DateError, date_ja, datetime_ja, parse_date, to_tokyo
from issuemine.present.names import method_name, phase_name, zone_choices, zone_name
from issuemine.present.numbers import (EFFECT_NOTE, MISSING, STABILITY_NOTE, effect, effect_word, integer,
                                       number, p_text, p_value, percent, percents, stability, stability_word)
from issuemine.present.words import keywords, median, median_change, pos_plain, scale_word

__all__ = ["DateError", "EFFECT_NOTE", "MISSING", "STABILITY_NOTE", "date_ja", "datetime_ja", "effect", "effect_word",
           "integer", "keywords", "median", "median_change", "method_name", "number", "p_text", "p_value",
           "percent", "percents", "phase_name", "pos_plain", "scale_word", "stability", "stability_word",
           "parse_date", "to_tokyo", "zone_choices", "zone_name"]
