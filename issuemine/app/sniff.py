"""What an uploaded file really is, judged by its bytes, never by its name or the browser's word.

Returns the format the readers understand (``xlsx``, ``csv``, ``tsv``, ``txt``) or raises an
``InputError`` in Japanese. The file name only chooses between text formats that the bytes cannot tell
apart (a .txt of one note per line against a one-column .csv).
"""

from __future__ import annotations

import re
from pathlib import PurePath

from issuemine.errors import InputError
from issuemine.ingest.source import sniff_kind

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}


def sniff(data: bytes, filename: str) -> str:
    """The format of ``data``: 'xlsx', 'csv', 'tsv' or 'txt'. Raises InputError when it is none of them."""
    # Images, PDFs, old .xls, archives and broken or foreign zips: ingest's content checks, one place.
    if sniff_kind(data, filename) == "xlsx":
        return "xlsx"
    head = data[:65536]
    if not head.startswith(_UTF16_BOMS) and b"\x00" in head:
        raise InputError("文字のファイルではありません(バイナリデータを含みます)。", file=filename,
                         hint="CSV・TSV・テキスト・Excel(.xlsx)のいずれかを選んでください")
    suffix = PurePath(filename).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return suffix[1:]
    first = _first_line(head)
    if "\t" in first:
        return "tsv"
    if "," in first:
        return "csv"
    return "txt"


def _first_line(head: bytes) -> str:
    if head.startswith(_UTF16_BOMS):
        text = head.decode("utf-16", errors="ignore")
        return text.split("\n", 1)[0]
    # Only ASCII separators matter here, and they are the same bytes in UTF-8, CP932 and EUC-JP.
    # (Split the bytes: str.splitlines would also break at bytes such as 0x85 inside a Japanese character.)
    return head.split(b"\n", 1)[0].decode("latin-1")


def safe_name(filename: str, fmt: str) -> str:
    """A file name safe to create on disk, keeping the user's stem (shown in messages) and the true suffix."""
    stem = PurePath(filename.replace("\\", "/")).stem or "upload"
    stem = re.sub(r"[\x00-\x1f/:*?\"<>|]", "_", stem).strip(" .") or "upload"
    return f"{stem[:120]}.{fmt}"
