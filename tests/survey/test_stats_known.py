"""Known answers for the tests themselves, against published values and by-hand exact enumeration."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats as sps

from issuemine.survey import stats

# Hollander & Wolfe (1973), p. 29f., Hamilton depression scale factor IV, as in the examples of R's
# ?wilcox.test: x = first visit, y = second visit. R: wilcox.test(x, y, paired = TRUE) gives
# V = 40, p-value = 0.03906 (exact); the exact value is 20/512 = 0.0390625.
HW_X = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
HW_Y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]

# Hollander & Wolfe (1973), p. 69f., permeability constants of the human chorioamnion, as in R's
# ?wilcox.test: wilcox.test(x, y, alternative = "g") gives W = 35, p-value = 0.1272 (exact).
PERM_X = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
PERM_Y = [1.15, 0.88, 0.90, 0.74, 1.21]


def test_wilcoxon_hollander_wolfe_depression():
    res = stats.wilcoxon_signed_rank(before=HW_Y, after=HW_X)
    assert res.t_plus == 40
    assert res.method == "exact"
    assert res.p == pytest.approx(0.0390625, abs=1e-9)
    # by hand: all 2^9 sign patterns of ranks 1..9, two-sided = 2 * P(T+ >= 40)
    extreme = sum(1 for signs in itertools.product((0, 1), repeat=9)
                  if sum(r for r, s in zip(range(1, 10), signs) if s) >= 40)
    assert res.p == pytest.approx(2 * extreme / 2 ** 9, abs=1e-12)
    assert res.n == 9 and res.n_zero == 0
    # rank-biserial: (T+ - T-) / 45 with T- = 45 - 40
    assert res.rank_biserial == pytest.approx((40 - 5) / 45, abs=1e-12)
    # z by hand: (40 - 22.5) / sqrt(9*10*19/24), no ties
    z = (40 - 22.5) / math.sqrt(9 * 10 * 19 / 24)
    assert res.z == pytest.approx(z, abs=1e-12)
    assert res.r == pytest.approx(z / 3, abs=1e-12)


def test_wilcoxon_swapped_is_mirror():
    a = stats.wilcoxon_signed_rank(before=HW_Y, after=HW_X)
    b = stats.wilcoxon_signed_rank(before=HW_X, after=HW_Y)
    assert b.t_plus == a.t_minus and b.p == a.p and b.z == -a.z and b.rank_biserial == -a.rank_biserial


def test_wilcoxon_ties_and_zeros_use_tie_corrected_normal():
    before = [2, 2, 1, 2, 3, 2, 1, 2, 2, 3, 4, 2]
    after = [3, 3, 3, 2, 3, 4, 2, 3, 3, 3, 3, 3]
    res = stats.wilcoxon_signed_rank(before, after, exact=False)  # R's default
    assert res.method == "asymptotic"
    assert res.n_zero == 3 and res.n == 9
    d = np.array(after) - np.array(before)
    d = d[d != 0]
    # by hand: |d| = 1 (x7: ranks 1..7 -> 4), 2 (x2: ranks 8,9 -> 8.5); one negative of size 1
    assert res.t_minus == 4 and res.t_plus == 45 - 4
    var = 9 * 10 * 19 / 24 - ((7 ** 3 - 7) + (2 ** 3 - 2)) / 48
    z = (41 - 22.5) / math.sqrt(var)
    assert res.z == pytest.approx(z, abs=1e-12)
    assert res.p == pytest.approx(2 * sps.norm.sf(z), abs=1e-12)
    # and scipy's own statistic agrees in size
    assert abs(sps.wilcoxon(d, method="asymptotic").zstatistic) == pytest.approx(z, abs=1e-12)


def test_wilcoxon_all_tied_has_no_test():
    res = stats.wilcoxon_signed_rank([2, 3, 4], [2, 3, 4])
    assert res.n == 0 and res.method == "" and math.isnan(res.p)


def test_mann_whitney_hollander_wolfe_permeability():
    res = stats.mann_whitney(before=PERM_Y, after=PERM_X)
    assert res.u == 35 and res.method == "exact"
    # published one-sided p (R docs example): 0.1272
    assert res.p / 2 == pytest.approx(0.1272, abs=5e-5)
    # by hand: all C(15, 5) ways to pick the y ranks; U_x >= 35 in how many
    pooled = PERM_X + PERM_Y
    ranks = sps.rankdata(pooled)
    total = 0
    extreme = 0
    for ys in itertools.combinations(range(15), 5):
        ry = sum(ranks[i] for i in ys)
        u_x = (120 - ry) - 10 * 11 / 2
        total += 1
        extreme += u_x >= 35
    assert total == math.comb(15, 5)
    assert res.p == pytest.approx(2 * extreme / total, abs=1e-9)
    assert res.rank_biserial == pytest.approx(2 * 35 / 50 - 1, abs=1e-12)


def test_mcnemar_exact_bentur_example():
    # Fagerland, Lydersen & Laake (2013), BMC Med Res Methodol 13:91, Table 1 (Bentur et al. 2009):
    # AHR before/after stem cell transplantation in 21 children: 1 yes/yes, 1 yes->no, 7 no->yes,
    # 12 no/no; published McNemar exact conditional p = 0.070.
    before = [1] * 1 + [1] * 1 + [0] * 7 + [0] * 12
    after = [1] * 1 + [0] * 1 + [1] * 7 + [0] * 12
    p, b, c = stats.mcnemar_exact(before, after)
    assert (b, c) == (1, 7)
    assert round(p, 3) == 0.070
    # by hand: 2 * P(X <= 1), X ~ Bin(8, 1/2) = 2 * (1 + 8) / 256
    assert p == pytest.approx(2 * (1 + 8) / 256, abs=1e-12)


def test_fisher_lady_tasting_tea():
    # Fisher (1935), The Design of Experiments: table [[3, 1], [1, 3]]; two-sided p = 34/70
    # (hypergeometric by hand: P(3) = 16/70, P(4) = 1/70, both tails).
    p = stats.fisher_positive([1, 1, 1, 0], [1, 0, 0, 0])
    assert p == pytest.approx(34 / 70, abs=1e-12)


def test_holm_by_hand():
    out = stats.holm([0.01, 0.04, float("nan"), 0.03])
    # sorted: 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> monotone 0.06
    assert out[0] == pytest.approx(0.03) and out[1] == pytest.approx(0.06) and out[3] == pytest.approx(0.06)
    assert math.isnan(out[2])


def test_holm_agrees_with_statsmodels():
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(5)
    for size in (1, 2, 7, 30):
        p = rng.uniform(0, 0.2, size)
        p[rng.integers(0, size)] = p[0]  # a tie
        assert np.allclose(stats.holm(p), multipletests(p, method="holm")[1], rtol=0, atol=1e-15)


def test_exact_conditional_signed_rank_matches_full_enumeration():
    rng = np.random.default_rng(11)
    for n in (3, 6, 9):
        before = rng.integers(1, 5, n)
        after = np.clip(before + rng.integers(-1, 3, n), 1, 4)
        res = stats.wilcoxon_signed_rank(before, after, exact_ties=True)
        if res.n == 0:
            continue
        d = (after - before)[after != before]
        ranks = sps.rankdata(np.abs(d))
        # by enumeration: every sign pattern of the observed mid-ranks
        sums = [sum(r for r, s in zip(ranks, signs) if s) for signs in itertools.product((0, 1), repeat=d.size)]
        lower = sum(t <= res.t_plus + 1e-9 for t in sums) / len(sums)
        upper = sum(t >= res.t_plus - 1e-9 for t in sums) / len(sums)
        assert res.p == pytest.approx(min(1.0, 2 * min(lower, upper)), abs=1e-12)
        assert res.method == ("exact" if res.n_zero == 0 and not res.ties else "exact-conditional")
    # without ties or zeros it is the classic exact test
    assert stats.signed_rank_exact_conditional(range(1, 10), 40) == pytest.approx(0.0390625, abs=1e-12)


def test_exact_conditional_rank_sum_matches_full_enumeration():
    before = [1, 2, 2, 2, 3, 2]
    after = [3, 3, 2, 4, 3]
    res = stats.mann_whitney(before, after, exact_ties=True)
    assert res.method == "exact-conditional"
    pooled = np.array(after + before, dtype=float)
    ranks = sps.rankdata(pooled)
    observed = ranks[: len(after)].sum()
    sums = [sum(ranks[i] for i in c) for c in itertools.combinations(range(pooled.size), len(after))]
    lower = sum(s <= observed + 1e-9 for s in sums) / len(sums)
    upper = sum(s >= observed - 1e-9 for s in sums) / len(sums)
    assert res.p == pytest.approx(min(1.0, 2 * min(lower, upper)), abs=1e-12)
    # the permutation test of scipy agrees
    perm = sps.mannwhitneyu(after, before, method=sps.PermutationMethod(n_resamples=np.inf))
    assert res.p == pytest.approx(perm.pvalue, abs=1e-12)
    # and without ties the classic exact test: Hollander & Wolfe permeability, as above
    plain = stats.mann_whitney(PERM_Y, PERM_X, exact_ties=True)
    assert plain.method == "exact"
