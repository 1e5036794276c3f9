"""What an uploaded file really is, judged by its bytes, never by its name or the browser's word.

Returns the format the readers understand (``xlsx``, ``csv``, ``tsv``, ``txt``) or raises an
``InputError`` in Japanese. The file name only chooses between text formats that the bytes cannot tell
apart (a .txt of one note per line against a one-column .csv).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from issuemine.errors import InputError

# Signatures of formats people drop by mistake, with what to tell them.
_BINARY = [
    (b"%PDF", "PDF ファイルです"),
    (b"\x89PNG", "画像(PNG)です"),
    (b"\xff\xd8\xff", "画像(JPEG)です"),
    (b"GIF8", "画像(GIF)です"),
    (b"\xd0\xcf\x11\xe0", "古い形式の Excel(.xls)または Word 文書です。Excel で .xlsx か CSV として保存し直してください"),
    (b"MZ", "実行ファイルです"),
    (b"\x7fELF", "実行ファイルです"),
    (b"\x1f\x8b", "圧縮ファイル(gzip)です"),
    (b"Rar!", "圧縮ファイル(RAR)です"),
    (b"7z\xbc\xaf", "圧縮ファイル(7z)です"),
]
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}


def sniff(data: bytes, filename: str) -> str:
    """The format of ``data``: 'xlsx', 'csv', 'tsv' or 'txt'. Raises InputError when it is none of them."""
    if not data:
        raise InputError("ファイルが空です。", file=filename)
    if data.startswith(b"PK\x03\x04"):
        return _check_xlsx(data, filename)
    for magic, what in _BINARY:
        if data.startswith(magic):
            raise InputError(f"読み込めない種類のファイル({what})。", file=filename,
                             hint="CSV・TSV・テキスト・Excel(.xlsx)のいずれかを選んでください")
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


def _check_xlsx(data: bytes, filename: str) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        raise InputError("壊れた ZIP / Excel ファイルです。", file=filename) from None
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    raise InputError("Excel(.xlsx)ではない ZIP ファイルです。", file=filename,
                     hint="Word や PowerPoint のファイルは読めません。表は .xlsx か CSV で保存してください")


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
