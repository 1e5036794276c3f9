"""Load a workshop file's bytes and tell what kind of content it holds (by content, not by name).

The checks here run before any decoding so that an image, a PDF or an old ``.xls`` renamed to ``.csv``
gets a clear message instead of a page of mojibake.
"""

from __future__ import annotations

import math
import zipfile
from io import BytesIO
from pathlib import Path

from issuemine.errors import InputError

DEFAULT_MAX_BYTES = 20 * 2**20


def _limit_hint(size: int | None = None) -> str:
    """How to read the file anyway: the exact ``--max-mb`` value that fits it (a large survey export
    is a normal input for the command line; the limit is there so that a wrong file is refused at once)."""
    mb = f"{math.ceil(size / 2**20) + 1}" if size else "50"
    return (f"ファイルを分けるか、上限を上げてください(issuemine のコマンドでは --max-mb {mb} を付けると読めます。"
            f"Python からは max_bytes={size if size else 50 * 2**20})")

# Magic numbers of files people attach by mistake. Zip is handled separately (xlsx is a zip).
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "画像ファイル(PNG)"),
    (b"\xff\xd8\xff", "画像ファイル(JPEG)"),
    (b"GIF87a", "画像ファイル(GIF)"),
    (b"GIF89a", "画像ファイル(GIF)"),
    (b"%PDF-", "PDFファイル"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "古い形式のOffice文書(.xls/.doc)またはパスワード付きのExcelファイル"),
    (b"\x1f\x8b", "gzip圧縮ファイル"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip圧縮ファイル"),
    (b"Rar!\x1a\x07", "RAR圧縮ファイル"),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def human_size(n: int) -> str:
    """A size as people read it, in MB for anything large."""
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n:,} バイト"


def load_bytes(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, after checking it exists, is a file and is not over ``max_bytes``."""
    p = Path(path)
    try:
        exists, is_file = p.exists(), p.is_file()
        size = p.stat().st_size if is_file else 0
    except (OSError, ValueError):  # a name the system cannot use (NUL byte, too long)
        exists = is_file = False
    if not exists:
        raise InputError("ファイルが見つかりません。", file=p, hint="パスの綴りと場所を確認してください")
    if not is_file:
        raise InputError("ファイルではありません(フォルダなど)。", file=p)
    if size > max_bytes:
        raise InputError(
            f"ファイルが大きすぎます({human_size(size)})。上限は {human_size(max_bytes)} です。",
            file=p, hint=_limit_hint(size),
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"ファイルを開けません({type(exc).__name__})。", file=p) from None
    if len(data) > max_bytes:  # the file grew between stat and read
        raise InputError(f"ファイルが大きすぎます。上限は {human_size(max_bytes)} です。", file=p, hint=_limit_hint(len(data)))
    return data


def sniff_kind(data: bytes, path: str | Path) -> str:
    """``"xlsx"`` or ``"text"``; raises InputError for empty, binary or non-xlsx zip content."""
    p = Path(path)
    if not data:
        raise InputError("ファイルが空です(0バイト)。", file=p)
    if data.startswith(_ZIP_MAGIC):
        names = _zip_names(data)
        if names is not None and "xl/workbook.xml" in names:
            return "xlsx"
        if p.suffix.lower() in (".xlsx", ".xlsm"):
            raise InputError("xlsxファイルが壊れているため読めません。", file=p,
                             hint="Excelで開いて保存し直すか、CSVで保存してください")
        if names is None:
            raise InputError("ZIP形式のファイルですが、壊れているため読めません。", file=p,
                             hint="Excelの表なら、Excelで開いて.xlsxかCSVで保存し直してください")
        raise InputError("ZIP形式のファイルですが、Excel(.xlsx)ではありません。", file=p,
                         hint="付箋の表を.xlsx、.csv、.tsv、.txtのいずれかで保存してください")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            hint = ("Excelで開き、.xlsxかCSVで保存し直してください" if magic.startswith(b"\xd0\xcf")
                    else "付箋の表を.xlsx、.csv、.tsv、.txtのいずれかで保存してください")
            raise InputError(f"{kind}のため読めません。", file=p, hint=hint)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        raise InputError("拡張子は.xlsxですが、中身がExcelファイルではありません(破損しているか別の形式です)。",
                         file=p, hint="Excelで開いて保存し直すか、CSVで保存してください")
    return "text"


def _zip_names(data: bytes) -> list[str] | None:
    """The members of a zip archive, or None when it is broken."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            return zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def zip_uncompressed_size(data: bytes) -> int:
    """Sum of the members' declared sizes: guards against a zip bomb disguised as .xlsx."""
    with zipfile.ZipFile(BytesIO(data)) as zf:
        return sum(i.file_size for i in zf.infolist())
