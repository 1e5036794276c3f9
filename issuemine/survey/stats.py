"""The tests, on plain numbers: Wilcoxon signed-rank, Mann–Whitney U, exact McNemar, Fisher, Holm.

Conventions (as R's wilcox.test and as Japanese medical-education reports state them):
- Differences are after − before, so positive statistics mean improvement.
- Signed-rank: zero differences are dropped (zero_method="wilcox"); N = the number of non-zero pairs.
  The p value is exact when N < 50 and there are no ties and no zeros, else from the normal approximation
  with tie correction and without continuity correction.
- z is always the normal-approximation statistic (tie-corrected), also when p is exact, so that the effect
  size r = z/√N can be given in every case; N is reported next to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

EXACT_MAX_N = 49  # exact p when n < 50, as R's wilcox.test


@dataclass(frozen=True)
class SignedRankResult:
    n_pairs: int          # pairs given
    n_zero: int           # pairs with no change (dropped)
    n: int                # non-zero pairs: the N of the test and of r
    t_plus: float         # V: sum of ranks of positive differences
    t_minus: float
    p: float
    method: str           # "exact", "asymptotic" or "" when there is nothing to test
    z: float
    r: float              # z / sqrt(n)
    rank_biserial: float  # matched-pairs rank-biserial (T+ − T−) / (T+ + T−)
    ties: bool


@dataclass(frozen=True)
class MannWhitneyResult:
    n_before: int
    n_after: int
    u: float              # U of the after sample: pairs (after > before) + ½ ties
    p: float
    method: str
    z: float
    rank_biserial: float  # 2U / (n1 n2) − 1, positive when after is higher
    ties: bool


def _tie_term(values: np.ndarray) -> float:
    _, counts = np.unique(values, return_counts=True)
    return float(np.sum(counts.astype(float) ** 3 - counts))


def wilcoxon_signed_rank(before, after, *, exact_max_n: int = EXACT_MAX_N) -> SignedRankResult:
    """Two-sided Wilcoxon signed-rank test of paired answers (see the module notes for conventions)."""
    from scipy import stats

    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    if b.shape != a.shape:
        raise ValueError("before and after must pair up")
    d = a - b
    nz = d[d != 0]
    n, n_zero = int(nz.size), int(d.size - nz.size)
    nan = float("nan")
    if n == 0:
        return SignedRankResult(int(d.size), n_zero, 0, 0.0, 0.0, nan, "", nan, nan, nan, False)
    ranks = stats.rankdata(np.abs(nz))
    t_plus = float(ranks[nz > 0].sum())
    t_minus = float(ranks[nz < 0].sum())
    ties = bool(np.unique(np.abs(nz)).size < n)
    var = n * (n + 1) * (2 * n + 1) / 24.0 - _tie_term(np.abs(nz)) / 48.0
    z = (t_plus - n * (n + 1) / 4.0) / math.sqrt(var) if var > 0 else nan
    exact = n <= exact_max_n and not ties and n_zero == 0
    method = "exact" if exact else "asymptotic"
    p = float(stats.wilcoxon(nz, zero_method="wilcox", correction=False, method=method).pvalue)
    return SignedRankResult(int(d.size), n_zero, n, t_plus, t_minus, p, method, z,
                            z / math.sqrt(n), (t_plus - t_minus) / (t_plus + t_minus), ties)


def mann_whitney(before, after, *, exact_max_n: int = EXACT_MAX_N) -> MannWhitneyResult:
    """Two-sided Mann–Whitney U test of unpaired answers: exact when both samples are under 50 and there
    are no ties (as R), else normal approximation with tie correction and no continuity correction."""
    from scipy import stats

    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    n1, n2 = int(a.size), int(b.size)
    nan = float("nan")
    if n1 == 0 or n2 == 0:
        return MannWhitneyResult(n2, n1, nan, nan, "", nan, nan, False)
    pooled = np.concatenate([a, b])
    ties = bool(np.unique(pooled).size < pooled.size)
    exact = max(n1, n2) <= exact_max_n and not ties
    method = "exact" if exact else "asymptotic"
    res = stats.mannwhitneyu(a, b, alternative="two-sided", method=method, use_continuity=False)
    u = float(res.statistic)
    big_n = n1 + n2
    var = n1 * n2 / 12.0 * ((big_n + 1) - _tie_term(pooled) / (big_n * (big_n - 1)))
    z = (u - n1 * n2 / 2.0) / math.sqrt(var) if var > 0 else nan
    p = float(res.pvalue) if var > 0 or exact else nan
    return MannWhitneyResult(n2, n1, u, p, method, z, 2.0 * u / (n1 * n2) - 1.0, ties)


def mcnemar_exact(positive_before, positive_after) -> tuple[float, int, int]:
    """Exact (binomial) McNemar test of paired yes/no answers: (p, b, c) where b = yes→no and
    c = no→yes. With no discordant pair the p value is 1."""
    from statsmodels.stats.contingency_tables import mcnemar

    pb = np.asarray(positive_before, dtype=bool)
    pa = np.asarray(positive_after, dtype=bool)
    table = np.array([[np.sum(pb & pa), np.sum(pb & ~pa)], [np.sum(~pb & pa), np.sum(~pb & ~pa)]])
    b, c = int(table[0, 1]), int(table[1, 0])
    if pb.size == 0:
        return float("nan"), 0, 0
    return float(mcnemar(table, exact=True).pvalue), b, c


def fisher_positive(positive_before, positive_after) -> float:
    """Two-sided Fisher exact test of the share of positive answers, before vs after (unpaired)."""
    from scipy import stats

    pb = np.asarray(positive_before, dtype=bool)
    pa = np.asarray(positive_after, dtype=bool)
    if pb.size == 0 or pa.size == 0:
        return float("nan")
    table = [[int(pb.sum()), int((~pb).sum())], [int(pa.sum()), int((~pa).sum())]]
    return float(stats.fisher_exact(table, alternative="two-sided").pvalue)


def holm(pvalues) -> np.ndarray:
    """Holm-adjusted p values; NaN (no test) stays NaN and does not count as a test."""
    from statsmodels.stats.multitest import multipletests

    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = multipletests(p[ok], method="holm")[1]
    return out
