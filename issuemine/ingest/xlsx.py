"""Read one worksheet of an .xlsx file as a grid of strings (openpyxl's sheet parser, cached values).

Only the cells a sheet's XML holds are visited: openpyxl's read-only rows are padded to the sheet's
dimension, so one cell per row in the last column (XFD) cost 16,384 cells a row. Here the rows come
straight from ``WorkSheetParser`` (what read-only mode uses underneath), cells without a value are
dropped, and the grid keeps only the columns that hold a value anywhere. The cost is bounded by the
cells in the file, capped by ``limits``: cells scanned, columns with values and rows × columns kept.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from issuemine.errors import InputError
from issuemine.ingest import limits
from issuemine.ingest.source import human_size, zip_uncompressed_size

# Compressed XML rarely expands more than ~10x; far beyond that is a zip bomb, not a workshop.
_MAX_EXPANSION = 20


@dataclass(frozen=True)
class SheetInfo:
    """One sheet of a workbook as ``list_sheets`` describes it (for a sheet choice in a UI)."""

    index: int  # 0-based, in the workbook's order
    name: str
    visible: bool  # False for hidden and "very hidden" sheets
    kind: str  # "worksheet" (a table) or "chartsheet" (a chart only; nothing to read)


@dataclass
class XlsxGrid:
    """What ``read_xlsx_grid`` read: rows of the columns holding values, and where they came from."""

    rows: list[tuple[int, list[str]]]  # (excel row, cells of ``columns``); rows without a value are left out
    columns: list[int]  # 0-based sheet column of each grid column (A = 0)
    sheet: str
    sheets: list[SheetInfo]
    warnings: list[str]


def _open(data: bytes, path, max_bytes: int):
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
            return openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many types on corrupt files
        raise InputError("xlsxファイルが壊れているため読めません。", file=path,
                         hint="Excelで開いて保存し直すか、CSVで保存してください") from None


def list_sheets(data: bytes, path: str | Path = "", max_bytes: int | None = None) -> list[SheetInfo]:
    """The sheets of an .xlsx file's bytes in workbook order, with visibility and kind.

    The sheet a reader uses by default is the first *visible* worksheet holding a value; pass another
    one's ``name`` (or ``index``) as ``sheet=`` to ``read_notes`` / ``read_table``.
    """
    from issuemine.ingest.source import DEFAULT_MAX_BYTES

    wb = _open(data, path, max_bytes or DEFAULT_MAX_BYTES)
    try:
        return list_sheets_of(wb)
    finally:
        wb.close()


def read_xlsx_grid(data: bytes, path: str | Path, sheet: str | int | None, max_bytes: int,
                   max_cells: int | None = None) -> XlsxGrid:
    """The grid of one worksheet: ``sheet`` (name or 0-based index) or, without it, the first visible
    worksheet holding any value (hidden sheets only when no visible one holds a value, with a warning).

    Formulas give their cached value (what Excel shows); a workbook written by a program that never
    computed them gives empty cells. Merged cells (a group name merged down its rows, as facilitators
    often do) take the value of their top-left cell, as a reader of the sheet sees it. Both are
    reported in the warnings, and so is which sheet was read when there are several.
    """
    max_cells = max_cells or limits.max_cells(max_bytes)
    wb = _open(data, path, max_bytes)
    try:
        infos = list_sheets_of(wb)
        if sheet is not None:
            ws = _pick(wb, infos, sheet, path)
            grid = _grid(wb, ws, path, max_cells)
            grid.sheets = infos
            _say_which(grid, infos, chosen=True)
            return grid
        tables = [i for i in infos if i.kind == "worksheet"]
        for info in sorted(tables, key=lambda i: (not i.visible, i.index)):
            grid = _grid(wb, wb[info.name], path, max_cells)
            if grid.rows:
                grid.sheets = infos
                if not info.visible:
                    grid.warnings.insert(0, f"表示されているシートに値がないため、非表示のシート「{info.name}」を読みました。")
                _say_which(grid, infos, chosen=False)
                return grid
        raise InputError("どのシートにも値がありません(空のブックです)。", file=path)
    finally:
        wb.close()


def list_sheets_of(wb) -> list[SheetInfo]:
    """``list_sheets`` of an open workbook."""
    by_name = {ws.title: ws for ws in wb.worksheets}
    out = []
    for i, name in enumerate(wb.sheetnames):
        ws = by_name.get(name)
        state = getattr(ws, "sheet_state", "visible") if ws is not None else "visible"
        kind = "worksheet" if ws is not None and hasattr(ws, "_worksheet_path") else "chartsheet"
        out.append(SheetInfo(i, name, state == "visible", kind))
    return out


def _say_which(grid: XlsxGrid, infos: list[SheetInfo], chosen: bool) -> None:
    others = [i for i in infos if i.name != grid.sheet]
    if not others:
        return
    listed = "、".join(f"「{i.name}」" + ("(非表示)" if not i.visible else "") for i in others)
    how = "指定された" if chosen else ""
    grid.warnings.append(f"{how}シート「{grid.sheet}」を読みました。ほかのシート {listed} は読んでいません"
                         + ("" if chosen else "(別のシートを読むにはシートを指定してください)") + "。")


def _pick(wb, infos: list[SheetInfo], sheet: str | int, path):
    """A worksheet by name or 0-based index (a string of digits that is not a name is an index)."""
    names = [i.name for i in infos]
    if isinstance(sheet, str) and sheet not in names and sheet.strip().isdigit():
        sheet = int(sheet)
    info = None
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 0 <= sheet < len(infos):
            info = infos[sheet]
    elif sheet in names:
        info = infos[names.index(sheet)]
    if info is None:
        listed = "、".join(f"「{n}」" for n in names)
        raise InputError(f"シート「{sheet}」がありません。あるシート: {listed}", file=path)
    if info.kind != "worksheet":
        raise InputError(f"シート「{info.name}」はグラフのシートで、表がありません。", file=path)
    return wb[info.name]


def _parser_class():
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class _Parser(WorkSheetParser):
        """openpyxl's sheet parser, also counting formula cells that have no computed value."""

        uncomputed = 0

        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if (cell["value"] is None and element.get("t") != "str"
                    and element.find(FORMULA_TAG) is not None):
                self.uncomputed += 1
            return cell

    return _Parser


def _grid(wb, ws, path, max_cells: int) -> XlsxGrid:
    """Every cell holding a value, as text, by row; columns without any value are left out."""
    parser_class = _parser_class()
    sparse: dict[int, dict[int, str]] = {}
    used: set[int] = set()
    scanned = 0
    try:
        with ws._get_source() as src, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parser = parser_class(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                                  date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
            for number, cells in parser.parse():
                scanned += len(cells)
                if scanned > max_cells:
                    raise _too_many(f"セルが多すぎます({max_cells:,} 個を超えています)", path, number)
                row = None
                for cell in cells:
                    value = cell["value"]
                    if value is None or value == "":
                        continue
                    if row is None:
                        row = sparse.setdefault(number, {})
                    col = cell["column"] - 1
                    row[col] = cell_text(value)
                    if col not in used:
                        used.add(col)
                        if len(used) > limits.MAX_COLUMNS:
                            raise _too_many(f"値のある列が多すぎます({limits.MAX_COLUMNS:,} 列を超えています)",
                                            path, number)
                if row is not None and len(sparse) * len(used) > max_cells:
                    raise _too_many(f"表が大きすぎます(行 × 列が {max_cells:,} を超えています)", path, number)
            merged = [str(r) for r in (parser.merged_cells.mergeCell if parser.merged_cells else [])]
            uncomputed = parser.uncomputed
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - a damaged sheet XML surfaces while streaming
        raise InputError("xlsxファイルのシートが壊れているため読めません。", file=path,
                         row=(max(sparse) + 1) if sparse else None) from None
    messages = []
    filled = fill_merged(merged, sparse, used)
    if filled:
        messages.append(f"結合されたセル {filled} 個に、結合範囲の左上の値を入れました。")
    if uncomputed:
        messages.append(f"計算結果が保存されていない数式のセルが {uncomputed} 個あり、空として読みました"
                        "(Excelで開いて保存し直すと読めます)。")
    columns = sorted(used)
    rows = [(n, [cells.get(c, "") for c in columns]) for n, cells in sorted(sparse.items())]
    return XlsxGrid(rows=rows, columns=columns, sheet=ws.title, sheets=[], warnings=messages)


def _too_many(what: str, path, row: int) -> InputError:
    return InputError(f"{what}。付箋やアンケートの表として読める大きさではありません。", file=path, row=row,
                      hint="値のない行・列を削除して保存し直すか、必要な列だけをCSVで保存してください")


def fill_merged(refs: list[str], sparse: dict[int, dict[int, str]], used: set[int]) -> int:
    """Copy each merged range's top-left value into its other empty cells; returns how many were filled.

    Only ranges spanning several rows (a group name merged down its notes): a range within one row is a
    title or a header spread over columns, and copying it would make a one-cell title look like a header.
    Only rows that already hold a value are filled (a merge hanging below the table adds no rows), and
    the cap on cells still holds: a range is filled at most over the rows and columns in use.
    """
    from openpyxl.utils.cell import range_boundaries

    filled = 0
    for ref in refs:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except (TypeError, ValueError):
            continue
        value = sparse.get(min_row, {}).get(min_col - 1)
        if not value or max_row == min_row:  # a merge across one row is a title or header, not a group
            continue
        cols = [c for c in range(min_col - 1, max_col) if c in used or c == min_col - 1]
        for r in [r for r in sparse if min_row <= r <= max_row]:
            cells = sparse[r]
            for c in cols:
                if (r, c) != (min_row, min_col - 1) and not cells.get(c):
                    cells[c] = value
                    filled += 1
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
