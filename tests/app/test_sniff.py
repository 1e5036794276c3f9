"""File type by content: known answers and a property (any bytes → a format or the tool's own error)."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from issuemine.app.sniff import safe_name, sniff
from issuemine.errors import InputError


def _zip(names) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n in names:
            z.writestr(n, "x")
    return buf.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["内容"])
    wb.active.append(["①訪看が足りない"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("data,name,expected", [
    ("内容,グループ\n足りない,A\n".encode("cp932"), "a.csv", "csv"),
    ("内容\tグループ\n足りない\tA\n".encode("euc-jp"), "a.tsv", "tsv"),
    ("足りない\n少ない\n".encode("utf-8"), "a.txt", "txt"),
    ("内容\tグループ\n".encode("utf-8"), "no-suffix", "tsv"),
    ("内容,グループ\n".encode("utf-8"), "notes.dat", "csv"),
    ("足りない\n".encode("utf-8"), "notes", "txt"),
    ("内容,グループ\n".encode("utf-16"), "a.csv", "csv"),  # UTF-16 has NUL bytes but a BOM
    ("内容\tグループ\n".encode("utf-16"), "x", "tsv"),
])
def test_text_formats(data, name, expected):
    assert sniff(data, name) == expected


def test_xlsx_by_content_whatever_the_name():
    assert sniff(_xlsx(), "付箋.csv") == "xlsx"


@pytest.mark.parametrize("data,fragment", [
    (b"", "空"),
    (b"%PDF-1.7\n...", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
    (b"abc\x00def", "バイナリ"),
    (b"PK\x03\x04broken", "壊れ"),
])
def test_refused_with_a_japanese_message(data, fragment):
    with pytest.raises(InputError) as info:
        sniff(data, "付箋.csv")
    assert fragment in str(info.value) and "付箋.csv" in str(info.value)


def test_zip_that_is_not_xlsx():
    with pytest.raises(InputError, match="Excel"):
        sniff(_zip(["word/document.xml", "[Content_Types].xml"]), "a.xlsx")


@settings(max_examples=200, deadline=None)
@given(hs.binary(max_size=2048), hs.sampled_from(["a.csv", "a.xlsx", "a", "a.txt", "../../x.tsv"]))
def test_any_bytes_give_a_format_or_our_error(data, name):
    try:
        assert sniff(data, name) in {"csv", "tsv", "txt", "xlsx"}
    except InputError as exc:
        assert exc.message


@pytest.mark.parametrize("name,fmt,expected", [
    ("付箋.csv", "csv", "付箋.csv"),
    ("../../etc/passwd", "txt", "passwd.txt"),
    ("C:\\Users\\me\\notes.xlsx", "xlsx", "notes.xlsx"),
    ("a:b*c?.csv", "xlsx", "a_b_c_.xlsx"),
    ("...", "csv", "upload.csv"),
])
def test_safe_name(name, fmt, expected):
    assert safe_name(name, fmt) == expected
