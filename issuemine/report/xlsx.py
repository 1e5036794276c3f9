"""The coded notes as an Excel workbook (openpyxl), safe to open and byte-identical for the same input.

Formula injection: a string cell starting with = + - @ (or a tab / carriage return) is stored as an inline
string with Excel's quote prefix, never as a formula. Determinism: openpyxl stamps the save time into
``docProps/core.xml`` and into every zip entry, so the archive is rewritten with fixed times.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_DOC_TIME = "2000-01-01T00:00:00Z"

# Japanese headers for the columns a committee reader sees; other columns keep their names.
HEADERS_JA = {
    "note_id": "付箋ID", "workshop": "ワークショップ", "text": "内容", "group": "グループ", "profession": "職種",
    "round": "回", "participant": "参加者", "theme_id": "テーマID", "theme_label": "テーマ", "heading": "見出し",
    "theme_confidence": "テーマ確信度", "theme_weak": "テーマ要確認", "zones": "ゾーン", "region": "領域",
    "zone_confidence": "ゾーン確信度", "zone_reason": "ゾーン根拠", "zone_inferred": "ゾーン推定",
    "source_file": "元ファイル", "source_row": "元の行", "duplicate_of": "重複元", "near_duplicate_of": "類似元",
    "label": "ラベル", "size": "件数", "key_terms": "キーワード", "representative_notes": "代表的な付箋",
    "stability": "安定性", "source": "由来",
}


def _cell_value(v):
    """A value openpyxl can store: pandas missing values become empty cells, numpy scalars plain Python."""
    import pandas as pd

    if v is None or (not isinstance(v, str) and pd.api.types.is_scalar(v) and pd.isna(v)):
        return None
    if hasattr(v, "item") and not isinstance(v, str):
        return v.item()
    return v


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the xlsx archive with fixed entry times and document times."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                              rb"\g<1>" + FIXED_DOC_TIME.encode() + rb"\g<2>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def preload() -> None:
    """Import what ``write_workbook`` needs (a report's helper process does this ahead of time)."""
    import openpyxl  # noqa: F401
    import pandas  # noqa: F401


def write_workbook(sheets: dict, path: str | Path) -> Path:
    """Write ``{sheet title: DataFrame}`` to ``path`` as .xlsx; return the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for title, df in sheets.items():
        ws = wb.create_sheet(title=str(title)[:31])
        headers = [HEADERS_JA.get(str(c), str(c)) for c in df.columns]
        for j, h in enumerate(headers, start=1):
            cell = ws.cell(row=1, column=j, value=h)
            cell.font = bold
        for i, row in enumerate(df.itertuples(index=False, name=None), start=2):
            for j, v in enumerate(row, start=1):
                v = _cell_value(v)
                cell = ws.cell(row=i, column=j)
                if isinstance(v, str):
                    cell.value = v
                    if v.startswith(FORMULA_STARTS):
                        # Text, never a formula: inline string plus Excel's quote prefix.
                        cell.data_type = "s"
                        cell.quotePrefix = True
                else:
                    cell.value = v
        ws.freeze_panes = "A2"
        for j, c in enumerate(df.columns, start=1):
            width = 60 if str(c) in ("text", "representative_notes", "key_terms", "zone_reason") else 14
            ws.column_dimensions[get_column_letter(j)].width = width
    buf = io.BytesIO()
    wb.save(buf)
    path = Path(path)
    path.write_bytes(_normalise_zip(buf.getvalue()))
    return path
