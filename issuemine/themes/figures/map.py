"""The theme map: every note as a dot on a seeded 2-D UMAP of the note vectors, coloured by theme.

UMAP's cost is compilation (~8 s per process, numba) plus a fit that grows fast with n (71 s at 100k).
So the map is computed only when asked for, and above ``max_landmarks`` notes UMAP is fitted on a
seeded sample of landmark notes (exact-neighbour path, < 4,096 points) and every other note is placed
at the similarity-weighted mean of its nearest landmarks — one matrix product per chunk.
"""

from __future__ import annotations

import html

import numpy as np


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


def map_coordinates(X: np.ndarray, seed: int = 0, max_landmarks: int = 3000, n_neighbors: int = 15) -> np.ndarray:
    """(n, 2) coordinates, deterministic for a given seed, rounded for stable figure JSON."""
    n = len(X)
    if n == 0:
        return np.zeros((0, 2))
    if n < 5:  # UMAP needs a neighbourhood; a few notes are simply laid on a line
        return np.column_stack([np.arange(n, dtype=float), np.zeros(n)])
    import umap

    if n <= max_landmarks:
        land = np.arange(n)
    else:
        land = np.sort(np.random.default_rng(seed).choice(n, max_landmarks, replace=False))
    from sklearn.neighbors import NearestNeighbors

    k = min(n_neighbors, len(land) - 1)
    # exact neighbours from sklearn, handed to UMAP: skips UMAP's own numba kNN, whose compilation
    # (parallel, uncached) was half of the first fit in a process (measured 25.7 s → 11.4 s under load)
    dist, ind = NearestNeighbors(n_neighbors=k).fit(X[land]).kneighbors(X[land])
    reducer = umap.UMAP(n_neighbors=k, n_components=2, random_state=seed, init="spectral" if len(land) >= 50
                        else "random", min_dist=0.1, n_jobs=1, precomputed_knn=(ind, dist, None))
    Y = reducer.fit_transform(X[land]).astype(np.float64)
    if len(land) == n:
        return np.round(Y, 4)
    out = _knn_place(X, X[land], Y)
    out[land] = Y
    return np.round(out, 4)


def _hover(text: str, limit: int) -> str:
    text = str(text)
    if len(text) > limit:
        text = text[:limit] + "…"
    return html.escape(text)  # a note is data, never markup


def theme_map_figure(notes, result, seed: int = 0, max_landmarks: int = 3000, height: int = 640):
    """plotly Figure: one trace per theme (legend = label), the note on hover."""
    import plotly.graph_objects as go

    a = result.assignments.reset_index(drop=True)
    coords = map_coordinates(result.note_vectors, seed=seed, max_landmarks=max_landmarks)
    n = len(a)
    big = n > 5000
    limit = 40 if big else 80  # hover text is most of a large map's bytes (performance.md)
    Scatter = go.Scattergl if big else go.Scatter
    texts = list(notes["text"].fillna("").astype(str)) if "text" in notes else [""] * n
    fig = go.Figure()
    for _, th in result.themes.iterrows():
        idx = np.flatnonzero((a["theme_id"] == th["theme_id"]).to_numpy())
        fig.add_trace(Scatter(
            x=coords[idx, 0], y=coords[idx, 1], mode="markers",
            name=f"{th['theme_id']} {html.escape(str(th['label']))}({len(idx)})",
            marker={"size": 5 if big else 8, "opacity": 0.8},
            text=[_hover(texts[i], limit) for i in idx],
            customdata=[a["note_id"][i] for i in idx],
            hovertemplate="%{text}<extra>%{fullData.name}</extra>",
        ))
    fig.update_layout(
        title="テーマ地図(意味の近い付箋ほど近くに配置)", height=height, template="plotly_white",
        xaxis={"visible": False}, yaxis={"visible": False}, legend={"title": {"text": "テーマ"}},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return fig
