"""Read any workshop or questionnaire file as a raw table of strings, remembering where each row came from."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from issuemine.errors import InputError
from issuemine.ingest.csvout import unguard_cell
from issuemine.ingest.encoding import decode
from issuemine.ingest.source import DEFAULT_MAX_BYTES, load_bytes, sniff_kind
from issuemine.ingest.xlsx import read_xlsx_grid

# A decoded "text" file with this share of control characters is binary that happened to decode.
_MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_MANY_LINES = 5  # physical lines in one record before it is worth a warning
_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass
class TableInfo:
    """How a file was read: what read_table found, for reports and error messages."""

    file: str
    format: str  # "csv", "tsv", "txt" or "xlsx"
    encoding: str | None  # None for xlsx
    delimiter: str | None  # "," or "\t"; None for txt and xlsx
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    header_row: int | None = None  # 1-based; None in no-header mode or for a txt file without header
    columns: list[str] = field(default_factory=list)
    column_letters: list[str] = field(default_factory=list)  # the file column (A, B, …) of each column
    source_rows: list[int] = field(default_factory=list)  # 1-based file row of each data row
    empty_rows: list[int] = field(default_factory=list)  # data rows left out because every cell was empty
    warnings: list[str] = field(default_factory=list)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how spreadsheets name columns."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_table(path: str | Path, *, header: bool = True, encoding: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES, sheet: str | int | None = None,
               header_names: set[str] | None = None):
    """Read a .csv/.tsv/.txt/.xlsx file as ``(DataFrame of str, TableInfo)``.

    Every cell is a ``str`` (``""`` when empty), text exactly as in the file. With ``header`` the first
    non-empty row gives the column names (an empty name becomes ``列C``, a repeated one ``名前.1``);
    without it the columns are named by letter (A, B, …). Rows whose cells are all empty are left out
    and listed in ``info.empty_rows``; ``info.source_rows`` gives the file row of every data row.

    Empty rows after the last value are ignored; empty rows between values are counted.
    A .txt file is one value per line with no header, unless its first line is one of
    ``header_names`` (read_notes passes the names of the text column) — or it is tab-separated
    throughout, as Excel's "Unicode text" export is, in which case it is read as TSV.
    """
    path = Path(path)
    grid, info, header = _load_grid(path, header=header, encoding=encoding, max_bytes=max_bytes, sheet=sheet,
                                    header_names=header_names or set())
    return _to_frame(grid, info, header, path, header_names or set()), info


def _load_grid(path: Path, *, header: bool, encoding, max_bytes: int, sheet, header_names: set[str]):
    """``(rows of (file row, cells), TableInfo without columns yet, whether row 1 is a header)``."""
    data = load_bytes(path, max_bytes)
    if sniff_kind(data, path) == "xlsx":
        grid, sheet_used, sheets, warnings = read_xlsx_grid(data, path, sheet, max_bytes)
        info = TableInfo(file=str(path), format="xlsx", encoding=None, delimiter=None,
                         sheet=sheet_used, sheets=sheets, warnings=warnings)
        if len(sheets) > 1:
            others = "、".join(f"「{n}」" for n in sheets if n != sheet_used)
            info.warnings.append(f"シート「{sheet_used}」を読みました。ほかのシート {others} は読んでいません。")
        return grid, info, header
    text, enc = decode(data, path, encoding)
    _check_text(text, path)
    lines = _lines(text)
    fmt, delimiter = _text_format(path, lines)
    info = TableInfo(file=str(path), format=fmt, encoding=enc, delimiter=delimiter)
    if fmt != "txt":
        return _parse_delimited(text, delimiter, path, info.warnings), info, header
    first = next((line for line in lines if line.strip()), None)
    header = header and first is not None and normalize_name(first) in header_names
    return [(i, [line]) for i, line in enumerate(lines, start=1)], info, header


def _to_frame(grid: list[tuple[int, list[str]]], info: TableInfo, header: bool, path: Path,
              header_names: set[str]):
    """The DataFrame of a grid; fills in info's header row, columns and row numbers."""
    import pandas as pd

    has_value = [any(map(str.strip, cells)) for _, cells in grid]
    filled = [i for i, v in enumerate(has_value) if v]
    if not filled:
        raise InputError("ファイルに値がありません(空のファイルです)。", file=path)
    # Empty rows after the last value are not gaps anyone sees (Excel keeps formatted blank rows).
    end = filled[-1] + 1
    rows = grid[:end]
    width = max(len(cells) for _, cells in rows)
    first = 0  # index in grid of the first data row
    if header:
        start = _header_index(rows, filled, header_names)
        if start != filled[0]:
            titles = [rows[i][0] for i in filled if i < start]
            info.warnings.append(f"表の上のタイトル行({', '.join(map(str, titles))} 行目)を見出しとみなさず読み飛ばしました。")
        info.header_row, head = rows[start]
        first = start + 1
        names, generated = _column_names(head, width)
    else:
        names, generated = [column_letter(i) for i in range(width)], [True] * width

    records, source_rows, empty_rows = [], [], []
    for k in range(first, end):
        number, cells = grid[k]
        if not has_value[k]:
            empty_rows.append(number)
            continue
        records.append(cells if len(cells) == width else cells + [""] * (width - len(cells)))
        source_rows.append(number)

    # drop columns with no header and no value (trailing commas, blank Excel columns)
    keep = [i for i in range(width) if not generated[i] or any(r[i].strip() for r in records)]
    if len(keep) < width:
        records = [[r[i] for i in keep] for r in records]
    info.columns = [names[i] for i in keep]
    info.column_letters = [column_letter(i) for i in keep]
    info.source_rows, info.empty_rows = source_rows, empty_rows
    if not records:
        return pd.DataFrame({n: pd.Series(dtype=object) for n in info.columns})
    return pd.DataFrame(records, columns=info.columns, dtype=object)


def _header_index(rows, filled: list[int], header_names: set[str], look: int = 10) -> int:
    """Index of the header row: the first non-empty row, unless it is a one-cell title above a wider
    table (「第1回 全区会議 付箋一覧」 in A1, the header in row 3), as Japanese sheets often have."""
    widths = [sum(bool(c.strip()) for c in rows[i][1]) for i in filled[:look]]
    if widths[0] != 1 or not any(w >= 2 for w in widths[1:]):
        return filled[0]
    title = next(c for c in rows[filled[0]][1] if c.strip())
    if normalize_name(title) in header_names:  # a one-column header such as 「付箋」, not a title
        return filled[0]
    return next(i for i, w in zip(filled, widths) if w >= 2)


def _check_text(text: str, path: Path) -> None:
    controls = _CONTROL.findall(text)
    if controls and len(controls) > max(2, _MAX_CONTROL_SHARE * len(text)):
        raise InputError("バイナリファイル(制御文字が多い)のため、テキストとして読めません。", file=path,
                         hint="付箋の表を.xlsx、.csv、.tsv、.txtのいずれかで保存してください")


def _text_format(path: Path, lines: list[str]) -> tuple[str, str | None]:
    """Format and delimiter from the extension, corrected by the header line when they disagree."""
    suffix = path.suffix.lower()
    first = next((line for line in lines if line.strip()), "")
    if suffix == ".txt":
        lines = [line for line in lines if line.strip()]
        tabs = first.count("\t")
        if tabs and sum(line.count("\t") == tabs for line in lines) >= 0.8 * len(lines):
            return "tsv", "\t"
        return "txt", None
    if suffix == ".tsv":
        return ("csv", ",") if "\t" not in first and "," in first else ("tsv", "\t")
    # .csv and unknown extensions: comma unless the header line clearly uses tabs instead
    if "\t" in first and "," not in first:
        return "tsv", "\t"
    return "csv", ","


def _lines(text: str) -> list[str]:
    """Lines split on CRLF, CR or LF only (str.splitlines also splits on U+2028, FF, …)."""
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()  # the final line ending does not start a new line
    return lines


def _parse_delimited(text: str, delimiter: str, path: Path, warnings: list[str]) -> list[tuple[int, list[str]]]:
    """Records numbered as a spreadsheet numbers rows (a quoted cell may span several lines).

    The one change to cells: the formula guard of write_csv (``'=…``) is taken off again. A record
    spanning many lines is reported: it is usually a quote left open, not a long note.
    """
    if "'" not in text and '"' not in text:
        # No quote at all: one record per line and no guard to take off, so nothing to do per row.
        try:
            return list(enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1))
        except csv.Error:
            pass  # read again below, which names the row
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    guarded = "'" in text  # only a cell starting with ' can carry a guard
    rows = []
    line = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if guarded:
                cells = [unguard_cell(c) if c[:1] == "'" else c for c in cells]
            rows.append((number, cells))
            if reader.line_num - line > _MANY_LINES:
                warnings.append(f"{number}行目のセルが {reader.line_num - line} 行にわたっています。"
                                '引用符(")の閉じ忘れがないか確認してください。')
            line = reader.line_num
    except csv.Error:
        raise InputError("CSVとして読めない行があります。", file=path, row=len(rows) + 1,
                         hint='引用符(")の閉じ忘れがないか確認してください') from None
    return rows


def normalize_name(name: str) -> str:
    """A header as compared: NFKC, case-folded, without any whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).casefold()


def _column_names(head: list[str], width: int) -> tuple[list[str], list[bool]]:
    """Unique column names, and whether each was made up (the header cell was empty)."""
    names, generated, seen = [], [], {}
    for i in range(width):
        raw = head[i].strip() if i < len(head) else ""
        name = raw or f"列{column_letter(i)}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
        generated.append(not raw)
    return names, generated
