"""Flag exact and near-duplicate notes within each group (flagged, never dropped).

* exact: the same text once surrounding whitespace is stripped;
* near: Jaccard similarity ≥ ``threshold`` (0.8) between the sets of character bigrams of the texts
  after NFKC and case-folding, keeping only letters and digits (whitespace, punctuation and symbols
  go; a text of one character is its own set). 「訪問看護が足りない。」 and 「訪問看護が足りない!!」 are near duplicates.

Each duplicate points at the earliest matching note of its group. Candidates are found with prefix and
size filtering, which is exact for Jaccard and avoids comparing every pair: one group of 100k notes
takes seconds, not hours.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter, defaultdict


def bigram_set(text: str) -> frozenset[str]:
    """The character bigrams of a note, normalised as the module docstring says."""
    norm = "".join(filter(str.isalnum, unicodedata.normalize("NFKC", text).casefold()))
    if len(norm) < 2:
        return frozenset([norm]) if norm else frozenset()
    return frozenset(norm[i:i + 2] for i in range(len(norm) - 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def flag_duplicates(texts: list[str], groups: list[str], ids: list[str],
                    threshold: float = 0.8) -> tuple[list[str], list[str]]:
    """``(duplicate_of, near_duplicate_of)``: for each note the id of its earlier twin, or ``""``."""
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    dup_of = [""] * len(texts)
    near_of = [""] * len(texts)
    members: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(groups):
        members[g].append(i)
    for idx in members.values():
        first_seen: dict[str, int] = {}
        originals = []
        for i in idx:
            key = texts[i].strip()
            if key in first_seen:
                dup_of[i] = ids[first_seen[key]]
            else:
                first_seen[key] = i
                originals.append(i)
        for i, j in _near_pairs([bigram_set(texts[i]) for i in originals], threshold).items():
            near_of[originals[i]] = ids[originals[j]]
    return dup_of, near_of


def _near_pairs(sets: list[frozenset], t: float) -> dict[int, int]:
    """For each set, the earliest earlier set with Jaccard ≥ t.

    Tokens are ordered rarest first; two sets can reach t only if their prefixes of length
    ``n - ceil(t·n) + 1`` share a token and their sizes are within a factor t (Chaudhuri et al. 2006;
    PPJoin's positional filter was tried and did not pay on notes). Survivors are verified exactly,
    earliest first.
    """
    freq = Counter(tok for s in sets for tok in s)
    rank = {tok: r for r, tok in enumerate(sorted(freq, key=lambda tok: (freq[tok], tok)))}
    index: dict[str, list[int]] = defaultdict(list)
    sizes = [len(s) for s in sets]
    found: dict[int, int] = {}
    eps = 1e-9
    for i, s in enumerate(sets):
        n = sizes[i]
        if not n:
            continue
        prefix = sorted(s, key=rank.__getitem__)[: n - math.ceil(t * n - eps) + 1]
        lo, hi = t * n - eps, n / t + eps  # sizes a match can have
        for j in sorted({j for tok in prefix for j in index[tok]}):
            m = sizes[j]
            if lo <= m <= hi:
                inter = len(s & sets[j])  # Jaccard inlined: this loop is the hot path
                if inter >= t * (n + m - inter) - eps:
                    found[i] = j
                    break
        for tok in prefix:
            index[tok].append(i)
    return found
