"""What ``issuemine survey`` writes, built in memory and then moved into place all at once.

Nothing is half-written: every file is made in a temporary folder beside the output folder and only
renamed into it when all of them exist. The JSON has sorted keys and no timestamps, so the same input
gives the same bytes.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from pathlib import Path

ITEMS_CSV = "survey_items.csv"
SUMMARY_JSON = "survey.json"
FIGURES_HTML = "survey_figures.html"
THEMES_CSV = "survey_freetext_themes.csv"


def _plain(v):
    """JSON-ready value: numpy scalars to Python, NaN/NA to None."""
    if v is None:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    try:
        import pandas as pd

        if v is pd.NA:
            return None
    except ImportError:  # pragma: no cover
        pass
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def summary_json(result, terms=None, themes=None) -> str:
    """survey.json: info, one record per item, free-text term counts (no free text itself), and with a
    theme model the themes the free text mentions (``freetext.themes``, only when ``themes`` is given)."""
    items = [{k: _plain(v) for k, v in rec.items()} for rec in result.items.to_dict("records")]
    ft = result.freetext
    doc = {"info": _plain(result.info), "items": items,
           "freetext": {"n_pre": int((ft["phase"] == "pre").sum()) if ft is not None and len(ft) else 0,
                        "n_post": int((ft["phase"] == "post").sum()) if ft is not None and len(ft) else 0,
                        "terms": [] if terms is None else [{k: _plain(v) for k, v in r.items()}
                                                           for r in terms.to_dict("records")]}}
    if themes is not None:
        doc["freetext"]["themes"] = [{k: _plain(v) for k, v in r.items()} for r in themes.to_dict("records")]
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2, allow_nan=False) + "\n"


def build_outputs(result, *, figures: bool = False, terms=None, scales=None, themes=None) -> dict[str, bytes]:
    """{file name: bytes} of everything the survey command writes (``themes``: freetext.freetext_themes)."""
    from issuemine.schema import SURVEY_ITEMS
    from issuemine.survey.table import csv_bytes

    out = {ITEMS_CSV: csv_bytes(SURVEY_ITEMS.conform(result.items)), SUMMARY_JSON: summary_json(result, terms, themes).encode("utf-8")}
    if themes is not None:
        from issuemine.ingest import to_csv_bytes

        out[THEMES_CSV] = to_csv_bytes(themes)  # the bytes issuemine.ingest.write_csv writes (UTF-8 BOM)
    if figures:
        from issuemine.survey.figures import figures_html

        out[FIGURES_HTML] = figures_html(result, scales=scales).encode("utf-8")
    return out


def write_outputs(outputs: dict[str, bytes], out_dir: str | Path) -> list[Path]:
    """Write all files into ``out_dir`` (created if needed) through a temporary folder beside it."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    umask = os.umask(0)  # mkdtemp makes the folder private; give it the permissions mkdir would
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)
    try:
        for name, data in outputs.items():
            (tmp / name).write_bytes(data)
        if not out_dir.exists():
            os.rename(tmp, out_dir)
        else:  # keep what else the folder holds (a report may share it): replace our files one by one
            for name in outputs:
                os.replace(tmp / name, out_dir / name)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return [out_dir / name for name in outputs]
