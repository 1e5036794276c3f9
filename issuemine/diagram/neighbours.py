"""Nearest-neighbour search and label spreading for the diagram's inference (step 2 of place.py).

Two searches:

- :func:`exact_neighbours` — every query against every pool row, in blocks of float32 similarities with a
  cheap bound that opens only the column groups that can hold a query's k best, re-ranked in float64.
  Exact; what ``place_notes`` uses up to ``ZonePlacer.max_candidates`` notes.
- :func:`cell_neighbours` — at scale: the pool is cut into cells by a few rounds of spherical k-means and
  each query searches only the ``n_probe`` cells whose centres are nearest (an inverted-file search, as
  FAISS's IVF), in float32; queries with identical vectors are searched once. The work per query is
  ~``n_cells + n_probe × cell_size`` similarities instead of the pool's size. Approximate: see
  docs/diagram.md for its agreement with the exact path.

:func:`spread` is label spreading (Zhou et al. 2004) on the symmetric kNN graph, over the rows the graph
touches only (a million-note workshop has a few hundred thousand of them).
"""

from __future__ import annotations

import numpy as np

GROUP = 32  # columns per group in top_k's bound
ZERO = 1e-12  # similarities below are rounding noise of orthogonal rows (a sparse product gave 1e-17)


class UnitRows:
    """Dense vectors with L2-normalised rows (zero rows stay zero), made on demand for the rows indexed,
    in float64 exactly as sklearn's ``normalize`` gives them: the search needs only the unplaced notes and
    the candidates, and a full n × d float64 copy (320 MB at 100k × 400) costs more time than the search.
    ``unit32(rows)`` gives the same rows in float32 without the float64 detour (for the search at scale)."""

    def __init__(self, raw: np.ndarray, chunk: int = 8192, precise: bool = True):
        self.raw = raw
        self.shape = raw.shape
        self.norms = np.empty(raw.shape[0])
        for lo in range(0, raw.shape[0], chunk):
            # precise=False (the search at scale, in float32 anyway): no float64 copy of every row
            part = raw[lo:lo + chunk].astype(np.float64) if precise else raw[lo:lo + chunk]
            self.norms[lo:lo + chunk] = np.sqrt(np.einsum("ij,ij->i", part, part))
        self.norms[self.norms == 0] = 1.0

    def __getitem__(self, rows) -> np.ndarray:
        return self.raw[rows].astype(np.float64) / self.norms[rows, None]

    def unit32(self, rows) -> np.ndarray:
        part = self.raw[rows]
        scale = (1.0 / self.norms[rows]).astype(np.float32)
        return part.astype(np.float32, copy=False) * scale[:, None]


def finite_rows(x: np.ndarray, chunk: int = 65536) -> np.ndarray:
    """``x`` with NaN and infinities set to 0 (a float64 copy only when there are any), checked in chunks:
    ``np.isfinite(x)`` on 1M × 400 would allocate 400 MB at once."""
    for lo in range(0, x.shape[0], chunk):
        if not np.isfinite(x[lo:lo + chunk]).all():
            return np.nan_to_num(x.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    return x


def exact_neighbours(x, queries: np.ndarray, pool: np.ndarray, k: int, min_similarity: float,
                     budget: float = 2**23):
    """(query row, neighbour row, cosine) of each query's ``k`` most similar ``pool`` rows, similarity at
    least ``min_similarity``, self excluded, ties to the lower row; sorted by query, then decreasing
    similarity. ``x``: a sparse matrix with unit rows or :class:`UnitRows`. Blocks of ~``budget``
    similarities."""
    from scipy import sparse

    is_sparse = sparse.issparse(x)
    if len(pool) == 0 or len(queries) == 0:
        return np.array([], int), np.array([], int), np.array([])
    # Columns padded with zero rows to a multiple of GROUP (a zero similarity is never kept).
    width = -(-len(pool) // GROUP) * GROUP
    if is_sparse:
        x = x.tocsr()
        xt = sparse.vstack([x[pool], sparse.csr_matrix((width - len(pool), x.shape[1]))]).T.tocsc()
        want, floor = k, min_similarity
    else:
        # The search runs in float32 (half the time and memory of float64) for a few spare candidates
        # each; they are then re-ranked on the float64 rows, so rounding never decides a neighbour.
        xt = np.zeros((x.shape[1], width), dtype=np.float32)
        xt[:, :len(pool)] = x[pool].T
        want, floor = 2 * k, min_similarity - 1e-4
    step = max(1, int(budget // width))
    rows, cols, sims = [], [], []
    for lo in range(0, len(queries), step):
        q = queries[lo:lo + step]
        if is_sparse:
            block = (x[q] @ xt).toarray()
        else:
            block = x[q].astype(np.float32) @ xt
        # not one's own neighbour
        at = np.searchsorted(pool, q)
        own = (at < len(pool)) & (pool[np.minimum(at, len(pool) - 1)] == q)
        block[np.flatnonzero(own), at[own]] = -np.inf
        r, c, v = top_k(block, want, floor)
        r, c = q[r], pool[c]
        if not is_sparse:
            v = np.einsum("ij,ij->i", x[r], x[c])  # exact float64 cosine of the spare candidates
            keep = (v >= min_similarity) & (v > ZERO)
            r, c, v = r[keep], c[keep], v[keep]
            r, c, v = first_per_row(r, c, v, k)
        rows.append(r)
        cols.append(c)
        sims.append(v)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(sims).astype(np.float64)


def cell_neighbours(x: UnitRows, queries: np.ndarray, pool: np.ndarray, k: int, min_similarity: float, *,
                    cell_size: int = 128, n_probe: int = 4, seed: int = 0, block: int = 4096,
                    same: np.ndarray | None = None):
    """What :func:`exact_neighbours` gives, approximately: each query searches the ``n_probe`` cells (of
    about ``cell_size`` pool rows, spherical k-means) whose centres are most similar to it. Float32
    throughout. ``queries`` must not be in ``pool`` (at scale the pool is seeds, the queries unplaced).
    ``same``: for each query, the index (into ``queries``) of an earlier query with the same vector, or
    its own index; such queries are searched once."""
    empty = (np.array([], int), np.array([], int), np.array([]))
    if len(queries) == 0 or len(pool) == 0:
        return empty
    p = x.unit32(pool)
    live = np.einsum("ij,ij->i", p, p) > 0  # zero vectors are nobody's neighbour
    pool, p = pool[live], p[live]
    if len(pool) == 0:
        return empty
    from threadpoolctl import threadpool_limits

    n_cells = max(1, len(pool) // cell_size)
    with threadpool_limits(1):  # many small products: a second BLAS thread costs more than it gives
        centres, cell_of = spherical_kmeans(p, n_cells, seed=seed)
    order = np.argsort(cell_of, kind="stable")
    bounds = np.searchsorted(cell_of[order], np.arange(n_cells + 1))
    members = [order[bounds[c]:bounds[c + 1]] for c in range(n_cells)]
    cells = [np.ascontiguousarray(p[m].T) for m in members]
    probe = min(n_probe, n_cells)
    unique = np.arange(len(queries)) if same is None else np.flatnonzero(same == np.arange(len(queries)))
    rows, cols, sims = [], [], []
    with threadpool_limits(1):
        for lo in range(0, len(unique), block):
            qi = unique[lo:lo + block]
            q = x.unit32(queries[qi])
            near = q @ centres.T
            if probe < n_cells:
                top = np.argpartition(-near, probe - 1, axis=1)[:, :probe]
                near = np.take_along_axis(top, np.argsort(-np.take_along_axis(near, top, 1), 1), 1)
            else:
                near = np.argsort(-near, axis=1)
            # the nearest cell first: its k-th best similarity bounds what the other cells must reach
            r0, c0, v0 = _search_cells(q, near[:, 0], np.arange(len(qi)), cells, members, k, min_similarity)
            bound = np.full(len(qi), min_similarity, dtype=np.float32)
            full = np.bincount(r0, minlength=len(qi)) >= k
            if len(r0):
                order = np.lexsort((-v0, r0))
                rank = np.arange(len(r0)) - np.searchsorted(r0[order], r0[order])
                kth = order[rank == k - 1]
                bound[r0[kth]] = np.maximum(v0[kth], min_similarity)
            bound[~full] = min_similarity
            rest = near[:, 1:].ravel()
            who = np.repeat(np.arange(len(qi)), near.shape[1] - 1)
            r1, c1, v1 = _search_cells(q, rest, who, cells, members, None, bound)
            r, c, v = first_per_row(np.r_[r0, r1], pool[np.r_[c0, c1]], np.r_[v0, v1], k)
            rows.append(qi[r])
            cols.append(c)
            sims.append(v)
    if not rows:
        return empty
    r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(sims).astype(np.float64)
    if same is not None and len(unique) < len(queries):
        # every query takes the neighbours of the first query with its vector
        order = np.argsort(r, kind="stable")
        r, c, v = r[order], c[order], v[order]
        first = np.searchsorted(r, same, side="left")
        last = np.searchsorted(r, same, side="right")
        count = last - first
        take = np.repeat(first, count) + (np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count))
        r, c, v = np.repeat(np.arange(len(queries)), count), c[take], v[take]
    return queries[r], c, v


def _search_cells(q, cell, who, cells, members, k, floor):
    """(query, pool position, similarity) of the pairs (``who[i]``, any member of ``cell[i]``): each
    query's ``k`` best per cell at least ``floor`` (a number), or, with ``k=None``, every pair reaching
    the query's own ``floor[query]``."""
    by_cell = np.argsort(cell, kind="stable")
    starts = np.searchsorted(cell[by_cell], np.arange(len(cells) + 1))
    rr, cc, vv = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0, np.float32)]
    for c in np.flatnonzero(np.diff(starts)).tolist():
        if len(members[c]) == 0:
            continue
        sel = who[by_cell[starts[c]:starts[c + 1]]]
        s = q[sel] @ cells[c]
        if k is None:
            r, col = np.nonzero((s >= floor[sel, None]) & (s > ZERO))
            v = s[r, col]
        else:
            r, col, v = _best_columns(s, k, floor)
        rr.append(sel[r])
        cc.append(members[c][col])
        vv.append(v)
    return np.concatenate(rr), np.concatenate(cc), np.concatenate(vv)


def _best_columns(s: np.ndarray, k: int, floor: float):
    """(row, column, value) of each row's ``k`` largest values at least ``floor`` (ties: any of them)."""
    if s.shape[1] > k:
        idx = np.argpartition(-s, k - 1, axis=1)[:, :k]
        val = np.take_along_axis(s, idx, axis=1)
    else:
        idx = np.broadcast_to(np.arange(s.shape[1]), s.shape)
        val = s
    keep = (val >= floor) & (val > ZERO)
    r = np.broadcast_to(np.arange(s.shape[0])[:, None], idx.shape)[keep]
    return r, idx[keep], val[keep]


def spherical_kmeans(p: np.ndarray, n_cells: int, *, seed: int = 0, n_iter: int = 4):
    """(unit centres, cell of each row) of ``n_cells`` cells of the unit rows ``p``: seeded sample as
    the first centres, then ``n_iter`` rounds of assigning by cosine and re-centring (an empty cell
    keeps its centre)."""
    from scipy import sparse

    rng = np.random.default_rng(seed)
    centres = p[np.sort(rng.choice(len(p), size=n_cells, replace=False))].copy()
    cell_of = _nearest(p, centres)
    for _ in range(n_iter):
        onehot = sparse.csr_matrix((np.ones(len(p), dtype=np.float32), (cell_of, np.arange(len(p)))),
                                   shape=(n_cells, len(p)))
        sums = np.asarray(onehot @ p, dtype=np.float32)
        norms = np.linalg.norm(sums, axis=1)
        filled = norms > 0
        centres[filled] = sums[filled] / norms[filled, None]
        cell_of = _nearest(p, centres)
    return centres, cell_of


def _nearest(p: np.ndarray, centres: np.ndarray, chunk: int = 16384) -> np.ndarray:
    return np.concatenate([np.argmax(p[lo:lo + chunk] @ centres.T, axis=1) for lo in range(0, len(p), chunk)])


def spread(rows, cols, sims, n: int, seed_labels: np.ndarray, targets: np.ndarray, n_classes: int, *,
           alpha: float, max_iter: int) -> np.ndarray:
    """Class scores spread to ``targets`` (n_targets × n_classes; zero rows = unreachable) over the kNN
    edges ``(rows, cols, sims)`` of ``n`` notes, from the labelled rows (``seed_labels >= 0``).

    Only the rows the edges touch take part (the others are isolated: they neither give nor take); the
    graph is renumbered in order, so the sums are those of the graph over all ``n`` rows."""
    from scipy import sparse

    out = np.zeros((len(targets), n_classes))
    if len(rows) == 0:
        return out
    nodes = np.unique(np.concatenate([rows, cols]))
    m = len(nodes)
    w = sparse.csr_matrix((sims, (np.searchsorted(nodes, rows), np.searchsorted(nodes, cols))), shape=(m, m))
    w = w.maximum(w.T)  # symmetric: being someone's neighbour links both ways
    deg = np.asarray(w.sum(axis=1)).ravel()
    inv = np.where(deg > 0, 1.0 / np.sqrt(np.where(deg > 0, deg, 1.0)), 0.0)
    s = (sparse.diags(inv) @ w @ sparse.diags(inv)).tocsr()
    y = np.zeros((m, n_classes))
    labels = seed_labels[nodes]
    labelled = np.flatnonzero(labels >= 0)
    y[labelled, labels[labelled]] = 1.0
    f = y.copy()
    for _ in range(max_iter):
        nxt = alpha * (s @ f) + (1 - alpha) * y
        done = np.abs(nxt - f).max() < 1e-9
        f = nxt
        if done:
            break
    at = np.searchsorted(nodes, targets)
    hit = (at < m) & (nodes[np.minimum(at, m - 1)] == targets)
    out[hit] = f[at[hit]]
    return out


def top_k(block: np.ndarray, k: int, floor: float):
    """(row, column, value) of each row's ``k`` largest values at least ``floor`` and above 0, ties to the
    lower column, sorted by row, then decreasing value. ``block`` has a multiple of GROUP columns.

    A full argpartition costs ~20 ns a value; instead each row is cut into ``GROUP`` slices whose
    elementwise maximum (~0.3 ns a value) gives the best of every group of columns j, j + w, j + 2w, …
    The k-th largest group maximum is a lower bound of the k-th largest value (the k best groups hold k
    values at least that large), so only the groups reaching it, about k of them, are opened."""
    m, width = block.shape
    ng = width // GROUP
    groups = block.reshape(m, GROUP, ng)
    best = groups.max(axis=1)
    if ng > k:
        bound = np.maximum(np.partition(best, ng - k, axis=1)[:, ng - k], floor)
    else:
        bound = np.full(m, floor, dtype=block.dtype)
    gr, gg = np.nonzero(best >= bound[:, None])
    vals = groups[gr, :, gg]  # (n open groups, GROUP)
    keep = (vals >= bound[gr, None]) & (vals > ZERO)
    r = np.broadcast_to(gr[:, None], vals.shape)[keep]
    c = (gg[:, None] + np.arange(GROUP) * ng)[keep]
    v = vals[keep]
    return first_per_row(r, c, v, k)


def first_per_row(r: np.ndarray, c: np.ndarray, v: np.ndarray, k: int):
    """The first ``k`` of each row after sorting by (row, -value, column)."""
    order = np.lexsort((c, -v, r))
    r, c, v = r[order], c[order], v[order]
    if len(r) == 0:
        return r, c, v
    starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
    rank = np.arange(len(r)) - np.repeat(starts, np.diff(np.r_[starts, len(r)]))
    keep = rank < k
    return r[keep], c[keep], v[keep]
