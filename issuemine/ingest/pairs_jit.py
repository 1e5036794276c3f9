"""The near-duplicate candidate scan compiled with numba, for very large files (``duplicates._candidates``).

At a million notes built from a few hundred phrases, the prefix filter leaves ~130 million (x, y) pairs
to test against the overlap bounds; numpy needs several arrays of that length (13 s), a compiled loop
tests them in place (~1 s). The tests are exactly ``duplicates._filter``'s (bit masks, then the
positional bound), so the candidates — and the flags — are the same; small files never come here.
numba comes with umap-learn; without it the numpy path runs.
"""

from __future__ import annotations

import numpy as np

try:  # pragma: no cover - numba is a dependency of umap-learn, but stay correct without it
    import numba
except ImportError:  # pragma: no cover
    numba = None


def available() -> bool:
    return numba is not None


if numba is not None:
    @numba.njit(cache=True, nogil=True)
    def _popcount(v):
        v = v - ((v >> np.uint64(1)) & np.uint64(0x5555555555555555))
        v = (v & np.uint64(0x3333333333333333)) + ((v >> np.uint64(2)) & np.uint64(0x3333333333333333))
        v = (v + (v >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
        return np.int64((v * np.uint64(0x0101010101010101)) >> np.uint64(56))

    @numba.njit(cache=True, nogil=True)
    def _scan(xn, xs, xp, xm, yn, ys, yp, ym, lo, counts, slack, need, n_notes):
        out = np.empty(1024, dtype=np.int64)
        k = 0
        words = xm.shape[1]
        for i in range(len(lo)):
            nx, px, note = xs[i], xp[i], xn[i]
            for j in range(lo[i], lo[i] + counts[i]):
                only_x = _popcount(xm[i, 0] & ~ym[j, 0])
                if only_x > slack[i]:
                    continue
                only_y = _popcount(ym[j, 0] & ~xm[i, 0])
                for w in range(1, words):
                    only_x += _popcount(xm[i, w] & ~ym[j, w])
                    only_y += _popcount(ym[j, w] & ~xm[i, w])
                ny = ys[j]
                required = need[nx + ny]
                if min(nx - only_x, ny - only_y) >= required and min(nx - px, ny - yp[j]) >= required:
                    if k == len(out):
                        grown = np.empty(2 * len(out), dtype=np.int64)
                        grown[:k] = out
                        out = grown
                    out[k] = note * n_notes + yn[j]
                    k += 1
        return out[:k]


def candidates(x, y, runs, need, masks) -> np.ndarray:
    """Candidate pairs ``x·N + y`` (not yet distinct), as ``duplicates._candidates`` enumerates them."""
    n_notes = len(masks[0])
    stacked = np.stack(masks, axis=1)  # notes × mask words
    lo, counts, slack = runs
    return _scan(x[0], x[1], x[2], stacked[x[0]], y[0], y[1], y[2], stacked[y[0]],
                 lo.astype(np.int64), counts.astype(np.int64), slack.astype(np.int64), need.astype(np.int64),
                 np.int64(n_notes))
