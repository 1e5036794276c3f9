"""Finding the columns: Japanese and English headers, explicit mapping, no-header mode."""

from __future__ import annotations

import pytest

from issuemine.errors import InputError
from issuemine.ingest import read_notes, read_table
from issuemine.ingest.columns import detect_roles

from .samples import csv_text, write_xlsx


@pytest.mark.parametrize("columns, expected", [
    (["班", "職種", "課題内容"], {"text": "課題内容", "group": "班", "profession": "職種"}),
    (["グループ", "ラウンド", "付箋", "参加者"],
     {"text": "付箋", "group": "グループ", "round": "ラウンド", "participant": "参加者"}),
    (["テーブル", "回", "意見", "氏名", "職種"],
     {"text": "意見", "group": "テーブル", "profession": "職種", "round": "回", "participant": "氏名"}),
    (["Group", "Profession", "TEXT", "Round", "Participant"],
     {"text": "TEXT", "group": "Group", "profession": "Profession", "round": "Round",
      "participant": "Participant"}),
    (["No.", "group name", "note text", "name"],
     {"text": "note text", "group": "group name", "participant": "name"}),
    (["ｸﾞﾙｰﾌﾟ", "ＴＥＸＴ"], {"text": "ＴＥＸＴ", "group": "ｸﾞﾙｰﾌﾟ"}),  # NFKC: half/full width
    (["回答内容", "回"], {"text": "回答内容", "round": "回"}),  # 回答 is not a round
    (["課題番号", "課題の内容"], {"text": "課題の内容"}),  # an id column is never the text
    (["付箋ID", "実施回", "付 箋"], {"text": "付 箋", "round": "実施回"}),
    (["context", "テキスト"], {"text": "テキスト"}),  # English names match whole words only
])
def test_detect_roles(columns, expected):
    assert detect_roles(columns)[0] == expected


def test_two_text_candidates_warn():
    roles, warnings = detect_roles(["内容", "付箋"])
    assert roles == {"text": "内容"}
    assert len(warnings) == 1 and "「付箋」" in warnings[0]


def test_english_header_file(fixtures):
    df = read_notes(fixtures / "workshop_en_utf8bom.csv")
    rep = df.attrs["report"]
    assert rep.mapping == {"text": "note text", "group": "group", "profession": "profession",
                           "round": "round", "participant": "participant"}
    assert df["participant"].tolist() == ["p01", "p02", "p03"]
    assert df["text"].iloc[0] == "情報共有の\n仕組みがない"
    assert rep.columns_found == ["No.", "group", "profession", "note text", "round", "participant"]


def test_single_column_text_header(fixtures):
    df = read_notes(fixtures / "single_column.csv")
    assert df["text"].tolist() == ["就学先が決まらない", "医ケア児の保育園がない"]
    assert df["source_row"].tolist() == [2, 3]
    assert (df["group"] == "").all()


def test_mapping_overrides_detection(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text(csv_text(["内容", "メモ", "所属"], [["x", "連携不足", "A病院"]]), encoding="utf-8")
    df = read_notes(path, mapping={"text": "メモ", "group": "所属"})
    assert df["text"].tolist() == ["連携不足"] and df["group"].tolist() == ["A病院"]
    assert df.attrs["report"].mapping == {"text": "メモ", "group": "所属"}


def test_mapping_by_letter_index_and_normalised_name(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text(csv_text(["ａ列", "b列", "c列"], [["1", "2", "連携不足"]]), encoding="utf-8")
    for spec in ("C", "c", 2, "C列"):
        df = read_notes(path, mapping={"text": spec, "group": "a列"})
        assert df["text"].tolist() == ["連携不足"] and df["group"].tolist() == ["1"], spec


def test_mapping_none_switches_role_off(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text(csv_text(["班", "内容"], [["1班", "連携不足"]]), encoding="utf-8")
    df = read_notes(path, mapping={"group": None})
    assert df["group"].tolist() == [""]


def test_mapping_errors_name_the_column(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text(csv_text(["班", "内容"], [["1班", "連携不足"]]), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_notes(path, mapping={"text": "本文"})
    assert err.value.column == "本文" and "「班」、「内容」" in str(err.value)
    with pytest.raises(InputError, match="知らない役割"):
        read_notes(path, mapping={"body": "内容"})


def test_no_header_mode(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text(csv_text(None, [["連携不足", "1班"], ["人手不足", "2班"]]), encoding="utf-8")
    df = read_notes(path, header=False)
    assert df["text"].tolist() == ["連携不足", "人手不足"] and df["source_row"].tolist() == [1, 2]
    df = read_notes(path, header=False, mapping={"text": 0, "group": "B"})
    assert df["group"].tolist() == ["1班", "2班"]
    df = read_notes(path, header=False, mapping={"text": "B"})
    assert df["text"].tolist() == ["1班", "2班"]


def test_no_header_xlsx_letters_count_file_columns(tmp_path):
    # column A is empty everywhere: "B" still means the file's column B
    path = write_xlsx(tmp_path / "w.xlsx", None, [[None, "連携不足", "1班"], [None, "人手不足", "2班"]])
    df = read_notes(path, header=False, mapping={"text": "B", "group": "C"})
    assert df["text"].tolist() == ["連携不足", "人手不足"] and df["group"].tolist() == ["1班", "2班"]
    assert read_notes(path, header=False)["text"].tolist() == ["連携不足", "人手不足"]


def test_txt_header_line_only_when_exactly_a_text_name(tmp_path):
    path = tmp_path / "n.txt"
    path.write_text("付箋\n連携不足\n", encoding="utf-8")
    df = read_notes(path)
    assert df["text"].tolist() == ["連携不足"] and df["source_row"].tolist() == [2]
    path.write_text("課題が多い\n連携不足\n", encoding="utf-8")  # a note, not a header
    assert read_notes(path)["text"].tolist() == ["課題が多い", "連携不足"]
    path.write_text("付箋\n連携不足\n", encoding="utf-8")
    assert read_notes(path, header=False)["text"].tolist() == ["付箋", "連携不足"]


def test_excel_unicode_text_is_read_as_tsv(fixtures):
    df = read_notes(fixtures / "excel_unicode_text.txt")
    rep = df.attrs["report"]
    assert rep.format == "tsv" and rep.encoding == "utf-16"
    assert rep.mapping == {"text": "付箋", "group": "グループ", "profession": "職種"}
    assert df["group"].tolist() == ["1班", "1班", "2班", "2班"]


def test_tab_separated_csv_and_comma_separated_tsv(tmp_path):
    for name, sep in (("a.csv", "\t"), ("b.tsv", ",")):
        path = tmp_path / name
        path.write_text(csv_text(["班", "内容"], [["1班", "連携不足"]], sep), encoding="utf-8")
        df = read_notes(path)
        assert df["group"].tolist() == ["1班"] and df["text"].tolist() == ["連携不足"]


def test_read_table_for_questionnaires(tmp_path):
    path = tmp_path / "q.csv"
    rows = [["r01", "わかる", "とてもわかる"], ["", "", ""], ["r02", "わからない", ""]]
    path.write_bytes(csv_text(["回答者", "Q1", "Q1"], rows).encode("cp932"))
    table, info = read_table(path)
    assert list(table.columns) == ["回答者", "Q1", "Q1.1"]
    assert table.values.tolist() == [rows[0], rows[2]]
    assert info.source_rows == [2, 4] and info.empty_rows == [3]
    assert info.encoding == "cp932" and info.delimiter == "," and info.header_row == 1
    assert all(isinstance(v, str) for v in table.values.ravel())


def test_read_table_sheet_choice(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "事前"
    wb.active.append(["id", "Q1"])
    wb.active.append(["r01", "わかる"])
    post = wb.create_sheet("事後")
    post.append(["id", "Q1"])
    post.append(["r01", "とてもわかる"])
    wb.save(tmp_path / "q.xlsx")
    assert read_table(tmp_path / "q.xlsx")[1].sheet == "事前"
    table, info = read_table(tmp_path / "q.xlsx", sheet="事後")
    assert table["Q1"].tolist() == ["とてもわかる"] and info.sheets == ["事前", "事後"]
    assert read_table(tmp_path / "q.xlsx", sheet=1)[0]["Q1"].tolist() == ["とてもわかる"]
    with pytest.raises(InputError, match="「事前」、「事後」"):
        read_table(tmp_path / "q.xlsx", sheet="集計")
