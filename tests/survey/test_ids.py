"""Respondent ids: "001" in one file and "1" in the other are one person; "01" and "1" in one phase are
an error; ids with letters keep exact matching. Pairing by number must never change a statistic."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuemine.cli.main import main
from issuemine.errors import InputError
from issuemine.schema import ANSWERS
from issuemine.survey import compare_items, read_answers, read_survey
from issuemine.survey.figures import slope_figure
from issuemine.survey.read import respondent_key

from .survey_helpers import U4, write_csv

DATA = {
    "制度": [(2, 3), (1, 3), (2, 4), (2, 2), (3, 4), (1, 2), (2, 3)],
    "手技": [(2, 2), (1, 2), (3, 3), (2, 3), (2, 3), (2, 4), (1, 1)],
}
ITEMS = list(DATA)


def _two_files(tmp_path, pre_ids, post_ids, data=DATA, names=("pre.csv", "post.csv")):
    """Pre and post files of ``data`` with the given ids (respondent i is pre_ids[i] / post_ids[i])."""
    items = list(data)
    n = len(next(iter(data.values())))
    files = []
    for name, ids, k in ((names[0], pre_ids, 0), (names[1], post_ids, 1)):
        rows = [[ids[r]] + ["" if data[it][r][k] is None else U4[data[it][r][k]] for it in items]
                for r in range(n)]
        files.append(write_csv(tmp_path / name, ["ID"] + items, rows))
    return files


PLAIN = [str(i + 1) for i in range(7)]
PADDED = [f"{i + 1:03d}" for i in range(7)]


# ---- the key -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("written, key", [
    ("001", "1"), ("1", "1"), ("１", "1"), ("００１", "1"), (" 1 ", "1"), ("\u30001\u3000", "1"),
    ("1.0", "1"), ("001.00", "1"), ("0", "0"), ("000", "0"), ("010", "10"), ("12345678901234567890", "12345678901234567890"),
    ("", ""), ("   ", ""),
])
def test_numeric_ids_key_by_their_number(written, key):
    assert respondent_key(written) == key


@pytest.mark.parametrize("written", [
    "A01", "a01", "P1", "a-1", "01-2", "-1", "+1", "1.5", "01.5", "1e3", "1E+03", "1,000", "1 2", "No.1",
    "٣",  # an Arabic-Indic digit: not read as 3
])
def test_other_ids_key_as_written(written):
    assert respondent_key(written) == written.strip()


def test_distinct_numbers_stay_distinct():
    assert len({respondent_key(x) for x in ("1", "10", "100", "01", "001")}) == 3  # 1, 10, 100
    assert respondent_key("1.5") != respondent_key("15") and respondent_key("-1") != respondent_key("1")


# ---- pairing across files --------------------------------------------------------------------------------

def test_zero_padded_ids_pair_with_plain_ids(tmp_path):
    ref = compare_items(read_answers(*_two_files(tmp_path, PLAIN, PLAIN)))
    res = compare_items(read_answers(*_two_files(tmp_path, PADDED, PLAIN)))
    assert res.items["paired"].all() and (res.items["n_pairs"] == 7).all()
    assert (res.items["n_only_pre"] == 0).all() and (res.items["n_only_post"] == 0).all()
    pd.testing.assert_frame_equal(res.items, ref.items)
    p = res.info["pairing"]
    assert (p["n_paired"], p["n_only_pre"], p["n_only_post"], p["n_paired_ignoring_zeros"]) == (7, 0, 0, 7)
    assert p["ids_paired_ignoring_zeros"][:2] == [{"pre": "001", "post": "1"}, {"pre": "002", "post": "2"}]
    assert len(p["ids_paired_ignoring_zeros"]) == 7
    text = res.info["pairing_ja"]
    assert "対応あり7人のうち7人" in text and "先頭の0" in text and "「001」" in text and "「1」" in text
    # nothing rescued, nothing said
    assert ref.info["pairing"]["n_paired_ignoring_zeros"] == 0 and "先頭の0" not in ref.info["pairing_ja"]


def test_answers_keep_the_ids_as_written(tmp_path):
    a = read_answers(*_two_files(tmp_path, PADDED, PLAIN))
    assert list(a.loc[a["phase"] == "pre", "respondent"].unique()) == PADDED
    assert list(a.loc[a["phase"] == "post", "respondent"].unique()) == PLAIN


def test_full_width_digits_pair(tmp_path):
    full = [chr(0xFF10 + i + 1) for i in range(7)]  # １ … ７
    res = compare_items(read_answers(*_two_files(tmp_path, PLAIN, full)))
    assert (res.items["n_pairs"] == 7).all()
    # NFKC made them the same id as written: nothing was paired by ignoring zeros
    assert res.info["pairing"]["n_paired_ignoring_zeros"] == 0


def test_only_some_ids_differ_counts_only_those(tmp_path):
    post = ["01", "2", "003", "4", "5", "6", "07"]
    res = compare_items(read_answers(*_two_files(tmp_path, PLAIN, post)))
    assert (res.items["n_pairs"] == 7).all()
    assert res.info["pairing"]["n_paired_ignoring_zeros"] == 3
    assert [d["post"] for d in res.info["pairing"]["ids_paired_ignoring_zeros"]] == ["01", "003", "07"]
    assert "対応あり7人のうち3人" in res.info["pairing_ja"]


def test_letters_keep_exact_matching(tmp_path):
    pre = ["A01", "A02", "A03", "A04", "A05", "A06", "A07"]
    # case and inner zeros are not ignored: these would have been separate people before, and still are
    lower = compare_items(read_answers(*_two_files(tmp_path, pre, [x.lower() for x in pre])))
    assert (lower.items["n_pairs"] == 0).all() and not lower.items["paired"].any()
    short = compare_items(read_answers(*_two_files(tmp_path, pre, ["A1", "A2", "A3", "A4", "A5", "A6", "A7"])))
    assert (short.items["n_pairs"] == 0).all()
    # width differences were already folded (NFKC) and still are
    wide = compare_items(read_answers(*_two_files(tmp_path, pre, ["Ａ０" + str(i + 1) for i in range(7)])))
    assert (wide.items["n_pairs"] == 7).all() and wide.info["pairing"]["n_paired_ignoring_zeros"] == 0


def test_mixed_numeric_and_lettered_ids(tmp_path):
    pre = ["001", "P02", "3", "A-4", "05", "x6", "7"]
    post = ["1", "p02", "003", "A-4", "5", "X6", "7.0"]
    res = compare_items(read_answers(*_two_files(tmp_path, pre, post)))
    p = res.info["pairing"]
    # 001=1, 3=003, A-4=A-4, 05=5, 7=7.0 pair; P02/p02 and x6/X6 do not
    assert (p["n_paired"], p["n_only_pre"], p["n_only_post"]) == (5, 2, 2)
    assert [d["pre"] for d in p["ids_paired_ignoring_zeros"]] == ["001", "3", "05"]
    assert (res.items["n_pairs"] == 5).all() and res.items["paired"].all()


def test_excel_file_without_leading_zeros_pairs_with_csv(tmp_path):
    pre, _ = _two_files(tmp_path, PADDED, PLAIN)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID"] + ITEMS)
    for r in range(7):  # numbers as Excel stores them: integers, and a float for good measure
        ws.append([float(r + 1) if r == 3 else r + 1] + [U4[DATA[it][r][1]] for it in ITEMS])
    wb.save(tmp_path / "post.xlsx")
    ref = compare_items(read_answers(*_two_files(tmp_path, PLAIN, PLAIN, names=("a.csv", "b.csv"))))
    res = compare_items(read_answers(pre, tmp_path / "post.xlsx"))
    pd.testing.assert_frame_equal(res.items, ref.items)
    assert res.info["pairing"]["n_paired_ignoring_zeros"] == 7


def test_long_shape_pairs_rows_written_differently(tmp_path):
    rows = [["001", "研修前", "わからない"], ["002", "研修前", "わからない"], ["3", "研修前", "わかる"],
            ["1", "研修後", "わかる"], ["2", "研修後", "とてもわかる"], ["003", "研修後", "わかる"]]
    res = compare_items(read_answers(write_csv(tmp_path / "l.csv", ["ID", "時期", "q"], rows)))
    assert res.items.loc[0, "n_pairs"] == 3 and res.info["pairing"]["n_paired_ignoring_zeros"] == 3


# ---- two people, one number ------------------------------------------------------------------------------

def test_two_ids_with_one_number_in_a_file_is_an_error(tmp_path):
    pre, post = _two_files(tmp_path, ["01", "2", "1", "4", "5", "6", "7"], PLAIN)
    with pytest.raises(InputError) as e:
        read_answers(pre, post)
    err = e.value
    assert err.file.endswith("pre.csv") and (err.row, err.column) == (4, "ID")
    msg = str(err)
    for w in ("pre.csv", "研修前", "「01」(2行目)", "「1」(4行目)", "先頭の0", "「1」になります"):
        assert w in msg, w


def test_the_error_is_in_the_file_that_has_it(tmp_path):
    pre, post = _two_files(tmp_path, PLAIN, ["1", "2", "3", "4", "5", "006", "06"])
    with pytest.raises(InputError) as e:
        read_answers(pre, post)
    assert e.value.file.endswith("post.csv") and "研修後" in str(e.value)
    assert "「006」(7行目)と「06」(8行目)" in str(e.value) and e.value.row == 8


def test_long_and_wide_shapes_refuse_two_ids_with_one_number(tmp_path):
    rows = [["1", "前", "わかる"], ["2", "前", "わかる"], ["001", "前", "わかる"],
            ["1", "後", "わかる"], ["2", "後", "わかる"]]
    with pytest.raises(InputError) as e:
        read_answers(write_csv(tmp_path / "l.csv", ["ID", "時期", "q"], rows))
    assert e.value.row == 4 and "「1」(2行目)と「001」(4行目)" in str(e.value)
    wide = [["01", "わかる", "わかる"], ["1", "わからない", "わかる"]]
    with pytest.raises(InputError) as e:
        read_answers(write_csv(tmp_path / "w.csv", ["ID", "q_pre", "q_post"], wide))
    assert e.value.row == 3 and "「01」(2行目)と「1」(3行目)" in str(e.value)


def test_same_number_in_both_phases_of_a_long_file_is_not_a_collision(tmp_path):
    rows = [["01", "前", "わからない"], ["1", "後", "わかる"]]
    res = compare_items(read_answers(write_csv(tmp_path / "ok.csv", ["ID", "時期", "q"], rows)))
    assert res.items.loc[0, "n_pairs"] == 1


def test_an_exact_duplicate_keeps_its_old_message(tmp_path):
    pre, post = _two_files(tmp_path, ["1", "2", "1.0", "4", "5", "6", "7"], PLAIN)  # 1.0 is 1 as written
    with pytest.raises(InputError) as e:
        read_answers(pre, post)
    assert "回答者「1」が研修前に2回以上回答しています(2、4行目)" in str(e.value)


def test_compare_items_refuses_answers_built_with_colliding_ids():
    rows = [("01", "pre", "q", "わかる", 3, "understanding4", "x.csv", 2),
            ("1", "pre", "q", "わからない", 2, "understanding4", "x.csv", 3),
            ("1", "post", "q", "わかる", 3, "understanding4", "y.csv", 2)]
    answers = ANSWERS.conform(pd.DataFrame(rows, columns=ANSWERS.names))
    with pytest.raises(InputError) as e:
        compare_items(answers)
    assert "「01」、「1」" in str(e.value) and "2、3行目" in str(e.value) and e.value.file == "x.csv"


def test_compare_items_pairs_answers_built_by_hand():
    rows = [("001", "pre", "q", "わからない", 2, "understanding4", "x.csv", 2),
            ("1", "post", "q", "わかる", 3, "understanding4", "y.csv", 2)]
    res = compare_items(ANSWERS.conform(pd.DataFrame(rows, columns=ANSWERS.names)))
    assert res.items.loc[0, "n_pairs"] == 1 and res.info["pairing"]["n_paired_ignoring_zeros"] == 1


def test_slope_figure_pairs_like_the_tests(tmp_path):
    answers = read_answers(*_two_files(tmp_path, PADDED, PLAIN))
    fig = slope_figure(answers)
    assert not fig.layout.annotations or all("対応づけられない" not in a.text for a in fig.layout.annotations)
    hover = [t.hovertemplate for t in fig.data]
    assert sum(int(h.split("人")[0]) for h in hover) == 7 * len(ITEMS)  # every respondent drawn once per item


# ---- property: padding ids never changes a statistic ------------------------------------------------------

def _answers_strategy():
    value = st.one_of(st.none(), st.integers(1, 4))
    return st.dictionaries(st.sampled_from(["制度", "手技", "連携"]),
                           st.lists(st.tuples(value, value), min_size=6, max_size=6), min_size=1, max_size=3)


@settings(max_examples=30, deadline=None)
@given(data=_answers_strategy(), widths=st.lists(st.integers(0, 4), min_size=6, max_size=6),
       padded_side=st.sampled_from(["pre", "post"]), exact=st.booleans(),
       ids=st.lists(st.integers(1, 120), min_size=6, max_size=6, unique=True))
def test_zero_padding_ids_changes_no_statistic(data, widths, padded_side, exact, ids):
    if not all(any(p[k] is not None for p in pairs) for pairs in data.values() for k in (0, 1)):
        return  # a phase without answers is rightly refused when reading
    plain = [str(i) for i in ids]
    padded = ["0" * w + s for w, s in zip(widths, plain)]  # width 0: left as written
    with tempfile.TemporaryDirectory() as d:
        ref = compare_items(read_answers(*_two_files(Path(d), plain, plain, data)), exact_ties=exact)
        pre, post = (padded, plain) if padded_side == "pre" else (plain, padded)
        res = compare_items(read_answers(*_two_files(Path(d), pre, post, data, names=("c.csv", "d.csv"))),
                            exact_ties=exact)
    pd.testing.assert_frame_equal(res.items, ref.items)  # every statistic, count, p and warning
    for k in ("n_paired", "n_only_pre", "n_only_post"):
        assert res.info["pairing"][k] == ref.info["pairing"][k]
    answered = {r for r in range(6) if any(data[it][r][0] is not None for it in data)} & \
               {r for r in range(6) if any(data[it][r][1] is not None for it in data)}
    assert res.info["pairing"]["n_paired_ignoring_zeros"] == sum(1 for r in answered if widths[r] > 0)


# ---- the command -------------------------------------------------------------------------------------------

def test_cli_pairs_padded_ids_and_says_so(tmp_path, capsys):
    pre, post = _two_files(tmp_path, PADDED, PLAIN)
    out = tmp_path / "out"
    assert main(["survey", str(pre), str(post), "--out", str(out), "--figures"]) == 0
    said = capsys.readouterr().out
    assert "対応あり7人" in said and "7人は研修前と研修後で回答者IDの書き方が違い" in said and "先頭の0" in said
    doc = json.loads((out / "survey.json").read_text(encoding="utf-8"))
    assert doc["info"]["pairing"]["n_paired_ignoring_zeros"] == 7
    assert doc["info"]["pairing"]["ids_paired_ignoring_zeros"][0] == {"pre": "001", "post": "1"}
    items = pd.read_csv(out / "survey_items.csv", encoding="utf-8-sig")
    assert items["paired"].all() and (items["n_pairs"] == 7).all()
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    again = tmp_path / "again"
    assert main(["survey", str(pre), str(post), "--out", str(again), "--figures"]) == 0
    assert {p.name: p.read_bytes() for p in again.iterdir()} == first


def test_cli_refuses_two_ids_with_one_number_and_writes_nothing(tmp_path, capsys):
    pre, post = _two_files(tmp_path, ["01", "2", "3", "1", "5", "6", "7"], PLAIN)
    out = tmp_path / "out"
    assert main(["survey", str(pre), str(post), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("エラー: ")
    for w in ("pre.csv", "5行目", "列「ID」", "「01」(2行目)", "「1」(5行目)"):
        assert w in err, w
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["post.csv", "pre.csv"]


def test_read_survey_info_is_unchanged_by_padding(tmp_path):
    a = read_survey(*_two_files(tmp_path, PADDED, PLAIN)).info
    b = read_survey(*_two_files(tmp_path, PLAIN, PLAIN, names=("pre.csv", "post.csv"))).info
    assert a == b
