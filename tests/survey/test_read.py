"""Reading questionnaires: the three shapes, label variants, numbers, encodings, pairing, bad input."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from issuemine.errors import ConfigError, InputError
from issuemine.schema import ANSWERS
from issuemine.survey import compare_items, load_scales, read_answers, read_survey
from issuemine.survey.scales import normalize_label

from .survey_helpers import U4, long_rows, write_csv

DATA = {
    "制度": [(2, 3), (1, 3), (2, 4), (2, 2), (3, 4), (1, 2), (2, 3)],
    "手技": [(2, 2), (1, 2), (3, 3), (2, 3), (2, 3), (2, 4), (1, 1)],
}
KEY = ["item", "n_pairs", "n_pre", "n_post", "median_pre", "median_post", "pct_positive_pre",
       "pct_positive_post", "wilcoxon_v", "wilcoxon_p", "z", "r", "mcnemar_p", "p_holm", "direction"]


def _long(tmp_path, **kw):
    header, rows = long_rows(DATA, **kw)
    return write_csv(tmp_path / "long.csv", header, rows)


def test_long_shape_reads_to_answers_schema(tmp_path):
    answers = read_answers(_long(tmp_path))
    assert list(answers.columns[: len(ANSWERS.names)]) == ANSWERS.names
    assert len(answers) == 2 * 2 * 7
    first = answers.iloc[0]
    assert (first["respondent"], first["phase"], first["item"], first["label"], first["value"]) == \
        ("P01", "pre", "制度", "わからない", 2)
    assert first["source_row"] == 2 and first["scale"] == "understanding4"
    post_row = answers[(answers["respondent"] == "P01") & (answers["phase"] == "post")]["source_row"].iloc[0]
    assert post_row == 2 + 7


def test_two_files_and_wide_give_the_same_result(tmp_path):
    ref = compare_items(read_answers(_long(tmp_path))).items[KEY]
    items = list(DATA)
    pre = [[f"P{r + 1:02d}"] + [U4[DATA[it][r][0]] for it in items] for r in range(7)]
    post = [[f"P{r + 1:02d}"] + [U4[DATA[it][r][1]] for it in items] for r in range(7)]
    post.reverse()  # pairing is by id, not by row
    p1 = write_csv(tmp_path / "pre.csv", ["ID"] + items, pre)
    p2 = write_csv(tmp_path / "post.csv", ["ID"] + [f" {it} " for it in items], post)
    two = read_survey(p1, p2)
    assert two.info["shape"] == "two_files"
    pd.testing.assert_frame_equal(compare_items(two.answers).items[KEY], ref)
    wide_header = ["番号"] + [f"{it}_{ph}" for it in items for ph in ("前", "後")]
    wide = [[f"P{r + 1:02d}"] + [U4[DATA[it][r][k]] for it in items for k in (0, 1)] for r in range(7)]
    w = read_survey(write_csv(tmp_path / "wide.csv", wide_header, wide))
    assert w.info["shape"] == "wide"
    pd.testing.assert_frame_equal(compare_items(w.answers).items[KEY], ref)
    # wide without an id column: each row is one respondent, still paired
    wide_noid = write_csv(tmp_path / "wide2.csv", wide_header[1:], [r[1:] for r in wide])
    res = compare_items(read_answers(wide_noid))
    pd.testing.assert_frame_equal(res.items[KEY], ref)
    assert "横持ち" in res.info["respondent_note"]


def test_label_variants_and_numbers(tmp_path):
    assert normalize_label("全く 分からない") == normalize_label("まったくわからない")
    assert normalize_label("ｗａｋａ") == "waka"
    header = ["回答者", "時期", "q"]
    rows = [["1", "前", "全く分からない"], ["2", "前", "分かる"], ["3", "前", " わから ない "],
            ["1", "後", "とても分かる"], ["2", "後", "４"], ["3", "後", "３"]]
    a = read_answers(write_csv(tmp_path / "v.csv", header, rows))
    assert list(a["value"]) == [1, 3, 2, 4, 4, 3]
    assert set(a["scale"]) == {"understanding4"}


def test_five_point_scale_detected(tmp_path):
    header = ["ID", "phase", "満足"]
    rows = [["a", "pre", "どちらとも言えない"], ["b", "pre", "あまりそう思わない"],
            ["a", "post", "ややそう思う"], ["b", "post", "そう思う"]]
    res = compare_items(read_answers(write_csv(tmp_path / "a5.csv", header, rows)))
    assert res.items.loc[0, "scale"] == "agreement5"
    assert res.items.loc[0, "pct_positive_post"] == 100.0 and res.items.loc[0, "pct_positive_pre"] == 0.0


def test_numbers_only_infer_the_smallest_scale(tmp_path):
    header, rows = long_rows(DATA, labels=None)
    s = read_survey(write_csv(tmp_path / "n.csv", header, rows))
    assert set(s.answers["scale"]) == {"understanding4"}
    assert s.info["scale_inferred_from_numbers"] == list(DATA)


def test_xlsx_and_cp932_read_like_utf8(tmp_path):
    header, rows = long_rows(DATA)
    ref = compare_items(read_answers(write_csv(tmp_path / "u.csv", header, rows))).items[KEY]
    cp = write_csv(tmp_path / "cp.csv", header, rows, encoding="cp932")
    pd.testing.assert_frame_equal(compare_items(read_answers(cp)).items[KEY], ref)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(tmp_path / "q.xlsx")
    pd.testing.assert_frame_equal(compare_items(read_answers(tmp_path / "q.xlsx")).items[KEY], ref)


def test_no_ids_means_unpaired_tests(tmp_path):
    header, rows = long_rows(DATA, ids=False)
    res = compare_items(read_answers(write_csv(tmp_path / "anon.csv", header, rows)))
    it = res.items
    assert not it["paired"].any()
    assert it["wilcoxon_p"].isna().all() and it["mcnemar_p"].isna().all()
    assert it["mannwhitney_p"].notna().all() and it["fisher_p"].notna().all()
    assert (it["n_only_pre"] == 7).all() and (it["n_pairs"] == 0).all()
    assert "対応づけられません" in res.info["pairing_ja"]
    assert res.info["pairing"]["n_only_pre"] == 7


def test_mismatched_ids_are_reported(tmp_path):
    header, rows = long_rows(DATA)
    for r in rows[7:12]:  # five post forms carry other ids
        r[0] = "X" + r[0]
    res = compare_items(read_answers(write_csv(tmp_path / "mm.csv", header, rows)))
    assert res.info["pairing"] == {"n_paired": 2, "n_only_pre": 5, "n_only_post": 5,
                                   "text": res.info["pairing_ja"], "n_paired_ignoring_zeros": 0,
                                   "ids_paired_ignoring_zeros": []}
    assert "先頭の0" not in res.info["pairing_ja"]  # nothing to say when no pair needed the rule
    assert not res.items["paired"].any()
    assert "2人だけ" in res.items.loc[0, "warning"]


def test_freetext_and_attribute_columns(tmp_path):
    header = ["ID", "時期", "職種", "q", "感想"]
    rows = [["1", "前", "医師", "わからない", "不安"], ["1", "後", "医師", "わかる", "役割がわかった"]]
    s = read_survey(write_csv(tmp_path / "f.csv", header, rows))
    assert list(s.answers["item"].unique()) == ["q"]
    assert s.info["ignored_columns"] == ["職種"]
    assert list(s.freetext["phase"]) == ["pre", "post"] and list(s.freetext["column"]) == ["感想", "感想"]


def test_unknown_label_names_file_row_column_and_labels(tmp_path):
    header, rows = long_rows(DATA)
    rows[2][3] = "ややわかる"  # row 4 of the file, column 手技
    with pytest.raises(InputError) as e:
        read_answers(write_csv(tmp_path / "bad.csv", header, rows))
    err = e.value
    assert (err.row, err.column) == (4, "手技") and err.file.endswith("bad.csv")
    msg = str(err)
    assert "bad.csv" in msg and "4行目" in msg and "手技" in msg and "ややわかる" in msg
    assert "とてもわかる(4)" in msg and "まったくわからない(1)" in msg


def test_long_unknown_answer_is_not_quoted(tmp_path):
    secret = "家族の状況について長く書かれた自由記述の文章がここに入ります"
    header, rows = long_rows(DATA)
    rows[0][2] = secret
    with pytest.raises(InputError) as e:
        read_answers(write_csv(tmp_path / "long.csv", header, rows))
    assert secret not in str(e.value) and "自由記述" in str(e.value)


def test_missing_item_column_in_post_file(tmp_path):
    p1 = write_csv(tmp_path / "pre.csv", ["ID", "制度", "手技"], [["1", "わかる", "わかる"]])
    p2 = write_csv(tmp_path / "post.csv", ["ID", "制度"], [["1", "わかる"]])
    with pytest.raises(InputError) as e:
        read_answers(p1, p2)
    assert e.value.column == "手技" and e.value.file.endswith("post.csv") and "手技" in str(e.value)


def test_wide_missing_partner_column(tmp_path):
    p = write_csv(tmp_path / "w.csv", ["制度_前", "制度_後", "手技_前"], [["わかる", "わかる", "わかる"]])
    with pytest.raises(InputError) as e:
        read_answers(p)
    assert e.value.column == "手技_前" and "研修後" in str(e.value)


def test_respondent_twice_in_one_phase(tmp_path):
    header, rows = long_rows(DATA)
    rows[4][0] = "P02"  # file rows 3 and 6 are both P02 before the course
    with pytest.raises(InputError) as e:
        read_answers(write_csv(tmp_path / "dup.csv", header, rows))
    assert e.value.row == 6 and e.value.column == "回答者ID"
    assert "3、6行目" in str(e.value) and "研修前" in str(e.value)


def test_no_phase_at_all(tmp_path):
    with pytest.raises(InputError, match="区別できません"):
        read_answers(write_csv(tmp_path / "x.csv", ["ID", "q"], [["1", "わかる"]]))


def test_unknown_phase_value_names_row(tmp_path):
    header, rows = long_rows(DATA)
    rows[3][1] = "中間"
    with pytest.raises(InputError) as e:
        read_answers(write_csv(tmp_path / "ph.csv", header, rows))
    assert e.value.row == 5 and e.value.column == "時期"


def test_scales_file_errors_name_the_row(tmp_path):
    p = tmp_path / "s.tsv"
    p.write_text("scale_id\tlabel\tvalue\tpositive\nx\tよい\t2\t1\nx\tわるい\tone\t0\n", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_scales(p)
    assert e.value.row == 3 and e.value.column == "value"
    p.write_text("x\tよい\t2\t1\nx\t良い\t2\t0\n", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_scales(p)
    assert e.value.row == 2 and e.value.column == "positive"


def test_user_scale_extends_the_file(tmp_path):
    p = tmp_path / "s.tsv"
    p.write_text("scale_id\tlabel\tvalue\tpositive\nyn3\tできる\t3\t1\nyn3\t少しできる\t2\t1\n"
                 "yn3\tできない\t1\t0\n", encoding="utf-8")
    header = ["ID", "時期", "吸引"]
    rows = [["1", "前", "出来ない"], ["2", "前", "少しできる"], ["1", "後", "できる"], ["2", "後", "できる"]]
    s = read_survey(write_csv(tmp_path / "y.csv", header, rows), scales=p)
    assert list(s.answers["value"]) == [1, 2, 3, 3] and set(s.answers["scale"]) == {"yn3"}


def test_compare_items_by_hand(tmp_path):
    it = compare_items(read_answers(_long(tmp_path))).items.set_index("item").loc["制度"]
    # 制度: (2,3) (1,3) (2,4) (2,2) (3,4) (1,2) (2,3) -> differences 1 2 2 0 1 1 1
    assert (it["wilcoxon_n"], it["n_zero_diff"], it["wilcoxon_v"]) == (6, 1, 21)
    var = 6 * 7 * 13 / 24 - ((4 ** 3 - 4) + (2 ** 3 - 2)) / 48  # ties: four 1s, two 2s
    z = (21 - 6 * 7 / 4) / var ** 0.5
    assert it["z"] == pytest.approx(z, abs=1e-12) and it["r"] == pytest.approx(z / 6 ** 0.5, abs=1e-12)
    from scipy.stats import norm

    assert it["wilcoxon_p_normal"] == pytest.approx(2 * norm.sf(z), abs=1e-12)
    # default p: exact conditional — all six non-zero differences positive: 2 of 2^6 sign patterns
    assert it["wilcoxon_p"] == pytest.approx(2 / 64, abs=1e-12)
    assert it["wilcoxon_method"] == "exact-conditional" and it["rank_biserial"] == 1.0
    # positive = わかる or better: 4 pairs no->yes, none yes->no: exact McNemar 2 * (1/2)^4
    assert (it["mcnemar_b"], it["mcnemar_c"], it["mcnemar_p"]) == (0, 4, 0.125)
    assert (it["median_pre"], it["q1_pre"], it["q3_pre"]) == (2.0, 1.5, 2.0)
    assert it["pct_positive_pre"] == pytest.approx(100 / 7) and it["pct_positive_post"] == pytest.approx(500 / 7)
    assert it["direction"] == "上昇" and it["paired"]


def test_empty_item_column_is_noted_not_analysed(tmp_path):
    p1 = write_csv(tmp_path / "pre.csv", ["ID", "制度", "手技"], [["1", "わかる", ""], ["2", "わからない", ""]])
    p2 = write_csv(tmp_path / "post.csv", ["ID", "制度", "手技"], [["1", "とてもわかる", ""], ["2", "わかる", ""]])
    s = read_survey(p1, p2)
    assert s.info["items_without_answers"] == ["手技"] and set(s.answers["item"]) == {"制度"}
    with pytest.raises(InputError, match="項目"):
        read_answers(write_csv(tmp_path / "none.csv", ["ID", "時期", "q"], [["1", "前", ""], ["1", "後", ""]]))


def test_wide_respondent_twice(tmp_path):
    p = write_csv(tmp_path / "w.csv", ["ID", "q_pre", "q_post"],
                  [["a", "わかる", "わかる"], ["b", "わかる", "わかる"], ["a", "わからない", "わかる"]])
    with pytest.raises(InputError) as e:
        read_answers(p)
    assert e.value.row == 4 and "「a」の行が複数あります(2、4行目)" in str(e.value)


def test_unpaired_effect_size_by_hand(tmp_path):
    header = ["時期", "q"]
    rows = [["前", "わからない"], ["前", "わかる"], ["前", "わからない"],
            ["後", "わかる"], ["後", "とてもわかる"], ["後", "わかる"]]
    it = compare_items(read_answers(write_csv(tmp_path / "u.csv", header, rows))).items.iloc[0]
    # pre 2,3,2 vs post 3,4,3: U(post) = 3 (the 4 beats all) + 2 × 2.5 (each 3 beats two 2s, ties one) = 8 of 9
    assert it["mannwhitney_u"] == 8.0 and it["rank_biserial"] == pytest.approx(2 * 8 / 9 - 1)
    assert it["r_n"] == 6 and it["r"] == pytest.approx(it["z"] / 6 ** 0.5)
    assert it["mannwhitney_method"] == "exact-conditional" and it["direction"] == "上昇"
    # by hand: pooled 2,3,2 | 3,4,3 has mid-ranks 1.5 (the 2s), 4 (the 3s), 6 (the 4); the post rank sum
    # is 4 + 6 + 4 = 14; count the 20 ways to pick three answers as post
    from itertools import combinations

    ranks = [1.5, 4, 1.5, 4, 6, 4]
    sums = [sum(ranks[i] for i in c) for c in combinations(range(6), 3)]
    extreme = min(sum(x >= 14 - 1e-9 for x in sums), sum(x <= 14 + 1e-9 for x in sums))
    assert it["mannwhitney_p"] == pytest.approx(min(1, 2 * extreme / 20), abs=1e-12)
