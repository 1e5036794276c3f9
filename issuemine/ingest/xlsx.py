"""Read one worksheet of an .xlsx file as a grid of strings (openpyxl, read-only, cached values)."""

from __future__ import annotations

import datetime as dt
import warnings
from io import BytesIO
from pathlib import Path

from issuemine.errors import InputError
from issuemine.ingest.source import human_size, zip_uncompressed_size

# Compressed XML rarely expands more than ~10x; far beyond that is a zip bomb, not a workshop.
_MAX_EXPANSION = 20


def read_xlsx_grid(data: bytes, path: str | Path, sheet: str | int | None,
                   max_bytes: int) -> tuple[list[tuple[int, list[str]]], str, list[str]]:
    """``(rows, sheet used, all sheet names)``; rows are ``(excel row number, cells as str)``.

    Without ``sheet`` the first worksheet holding any value is used. Formulas give their cached value
    (what Excel shows); a workbook written by a program that never computed them gives empty cells.
    """
    import openpyxl

    limit = max_bytes * _MAX_EXPANSION
    try:
        expanded = zip_uncompressed_size(data)
    except Exception:  # noqa: BLE001 - any zip failure means the same thing to the user
        expanded = 0
    if expanded > limit:
        raise InputError(f"xlsxファイルの展開後の大きさが上限({human_size(limit)})を超えています。",
                         file=path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            wb = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many types on corrupt files
        raise InputError("xlsxファイルが壊れているため読めません。", file=path,
                         hint="Excelで開いて保存し直すか、CSVで保存してください") from None
    try:
        names = list(wb.sheetnames)
        worksheets = [ws for ws in wb.worksheets if hasattr(ws, "iter_rows")]
        if sheet is not None:
            ws = _pick(wb, names, sheet, path)
            return _grid(ws, path), ws.title, names
        for ws in worksheets:
            rows = _grid(ws, path)
            if any(any(c.strip() for c in cells) for _, cells in rows):
                return rows, ws.title, names
        raise InputError("どのシートにも値がありません(空のブックです)。", file=path)
    finally:
        wb.close()


def _pick(wb, names: list[str], sheet: str | int, path):
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 0 <= sheet < len(names):
            return wb[names[sheet]]
    elif sheet in names:
        return wb[sheet]
    listed = "、".join(f"「{n}」" for n in names)
    raise InputError(f"シート「{sheet}」がありません。あるシート: {listed}", file=path)


def _grid(ws, path) -> list[tuple[int, list[str]]]:
    rows = []
    try:
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            rows.append((number, [cell_text(v) for v in values]))
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - a damaged sheet XML surfaces while streaming
        raise InputError("xlsxファイルのシートが壊れているため読めません。", file=path,
                         row=len(rows) + 1) from None
    # read-only mode pads rows to the sheet's declared width; trailing empties are trimmed later
    return rows


def cell_text(value) -> str:
    """A cell as Excel shows it by default: integers without '.0', dates in ISO form, TRUE/FALSE."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)
