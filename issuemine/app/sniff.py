"""What an uploaded file really is, judged by its bytes, never by its name or the browser's word.

Returns the format the readers understand (``xlsx``, ``csv``, ``tsv``, ``txt``) or raises an
``InputError`` in Japanese. The file name only chooses between text formats that the bytes cannot tell
apart (a .txt of one note per line against a one-column .csv).
"""

from __future__ import annotations

import re
from pathlib import PurePath

from issuemine.ingest.encoding import decode
from issuemine.ingest.source import sniff_kind

TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}


def sniff(data: bytes, filename: str) -> str:
    """The format of ``data``: 'xlsx', 'csv', 'tsv' or 'txt'. Raises InputError when it is none of them."""
    # Images, PDFs, old .xls, archives and broken or foreign zips: ingest's content checks, one place.
    if sniff_kind(data, filename) == "xlsx":
        return "xlsx"
    head = data[:65536]
    text = None
    if b"\x00" in head:
        # NUL bytes: UTF-16/UTF-32 with a BOM, or binary. The command line's rule decides (one rule for
        # both): ingest's decoder accepts the BOM encodings and refuses the rest with its own message.
        text, _ = decode(data, filename)
    suffix = PurePath(filename).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return suffix[1:]
    first = _first_line(head, text)
    if "\t" in first:
        return "tsv"
    if "," in first:
        return "csv"
    return "txt"


def _first_line(head: bytes, text: str | None) -> str:
    if text is not None:
        return text.split("\n", 1)[0]
    # Only ASCII separators matter here, and they are the same bytes in UTF-8, CP932 and EUC-JP.
    # (Split the bytes: str.splitlines would also break at bytes such as 0x85 inside a Japanese character.)
    return head.split(b"\n", 1)[0].decode("latin-1")


def safe_name(filename: str, fmt: str) -> str:
    """A file name safe to create on disk, keeping the user's stem (shown in messages) and the true suffix."""
    stem = PurePath(filename.replace("\\", "/")).stem or "upload"
    stem = re.sub(r"[\x00-\x1f/:*?\"<>|]", "_", stem).strip(" .") or "upload"
    return f"{stem[:120]}.{fmt}"
