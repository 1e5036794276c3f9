"""Hard caps that keep a small hostile file from costing minutes and gigabytes (one place for all).

A workshop file is a few hundred to a few hundred thousand sticky notes in a handful of columns, and a
questionnaire is at most a few hundred columns. Anything far beyond is refused early with a Japanese
message instead of being expanded in memory: a CSV line of 19 million commas, an .xlsx whose one
value per row sits in column XFD, a table whose rows × columns would not fit a laptop.
"""

from __future__ import annotations

MAX_COLUMNS = 1024  # columns holding a value (Excel allows 16,384; no workshop file comes near 1,000)
MIN_CELLS = 5_000_000  # rows × columns kept (300,000 notes × 5 columns = 1.5 million)


def max_cells(max_bytes: int) -> int:
    """The cell cap for a file limit: 5 million, or more when the byte limit was raised (--max-mb)."""
    return max(MIN_CELLS, max_bytes // 4)
