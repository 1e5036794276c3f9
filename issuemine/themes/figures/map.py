"""The theme map: every note as a dot on a seeded 2-D UMAP of the note vectors, coloured by theme.

UMAP's cost is compilation (~8 s per process, numba) plus a fit that grows fast with n (71 s at 100k).
So the map is computed only when asked for, and above ``max_landmarks`` notes UMAP is fitted on a
seeded sample of landmark notes (exact-neighbour path, < 4,096 points) and every other note is placed
at the similarity-weighted mean of its nearest landmarks — one matrix product per chunk.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import threading
from pathlib import Path

import numpy as np

from issuemine.themes.figures.umap_cached import import_umap

# umap's own choice for large inputs; its 500 for small ones cost ~0.4 s more at 700 notes for a map
# that reads the same.
N_EPOCHS = 200
MAP_VERSION = 1  # bump when the layout code changes: cached maps of older code are then not read
MAPS_KEPT = 64  # cached maps kept (newest first); one is ~12 KB at 700 notes, 1.6 MB at 100k
WAIT_NOTICE_AFTER = 3.0  # seconds waited for the layout before the user is told why
WAIT_NOTICE_JA = ("テーママップを計算しています。初めて使うパソコンでは数値計算の部品の準備に 15 秒ほどかかります"
                  "(次回からは不要です)。")
log = logging.getLogger(__name__)  # progress only, never note text

def _knn_place(X: np.ndarray, L: np.ndarray, Y: np.ndarray, k: int = 10, chunk: int = 8192) -> np.ndarray:
    """Coordinates of rows of X from their k most similar landmark rows L (embedded at Y)."""
    out = np.empty((len(X), 2), dtype=np.float64)
    k = min(k, len(L))
    for s in range(0, len(X), chunk):
        sims = X[s:s + chunk] @ L.T
        idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        w = np.clip(np.take_along_axis(sims, idx, axis=1), 1e-6, None) ** 4  # sharpen toward the nearest
        out[s:s + chunk] = (w[:, :, None] * Y[idx]).sum(axis=1) / w.sum(axis=1, keepdims=True)
    return out


def fuzzy_graph(ind: np.ndarray, dist: np.ndarray, n_iter: int = 64):
    """UMAP's fuzzy simplicial set (local_connectivity 1, fuzzy union) in vectorised numpy.

    Same maths as ``umap.umap_.smooth_knn_dist`` + ``compute_membership_strengths``, whose numba
    versions are ``parallel=True`` without a cache: compiling them cost ~7 s per process (18 s under
    load), more than the whole layout at 3,000 notes.
    """
    from scipy import sparse

    n, k = dist.shape
    dist = dist.astype(np.float64)
    pos = np.where(dist > 0, dist, np.inf)
    rho = pos.min(axis=1)
    rho[~np.isfinite(rho)] = 0.0
    target = np.log2(k)
    lo = np.zeros(n)
    hi = np.full(n, np.inf)
    mid = np.ones(n)
    active = np.ones(n, dtype=bool)
    for _ in range(n_iter):
        d = dist[:, 1:] - rho[:, None]
        psum = np.exp(-np.maximum(d, 0.0) / mid[:, None]).sum(axis=1)  # d <= 0 counts 1, as in umap
        active &= np.abs(psum - target) >= 1e-5
        if not active.any():
            break
        over = active & (psum > target)
        under = active & ~(psum > target)
        hi = np.where(over, mid, hi)
        lo = np.where(under, mid, lo)
        mid = np.where(over | (under & np.isfinite(hi)), (lo + hi) / 2.0, np.where(under, mid * 2, mid))
    mean_i = dist.mean(axis=1)
    floor = np.where(rho > 0, 1e-3 * mean_i, 1e-3 * dist.mean())
    sigma = np.maximum(mid, floor)
    d = dist - rho[:, None]
    vals = np.exp(-np.maximum(d, 0.0) / sigma[:, None])  # clipped: no overflow in the unused branch
    vals[ind == np.arange(n)[:, None]] = 0.0
    A = sparse.csr_matrix((vals.ravel(), (np.repeat(np.arange(n), k), ind.ravel())), shape=(n, n))
    At = A.T.tocsr()
    G = (A + At - A.multiply(At)).tocoo()
    G.eliminate_zeros()
    return G


def umap_layout(X: np.ndarray, seed: int, n_neighbors: int) -> np.ndarray:
    """2-D UMAP layout of ``X`` (rows L2-normalised), seeded; exact neighbours from scikit-learn."""
    from sklearn.neighbors import NearestNeighbors

    n = len(X)
    k = min(n_neighbors, n - 1)
    dist, ind = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(X)
    umap = import_umap()
    try:
        from umap.umap_ import find_ab_params, simplicial_set_embedding

        a, b = find_ab_params(1.0, 0.1)
        Y, _ = simplicial_set_embedding(
            X, fuzzy_graph(ind, dist), 2, 1.0, a, b, 1.0, 5, N_EPOCHS,
            "spectral" if n >= 50 else "random", np.random.RandomState(seed), "euclidean", {}, False, {}, False)
        return np.asarray(Y, dtype=np.float64)
    except (ImportError, TypeError, ValueError):
        # umap-learn changed its internals: the public class does the same, only slower to compile
        reducer = umap.UMAP(n_neighbors=k, n_components=2, random_state=seed, min_dist=0.1, n_jobs=1,
                            n_epochs=N_EPOCHS,
                            init="spectral" if n >= 50 else "random", precomputed_knn=(ind, dist, None))
        return reducer.fit_transform(X).astype(np.float64)


def _cache_path(X: np.ndarray, *params) -> Path:
    """Where the map of ``X`` with these parameters is kept: keyed by the vectors and every version involved."""
    from importlib.metadata import version

    from issuemine.corpora import cache_dir

    h = hashlib.sha256()
    h.update(repr((MAP_VERSION, X.shape, params, N_EPOCHS, version("umap-learn"), version("numba"),
                   np.__version__)).encode())
    h.update(np.ascontiguousarray(X, dtype=np.float32).tobytes())
    return cache_dir() / "maps" / f"{h.hexdigest()[:32]}.npy"


def _store(path: Path, Y: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        np.save(f, Y, allow_pickle=False)
    os.replace(tmp, path)
    kept = sorted(path.parent.glob("*.npy"), key=lambda q: q.stat().st_mtime, reverse=True)
    for old in kept[MAPS_KEPT:]:
        old.unlink(missing_ok=True)


class MapRequest:
    """A theme map on its way: read from the cache, computing in a helper process, or to compute here.

    ``request_map`` starts it (so a helper can lay out while the caller builds other figures) and
    ``result()`` gives the coordinates, computing in this process when there is no helper or it failed:
    the coordinates are the same either way.
    """

    def __init__(self, X: np.ndarray, seed: int, max_landmarks: int, n_neighbors: int, cache: bool,
                 helper=None) -> None:
        self.X, self.seed, self.n_neighbors = X, seed, n_neighbors
        self._coords = None
        self._pending = None
        n = len(X)
        self._path = _cache_path(X, seed, max_landmarks, n_neighbors) if cache and n >= 5 else None
        if self._path is not None:
            try:
                Y = np.load(self._path, allow_pickle=False)
                if Y.shape == (n, 2):
                    self._coords = Y
                    return
            except (OSError, ValueError):
                pass
        if n == 0:
            self._coords = np.zeros((0, 2))
        elif n < 5:  # UMAP needs a neighbourhood; a few notes are simply laid on a line
            self._coords = np.column_stack([np.arange(n, dtype=float), np.zeros(n)])
        else:
            self.landmarks = (np.arange(n) if n <= max_landmarks else
                              np.sort(np.random.default_rng(seed).choice(n, max_landmarks, replace=False)))
            self._XL = np.ascontiguousarray(X[self.landmarks], dtype=np.float32)
            if helper is not None and helper.running:
                self._pending = helper.submit("issuemine.themes.figures.map:umap_layout", self._XL, seed,
                                              n_neighbors)

    def result(self) -> np.ndarray:
        if self._coords is not None:
            return self._coords
        Y = None
        if self._pending is not None:
            from issuemine.helper_process import HelperUnavailable

            # The very first map on a machine waits ~15 s for numba to compile umap (cached on disk after):
            # say so rather than sit silent.
            notice = threading.Timer(WAIT_NOTICE_AFTER, log.info, args=(WAIT_NOTICE_JA,))
            notice.daemon = True
            notice.start()
            try:
                Y = self._pending.result()
            except HelperUnavailable:
                Y = None  # computed here instead: same numbers, more time
            finally:
                notice.cancel()
        if Y is None:
            Y = umap_layout(self._XL, self.seed, self.n_neighbors)
        if len(self.landmarks) == len(self.X):
            out = np.round(Y, 4)
        else:
            out = _knn_place(self.X, self.X[self.landmarks], Y)
            out[self.landmarks] = Y
            out = np.round(out, 4)
        if self._path is not None:
            try:
                _store(self._path, out)
            except OSError:  # a read-only cache only costs time
                pass
        self._coords = out
        return out


def request_map(X: np.ndarray, seed: int = 0, max_landmarks: int = 3000, n_neighbors: int = 15,
                cache: bool = True, helper=None) -> MapRequest:
    """Start the map of ``X`` (see ``map_coordinates``); with a running ``helper``
    (``issuemine.helper_process.HelperProcess``) the UMAP layout is computed there meanwhile."""
    return MapRequest(X, seed, max_landmarks, n_neighbors, cache, helper)


def map_coordinates(X: np.ndarray, seed: int = 0, max_landmarks: int = 3000, n_neighbors: int = 15,
                    cache: bool = True) -> np.ndarray:
    """(n, 2) coordinates, deterministic for a given seed, rounded for stable figure JSON.

    With ``cache``, a map already computed for the same vectors and parameters is read back instead
    (a facilitator's edits change labels, not note vectors, so re-drawing a report skips UMAP).
    """
    return request_map(X, seed, max_landmarks, n_neighbors, cache).result()


def _hover(text: str, limit: int) -> str:
    text = str(text)
    if len(text) > limit:
        text = text[:limit] + "…"
    return html.escape(text)  # a note is data, never markup


MAP_FONT_PX = 11
MAP_MARGIN = {"l": 10, "r": 10, "t": 50, "b": 10}
MAP_LABEL_CHARS = 12  # a longer theme name is cut with … on the map (the hover text has it whole)


def _short(label: str, limit: int = MAP_LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def theme_map_figure(notes, result, seed: int = 0, max_landmarks: int = 3000, height: int = 600,
                     coords=None, width: int = 680):
    """plotly Figure: one trace per theme, each theme's name written at the centre of its notes.

    Colours and marker shapes come from ``palette.theme_style`` (distinct for 39 themes, the same as the
    concept diagram's); the names are placed so that none overlaps another (``labels.place_labels``);
    ``fig.layout.meta["label_boxes"]`` holds their boxes in pixels. ``coords``: the map's coordinates if
    already computed (``request_map(...).result()``).
    """
    import plotly.graph_objects as go

    from issuemine.themes.figures.labels import PixelFrame, label_box, place_labels
    from issuemine.themes.figures.palette import theme_style

    a = result.assignments.reset_index(drop=True)
    if coords is None:
        coords = map_coordinates(result.note_vectors, seed=seed, max_landmarks=max_landmarks)
    coords = np.asarray(coords, dtype=float)
    n = len(a)
    big = n > 5000
    limit = 40 if big else 80  # hover text is most of a large map's bytes (performance.md)
    Scatter = go.Scattergl if big else go.Scatter
    texts = list(notes["text"].fillna("").astype(str)) if "text" in notes else [""] * n
    plot_w = width - MAP_MARGIN["l"] - MAP_MARGIN["r"]
    plot_h = height - MAP_MARGIN["t"] - MAP_MARGIN["b"]
    if n:
        lo, hi = coords.min(axis=0), coords.max(axis=0)
        span = np.maximum(hi - lo, 1e-6)
        x_range = (round(float(lo[0] - 0.06 * span[0]), 4), round(float(hi[0] + 0.06 * span[0]), 4))
        y_range = (round(float(lo[1] - 0.06 * span[1]), 4), round(float(hi[1] + 0.06 * span[1]), 4))
    else:
        x_range = y_range = (-1.0, 1.0)
    frame = PixelFrame(x_range, y_range, plot_w, plot_h)
    fig = go.Figure()
    centres, names, colors = [], [], []
    rank = {t: k for k, t in enumerate(sorted(result.themes["theme_id"]))}  # the diagram's colours too
    for _, th in result.themes.iterrows():
        idx = np.flatnonzero((a["theme_id"] == th["theme_id"]).to_numpy())
        color, symbol = theme_style(rank[th["theme_id"]])
        label = str(th["label"])
        fig.add_trace(Scatter(
            x=coords[idx, 0], y=coords[idx, 1], mode="markers",
            name=f"{html.escape(label)}({len(idx)}枚)",
            marker={"size": 5 if big else 7, "opacity": 0.75, "color": color, "symbol": symbol},
            text=[_hover(texts[i], limit) for i in idx],
            customdata=[a["note_id"][i] for i in idx],
            hovertemplate="%{text}<extra>%{fullData.name}</extra>",
        ))
        if len(idx):
            cx, cy = np.median(coords[idx], axis=0)
            centres.append(frame.to_px(float(cx), float(cy)))
            names.append(_short(label))
            colors.append(color)
    # the largest themes choose their spot first
    sizes = [int((a["theme_id"] == t).sum()) for t in result.themes["theme_id"]]
    order = sorted(range(len(centres)), key=lambda i: (-sizes[i], i))
    spots = place_labels([centres[i] for i in order], [names[i] for i in order], MAP_FONT_PX, (plot_w, plot_h),
                         centred=True, pad=3.0)
    annotations, boxes = [], []
    for i, spot in zip(order, spots):
        if spot is None:
            continue
        b = label_box(spot[0], spot[1], names[i], MAP_FONT_PX, 3.0)
        boxes.append([round(v, 1) for v in (b.x0, b.y0, b.x1, b.y1)])
        x, y = frame.to_data(*spot)
        cx, cy = frame.to_data(*centres[i])
        moved = np.hypot(spot[0] - centres[i][0], spot[1] - centres[i][1]) > 2
        annotations.append(dict(
            x=round(cx, 4), y=round(cy, 4), ax=round(x, 4), ay=round(y, 4), axref="x", ayref="y",
            text=html.escape(names[i]), showarrow=bool(moved), arrowwidth=0.8, arrowcolor=colors[i],
            arrowhead=0, font={"size": MAP_FONT_PX, "color": "#1f2933"}, bgcolor="rgba(255,255,255,0.85)",
            bordercolor=colors[i], borderwidth=1, borderpad=1))
    fig.update_layout(
        title="テーマ地図(意味の近い付箋ほど近くに。テーマ名はその付箋の中心)", width=width, height=height,
        autosize=False, template="plotly_white", showlegend=False, annotations=annotations,
        xaxis={"visible": False, "range": list(x_range), "fixedrange": True},
        yaxis={"visible": False, "range": list(y_range), "fixedrange": True},
        margin=MAP_MARGIN, meta={"label_boxes": boxes, "plot_size": [plot_w, plot_h]},
    )
    return fig
