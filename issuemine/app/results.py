"""An analysis's theme result, stored in an explicit, versioned form (JSON + npz), never pickled.

A finished analysis job writes these rows of the ``results`` table:

    theme_result.json   {"format": "issuemine.theme_result", "version": 1, note ids, texts, terms,
                         the theme of every note, theme metadata, info, stability, written forms, labeller}
    theme_arrays.npz    note_vectors (float32), change_rate, change_seen, by_meaning (np.savez, no pickles)

which is everything the web app needs to re-apply the facilitator's edits and rebuild the tables
(``ThemeResult.rebuild``). The fitted embedder (for coding new texts) is not kept: the app never uses it.

Reading checks the format and version. A result written by a newer program, or in the pickled form the app
used before version 1, raises :class:`ResultOutdated` with a Japanese message asking to analyse again —
never a crash, never a guess. When a later version changes the format, it adds a reader for version 1
here (``_UPGRADES``) or, if it cannot, bumps ``VERSION`` so older results say "analyse again".
"""

from __future__ import annotations

import io
import json
import math

from issuemine.errors import IssuemineError
from issuemine.jsonready import json_ready

FORMAT = "issuemine.theme_result"
VERSION = 1
FORMAT_NAME = "result_format.json"  # {"format", "version"} alone, so a page can check it without loading
JSON_NAME = "theme_result.json"
ARRAYS_NAME = "theme_arrays.npz"
LEGACY_PICKLE_NAME = "theme_result"  # written by versions before this format; never read
LABELLER_PARAMS = ("n_terms", "n_key_terms", "n_representatives", "generic", "purity_power")
AGAIN = "もう一度分析してください(ワークショップのページの「分析を実行」)。付箋と手直しはそのまま残っています。"


class ResultOutdated(IssuemineError):
    """The stored analysis cannot be read by this version: the workshop must be analysed again."""


TABLES = ("themes", "assignments", "stability", "unstable_notes")


def _tables(result) -> dict:
    return {name: getattr(result, name) for name in TABLES}


def dump(result) -> dict[str, bytes]:
    """The result rows of a ThemeResult: ``{JSON_NAME: …, ARRAYS_NAME: …}`` (deterministic bytes)."""
    import numpy as np

    lab = result.labeller
    generic = getattr(lab, "generic", None)
    if generic not in (None, False):
        generic = sorted(str(g) for g in generic) if not isinstance(generic, str) else str(generic)
    doc = {
        "format": FORMAT, "version": VERSION,
        "note_ids": list(result.note_ids), "texts": list(result.texts),
        "terms": [list(t) for t in result.terms], "theme_of": list(result.theme_of),
        "meta": json_ready(result.meta), "info": json_ready(result.info),
        "stability_by_theme": json_ready(result.stability_by_theme),
        "display_forms": json_ready(result.display_forms) if result.display_forms is not None else None,
        # the tables as the analysis built them, so reading needs no rebuild (columns listed: explicit)
        "tables": {name: {"columns": [str(c) for c in df.columns], "rows": json_ready(df.to_numpy(dtype=object))}
                   for name, df in _tables(result).items()},
        "labeller": {"class": type(lab).__name__,
                     **{k: json_ready(getattr(lab, k)) for k in LABELLER_PARAMS if k != "generic"},
                     "generic": generic},
    }
    arrays = {"note_vectors": np.asarray(result.note_vectors, dtype=np.float32)}
    for name in ("change_rate", "change_seen", "by_meaning"):
        value = getattr(result, name)
        if value is not None:
            arrays[name] = np.asarray(value)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, allow_nan=False)
    head = json.dumps({"format": FORMAT, "version": VERSION}, sort_keys=True)
    return {FORMAT_NAME: head.encode(), JSON_NAME: text.encode("utf-8"), ARRAYS_NAME: buf.getvalue()}


def check(payloads: dict[str, bytes | None]) -> None:
    """Raise ResultOutdated unless ``payloads`` hold a result this version reads.

    Cheap: with the small ``FORMAT_NAME`` row present, only it is parsed (pass the rows you have).
    """
    if payloads.get(FORMAT_NAME) is not None and payloads.get(JSON_NAME) is None:
        _header({JSON_NAME: payloads[FORMAT_NAME]})
    else:
        _header(payloads)


def _header(payloads) -> dict:
    raw = payloads.get(JSON_NAME)
    if raw is None:
        if payloads.get(LEGACY_PICKLE_NAME) is not None:
            raise ResultOutdated("この分析は以前のバージョンの issuemine で保存された形式のため、このバージョンでは"
                                 "表示できません。" + AGAIN)
        raise ResultOutdated("この分析の結果が見つかりません。" + AGAIN)
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        raise ResultOutdated("この分析の保存された結果が壊れていて読めません。" + AGAIN) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("version"), int):
        raise ResultOutdated("この分析の保存された結果の形式がわかりません。" + AGAIN)
    if doc["version"] > VERSION:
        raise ResultOutdated(f"この分析は新しいバージョンの issuemine で保存されています(形式 {doc['version']}、"
                             f"このバージョンが読めるのは {VERSION} まで)。新しいバージョンで開くか、" + AGAIN)
    while doc["version"] < VERSION:
        doc = _UPGRADES[doc["version"]](doc)
    return doc


# version → function turning a document of that version into the next one (none yet: 1 is the first)
_UPGRADES: dict = {}


def load(payloads: dict[str, bytes | None]):
    """A ThemeResult from its stored rows; ResultOutdated (Japanese) if this version cannot read them."""
    import numpy as np

    from issuemine.themes.label import ThemeLabeller
    from issuemine.themes.model import ThemeResult

    if payloads.get(FORMAT_NAME) is not None:  # a newer format says so even if its document changed shape
        _header({JSON_NAME: payloads[FORMAT_NAME]})
    doc = _header(payloads)
    try:
        with np.load(io.BytesIO(payloads[ARRAYS_NAME]), allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        lab = doc["labeller"]
        labeller = ThemeLabeller(**{k: lab[k] for k in LABELLER_PARAMS})
        stability = {k: (math.nan if v is None else v) for k, v in doc["stability_by_theme"].items()}
        result = ThemeResult(
            note_ids=doc["note_ids"], texts=doc["texts"], terms=doc["terms"],
            note_vectors=arrays["note_vectors"], theme_of=doc["theme_of"], meta=doc["meta"], info=doc["info"],
            stability_by_theme=stability, change_rate=arrays.get("change_rate"),
            change_seen=arrays.get("change_seen"), labeller=labeller, by_meaning=arrays.get("by_meaning"),
            embedder=None, display_forms=doc["display_forms"])
        for name in TABLES:
            setattr(result, name, _frame(name, doc["tables"][name]))
    except (KeyError, TypeError, ValueError, OSError):
        raise ResultOutdated("この分析の保存された結果の一部が読めません。" + AGAIN) from None
    return result


def _frame(name: str, table: dict):
    import pandas as pd

    from issuemine.schema import ASSIGNMENTS, THEMES

    df = pd.DataFrame.from_records(table["rows"], columns=table["columns"])
    schema = {"themes": THEMES, "assignments": ASSIGNMENTS}.get(name)
    if schema is not None:
        return schema.conform(df)
    return df.infer_objects()
