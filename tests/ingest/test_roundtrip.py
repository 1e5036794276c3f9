"""The same notes saved in every supported encoding and as .xlsx read back identical."""

from __future__ import annotations

import pytest

from issuemine.ingest import read_notes
from issuemine.schema import NOTES as SCHEMA

from .samples import EUC_NOTES, NOTES, csv_text, write_xlsx

HEADER = ("班", "職種", "課題内容")


def _expected(notes):
    return [(t, g, p) for g, p, t in notes]


def _read(path):
    df = read_notes(path)
    assert list(df.columns) == SCHEMA.names
    return df, [(r.text, r.group, r.profession) for r in df.itertuples()]


@pytest.mark.parametrize("encoding, expect", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp932", "cp932"), ("utf-16", "utf-16"),
])
def test_csv_roundtrip(tmp_path, encoding, expect):
    path = tmp_path / "ws.csv"
    path.write_bytes(csv_text(HEADER, [n for n in NOTES]).encode(encoding))
    df, got = _read(path)
    assert got == _expected(NOTES)
    assert df.attrs["report"].encoding == expect


def test_eucjp_roundtrip(tmp_path):
    path = tmp_path / "ws.csv"
    path.write_bytes(csv_text(HEADER, EUC_NOTES).encode("euc-jp"))
    df, got = _read(path)
    assert got == _expected(EUC_NOTES)
    assert df.attrs["report"].encoding == "euc-jp"


def test_tsv_roundtrip(tmp_path):
    path = tmp_path / "ws.tsv"
    path.write_bytes(csv_text(HEADER, NOTES, "\t").encode("cp932"))
    assert _read(path)[1] == _expected(NOTES)


def test_xlsx_roundtrip(tmp_path):
    path = write_xlsx(tmp_path / "ws.xlsx", HEADER, NOTES)
    df, got = _read(path)
    assert got == _expected(NOTES)
    assert df.attrs["report"].encoding is None and df.attrs["report"].sheet == "Sheet"


def test_all_formats_give_same_ids_and_rows(tmp_path):
    frames = []
    for name, data in [("a.csv", csv_text(HEADER, NOTES).encode("cp932")),
                       ("b.csv", csv_text(HEADER, NOTES).encode("utf-16")),
                       ("c.tsv", csv_text(HEADER, NOTES, "\t").encode("utf-8-sig"))]:
        (tmp_path / name).write_bytes(data)
        frames.append(read_notes(tmp_path / name))
    frames.append(read_notes(write_xlsx(tmp_path / "d.xlsx", HEADER, NOTES)))
    for df in frames[1:]:
        assert df["note_id"].tolist() == frames[0]["note_id"].tolist()
        # a note spanning two lines is one spreadsheet row, so rows agree between CSV and xlsx
        assert df["source_row"].tolist() == list(range(2, len(NOTES) + 2))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932", "euc-jp", "utf-16"])
def test_txt_one_note_per_line_roundtrip(tmp_path, encoding):
    lines = [t for _, _, t in EUC_NOTES if "\n" not in t]
    path = tmp_path / "notes.txt"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    df = read_notes(path)
    assert df["text"].tolist() == lines  # leading/trailing spaces kept: only the line end is stripped
    assert df["source_row"].tolist() == list(range(1, len(lines) + 1))


def test_fixture_files_agree(fixtures):
    cp = read_notes(fixtures / "workshop_cp932.csv")
    xl = read_notes(fixtures / "workshop.xlsx")
    assert cp["text"].tolist() == xl["text"].tolist()
    assert cp["profession"].tolist() == xl["profession"].tolist()
    assert xl["group"].tolist() == ["1", "1", "1", "2", "2", "2", "3"]  # numbers as Excel shows them
    assert xl["round"].tolist() == ["1"] * 7
    assert xl.attrs["report"].sheet == "付箋一覧" and xl.attrs["report"].header_row == 2
    assert xl["source_row"].tolist() == list(range(3, 10))
    assert "=在宅医が足りない" in cp["text"].tolist()
    for ch in ("①", "㈱", "～", "髙", "﨑", "ｼｮｰﾄｽﾃｲ"):
        assert any(ch in t for t in cp["text"]), ch


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings(tmp_path, newline):
    for name in ("ws.csv", "ws.txt"):
        path = tmp_path / name
        body = newline.join(["内容", "連携不足", "", "人手不足"]) + newline
        path.write_bytes(body.encode("cp932"))
        df = read_notes(path)
        assert df["text"].tolist() == ["連携不足", "人手不足"] and df["source_row"].tolist() == [2, 4]
        assert df.attrs["report"].skipped_empty_rows == [3]
