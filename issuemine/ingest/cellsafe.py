"""What a cell may hold when it leaves the tool: one rule for formula starts, one for characters.

* **Formula starts** — a text cell starting with ``= + - @`` (or their full-width forms ``＝ ＋ － ＠``,
  which Japanese Excel also reads as a formula), a tab or a carriage return would run as a formula in a
  spreadsheet. The CSV writer (``csvout``) prefixes such a cell with ``'``; the xlsx writer
  (``issuemine.report.xlsx``) stores it as a quote-prefixed inline string. Both ask :func:`formula_like`.
* **Characters** — XML 1.0 (the inside of an .xlsx) cannot hold C0 control characters other than tab,
  line feed and carriage return, lone surrogates, or the non-characters U+FFFE/U+FFFF; a file holding one
  either crashes openpyxl (IllegalCharacterError) or is a workbook Excel refuses to open. C1 controls
  and the other non-characters (U+FDD0–U+FDEF, U+nFFFE/U+nFFFF) are legal XML but are never text anyone
  typed. :func:`xlsx_text` replaces each of them with a visible U+FFFD ``�`` and counts them, so the
  workbook always opens and the reader can see where something was.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_FORMULA_CLASS = "=+\\-@\\t\\r＝＋－＠"
# A value already looking guarded ('=…, ''=…) gets one more quote, so unguard(guard(v)) == v always.
GUARDED = re.compile(f"'*[{_FORMULA_CLASS}]")
UNGUARD = re.compile(f"'+[{_FORMULA_CLASS}]")

REPLACEMENT = "\ufffd"
_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
UNSAFE_CHARS = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")


def formula_like(value: str) -> bool:
    """Whether a spreadsheet would take this text for a formula (it starts with a formula character)."""
    return value.startswith(FORMULA_STARTS)


def xlsx_text(value: str) -> tuple[str, int]:
    """``(value with every character an .xlsx cannot carry replaced by U+FFFD, how many were replaced)``."""
    if UNSAFE_CHARS.search(value) is None:
        return value, 0
    return UNSAFE_CHARS.subn(REPLACEMENT, value)


def unsafe_note(count: int, where: str = "Excel ファイル") -> str:
    """The Japanese note telling the reader that characters were replaced (never quoting the text)."""
    return (f"{where}に書けない文字(制御文字など、コピー&ペーストで紛れ込む見えない文字){count:,} 個を"
            f"「{REPLACEMENT}」に置き換えました。")
