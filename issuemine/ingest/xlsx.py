"""Read one worksheet of an .xlsx file as a grid of strings (openpyxl, read-only, cached values)."""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
import zlib
from io import BytesIO
from pathlib import Path

from issuemine.errors import InputError
from issuemine.ingest.source import human_size, zip_uncompressed_size

# Compressed XML rarely expands more than ~10x; far beyond that is a zip bomb, not a workshop.
_MAX_EXPANSION = 20


def read_xlsx_grid(data: bytes, path: str | Path, sheet: str | int | None,
                   max_bytes: int) -> tuple[list[tuple[int, list[str]]], str, list[str], list[str]]:
    """``(rows, sheet used, all sheet names, warnings)``; rows are ``(excel row, cells as str)``.

    Without ``sheet`` the first worksheet holding any value is used. Formulas give their cached value
    (what Excel shows); a workbook written by a program that never computed them gives empty cells.
    Merged cells (a group name merged down its rows, as facilitators often do) take the value of
    their top-left cell, as a reader of the sheet sees it. Both are reported in the warnings.
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
            rows = _grid(ws, path)
            return rows, ws.title, names, _finish(data, ws, rows)
        for ws in worksheets:
            rows = _grid(ws, path)
            if any(any(c.strip() for c in cells) for _, cells in rows):
                return rows, ws.title, names, _finish(data, ws, rows)
        raise InputError("どのシートにも値がありません(空のブックです)。", file=path)
    finally:
        wb.close()


def _finish(data: bytes, ws, rows) -> list[str]:
    refs, uncomputed = sheet_facts(data, ws)
    messages = []
    filled = fill_merged(refs, rows)
    if filled:
        messages.append(f"結合されたセル {filled} 個に、結合範囲の左上の値を入れました。")
    if uncomputed:
        messages.append(f"計算結果が保存されていない数式のセルが {uncomputed} 個あり、空として読みました"
                        "(Excelで開いて保存し直すと読めます)。")
    return messages


def _pick(wb, names: list[str], sheet: str | int, path):
    """A worksheet by name or 0-based index (a string of digits that is not a name is an index)."""
    if isinstance(sheet, str) and sheet not in names and sheet.isdigit():
        sheet = int(sheet)
    ws = None
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 0 <= sheet < len(names):
            ws = wb[names[sheet]]
    elif sheet in names:
        ws = wb[sheet]
    if ws is None:
        listed = "、".join(f"「{n}」" for n in names)
        raise InputError(f"シート「{sheet}」がありません。あるシート: {listed}", file=path)
    if not hasattr(ws, "iter_rows"):
        raise InputError(f"シート「{ws.title}」はグラフのシートで、表がありません。", file=path)
    return ws


def _grid(ws, path) -> list[tuple[int, list[str]]]:
    rows = []
    # Some programs write a wrong <dimension> (often "A1"); read-only mode would trust it and cut
    # the sheet, so it is ignored and every row is read from row 1.
    ws.reset_dimensions()
    try:
        for number, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
            rows.append((number, [cell_text(v) for v in values]))
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - a damaged sheet XML surfaces while streaming
        raise InputError("xlsxファイルのシートが壊れているため読めません。", file=path,
                         row=len(rows) + 1) from None
    return rows


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]+[0-9]+:[A-Za-z]+[0-9]+)"')
# A formula cell with no cached <v>alue: a program wrote it and nothing ever computed it
# (t="str" with an empty <v> is a computed empty string, not this).
_UNCOMPUTED = re.compile(rb'<(?:\w+:)?c\b(?![^>]*\bt="str")[^>]*>\s*(?:<(?:\w+:)?f\b[^>]*/>|<(?:\w+:)?f\b[^>]*>[^<]*</(?:\w+:)?f>)'
                         rb'\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>')


def sheet_facts(data: bytes, ws) -> tuple[list[str], int]:
    """``(merged ranges, formula cells without a computed value)`` read from the sheet's XML,
    which read-only openpyxl does not expose."""
    sheet_xml = getattr(ws, "_worksheet_path", None)
    if not sheet_xml:
        return [], 0
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            xml = zf.read(sheet_xml)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, zlib.error):
        return [], 0
    return [r.decode("ascii") for r in _MERGE_REF.findall(xml)], len(_UNCOMPUTED.findall(xml))


def fill_merged(refs: list[str], rows: list[tuple[int, list[str]]]) -> int:
    """Copy each merged range's top-left value into its other cells; returns how many were filled."""
    from openpyxl.utils.cell import range_boundaries

    filled = 0
    for ref in refs:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if min_row > len(rows) or min_col > len(rows[min_row - 1][1]):
            continue
        value = rows[min_row - 1][1][min_col - 1]
        for r in range(min_row, min(max_row, len(rows)) + 1):
            cells = rows[r - 1][1]
            if len(cells) < max_col:
                cells.extend([""] * (max_col - len(cells)))
            for c in range(min_col, max_col + 1):
                if (r, c) != (min_row, min_col) and not cells[c - 1]:
                    cells[c - 1] = value
                    filled += bool(value)
    return filled


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
