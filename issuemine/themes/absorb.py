"""Guided mode: hand discovered themes (or single notes) that are really codebook themes back to them.

Seed terms never cover a theme's whole vocabulary (「お母さんが寝られていない」 is family burden without
any of C11's words), so clustering the notes without seed terms re-discovers codebook themes under
generic labels. After clustering, a discovered theme joins the codebook theme *j* whose centroid is
nearest to its own (cosine) when

1. that cosine exceeds the largest cosine between two codebook themes' centroids — the codebook's own
   spacing says how close two *different* field themes can be on these vectors;
2. *j* leads the next codebook theme by ``margin`` (0.02, the margin that flags a weak note): a cluster
   equally near several themes is not clearly any of them (the same rule as a clear seed match);
3. its notes are, by median cosine to *j*'s centroid, at least ``member_ratio`` (0.9) times as close as
   *j*'s own notes are to the centroid of *j*'s other notes (within-theme similarity, leave-one-out):
   a loose, mixed cluster whose centroid happens to lie near *j* is not absorbed.

Then a note still in a discovered theme moves to its nearest codebook theme *j* (again by ``margin``)
when its cosine to *j*'s centroid is at least that of *j*'s median member and higher than to its own
discovered theme's centroid. One note is noisier than a cluster, so both are measured the strict way
(the member and the note each included in their own centroid); measured leave-one-out, notes that merely
mention 区 joined the 9-note 地域格差 theme.

Only codebook themes with at least ``min_members`` (8) notes are targets: the median similarity of fewer
notes is too noisy to calibrate against. Codebook centroids come from the notes placed by seed terms only, so the result does not depend on the
order of absorption. Top-term overlap with seed terms is not used: the clustered notes contain no seed
term by construction (that is why they were clustered).
"""

from __future__ import annotations

import numpy as np


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    n[n == 0] = 1.0
    return v / n


class CodebookAbsorber:
    """``fit(X, cb_idx, cluster)`` → ``labels_``: codebook index per note after absorption, or -1.

    ``cb_idx``: codebook theme index per note (-1 for clustered notes); ``cluster``: discovered cluster per
    note (-1 for codebook notes). Afterwards ``absorbed_`` lists ``(cluster, j, centroid_cos, ratio)``,
    ``moved_`` lists ``(note, j, cos, typical_cos)``, and ``spacing_`` is the largest cosine between two
    codebook centroids (None with fewer than two codebook themes).
    """

    def __init__(self, member_ratio: float = 0.9, margin: float = 0.02, reassign_notes: bool = True,
                 min_members: int = 8):
        self.member_ratio = member_ratio
        self.margin = margin
        self.reassign_notes = reassign_notes
        self.min_members = min_members

    @staticmethod
    def _typical(members: np.ndarray) -> float:
        """Median cosine of a member to the centroid of the *other* members (leave-one-out).

        Its own note in a centroid lifts a member's cosine by about 1/size; clustered notes are compared
        with centroids they are not part of, so the bar must not include that bonus either.
        """
        rest = members.sum(axis=0)[None, :] - members
        return float(np.median(np.sum(members * _unit(rest), axis=1)))

    @staticmethod
    def _nearest(sims: np.ndarray) -> tuple[int, float]:
        """Index of the highest similarity (first on ties) and its lead over the second."""
        t = int(np.argmax(sims))
        second = np.delete(sims, t).max() if sims.size > 1 else -np.inf
        return t, float(sims[t] - second)

    def fit(self, X: np.ndarray, cb_idx: np.ndarray, cluster: np.ndarray) -> CodebookAbsorber:
        X = np.asarray(X, dtype=np.float64)
        cb_idx = np.asarray(cb_idx)
        cluster = np.asarray(cluster)
        out = cb_idx.copy()
        self.absorbed_, self.moved_, self.spacing_, self.typical_ = [], [], None, {}
        targets = [int(j) for j in np.unique(cb_idx[cb_idx >= 0]) if (cb_idx == j).sum() >= self.min_members]
        clusters = [int(c) for c in np.unique(cluster[cluster >= 0])]
        if not targets or not clusters:
            self.labels_ = out
            return self
        C = _unit(np.stack([X[cb_idx == j].mean(axis=0) for j in targets]))
        typical = np.array([self._typical(X[cb_idx == j]) for j in targets])
        # single notes are noisier than clusters: they must match the median member as it stands
        # (its own note included), the stricter bar, and beat their own theme's full centroid
        member = np.array([np.median(X[cb_idx == j] @ C[t]) for t, j in enumerate(targets)])
        self.typical_ = {j: float(typical[t]) for t, j in enumerate(targets)}
        if len(targets) > 1:
            B = C @ C.T
            np.fill_diagonal(B, -np.inf)
            self.spacing_ = float(B.max())
        sums = {c: X[cluster == c].sum(axis=0) for c in clusters}
        for c in clusters:
            members = X[cluster == c]
            cos = C @ _unit(sums[c])
            t, gap = self._nearest(cos)
            ratio = float(np.median(members @ C[t]) / typical[t]) if typical[t] > 0 else 0.0
            if (gap >= self.margin and ratio >= self.member_ratio
                    and (self.spacing_ is None or cos[t] > self.spacing_)):
                out[cluster == c] = targets[t]
                self.absorbed_.append((c, targets[t], round(float(cos[t]), 4), round(ratio, 4)))
        if self.reassign_notes:
            for i in np.flatnonzero((out < 0) & (cluster >= 0)):
                s = C @ X[i]
                t, gap = self._nearest(s)
                mine = float(X[i] @ _unit(sums[int(cluster[i])]))
                if gap >= self.margin and s[t] >= member[t] and s[t] > mine:
                    out[i] = targets[t]
                    self.moved_.append((int(i), targets[t], round(float(s[t]), 4), round(float(member[t]), 4)))
        self.labels_ = out
        return self
