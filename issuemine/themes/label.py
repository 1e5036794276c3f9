"""Stage 4 — a short Japanese label, key terms and representative notes for every theme.

Distinctive terms are scored class-based TF-IDF style on note frequencies (short notes rarely repeat a
word): share of the theme's notes containing the term × log(1 + mean theme size / notes containing the
term anywhere). Longer terms (the field's compounds, 短期入所, 訪問看護ステーション) get a mild bonus because
a committee reads them as one idea; negated terms (連携+否定) a mild malus, since the plain term labels
the topic better. Labels take the top three terms that do not contain one another, joined by 「・」, and
are made unique across themes.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

NEGATION_SUFFIX = "+否定"


def display_term(term: str) -> str:
    """How a feature term is shown to a reader: 連携+否定 → 連携(否定)."""
    if term.endswith(NEGATION_SUFFIX):
        return term[: -len(NEGATION_SUFFIX)] + "(否定)"
    return term


def _bonus(term: str) -> float:
    base = term.removesuffix(NEGATION_SUFFIX)
    b = 1.0 + 0.1 * min(max(len(base) - 2, 0), 4)
    return b * (0.8 if term.endswith(NEGATION_SUFFIX) else 1.0)


def term_weights(terms: list[list[str]], groups: list[np.ndarray]) -> list[list[tuple[str, float]]]:
    """For each group (array of note indices), its terms sorted by distinctiveness (desc, then term)."""
    df_all: Counter = Counter()
    for ts in terms:
        df_all.update(set(ts))
    mean_size = max(1.0, len(terms) / max(1, len(groups)))
    out = []
    for idx in groups:
        df: Counter = Counter()
        for i in idx:
            df.update(set(terms[i]))
        n = max(1, len(idx))
        scored = [(t, (c / n) * math.log(1.0 + mean_size / df_all[t]) * _bonus(t)) for t, c in df.items()
                  if c >= 2 or n < 4]  # a term in one note only says nothing about a theme of 4+
        scored.sort(key=lambda x: (-x[1], x[0]))
        out.append(scored)
    return out


def _overlaps(term: str, chosen: list[str]) -> bool:
    return any(term in c or c in term for c in chosen)


def make_labels(weighted: list[list[tuple[str, float]]], n_terms: int = 3, fixed: list[str | None] | None = None,
                fallback: list[str] | None = None) -> list[str]:
    """Unique labels, in group order (earlier groups — the larger themes — keep the shorter labels).

    ``fixed`` labels (codebook names, facilitator renames) are kept as given; ``fallback[i]`` is used
    when a group has no term at all (e.g. notes of numbers only) and to break final ties.
    """
    fixed = fixed or [None] * len(weighted)
    fallback = fallback or [f"テーマ{i + 1}" for i in range(len(weighted))]
    used = {f for f in fixed if f}
    labels: list[str] = []
    for i, terms in enumerate(weighted):
        if fixed[i]:
            labels.append(fixed[i])
            continue
        chosen: list[str] = []
        candidates = [t for t, _ in terms]
        label = None
        for t in candidates:
            base = display_term(t)
            if _overlaps(base, chosen):
                continue
            chosen.append(base)
            if len(chosen) >= n_terms:
                cand = "・".join(chosen)
                if cand not in used:
                    label = cand
                    break
        if label is None:
            cand = "・".join(chosen) if chosen else fallback[i]
            label = cand if cand not in used else f"{cand}({fallback[i]})"
        used.add(label)
        labels.append(label)
    # two identical fixed labels (e.g. a rename onto an existing name): suffix the later ones
    seen: Counter = Counter()
    for i, lab in enumerate(labels):
        seen[lab] += 1
        if seen[lab] > 1:
            labels[i] = f"{lab}({fallback[i]})"
    return labels


def representatives(X: np.ndarray, idx: np.ndarray, k: int = 3) -> list[int]:
    """Indices of the ``k`` notes closest (cosine) to the group's centroid; ties by input order."""
    if len(idx) == 0:
        return []
    c = X[idx].mean(axis=0)
    nrm = np.linalg.norm(c)
    sims = X[idx] @ (c / nrm if nrm else c)
    order = np.lexsort((idx, -np.round(sims, 6)))
    return [int(idx[j]) for j in order[:k]]


def format_key_terms(weighted: list[tuple[str, float]], k: int = 10) -> str:
    return " / ".join(f"{display_term(t)}:{w:.3f}" for t, w in weighted[:k])


class ThemeLabeller:
    """The labelling stage: distinctive terms, unique labels, key terms and representative notes."""

    def __init__(self, n_terms: int = 3, n_key_terms: int = 10, n_representatives: int = 3):
        self.n_terms = n_terms
        self.n_key_terms = n_key_terms
        self.n_representatives = n_representatives

    def weights(self, terms, groups):
        return term_weights(terms, groups)

    def labels(self, weighted, fixed=None, fallback=None):
        return make_labels(weighted, n_terms=self.n_terms, fixed=fixed, fallback=fallback)

    def key_terms(self, weighted_one) -> str:
        return format_key_terms(weighted_one, k=self.n_key_terms)

    def representatives(self, X, idx):
        return representatives(X, idx, k=self.n_representatives)
