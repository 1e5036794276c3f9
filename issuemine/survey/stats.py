"""The tests, on plain numbers: Wilcoxon signed-rank, Mann–Whitney U, exact McNemar, Fisher, Holm.

Conventions (as R's wilcox.test and as Japanese medical-education reports state them):
- Differences are after − before, so positive statistics mean improvement.
- Signed-rank: zero differences are dropped (Wilcoxon's method, as R); N = the number of non-zero pairs.
- Default p (``exact=True``) for N < 50: the exact conditional (permutation) p — every sign pattern
  (signed-rank) or every split of the pooled answers (Mann–Whitney) is counted with the observed
  mid-ranks, by dynamic programming over doubled mid-ranks (integers), so ties and zero differences are
  handled exactly. Without ties and zeros this is the classic exact test (method "exact"), with them
  "exact-conditional". Two-sided p = 2 × the smaller tail, capped at 1. From N = 50 on: the normal
  approximation with tie correction and without continuity correction ("asymptotic").
- ``p_normal`` is always the normal-approximation p (tie-corrected, no continuity correction) — the
  number R's wilcox.test(exact = FALSE, correct = FALSE) and SPSS print — given beside the default p.
- ``exact=False`` gives R's default instead: exact only without ties and zeros, else the approximation.
  ``exact_ties`` is the former name of ``exact`` (accepted for compatibility).
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
    method: str           # "exact", "exact-conditional", "asymptotic" or "" when there is nothing to test
    z: float
    r: float              # z / sqrt(n)
    rank_biserial: float  # matched-pairs rank-biserial (T+ − T−) / (T+ + T−)
    ties: bool
    p_normal: float = float("nan")  # normal approximation (tie-corrected, no continuity correction)


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
    p_normal: float = float("nan")


def _tie_term(values: np.ndarray) -> float:
    _, counts = np.unique(values, return_counts=True)
    return float(np.sum(counts.astype(float) ** 3 - counts))


def _normal_p(z: float) -> float:
    return float("nan") if math.isnan(z) else float(min(1.0, math.erfc(abs(z) / math.sqrt(2.0))))


def _use_exact(exact: bool, exact_ties: bool | None) -> bool:
    return bool(exact if exact_ties is None else exact_ties)


def _tails(counts: np.ndarray, observed: int) -> float:
    """Two-sided p from a distribution of counts over doubled statistics 0..len-1."""
    total = counts.sum()
    lower = counts[: observed + 1].sum() / total
    upper = counts[observed:].sum() / total
    return float(min(1.0, 2.0 * min(lower, upper)))


def signed_rank_exact_conditional(ranks, t_plus: float) -> float:
    """Exact two-sided p of T+ given the mid-ranks of the non-zero |differences| (all 2^n sign patterns)."""
    w = np.rint(2 * np.asarray(ranks, dtype=float)).astype(np.int64)
    counts = np.zeros(int(w.sum()) + 1)
    counts[0] = 1.0
    for wi in w:  # each difference is positive or negative with probability ½ under H0
        nxt = counts.copy()
        nxt[wi:] += counts[: counts.size - wi]
        counts = nxt
    return _tails(counts, int(round(2 * t_plus)))


def rank_sum_exact_conditional(pooled_ranks, n_first: int, rank_sum_first: float) -> float:
    """Exact two-sided p of the first sample's rank sum given the pooled mid-ranks (all splits)."""
    w = np.rint(2 * np.asarray(pooled_ranks, dtype=float)).astype(np.int64)
    size = int(w.sum()) + 1
    counts = np.zeros((n_first + 1, size))  # counts[k, s]: subsets of k answers with doubled sum s
    counts[0, 0] = 1.0
    for wi in w:
        nxt = counts.copy()
        nxt[1:, wi:] += counts[:-1, : size - wi]
        counts = nxt
    return _tails(counts[n_first], int(round(2 * rank_sum_first)))


def wilcoxon_signed_rank(before, after, *, exact_max_n: int = EXACT_MAX_N, exact: bool = True,
                         exact_ties: bool | None = None) -> SignedRankResult:
    """Two-sided Wilcoxon signed-rank test of paired answers (see the module notes for conventions)."""
    from scipy import stats

    exact = _use_exact(exact, exact_ties)
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
    p_normal = _normal_p(z)
    classic = not ties and n_zero == 0
    if n <= exact_max_n and (exact or classic):
        method = "exact" if classic else "exact-conditional"
        p = signed_rank_exact_conditional(ranks, t_plus)
    else:
        method, p = "asymptotic", p_normal
    return SignedRankResult(int(d.size), n_zero, n, t_plus, t_minus, p, method, z,
                            z / math.sqrt(n), (t_plus - t_minus) / (t_plus + t_minus), ties, p_normal)


def mann_whitney(before, after, *, exact_max_n: int = EXACT_MAX_N, exact: bool = True,
                 exact_ties: bool | None = None) -> MannWhitneyResult:
    """Two-sided Mann–Whitney U test of unpaired answers: exact (conditional on the observed mid-ranks when
    there are ties) when both samples are under 50, else the normal approximation with tie correction and
    no continuity correction; ``exact=False``: exact only without ties (as R)."""
    from scipy import stats

    exact = _use_exact(exact, exact_ties)
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    n1, n2 = int(a.size), int(b.size)
    nan = float("nan")
    if n1 == 0 or n2 == 0:
        return MannWhitneyResult(n2, n1, nan, nan, "", nan, nan, False)
    pooled = np.concatenate([a, b])
    ties = bool(np.unique(pooled).size < pooled.size)
    ranks = stats.rankdata(pooled)
    u = float(ranks[:n1].sum() - n1 * (n1 + 1) / 2.0)
    big_n = n1 + n2
    var = n1 * n2 / 12.0 * ((big_n + 1) - _tie_term(pooled) / (big_n * (big_n - 1)))
    z = (u - n1 * n2 / 2.0) / math.sqrt(var) if var > 0 else nan
    p_normal = _normal_p(z)
    small = max(n1, n2) <= exact_max_n
    if small and not ties:
        method = "exact"
        p = float(stats.mannwhitneyu(a, b, alternative="two-sided", method="exact").pvalue)
    elif small and exact and var > 0:
        method = "exact-conditional"
        p = rank_sum_exact_conditional(ranks, n1, u + n1 * (n1 + 1) / 2.0)
    else:
        method, p = "asymptotic", p_normal
    return MannWhitneyResult(n2, n1, u, p, method, z, 2.0 * u / (n1 * n2) - 1.0, ties, p_normal)


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
    """Holm-adjusted p values; NaN (no test) stays NaN and does not count as a test.

    Written out rather than via statsmodels' multipletests, whose Holm branch calls gc.collect() on
    every call (0.1 s here, more in a big process); tests check both agree.
    """
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    if ok.size:
        order = ok[np.argsort(p[ok], kind="mergesort")]
        m = order.size
        adjusted = np.maximum.accumulate(p[order] * np.arange(m, 0, -1))
        out[order] = np.minimum(adjusted, 1.0)
    return out
