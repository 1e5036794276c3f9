"""Two levels, KJ style: themes gathered under 3–6 labelled headings.

Guided mode: codebook themes bring their heading; a discovered theme joins the heading whose codebook
themes' centroid is nearest to its own. Unsupervised: the theme centroids are clustered (KMeans
on unit vectors) into about √T groups (3–6), and each heading is labelled by the two most
distinctive terms of its notes.
"""

from __future__ import annotations

import numpy as np


def _unit(x: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    n[n == 0] = 1.0
    return x / n


def n_headings(n_themes: int) -> int:
    """3–6 headings, about √T: KJ groups of 3–5 themes each."""
    return int(min(6, max(3, round(np.sqrt(n_themes)))))


def group_centroids(centroids: np.ndarray, sizes: np.ndarray, seed: int = 0) -> np.ndarray:
    """Heading index per theme (0..H-1), H in 3–6 (fewer when there are fewer themes).

    The number is fixed at about √T rather than chosen by silhouette: on a dozen centroids silhouette
    picked 3 headings with one holding 9 themes (measured on the sample workshop).
    """
    T = len(centroids)
    if T <= 3:
        return np.arange(T)
    from sklearn.cluster import KMeans

    h = min(n_headings(T), T - 1)
    # KMeans on unit centroids (≈ cosine). Measured on the sample's 13 themes: average linkage left one
    # heading with 11 themes, Ward one with 8 and two singletons; KMeans gave groups of 3–4.
    best = KMeans(n_clusters=h, n_init=10, random_state=seed).fit_predict(_unit(centroids))
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
