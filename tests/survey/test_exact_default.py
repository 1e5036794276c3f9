"""The default survey p is exact (conditional on the observed mid-ranks) for N < 50: known answers against
brute-force enumeration of every sign pattern / every split, to 1e-9, including the two cases of issue 11."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from issuemine.survey import stats


def brute_signed_rank(before, after) -> float:
    """Two-sided exact conditional p by listing all 2^n sign patterns of the observed mid-ranks."""
    d = np.asarray(after, float) - np.asarray(before, float)
    d = d[d != 0]
    ranks = sps.rankdata(np.abs(d))
    observed = ranks[d > 0].sum()
    sums = np.array([sum(r for r, s in zip(ranks, signs) if s)
                     for signs in itertools.product((0, 1), repeat=d.size)])
    lower = np.mean(sums <= observed + 1e-9)
    upper = np.mean(sums >= observed - 1e-9)
    return min(1.0, 2 * min(lower, upper))


def brute_rank_sum(before, after) -> float:
    pooled = np.concatenate([np.asarray(after, float), np.asarray(before, float)])
    ranks = sps.rankdata(pooled)
    observed = ranks[: len(after)].sum()
    sums = np.array([ranks[list(c)].sum() for c in itertools.combinations(range(pooled.size), len(after))])
    return min(1.0, 2 * min(np.mean(sums <= observed + 1e-9), np.mean(sums >= observed - 1e-9)))


def test_four_nonzero_pairs_exact_is_0_625_not_0_317():
    # 10 pairs: six unchanged, three up by one, one down by one (4 non-zero pairs, all |d| tied)
    before = [2, 2, 2, 2, 2, 2, 2, 2, 2, 3]
    after = [2, 2, 2, 2, 2, 2, 3, 3, 3, 2]
    res = stats.wilcoxon_signed_rank(before, after)
    assert res.n == 4 and res.n_zero == 6 and res.method == "exact-conditional"
    assert res.p == pytest.approx(0.625, abs=1e-9)  # P(3 or more of 4 positive) × 2 = 10/16
    assert res.p == pytest.approx(brute_signed_rank(before, after), abs=1e-9)
    assert res.p_normal == pytest.approx(0.3173105078629141, abs=1e-9)  # z = 1: what the approximation said
    old = stats.wilcoxon_signed_rank(before, after, exact=False)
    assert old.method == "asymptotic" and old.p == pytest.approx(res.p_normal, abs=1e-15)


def test_twelve_pairs_all_up_by_one_exact_is_2_over_4096():
    before, after = [2] * 12, [3] * 12
    res = stats.wilcoxon_signed_rank(before, after)
    assert res.n == 12 and res.method == "exact-conditional"
    assert res.p == pytest.approx(2 / 4096, abs=1e-12)  # 0.00049: only all-positive or all-negative
    assert res.p == pytest.approx(brute_signed_rank(before, after), abs=1e-9)
    # the normal approximation (tie-corrected, no continuity correction): z = 39 / sqrt(126.75)
    z = 39 / math.sqrt(12 * 13 * 25 / 24 - (12 ** 3 - 12) / 48)
    assert res.p_normal == pytest.approx(2 * sps.norm.sf(z), abs=1e-12)
    assert res.p_normal > res.p


def test_classic_exact_without_ties_unchanged():
    # Hollander & Wolfe depression data: R gives 0.0390625 exactly; still method "exact"
    x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
    y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
    res = stats.wilcoxon_signed_rank(y, x)
    assert res.method == "exact" and res.p == pytest.approx(0.0390625, abs=1e-12)
    assert res.p_normal == pytest.approx(2 * sps.norm.sf(abs(res.z)), abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=1, max_size=14))
def test_signed_rank_default_equals_brute_force(pairs):
    before = [b for b, _ in pairs]
    after = [a for _, a in pairs]
    res = stats.wilcoxon_signed_rank(before, after)
    if res.n == 0:
        assert math.isnan(res.p) and res.method == ""
        return
    assert res.method in ("exact", "exact-conditional")
    assert res.p == pytest.approx(brute_signed_rank(before, after), abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=7), st.lists(st.integers(1, 4), min_size=1, max_size=7))
def test_rank_sum_default_equals_brute_force(before, after):
    res = stats.mann_whitney(before, after)
    if len(set(before + after)) == 1:
        assert math.isnan(res.p)
        return
    assert res.method in ("exact", "exact-conditional")
    assert res.p == pytest.approx(brute_rank_sum(before, after), abs=1e-9)


def test_from_fifty_pairs_normal_approximation():
    rng = np.random.default_rng(3)
    before = rng.integers(1, 4, 120)
    after = before + rng.integers(-1, 3, 120)
    res = stats.wilcoxon_signed_rank(before, after)
    assert res.n >= 50 and res.method == "asymptotic" and res.p == res.p_normal


def test_mcnemar_small_n_is_shown_never_as_zero():
    from issuemine.present import p_value

    p, b, c = stats.mcnemar_exact([0] * 12, [1] * 12)
    assert (b, c) == (0, 12) and p == pytest.approx(2 / 4096, abs=1e-12)
    assert p_value(p) == "< 0.001"
    assert p_value(0.0626) == "0.063" and p_value(0.0004) != "0.000"


def test_compare_items_default_exact_and_normal_beside(tmp_path):
    import pandas as pd

    from issuemine.survey import compare_items

    rows = []
    for i in range(12):
        rows.append(dict(respondent=str(i + 1), phase="pre", item="連携", value=2, scale="understanding4",
                         label="", source_file="q.csv", source_row=i + 2))
        rows.append(dict(respondent=str(i + 1), phase="post", item="連携", value=3, scale="understanding4",
                         label="", source_file="q.csv", source_row=i + 2))
    answers = pd.DataFrame(rows)
    items = compare_items(answers).items
    r = items.iloc[0]
    assert r["wilcoxon_method"] == "exact-conditional"
    assert r["wilcoxon_p"] == pytest.approx(2 / 4096, abs=1e-12)
    assert r["wilcoxon_p_normal"] > r["wilcoxon_p"]
    legacy = compare_items(answers, exact_ties=False).items.iloc[0]
    assert legacy["wilcoxon_method"] == "asymptotic" and legacy["wilcoxon_p"] == pytest.approx(r["wilcoxon_p_normal"])
