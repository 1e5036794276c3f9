"""The presentation layer as Jinja filters and globals (the app's templates and the report's)."""

from __future__ import annotations

from issuemine.present import dates, edits, names, numbers, words


FILTERS = {
    "p": numbers.p_value, "p_text": numbers.p_text, "num": numbers.number, "int": numbers.integer,
    "pct": numbers.percent, "effect": numbers.effect, "effect_word": numbers.effect_word,
    "stability": numbers.stability, "stability_word": numbers.stability_word,
    "confidence": numbers.confidence_word, "yesno": numbers.yes_no, "size_mb": numbers.size_mb,
    "jst": dates.datetime_ja, "date_ja": dates.date_ja,
    "zone": names.zone_name, "plain_zones": names.plain_zones, "phase": names.phase_name, "method": names.method_name,
    "encoding": names.encoding_name, "file_format": names.format_name, "job_state": names.job_state,
    "median": words.median, "keywords": words.keywords, "pos": words.pos_plain, "short": words.short_text,
}


def register(env) -> None:
    """Add the filters (``{{ r.p | p }}``, ``{{ e.created_at | jst }}``, ``{{ code | zone }}`` …) and globals
    (``median_change``, ``percents``, ``ZONE_CHOICES``, ``EFFECT_NOTE``, ``STABILITY_NOTE``) to ``env``."""
    env.filters.update(FILTERS)
    env.globals.update(median_change=words.median_change, percents=numbers.percents,
                       ZONE_CHOICES=names.zone_choices(), EFFECT_NOTE=numbers.EFFECT_NOTE,
                       STABILITY_NOTE=numbers.STABILITY_NOTE, UPLOAD_STATES=names.UPLOAD_STATES,
                       describe_edit=edits.describe_edit, edit_op_name=edits.op_name)
