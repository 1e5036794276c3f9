"""The malformed-CSV check: a quote that opens and never closes.

Python's csv reader (like Excel) reads everything after an unclosed ``"`` as one cell up to the end of
the file, so 41 notes silently become one. When that happens only the file's last record can be
affected (the open quote runs to the end), so only that record is scanned again, with the same rules
as the reader: a field opened by ``"`` ends at ``"`` (``""`` is a quote inside it).

* The quote swallowed line ends → :class:`InputError` naming the row and column where it opens.
* It opened on the last line and swallowed nothing → a warning with the row (the note is read as is).
"""

from __future__ import annotations

import re
from pathlib import Path

from issuemine.errors import InputError

_LINE_END = re.compile(r"\r\n|\r|\n")
_QUOTED = re.compile(r'[^"]*(?:""[^"]*)*')  # the inside of a quoted field, up to its closing quote


def _line_start(text: str, lines_before: int) -> int:
    """Offset where physical line ``lines_before + 1`` begins."""
    if lines_before <= 0:
        return 0
    for k, m in enumerate(_LINE_END.finditer(text), start=1):
        if k == lines_before:
            return m.end()
    return len(text)


def find_unclosed_quote(text: str, delimiter: str, lines_before: int) -> tuple[int, int] | None:
    """In the last record (starting after ``lines_before`` physical lines): ``(0-based field where a
    quote opens and never closes, line ends it swallowed)``, or None when every quote closes."""
    pos = _line_start(text, lines_before)
    end = len(text)
    unquoted = re.compile(f"[^{re.escape(delimiter)}\\r\\n]*")
    field = 0
    while True:
        if pos < end and text[pos] == '"':
            opened = pos
            pos = _QUOTED.match(text, pos + 1).end()
            if pos >= end:
                return field, len(_LINE_END.findall(text.rstrip("\r\n"), opened))
            pos += 1  # the closing quote
        pos = unquoted.match(text, pos).end()
        if pos < end and text[pos] == delimiter:
            pos += 1
            field += 1
            continue
        return None


def unclosed_quote_warning(swallowed: int, row: int, letter: str, name: str, path: str | Path) -> str:
    """Raise InputError when the unclosed quote swallowed line ends (notes were merged), else the
    warning for a quote left open on the last line (nothing merged; the cell is read as is).
    ``letter`` is the column's letter, ``name`` its header (may be empty)."""
    where = f"{letter}列" + (f"(「{name}」)" if name else "")
    if swallowed:
        raise InputError(
            f'{where}で開いた引用符(")が閉じられていないため、そこからファイルの終わりまでの {swallowed + 1} 行が'
            "ひとつのセルとして読まれてしまいます。",
            file=path, row=row, column=name or letter,
            hint='その引用符を消すか、セルの終わりに引用符(")を足して保存し直してください')
    return f'{row}行目の{where}で開いた引用符(")が閉じられていません(ファイルの最後の行なので、そのまま読みました)。'
