"""Excel specifics: merged cells, a wrong <dimension>, cell values shown as Excel shows them."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest

from issuemine.errors import InputError
from issuemine.ingest import read_notes, read_table
from issuemine.ingest.xlsx import cell_text


def _rewrite_sheet(data: bytes, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = change(body)
            zf.writestr(item, body)
    return out.getvalue()


def _book(tmp_path, build, name="w.xlsx"):
    wb = openpyxl.Workbook()
    build(wb.active)
    path = tmp_path / name
    wb.save(path)
    return path


def test_merged_group_cells_are_filled(tmp_path):
    def build(ws):
        ws.append(["班", "内容"])
        for text in ("連携不足", "人手不足", "情報共有"):
            ws.append([None, text])
        ws["A2"] = "1班"
        ws.merge_cells("A2:A4")
        ws.append(["2班", "送迎がない"])

    df = read_notes(_book(tmp_path, build))
    assert df["group"].tolist() == ["1班", "1班", "1班", "2班"]
    assert any("結合されたセル 2 個" in w for w in df.attrs["report"].warnings)


def test_wrong_dimension_does_not_cut_the_sheet(tmp_path):
    def build(ws):
        ws.append(["班", "職種", "内容"])
        ws.append(["1班", "医師", "連携不足"])

    path = _book(tmp_path, build)
    broken = _rewrite_sheet(path.read_bytes(),
                            lambda b: re.sub(rb'<dimension ref="[^"]+"\s*/>', b'<dimension ref="A1"/>', b))
    assert b'<dimension ref="A1"/>' in zipfile.ZipFile(io.BytesIO(broken)).read("xl/worksheets/sheet1.xml")
    path.write_bytes(broken)
    df = read_notes(path)
    assert df["text"].tolist() == ["連携不足"] and df["profession"].tolist() == ["医師"]


@pytest.mark.parametrize("value, shown", [
    (None, ""), ("  そのまま ", "  そのまま "), (3, "3"), (3.0, "3"), (2.5, "2.5"), (True, "TRUE"),
    (False, "FALSE"), (dt.datetime(2012, 11, 3), "2012-11-03"), (dt.datetime(2012, 11, 3, 9, 30), "2012-11-03 09:30:00"),
    (dt.date(2013, 1, 5), "2013-01-05"),
])
def test_cell_text(value, shown):
    assert cell_text(value) == shown


def test_values_round_trip_through_a_real_file(tmp_path):
    def build(ws):
        ws.append(["回", "班", "内容", "日付"])
        ws.append([1, 2.0, "連携不足", dt.datetime(2012, 11, 3)])

    table, info = read_table(_book(tmp_path, build))
    assert table.values.tolist() == [["1", "2", "連携不足", "2012-11-03"]]
    assert info.format == "xlsx" and info.header_row == 1 and info.source_rows == [2]


def test_uncomputed_formula_is_empty_and_said(tmp_path):
    # a program wrote a formula without a cached value: Excel would compute it, we cannot
    def build(ws):
        ws.append(["内容"])
        ws.append(["=A3&\"!\""])
        ws.append(["連携不足"])

    df = read_notes(_book(tmp_path, build))
    rep = df.attrs["report"]
    assert df["text"].tolist() == ["連携不足"] and rep.skipped_empty_rows == [2]
    assert any("数式のセルが 1 個" in w for w in rep.warnings)


def test_zip_bomb_guard(tmp_path):
    def build(ws):
        ws.append(["内容"])
        ws.append(["連携不足"])

    path = _book(tmp_path, build)
    path.write_bytes(_rewrite_sheet(path.read_bytes(), lambda b: b.replace(b"</worksheet>", b" " * 3_000_000
                                                                          + b"</worksheet>")))
    assert path.stat().st_size < 100_000
    with pytest.raises(InputError, match="展開後"):
        read_notes(path, max_bytes=100_000)  # 3 MB of XML > 20 × 100 kB
    assert read_notes(path)["text"].tolist() == ["連携不足"]


def test_title_rows_above_the_table_are_skipped(tmp_path):
    def build(ws):
        ws["A1"] = "第1回 全区会議 付箋一覧"
        ws["A2"] = "2012年11月"
        ws.append([])
        ws.append(["班", "職種", "内容"])
        ws.append(["1班", "医師", "連携不足"])

    df = read_notes(_book(tmp_path, build))
    rep = df.attrs["report"]
    assert rep.header_row == 4 and rep.mapping == {"text": "内容", "group": "班", "profession": "職種"}
    assert df["text"].tolist() == ["連携不足"] and df["source_row"].tolist() == [5]
    assert any("1, 2 行目" in w for w in rep.warnings)


def test_one_column_header_is_not_a_title(tmp_path):
    def build(ws):
        ws.append(["付箋"])
        ws.append(["連携不足", "メモ"])

    df = read_notes(_book(tmp_path, build))
    assert df.attrs["report"].header_row == 1 and df["text"].tolist() == ["連携不足"]


def test_sheet_index_given_as_text(tmp_path):
    # (a chart sheet is refused too, but openpyxl cannot write one it can read back to test with)
    wb = openpyxl.Workbook()
    wb.active.title = "表紙"
    ws = wb.create_sheet("付箋")
    ws.append(["内容"])
    ws.append(["連携不足"])
    wb.save(tmp_path / "c.xlsx")
    assert read_notes(tmp_path / "c.xlsx", sheet="1")["text"].tolist() == ["連携不足"]
    assert read_notes(tmp_path / "c.xlsx", sheet=1)["text"].tolist() == ["連携不足"]
    with pytest.raises(InputError, match="「表紙」、「付箋」"):
        read_notes(tmp_path / "c.xlsx", sheet="2")
