"""Free-text answers: term counts before vs after with the real tokenizer, and the theme-coding hook."""

from __future__ import annotations

import pandas as pd
import pytest

from issuemine.survey import compare_items, read_answers
from issuemine.survey.freetext import code_freetext, freetext_terms


def _ft(rows):
    return pd.DataFrame(rows, columns=["respondent", "phase", "text"])


def test_terms_count_answers_not_occurrences():
    ft = _ft([("1", "pre", "訪看との連携がわからない。訪看が遠い"), ("2", "pre", "ショートステイが足りない"),
              ("1", "post", "訪看との役割分担を見直したい"), ("2", "post", "短期入所の探し方が分かった")])
    terms = freetext_terms(ft).set_index("term")
    # 訪看 is normalised to 訪問看護 and counted once per answer; ショートステイ and 短期入所 are one term
    assert (terms.loc["訪問看護", "n_pre"], terms.loc["訪問看護", "n_post"]) == (1, 1)
    assert (terms.loc["短期入所", "n_pre"], terms.loc["短期入所", "n_post"]) == (1, 1)
    assert terms.loc["訪問看護", "pct_pre"] == 50.0
    # negation is kept as its own term
    assert "分かる+否定" in terms.index and terms.loc["分かる+否定", "n_post"] == 0


def test_term_order_does_not_depend_on_row_order():
    rows = [("1", "pre", "制度がわからない"), ("2", "post", "制度がわかった"), ("3", "post", "連携が大切")]
    a = freetext_terms(_ft(rows))
    b = freetext_terms(_ft(rows[::-1]))
    pd.testing.assert_frame_equal(a, b)


def test_code_freetext_hook_counts_themes_per_phase():
    ft = _ft([("1", "pre", "a"), ("2", "pre", "b"), ("1", "post", "c"), ("2", "post", "d")])
    themes = {"a": "連携", "b": ["連携", "短期入所"], "c": None, "d": ("短期入所", "")}
    out = code_freetext(ft, lambda texts: [themes[t] for t in texts]).set_index("theme")
    assert out.loc["連携"].tolist() == [2, 0, 100.0, 0.0]
    assert out.loc["短期入所"].tolist() == [1, 1, 50.0, 50.0]
    with pytest.raises(ValueError):
        code_freetext(ft, lambda texts: texts[:1])


def test_sample_freetext_reaches_the_result(sample_path):
    res = compare_items(read_answers(sample_path))
    ft = res.freetext
    assert set(ft["phase"]) == {"pre", "post"} and (ft["column"] == "自由記述").all()
    assert list(ft["phase"]) == sorted(ft["phase"], key=["pre", "post"].index)
    terms = freetext_terms(ft).set_index("term")
    assert terms.loc["短期入所", "n_pre"] >= 1  # ショートステイ in a before-course comment
