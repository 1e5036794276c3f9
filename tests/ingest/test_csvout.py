"""write_csv: Excel-friendly UTF-8 with BOM, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from issuemine.ingest import guard_cell, read_notes, read_table, to_csv_bytes, unguard_cell, write_csv
from issuemine.ingest.table import is_blank

from .samples import NOTES as SAMPLE, csv_text

DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")  # full-width: Japanese Excel runs them too


def test_guard_known_answers():
    assert guard_cell("=SUM(A1)") == "'=SUM(A1)"
    assert guard_cell("+81-3") == "'+81-3"
    assert guard_cell("-在宅") == "'-在宅"
    assert guard_cell("@cmd") == "'@cmd"
    assert guard_cell("\t=1") == "'\t=1"
    assert guard_cell("連携=大事") == "連携=大事"
    assert guard_cell("") == ""
    assert guard_cell("'=1") == "''=1"  # already looks guarded: one more quote keeps the round trip
    assert guard_cell("'普通") == "'普通"
    assert unguard_cell("''=1") == "'=1" and unguard_cell("'普通") == "'普通"


def test_file_has_bom_crlf_and_guarded_cells(tmp_path):
    df = pd.DataFrame({"text": ["=1+1", "連携不足", None], "n": [1, -2, 3]})
    path = write_csv(df, tmp_path / "out.csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [["text", "n"], ["'=1+1", "1"], ["連携不足", "-2"], ["", "3"]]  # numbers are not text


def test_notes_written_and_read_back(tmp_path):
    src = tmp_path / "in.csv"
    rows = SAMPLE + [("4班", "-", "+81 3 0000"), ("4班", "@", "-連携不足"), ("4班", "医師", "'普通の引用符")]
    src.write_text(csv_text(["班", "職種", "内容"], rows), encoding="cp932")
    notes = read_notes(src)
    out = write_csv(notes, tmp_path / "notes.csv")
    raw = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    text_col = raw[0].index("text")
    assert [r[text_col] for r in raw[1:]] == [guard_cell(t) for t in notes["text"]]  # guarded on disk
    assert "'=在宅医が足りない" in [r[text_col] for r in raw[1:]]
    # … and read back identical: text, profession and so the ids
    back = read_notes(out)
    assert back["text"].tolist() == notes["text"].tolist()
    assert back["profession"].tolist() == notes["profession"].tolist()
    assert back["note_id"].tolist() == notes["note_id"].tolist()
    table, info = read_table(out)
    assert info.encoding == "utf-8-sig" and list(table.columns) == list(notes.columns)
    assert table["source_row"].tolist() == [str(r) for r in notes["source_row"]]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=20), st.text(alphabet="'=+-@\t\r a連＝＋－＠", max_size=6)),
                min_size=1, max_size=10))
@example(["'=SUM(A1)", "''-1", "'", "=", "\r\n"])
def test_guard_round_trip(values):
    """Every dangerous cell comes back with one leading quote, every other cell unchanged."""
    df = pd.DataFrame({"v": values})
    text = to_csv_bytes(df).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["v"]
    got = [r[0] if r else "" for r in rows[1:]]
    assert len(got) == len(values)
    for original, written in zip(values, got):
        if original.lstrip("'").startswith(DANGEROUS):
            assert written == "'" + original
        else:
            assert written == original
        assert not written.startswith(DANGEROUS)
        assert unguard_cell(written) == original


_note = st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from(",\"'\n\r\t=+-@")),
                min_size=1, max_size=30).filter(lambda t: not is_blank(t))  # blank notes are skipped, by design
_label = st.text(alphabet="1234班AB ", max_size=4).map(str.strip)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_label, _note), min_size=1, max_size=12))
def test_write_csv_then_read_notes_is_exact(items):
    """Any notes (quotes, commas, newlines, formula starts) survive write_csv → read_notes unchanged."""
    import tempfile
    from pathlib import Path

    df = pd.DataFrame({"group": [g for g, _ in items], "text": [t for _, t in items]})
    with tempfile.TemporaryDirectory() as tmp:
        path = write_csv(df, Path(tmp) / "notes.csv")
        back = read_notes(path)
    assert back["text"].tolist() == df["text"].tolist()
    assert back["group"].tolist() == df["group"].tolist()
    assert back["source_row"].tolist() == list(range(2, len(items) + 2))


# -- the column-wise writer gives the bytes of the row-by-row one it replaced -------------------------

def _row_by_row(df) -> str:
    """The writer as it was (one itertuples loop): the reference for the column-wise one."""
    import csv
    import io

    import pandas as pd

    from issuemine.ingest.csvout import guard_cell

    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([guard_cell(str(c)) for c in df.columns])
    for row in df.itertuples(index=False, name=None):
        out = []
        for v in row:
            if v is None or v is pd.NA or (isinstance(v, float) and v != v):
                out.append("")
            elif isinstance(v, str):
                out.append(guard_cell(v))
            else:
                out.append(str(v))
        writer.writerow(out)
    return buf.getvalue()


_cells = st.one_of(st.text(max_size=8), st.sampled_from(["=1+1", "'=x", "－1", "@a", "\tx", "", " ", "a,b", 'q"q', "改\n行"]))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(_cells, st.one_of(st.none(), _cells), st.integers(-10**12, 10**12),
                          st.floats(width=32, allow_infinity=True), st.booleans(), st.one_of(st.none(), st.integers(-5, 5))),
                max_size=12))
def test_column_wise_writer_matches_row_by_row(rows):
    import numpy as np
    import pandas as pd

    from issuemine.ingest.csvout import to_csv_text

    cols = list(zip(*rows)) if rows else [[]] * 6
    df = pd.DataFrame({
        "text": pd.Series(cols[0], dtype=object), "maybe": pd.Series(cols[1], dtype=object),
        "n": pd.Series(cols[2], dtype=np.int64), "x": pd.Series(cols[3], dtype=np.float64),
        "flag": pd.Series(cols[4], dtype=bool), "nullable": pd.Series(cols[5], dtype="Int64"),
    })
    df["str"] = pd.Series(cols[1], dtype="str")  # pandas' string dtype (NaN for missing)
    df["cat"] = pd.Series(cols[0], dtype="category")
    df["f32"] = df["x"].astype(np.float32)
    df["mixed"] = pd.Series([r[2] if i % 2 else r[3] for i, r in enumerate(rows)], dtype=object)
    df["na"] = pd.Series([pd.NA] * len(rows), dtype=object)
    assert to_csv_text(df) == _row_by_row(df)
