"""Read any workshop or questionnaire file as a raw table of strings, remembering where each row came from."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from operator import methodcaller
from pathlib import Path

from issuemine.errors import InputError
from issuemine.ingest import limits
from issuemine.ingest.csvout import unguard_cell
from issuemine.ingest.encoding import decode
from issuemine.ingest.quotes import find_unclosed_quote, unclosed_quote_warning
from issuemine.ingest.source import DEFAULT_MAX_BYTES, load_bytes, sniff_kind
from issuemine.ingest.xlsx import read_xlsx_grid

# A decoded "text" file with this share of control characters is binary that happened to decode.
_MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_MANY_LINES = 5  # physical lines in one record before it is worth a warning
_LINE_END = re.compile(r"\r\n|\r|\n")
# Whitespace (exactly the characters str.isspace accepts) and the invisible characters a copy-paste
# leaves (zero-width space/joiners, word joiner, BOM, soft hyphen, Mongolian vowel separator): a cell
# of only these is empty. Stripped with str.strip(chars), which runs at C speed on 100k-row files.
BLANK_CHARS = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
               "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
               "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
_strip_blank = methodcaller("strip", BLANK_CHARS)


def is_blank(value: str) -> bool:
    """Whether a cell shows nothing: empty, whitespace, or only zero-width characters."""
    return not value.strip(BLANK_CHARS)


@dataclass
class TableInfo:
    """How a file was read: what read_table found, for reports and error messages."""

    file: str
    format: str  # "csv", "tsv", "txt" or "xlsx"
    encoding: str | None  # None for xlsx
    delimiter: str | None  # "," or "\t"; None for txt and xlsx
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)  # every sheet of the workbook, in order
    hidden_sheets: list[str] = field(default_factory=list)
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
    grid, file_columns, info, header = _load_grid(path, header=header, encoding=encoding, max_bytes=max_bytes,
                                                  sheet=sheet, header_names=header_names or set())
    return _to_frame(grid, file_columns, info, header, path, header_names or set(),
                     limits.max_cells(max_bytes)), info


def _load_grid(path: Path, *, header: bool, encoding, max_bytes: int, sheet, header_names: set[str]):
    """``(rows of (file row, cells), file column of each grid column or None for 0, 1, 2 …,
    TableInfo without columns yet, whether row 1 is a header)``. Rows may be missing (empty xlsx rows)."""
    data = load_bytes(path, max_bytes)
    if sniff_kind(data, path) == "xlsx":
        got = read_xlsx_grid(data, path, sheet, max_bytes)
        info = TableInfo(file=str(path), format="xlsx", encoding=None, delimiter=None, sheet=got.sheet,
                         sheets=[s.name for s in got.sheets],
                         hidden_sheets=[s.name for s in got.sheets if not s.visible], warnings=got.warnings)
        return got.rows, got.columns, info, header
    text, enc = decode(data, path, encoding)
    _check_text(text, path)
    lines = _lines(text)
    fmt, delimiter = _text_format(path, lines)
    info = TableInfo(file=str(path), format=fmt, encoding=enc, delimiter=delimiter)
    if delimiter == ";":
        info.warnings.append("区切り文字をセミコロン(;)と判定しました(見出し行にカンマもタブもないため)。")
    if fmt != "txt":
        _check_width(lines, delimiter, path)
        return _parse_delimited(text, delimiter, path, info.warnings), None, info, header
    first = next((line for line in lines if line.strip()), None)
    header = header and first is not None and normalize_name(first) in header_names
    return [(i, [line]) for i, line in enumerate(lines, start=1)], None, info, header


def _check_width(lines: list[str], delimiter: str, path: Path) -> None:
    """Fail fast on a line with far more fields than any table has (one line of millions of commas
    would otherwise become millions of cells). Delimiters inside quotes count too, hence the slack;
    the exact number of fields is checked again after parsing."""
    slack = 4 * limits.MAX_COLUMNS
    for number, line in enumerate(lines, start=1):
        if len(line) > slack and line.count(delimiter) > slack:
            raise _too_wide(path, number)


def _too_wide(path: Path, row: int) -> InputError:
    return InputError(f"列が多すぎます(上限 {limits.MAX_COLUMNS:,} 列)。付箋やアンケートの表として読める形ではありません。",
                      file=path, row=row,
                      hint="区切り文字(カンマ・タブ)だけが並んだ行がないか確認し、必要な列だけを保存し直してください")


def _to_frame(grid: list[tuple[int, list[str]]], file_columns: list[int] | None, info: TableInfo,
              header: bool, path: Path, header_names: set[str], max_cells: int):
    """The DataFrame of a grid; fills in info's header row, columns and row numbers."""
    import pandas as pd

    has_value = [any(map(_strip_blank, cells)) for _, cells in grid]
    filled = [i for i, v in enumerate(has_value) if v]
    if not filled:
        raise InputError("ファイルに値がありません(空のファイルです)。", file=path)
    # Empty rows after the last value are not gaps anyone sees (Excel keeps formatted blank rows).
    end = filled[-1] + 1
    rows = grid[:end]
    width = max(len(cells) for _, cells in rows)
    if width > limits.MAX_COLUMNS:
        raise _too_wide(path, next(n for n, cells in rows if len(cells) == width))
    if file_columns is None:
        file_columns = list(range(width))
    first = 0  # index in grid of the first data row
    if header:
        start = _header_index(rows, filled, header_names)
        if start != filled[0]:
            titles = [rows[i][0] for i in filled if i < start]
            info.warnings.append(f"表の上のタイトル行({', '.join(map(str, titles))} 行目)を見出しとみなさず読み飛ばしました。")
        info.header_row, head = rows[start]
        first = start + 1
        names, generated = _column_names(head, width, file_columns)
    else:
        names, generated = [column_letter(c) for c in file_columns], [True] * width

    records, source_rows, empty_rows = [], [], []
    previous = info.header_row if header else None
    for k in range(first, end):
        number, cells = grid[k]
        if previous is not None and number > previous + 1:  # rows the sheet does not hold at all
            empty_rows.extend(range(previous + 1, number))
        previous = number
        if not has_value[k]:
            empty_rows.append(number)
            continue
        records.append(cells)
        source_rows.append(number)

    # drop columns with no header and no value (trailing commas, blank Excel columns), then pad
    keep = [i for i in range(width)
            if not generated[i] or any(len(r) > i and not is_blank(r[i]) for r in records)]
    if len(records) * len(keep) > max_cells:
        raise InputError(f"表が大きすぎます({len(records):,} 行 × {len(keep):,} 列が上限の {max_cells:,} セルを超えています)。",
                         file=path, hint="必要な列だけを残して保存し直すか、ファイルを分けてください")
    if keep != list(range(width)) or any(len(r) != width for r in records):
        records = [[r[i] if i < len(r) else "" for i in keep] for r in records]
    info.columns = [names[i] for i in keep]
    info.column_letters = [column_letter(file_columns[i]) for i in keep]
    info.source_rows, info.empty_rows = source_rows, empty_rows
    if not records:
        return pd.DataFrame({n: pd.Series(dtype=object) for n in info.columns})
    return pd.DataFrame(records, columns=info.columns, dtype=object)


def _header_index(rows, filled: list[int], header_names: set[str], look: int = 10) -> int:
    """Index of the header row: the first non-empty row, unless it is a one-cell title above a wider
    table (「第1回 全区会議 付箋一覧」 in A1, the header in row 3), as Japanese sheets often have."""
    widths = [sum(not is_blank(c) for c in rows[i][1]) for i in filled[:look]]
    if widths[0] != 1 or not any(w >= 2 for w in widths[1:]):
        return filled[0]
    title = next(c for c in rows[filled[0]][1] if not is_blank(c))
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
    # .csv and unknown extensions: comma unless the header line clearly uses tabs (or semicolons, as
    # European Excel saves CSV) instead
    if "\t" in first and "," not in first:
        return "tsv", "\t"
    if ";" in first and "," not in first and "\t" not in first:
        return "csv", ";"
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
    guarded = "'" in text  # only a cell starting with ' can carry a guard
    fast = _single_line_records(text, delimiter, path, guarded)
    if fast is not None:
        rows, last_start = fast
    else:
        rows, last_start = _parse_records(text, delimiter, path, warnings, guarded)
    if '"' in text and rows:
        found = find_unclosed_quote(text, delimiter, last_start)
        if found is not None:
            field, swallowed = found
            head = next((cells for _, cells in rows if not all(map(is_blank, cells))), [])
            name = head[field].strip() if field < len(head) and len(rows) > 1 else ""
            name = name if len(name) <= 20 else name[:20] + "…"  # a headerless file's "header" is a note
            warnings.append(unclosed_quote_warning(swallowed, len(rows), column_letter(field), name, path))
    return rows


def _single_line_records(text: str, delimiter: str, path: Path, guarded: bool):
    """``(rows, physical lines before the last record)`` read in one C call when no record spans
    lines (the usual file: then nothing needs reporting per record), else None (read record by record)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        records = list(reader)
    except csv.Error:
        return None  # read again record by record, which names the row
    if reader.line_num != len(records):
        return None
    if records and max(map(len, records)) > limits.MAX_COLUMNS:
        raise _too_wide(path, next(i for i, r in enumerate(records, start=1) if len(r) > limits.MAX_COLUMNS))
    if guarded:
        records = [[unguard_cell(c) if c[:1] == "'" else c for c in cells] for cells in records]
    return list(enumerate(records, start=1)), len(records) - 1


def _parse_records(text: str, delimiter: str, path: Path, warnings: list[str], guarded: bool):
    """Record by record: rows, and the physical lines before the last record; a record spanning many
    lines is reported."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows = []
    line = last_start = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if len(cells) > limits.MAX_COLUMNS:
                raise _too_wide(path, number)
            if guarded:
                cells = [unguard_cell(c) if c[:1] == "'" else c for c in cells]
            rows.append((number, cells))
            if reader.line_num - line > _MANY_LINES:
                warnings.append(f"{number}行目のセルが {reader.line_num - line} 行にわたっています。"
                                '引用符(")の閉じ忘れがないか確認してください。')
            last_start, line = line, reader.line_num
    except csv.Error:
        raise InputError("CSVとして読めない行があります。", file=path, row=len(rows) + 1,
                         hint='引用符(")の閉じ忘れがないか確認してください') from None
    return rows, last_start


def normalize_name(name: str) -> str:
    """A header as compared: NFKC, case-folded, without any whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).casefold()


def _column_names(head: list[str], width: int, file_columns: list[int]) -> tuple[list[str], list[bool]]:
    """Unique column names, and whether each was made up (the header cell was empty).

    An empty header cell becomes ``列C`` (its letter), a repeated name ``名前.1``, ``名前.2`` … — always
    a name no other column has, also when the file itself has ``名前.1`` (「項目」「項目.1」「項目」 gives
    「項目」「項目.1」「項目.2」).
    """
    raws = [head[i].strip() if i < len(head) and not is_blank(head[i]) else "" for i in range(width)]
    taken = set(filter(None, raws))
    names, generated, used, counts = [], [], set(), {}
    for i, raw in enumerate(raws):
        name = raw or f"列{column_letter(file_columns[i])}"
        if name in used:
            n = counts.get(name, 0)
            while True:
                n += 1
                candidate = f"{name}.{n}"
                if candidate not in used and candidate not in taken:
                    break
            counts[name] = n
            name = candidate
        used.add(name)
        names.append(name)
        generated.append(not raw)
    return names, generated
