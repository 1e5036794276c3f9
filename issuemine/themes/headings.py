"""Two levels, KJ style: themes gathered under 3–6 labelled headings.

Guided mode: codebook themes bring their heading; a discovered theme joins the heading whose codebook
themes' centroid is nearest to its own. Unsupervised: the theme centroids are clustered (Ward
linkage on unit vectors) into the number of groups in 3–6 with the best silhouette, and each heading is
labelled by the two most distinctive terms of its notes.
"""

from __future__ import annotations

import numpy as np


def _unit(x: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    n[n == 0] = 1.0
    return x / n


def group_centroids(centroids: np.ndarray, sizes: np.ndarray, seed: int = 0) -> np.ndarray:
    """Heading index per theme (0..H-1), H in 3–6 (fewer when there are fewer themes)."""
    T = len(centroids)
    if T <= 3:
        return np.arange(T)
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import silhouette_score

    C = _unit(centroids)
    best, best_s = None, -2.0
    for h in range(3, min(6, T - 1) + 1):
        # ward on unit vectors ~ cosine, and it gives balanced groups (average linkage left one giant)
        lab = AgglomerativeClustering(n_clusters=h, linkage="ward").fit_predict(C)
        s = silhouette_score(C, lab, metric="cosine") if 1 < len(set(lab)) < T else -1.0
        if s > best_s + 1e-9:
            best, best_s = lab, s
    if best is None:
        best = AgglomerativeClustering(n_clusters=min(3, T), linkage="ward").fit_predict(C)
    # number headings by decreasing note count, then first theme, so ids do not depend on sklearn order
    order = sorted(set(best), key=lambda g: (-sizes[best == g].sum(), int(np.argmax(best == g))))
    remap = {g: i for i, g in enumerate(order)}
    return np.array([remap[g] for g in best])


def guided_headings(centroids: np.ndarray, fixed: list[str | None]) -> list[str]:
    """Fill the ``None`` headings with the heading whose fixed themes' centroid is nearest."""
    names = sorted({h for h in fixed if h})
    if not names:
        return list(fixed)
    C = _unit(centroids)
    hc = _unit(np.stack([C[[i for i, h in enumerate(fixed) if h == name]].mean(axis=0) for name in names]))
    out = []
    for i, h in enumerate(fixed):
        out.append(h if h else names[int(np.argmax(hc @ C[i]))])
    return out
