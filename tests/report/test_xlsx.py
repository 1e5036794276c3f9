"""notes.xlsx: formula-injection guard read back with openpyxl, round trip, byte-identical output."""

import openpyxl
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from issuemine.report.xlsx import write_workbook

DANGEROUS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@SUM(A1)", '=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0",
             "\t=1+1", "＝1+1"]


def _frame(texts):
    return pd.DataFrame({"note_id": [f"n{i}" for i in range(len(texts))],
                         "text": pd.array(texts, dtype="string"),
                         "theme_confidence": [0.5] * len(texts),
                         "source_row": pd.array(range(2, len(texts) + 2), dtype="Int64")})


def test_no_cell_is_a_formula(tmp_path):
    path = write_workbook({"付箋": _frame(DANGEROUS)}, tmp_path / "n.xlsx")
    ws = openpyxl.load_workbook(path)["付箋"]
    values = [c.value for c in ws["B"][1:]]
    assert values == DANGEROUS  # shown exactly as written …
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate  # … and never as a formula
    assert all(c.quotePrefix for c in ws["B"][1:])
    assert ws["A1"].value == "付箋ID" and ws["B1"].value == "内容"


def test_numbers_and_missing_values(tmp_path):
    df = _frame(["a", "b"])
    df.loc[1, "text"] = pd.NA
    ws = openpyxl.load_workbook(write_workbook({"s": df}, tmp_path / "n.xlsx"))["s"]
    assert ws["B3"].value is None
    assert ws["C2"].value == 0.5 and ws["D2"].value == 2


def test_byte_identical(tmp_path):
    df = _frame(["連携できない", "=1+1"])
    a = write_workbook({"付箋": df}, tmp_path / "a.xlsx").read_bytes()
    b = write_workbook({"付箋": df}, tmp_path / "b.xlsx").read_bytes()
    assert a == b


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30),
                min_size=1, max_size=5))
def test_any_text_round_trips_and_is_never_a_formula(tmp_path_factory, texts):
    path = write_workbook({"s": _frame(texts)}, tmp_path_factory.mktemp("x") / "n.xlsx")
    ws = openpyxl.load_workbook(path)["s"]
    assert [c.value for c in ws["B"][1:]] == texts
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
