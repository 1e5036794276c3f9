"""Figures: the bars add up to the answers, centred as the scale asks; lines count respondents."""

from __future__ import annotations

import numpy as np
import pandas as pd

from issuemine.schema import ANSWERS
from issuemine.survey import compare_items, read_answers
from issuemine.survey.figures import (diverging_bars_figure, figures_html, positive_share_figure,
                                      slope_figure)


def _answers(item, scale, pairs):
    rows = []
    for i, (a, b) in enumerate(pairs):
        for ph, v in (("pre", a), ("post", b)):
            rows.append((f"r{i}", ph, item, str(v), v, scale, "x.csv", i + 2))
    return ANSWERS.conform(pd.DataFrame(rows, columns=ANSWERS.names))


def _bar_sums(fig):
    """(negative sum, positive sum) of the stacked bars at each y position."""
    n = len(fig.data[0].x)
    neg, pos = np.zeros(n), np.zeros(n)
    for tr in fig.data:
        x = np.asarray(tr.x, dtype=float)
        neg += np.where(x < 0, x, 0)
        pos += np.where(x > 0, x, 0)
    return neg, pos


def test_even_scale_centres_between_the_middle_categories():
    pairs = [(1, 3), (2, 3), (2, 4), (3, 4), (2, 2)]
    fig = diverging_bars_figure(_answers("q", "understanding4", pairs))
    neg, pos = _bar_sums(fig)
    assert np.allclose(neg, [-80, -20]) and np.allclose(pos, [20, 80])  # pre: 1,2,2,3,2 ; post: 3,3,4,4,2
    assert [tr.name for tr in fig.data if tr.showlegend] == ["わからない", "まったくわからない", "わかる", "とてもわかる"]
    assert fig.layout.height == 140 + 54  # one item: two bars


def test_odd_scale_splits_the_middle_category():
    pairs = [(3, 5), (3, 4), (1, 3), (2, 3)]
    fig = diverging_bars_figure(_answers("q", "agreement5", pairs))
    neg, pos = _bar_sums(fig)
    # pre: 3,3,1,2 -> negative 50% + half of 50% middle; post: 5,4,3,3 -> positive 50% + half of 50%
    assert np.allclose(neg, [-75, -25]) and np.allclose(pos, [25, 75])
    middle = [tr for tr in fig.data if tr.name == "どちらともいえない"]
    assert len(middle) == 2 and sum(tr.showlegend for tr in middle) == 1


def test_slopes_count_each_paired_respondent_once():
    pairs = [(1, 3), (1, 3), (2, 3), (3, 2), (2, 2)]
    answers = pd.concat([_answers("q", "understanding4", pairs),
                         ANSWERS.conform(pd.DataFrame([("", "pre", "q", "1", 1, "understanding4", "x.csv", 9)],
                                                      columns=ANSWERS.names))])
    fig = slope_figure(answers)
    counts = sorted(int(tr.hovertemplate.split("人")[0]) for tr in fig.data)
    assert counts == [1, 1, 1, 2] and sum(counts) == len(pairs)
    widths = {tuple(tr.y): tr.line.width for tr in fig.data}
    assert widths[(1, 3)] > widths[(2, 3)]


def test_slopes_without_pairs_say_so():
    answers = _answers("q", "understanding4", [(1, 2)]).assign(respondent="")
    fig = slope_figure(answers)
    assert len(fig.data) == 0 and "対応づけられない" in fig.layout.annotations[-1].text


def test_positive_share_matches_the_table_and_escapes_names(sample_path):
    res = compare_items(read_answers(sample_path))
    fig = positive_share_figure(res)
    assert list(fig.data[1].x) == list(res.items["pct_positive_post"])
    odd = _answers("<b>q&a</b>", "understanding4", [(1, 3), (2, 4)])
    html = figures_html(compare_items(odd))
    assert "<b>q&a</b>" not in html and "&lt;b&gt;q&amp;a&lt;" in html
    assert html.count("<script") >= 1 and html.count('id="survey-') == 3
