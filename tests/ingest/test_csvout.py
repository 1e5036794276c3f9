"""write_csv: Excel-friendly UTF-8 with BOM, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from issuemine.ingest import guard_cell, read_notes, read_table, to_csv_bytes, write_csv

from .samples import NOTES as SAMPLE, csv_text

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def test_guard_known_answers():
    assert guard_cell("=SUM(A1)") == "'=SUM(A1)"
    assert guard_cell("+81-3") == "'+81-3"
    assert guard_cell("-在宅") == "'-在宅"
    assert guard_cell("@cmd") == "'@cmd"
    assert guard_cell("\t=1") == "'\t=1"
    assert guard_cell("連携=大事") == "連携=大事"
    assert guard_cell("") == ""


def test_file_has_bom_crlf_and_guarded_cells(tmp_path):
    df = pd.DataFrame({"text": ["=1+1", "連携不足", None], "n": [1, -2, 3]})
    path = write_csv(df, tmp_path / "out.csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [["text", "n"], ["'=1+1", "1"], ["連携不足", "-2"], ["", "3"]]  # numbers are not text


def test_notes_written_and_read_back(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(csv_text(["班", "職種", "内容"], SAMPLE), encoding="cp932")
    notes = read_notes(src)
    out = write_csv(notes, tmp_path / "notes.csv")
    back, info = read_table(out)
    assert info.encoding == "utf-8-sig"
    assert list(back.columns) == list(notes.columns)
    expected = [guard_cell(t) for t in notes["text"]]
    assert back["text"].tolist() == expected
    assert back["note_id"].tolist() == notes["note_id"].tolist()
    assert back["source_row"].tolist() == [str(r) for r in notes["source_row"]]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=20), min_size=1, max_size=10))
def test_guard_round_trip(values):
    """Every dangerous cell comes back with one leading quote, every other cell unchanged."""
    df = pd.DataFrame({"v": values})
    text = to_csv_bytes(df).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["v"]
    got = [r[0] if r else "" for r in rows[1:]]
    assert len(got) == len(values)
    for original, written in zip(values, got):
        if original.startswith(DANGEROUS):
            assert written == "'" + original
        else:
            assert written == original
        assert not written.startswith(DANGEROUS)
