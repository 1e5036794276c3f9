"""Every user mistake is an InputError in Japanese naming file, row and column — never note text."""

from __future__ import annotations

import io
import zipfile

import pytest

from issuemine.errors import InputError, IssuemineError
from issuemine.ingest import read_notes, read_table

from .samples import csv_text, write_xlsx

SECRET = "山田さんの娘さんの胃瘻"  # stands for note text that must never appear in a message


def _error(path, **kwargs) -> InputError:
    with pytest.raises(InputError) as err:
        read_notes(path, **kwargs)
    exc = err.value
    assert isinstance(exc, IssuemineError) and exc.message
    assert exc.file is not None and str(path.name) in str(exc)
    assert SECRET not in str(exc)
    return exc


def test_missing_file(tmp_path):
    assert "見つかりません" in _error(tmp_path / "なし.csv").message


def test_directory(tmp_path):
    (tmp_path / "d.csv").mkdir()
    assert "ファイルではありません" in _error(tmp_path / "d.csv").message


def test_empty_file(tmp_path):
    (tmp_path / "e.csv").write_bytes(b"")
    assert "空" in _error(tmp_path / "e.csv").message


def test_blank_lines_only(tmp_path):
    (tmp_path / "e.txt").write_text("\n  \n\u3000\n", encoding="utf-8")
    assert "空" in _error(tmp_path / "e.txt").message


def test_header_only_no_notes(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("班,内容\n1班,\n2班,  \n", encoding="utf-8")
    exc = _error(path)
    assert "1件もありません" in exc.message and exc.column == "内容" and "2 行" in str(exc)


def test_too_big(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("内容\n" + "連携不足\n" * 300, encoding="utf-8")
    exc = _error(path, max_bytes=1000)
    assert "大きすぎます" in exc.message and "1,000 バイト" in exc.message
    assert read_notes(path).shape[0] == 300


def test_nul_bytes_are_binary(tmp_path):
    path = tmp_path / "bin.csv"
    path.write_bytes(b"abc\ndef\x00\x01\x02ghi\n")
    exc = _error(path)
    assert "バイナリ" in exc.message and exc.row == 2


@pytest.mark.parametrize("name, data, words", [
    ("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "画像"),
    ("scan.txt", b"\xff\xd8\xff\xe0" + bytes(200), "画像"),
    ("report.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), ".xls"),
    ("notes.csv.gz", b"\x1f\x8b\x08\x00" + bytes(20), "gzip"),
])
def test_binary_formats_by_content_not_extension(tmp_path, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    assert words in _error(path).message


def test_control_characters_mean_binary(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16]) * 20)
    assert "バイナリ" in _error(path).message


def test_zip_that_is_not_xlsx(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    for name in ("a.zip", "b.csv"):
        (tmp_path / name).write_bytes(buf.getvalue())
        assert "Excel(.xlsx)ではありません" in _error(tmp_path / name).message
    (tmp_path / "c.xlsx").write_bytes(buf.getvalue())
    assert "壊れている" in _error(tmp_path / "c.xlsx").message


def test_xlsx_renamed_csv_is_read_as_xlsx(tmp_path):
    write_xlsx(tmp_path / "real.xlsx", ["内容"], [["連携不足"]])
    (tmp_path / "renamed.csv").write_bytes((tmp_path / "real.xlsx").read_bytes())
    assert read_notes(tmp_path / "renamed.csv")["text"].tolist() == ["連携不足"]


def test_text_named_xlsx(tmp_path):
    (tmp_path / "t.xlsx").write_text("内容\n連携不足\n", encoding="utf-8")
    assert "Excelファイルではありません" in _error(tmp_path / "t.xlsx").message


def test_corrupt_xlsx(tmp_path):
    good = write_xlsx(tmp_path / "g.xlsx", ["内容"], [[SECRET]]).read_bytes()
    # keep the zip directory valid but break the sheet XML
    src = zipfile.ZipFile(io.BytesIO(good))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            zf.writestr(item, data)
    (tmp_path / "bad.xlsx").write_bytes(buf.getvalue())
    assert "壊れている" in _error(tmp_path / "bad.xlsx").message
    (tmp_path / "cut.xlsx").write_bytes(good[: len(good) // 2])
    assert "壊れている" in _error(tmp_path / "cut.xlsx").message


def test_no_text_column_lists_columns_found(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text(csv_text(["班", "職種", "メモ"], [["1班", "医師", SECRET]]), encoding="utf-8")
    exc = _error(path)
    assert "「班」、「職種」、「メモ」" in exc.message and exc.row == 1
    assert "header=False" in str(exc)  # the hint for headerless files


def test_no_text_column_cuts_long_header_cells(tmp_path):
    # a headerless file read with a header: the "columns" are notes, so they are shortened
    path = tmp_path / "w.csv"
    long_note = "あ" * 40
    path.write_text(csv_text(None, [["1班", long_note]]), encoding="utf-8")
    exc = _error(path)
    assert long_note not in str(exc) and "あ" * 20 + "…" in str(exc)


def test_unclosed_quote_names_row_and_column(tmp_path):
    path = tmp_path / "w.csv"
    # an unclosed quote swallows the rest of the file into one cell
    path.write_text('班,内容\n1班,連携不足\n2班,"' + (SECRET + "\n") * 300, encoding="utf-8")
    exc = _error(path)
    assert exc.row == 3 and exc.column == "内容" and "引用符" in exc.message and "300 行" in exc.message
    assert "3行目" in str(exc) and "列「内容」" in str(exc)


def test_too_long_cell_names_row_and_column(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text('班,内容\n1班,連携不足\n2班,"' + SECRET * 300 + '"\n', encoding="utf-8")
    exc = _error(path)
    assert exc.row == 3 and exc.column == "内容" and "長すぎます" in exc.message
    assert "3行目" in str(exc) and "列「内容」" in str(exc)


def test_max_chars_is_adjustable(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("内容\n" + "あ" * 50 + "\n", encoding="utf-8")
    assert _error(path, max_chars=49).row == 2
    assert read_notes(path, max_chars=50).shape[0] == 1


def test_empty_xlsx(tmp_path):
    import openpyxl

    openpyxl.Workbook().save(tmp_path / "e.xlsx")
    assert "空" in _error(tmp_path / "e.xlsx").message


def test_read_table_raises_the_same_errors(tmp_path):
    (tmp_path / "e.csv").write_bytes(b"")
    with pytest.raises(InputError, match="空"):
        read_table(tmp_path / "e.csv")


def test_unclosed_quote_under_the_length_limit_is_an_error(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text('班,内容\n1班,連携不足\n2班,"人手不足\n3班,a\n4班,b\n5班,c\n6班,d\n7班,e\n', encoding="utf-8")
    exc = _error(path)  # the open quote would swallow rows 3–8 into one cell
    assert exc.row == 3 and exc.column == "内容" and "6 行" in exc.message


def test_unclosed_quote_on_the_last_line_is_warned(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text('班,内容\n1班,連携不足\n2班,"人手不足\n', encoding="utf-8")
    df = read_notes(path)
    assert df["text"].tolist() == ["連携不足", "人手不足\n"]
    assert any("3行目のB列(「内容」)で開いた引用符" in w for w in df.attrs["report"].warnings)


def test_quote_closed_many_lines_later_is_warned(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text('班,内容\n1班,連携不足\n2班,"人手不足\n3班,a\n4班,b\n5班,c\n6班,d\n7班,"e\n8班,f\n',
                    encoding="utf-8")
    df = read_notes(path)
    assert len(df) == 3
    assert any("3行目のセルが" in w and "引用符" in w for w in df.attrs["report"].warnings)
