"""Stage 3 — KMeans started from spectral clusters of the notes' kNN graph; the count by stability.

**Clustering.** Short notes share few words, so distances between their vectors are noisy far away
and reliable only between near neighbours. The notes are joined to their ``neighbours`` (half an
average theme: n / 2k, at least 5) and cut by spectral clustering (normalised Laplacian, labels by
column-pivoted QR: no random restarts); KMeans then starts from those clusters' centroids and refines
them, so every theme is a centroid and new or further notes go to the nearest one (``assign.py``, and
the large-input path: the spectral start is learnt on a seeded sample of ``spectral_max`` notes).
Measured at fixed counts (AMI, mean of seeds 0–2): homecare_dev 0.25 → 0.35 at 12 themes, 0.25 → 0.30
at 20; medweb 0.90 → 0.95 at its 6 labels; sib200 0.475 → 0.476 at 7. Spectral clustering alone
(no KMeans refinement) was 0.01–0.06 lower on all three; the neighbour count matters: a fixed 10 was
best on homecare_dev and worst on medweb (0.75), n / 2k suits both. Below ``MIN_SPECTRAL`` = 100 notes
(or 4 notes a theme) plain KMeans is used: on the 41 notes guided mode leaves to clustering on
homecare_dev the spectral start was 0.005 AMI lower (0.359 against 0.364), a graph of a few dozen notes
is too thin.

**The count.** The range is set by the number of notes (``kj_range``): where a KJ session of that many
notes lands (about 200 notes: 12–25 themes; about 700: 15–35; ``lo = 2.4 ln n − 0.7``,
``hi = 8 ln n − 17.4``, at most one theme per 8 notes and at most ``MAX_THEMES`` = 40). Texts with a few sharply separated topics
(symptom tweets: stability 0.79 at 8 clusters against at most 0.62 in the KJ range; encyclopedic
sentences of 7 topics: 0.44–0.56 at 5–9 against ≤ 0.32) keep their own count: counts from 4 up to the
range are tried too, and when the best of them reaches ``strong`` (0.4) and leads the best count in the
range by ``strong_lead`` (0.1), the largest count within ``strong_tie`` (0.02) of that best wins
(medweb: 6–8; a wider tie, 0.05, took 11 on one seed, AMI 0.84). This decision uses rough KMeans
fits. Real workshop notes never showed such a structure (homecare_dev: 0.14–0.23 below the range).
Inside the range the count is the most stable one *of the clusterer the themes come from* (``range_scores_``,
on at most ``range_sample`` notes): rough KMeans fits hardly tell the counts apart on real notes
(homecare_dev 0.16–0.23 over 12–26, so the largest count won by noise), the spectral start does
(homecare_dev 0.39–0.42 at 12 against at most 0.36 at 14–26, and 0.40–0.44 at 10).

Silhouette and Calinski–Harabasz are useless on short-text vectors (they rise or fall monotonically
with k; measured on the labelled sets in bench/); the eigengap of the graph Laplacian pointed at 3–4
groups on homecare_dev and sib200. What does peak near a real number of themes is *stability*:
cluster two random 80 % subsamples with k clusters and compare the two partitions of all notes
(adjusted Rand index). A k that reflects real structure is found again from other data; a k that cuts
a topic in two at random is not. Of near-ties (0.02) the larger count wins (a facilitator can merge
themes more easily than discover a hidden one).
"""

from __future__ import annotations

import numpy as np

MIN_SPECTRAL = 100  # fewer notes (or fewer than 4 a theme): plain KMeans (module doc)


def _kmeans(k: int, seed: int, n_init: int, max_iter: int = 300, init: str = "k-means++"):
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=n_init, random_state=seed, max_iter=max_iter, init=init)


def _nearest(X: np.ndarray, centers: np.ndarray, chunk: int = 16384) -> np.ndarray:
    """Index of the nearest centre (squared Euclidean) for every row, in chunks to bound memory."""
    c2 = (centers ** 2).sum(axis=1)
    out = np.empty(len(X), dtype=int)
    for s in range(0, len(X), chunk):
        out[s:s + chunk] = np.argmin(c2[None, :] - 2 * X[s:s + chunk] @ centers.T, axis=1)
    return out


def neighbours(n: int, k: int) -> int:
    """Neighbours per note in the spectral graph: half an average theme (n / 2k), at least 5."""
    return int(min(n - 1, max(5, round(n / (2 * k)))))


def cluster_qr(vectors: np.ndarray) -> np.ndarray:
    """Labels from a spectral embedding by column-pivoted QR (Damle, Minden & Ying 2019): no random
    restarts, and the same labels for any rotation of the embedding (degenerate eigenvalues)."""
    from scipy.linalg import qr, svd

    k = vectors.shape[1]
    _, _, piv = qr(vectors.T, pivoting=True)
    ut, _, v = svd(vectors[piv[:k], :].T)
    return np.abs(vectors @ (ut @ v)).argmax(axis=1)


def spectral_labels(X: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """Spectral clustering of the notes' kNN graph (``neighbours``; symmetrised, normalised Laplacian),
    labelled by ``cluster_qr``. Dense eigensolver (the callers keep n ≤ a few thousand): exact, and 3–5×
    faster than ARPACK's shift-invert at these sizes. Deterministic; ``seed`` is unused."""
    from scipy.linalg import eigh
    from scipy.sparse.csgraph import laplacian
    from sklearn.neighbors import kneighbors_graph

    A = kneighbors_graph(X, neighbours(len(X), k), include_self=True)
    A = 0.5 * (A + A.T)
    L, dd = laplacian(A, normed=True, return_diag=True)
    _, vecs = eigh(L.toarray(), subset_by_index=[0, k - 1])
    return cluster_qr(vecs / dd[:, None])


def spectral_centres(X: np.ndarray, k: int, seed: int, most: int = 2000) -> np.ndarray | None:
    """Centroids of the spectral clusters of ``X`` (of a seeded sample of ``most`` rows above that);
    None when spectral clustering does not apply (too few notes for ``k``) or left a cluster empty."""
    n = len(X)
    if k < 2 or n < max(MIN_SPECTRAL, 4 * k):
        return None
    Xs = X
    if n > most:
        Xs = X[np.sort(np.random.default_rng(seed).choice(n, most, replace=False))]
    lab = spectral_labels(Xs, k, seed)
    if len(np.unique(lab)) < k:
        return None
    return np.stack([Xs[lab == j].mean(axis=0) for j in range(k)])


# most themes the automatic count chooses, whatever the number of notes
MAX_THEMES = 40


def kj_range(n: int) -> tuple[int, int]:
    """(lo, hi) number of themes a facilitator expects from ``n`` notes (module doc)."""
    if n < 6:
        return 1, 1
    ln = float(np.log(n))
    # the range stops growing at MAX_THEMES (from ~1,300 notes): a committee cannot read 75 themes of a
    # 100,000-answer survey, and the large-input path would otherwise pick counts the exact path does not
    hi = int(min(round(8 * ln - 17.4), n // 8, MAX_THEMES))
    hi = max(2, hi)
    lo = int(max(2, min(round(2.4 * ln - 0.7), hi)))
    return lo, hi


def _grid(lo: int, hi: int, most: int = 10) -> list[int]:
    """Every count from lo to hi when there are at most 12, else ``most`` spread evenly, both ends included."""
    if hi - lo + 1 <= max(most, 12):
        return list(range(lo, hi + 1))
    return sorted({int(round(x)) for x in np.linspace(lo, hi, most)})


class KMeansClusterer:
    """KMeans with ``n_clusters`` given or ``"auto"`` (most stable k in ``k_range``).

    Attributes after ``fit``: ``labels_``, ``cluster_centers_``, ``k_``, ``scores_`` (k → stability),
    ``reason_`` (a Japanese sentence).
    """

    def __init__(self, n_clusters="auto", k_range: tuple[int, int] | None = None, seed: int = 0,
                 n_init: int = 10, n_resamples: int = 4, tie: float = 0.02, sample_size: int = 2000,
                 select_dims: int | None = None, fit_sample: int = 20000, strong: float = 0.4,
                 strong_lead: float = 0.1, strong_tie: float = 0.02, consensus: int = 0,
                 consensus_max: int = 3000, init: str = "spectral", spectral_max: int = 2000,
                 range_sample: int = 1000, range_resamples: int = 3):
        self.n_clusters = n_clusters
        self.k_range = k_range
        self.seed = seed
        self.n_init = n_init
        self.n_resamples = n_resamples
        self.tie = tie
        self.sample_size = sample_size
        self.select_dims = select_dims
        self.fit_sample = fit_sample
        self.strong = strong
        self.strong_lead = strong_lead
        self.strong_tie = strong_tie
        self.consensus = consensus          # > 0: that many KMeans runs on 80 % subsamples, then average
        self.consensus_max = consensus_max  # linkage on how often two notes fell together (n² memory: ≤ 3000)
        self.init = init                    # "spectral": KMeans started from spectral clusters; "k-means++"
        self.spectral_max = spectral_max    # spectral start learnt on at most this many notes (seeded sample)
        self.range_sample = range_sample    # count inside the KJ range chosen on at most this many notes
        self.range_resamples = range_resamples  # resample pairs for that choice (2: same counts, 4: same)

    def default_k_range(self, n: int) -> tuple[int, int]:
        return kj_range(n)

    def _spectral(self, n: int, k: int) -> bool:
        return self.init == "spectral" and k >= 2 and n >= max(MIN_SPECTRAL, 4 * k)

    def _fit_k(self, X: np.ndarray, k: int, seed: int, n_init: int, max_iter: int = 300):
        """KMeans with k clusters on X, started from the spectral clusters' centroids when they apply."""
        C = spectral_centres(X, k, seed, self.spectral_max) if self._spectral(len(X), k) else None
        if C is None:
            return _kmeans(k, seed, n_init, max_iter).fit(X)
        return _kmeans(k, seed, 1, max_iter, init=C.astype(X.dtype)).fit(X)

    def stability(self, X: np.ndarray, k: int, final: bool = False) -> float:
        """Mean ARI between partitions learned on pairs of 80 % subsamples: rough KMeans fits, or
        (``final``) the clusterer used for the themes (spectral start, then KMeans)."""
        from sklearn.metrics import adjusted_rand_score

        rng = np.random.default_rng(self.seed + 7919 * k)
        n = len(X)
        m = max(k + 1, int(0.8 * n))
        out = []
        for b in range(self.range_resamples if final else self.n_resamples):
            a = rng.choice(n, m, replace=False)
            c = rng.choice(n, m, replace=False)
            # a rough fit is enough to tell a reproducible partition from a random cut. (Random
            # seeding instead of k-means++ was 3x faster but pushed medweb's k from 6-8 to 10.)
            if final:
                pa = self._fit_k(X[a], k, self.seed + b, 1, 100).predict(X)
                pc = self._fit_k(X[c], k, self.seed + 1000 + b, 1, 100).predict(X)
            else:
                pa = _kmeans(k, self.seed + b, 1, 60).fit(X[a]).predict(X)
                pc = _kmeans(k, self.seed + 1000 + b, 1, 60).fit(X[c]).predict(X)
            out.append(adjusted_rand_score(pa, pc))
        return float(np.mean(out))

    def choose_k(self, X: np.ndarray) -> int:
        n = len(X)
        given = self.k_range is not None
        lo, hi = self.k_range or self.default_k_range(n)
        hi = min(hi, n - 1)
        if hi < 2 or n < 6:
            self.scores_ = {}
            self.reason_ = f"付箋が {n} 枚と少ないため、テーマは 1 つにまとめました。"
            return 1
        lo = max(1, min(lo, hi))
        if lo == 1:
            lo = 2
        # choose on a sample: stability is a property of the structure, not of every note
        if n > self.sample_size:
            idx = np.random.default_rng(self.seed).choice(n, self.sample_size, replace=False)
            Xs = X[np.sort(idx)]
        else:
            Xs = X
        from threadpoolctl import threadpool_limits

        if self.select_dims and Xs.shape[1] > self.select_dims:
            # optional speed-up; measured: PCA-48 made the choice of k noisier, so it is off by default
            from sklearn.decomposition import PCA

            Xs = PCA(self.select_dims, random_state=self.seed).fit_transform(Xs).astype(np.float32)
        # float64: scikit-learn computes float32 distances through a slow chunked up-cast
        Xs = np.asarray(Xs, dtype=np.float64)
        inside = _grid(lo, hi, 8)
        floor = 4 if n >= 80 else 2      # a workshop holds 4+ topics; 2–3 clusters are trivially stable
        below = [] if given else _grid(floor, lo - 1, 6) if lo > floor else []
        # many tiny fits: BLAS threads only add contention on a shared 2-core machine
        with threadpool_limits(1):
            self.scores_ = {k: round(self.stability(Xs, k), 4) for k in below + inside}
        best_in = max(self.scores_[k] for k in inside)
        strong = False
        if below:
            best_low = max(self.scores_[k2] for k2 in below)
            strong = best_low >= self.strong and best_low >= best_in + self.strong_lead
        runs = f"付箋の 80% を無作為に取り出して分け直すことを {2 * self.n_resamples} 回行い、分け方がどれだけ再現するか(調整ランド指数)を比べました。"
        if strong:
            # the finest of the clearly reproduced partitions (within strong_tie of the best)
            k = max(k2 for k2 in below if self.scores_[k2] >= best_low - self.strong_tie)
            self.range_scores_ = {}
            self.reason_ = (f"付箋 {n} 枚の KJ 法でよくあるテーマ数は {lo}〜{hi} 個ですが、{runs}"
                            f"{k} 個の分け方がはっきり再現したため(指標 {self.scores_[k]:.2f}、{lo}〜{hi} 個では"
                            f"最大 {best_in:.2f})、話題のはっきり分かれた付箋とみて {k} 個にしました。")
            return k
        # inside the range: the stability of the clusterer the themes come from (spectral start, then
        # KMeans). Rough KMeans fits barely tell the counts apart on real notes (homecare_dev 0.16–0.23
        # over 12–26); the spectral start does (0.39–0.42 at 12 against at most 0.36 above).
        if len(Xs) > self.range_sample:   # each fit is a spectral embedding: a smaller sample suffices
            Xs = Xs[np.sort(np.random.default_rng(self.seed + 1).choice(len(Xs), self.range_sample, replace=False))]
        if any(self._spectral(int(0.8 * len(Xs)), k2) for k2 in inside):
            with threadpool_limits(1):
                self.range_scores_ = {k2: round(self.stability(Xs, k2, final=True), 4) for k2 in inside}
            runs = (f"付箋の 80% を無作為に取り出して分け直すことを {2 * self.range_resamples} 回行い、"
                    "分け方がどれだけ再現するか(調整ランド指数)を比べました。")
        else:
            self.range_scores_ = {k2: self.scores_[k2] for k2 in inside}
        rs = self.range_scores_
        best = max(rs.values())
        k = max(k2 for k2 in inside if rs[k2] >= best - self.tie)
        self.reason_ = (f"付箋 {n} 枚の KJ 法でよくあるテーマ数 {lo}〜{hi} 個のそれぞれで、{runs}"
                        f"最も再現した {k} 個(指標 {rs[k]:.2f})を選びました。") if not given else (
                        f"テーマ数 {lo}〜{hi} のそれぞれで、{runs}最も再現した {k} 個(指標 {rs[k]:.2f})を選びました。")
        return k

    def fit(self, X: np.ndarray, y=None):
        X = np.asarray(X)
        if X.dtype != np.float64:   # float64 is kept (the large path: scikit-learn's float32 k-means++ is 3x slower)
            X = X.astype(np.float32)
        n = len(X)
        self.range_scores_ = {}
        if self.n_clusters == "auto":
            k = self.choose_k(X)
        else:
            k = int(self.n_clusters)
            self.scores_ = {}
            if k > n:
                self.reason_ = f"テーマ数 {k} が指定されましたが、付箋が {n} 枚のため {n} にしました。"
                k = n
            else:
                self.reason_ = f"テーマ数は指定どおり {k} です。"
        k = max(1, min(k, n))
        self.k_ = k
        if n == 0:
            self.labels_ = np.zeros(0, dtype=int)
            self.cluster_centers_ = np.zeros((0, X.shape[1] if X.ndim == 2 else 0), dtype=np.float32)
            return self
        if k == 1:
            self.labels_ = np.zeros(n, dtype=int)
            self.cluster_centers_ = X.mean(axis=0, keepdims=True)
            return self
        from threadpoolctl import threadpool_limits

        # below ~20k notes a single thread is faster: OpenMP workers spin-wait on a busy shared machine
        if self.consensus and n <= self.consensus_max:
            self.labels_ = self._consensus(X, k)
            self.cluster_centers_ = np.stack([X[self.labels_ == j].mean(axis=0) for j in range(k)])
            return self
        if n <= self.fit_sample:
            with threadpool_limits(1 if n < 20000 else None):
                km = self._fit_k(np.asarray(X, dtype=np.float64), k, self.seed, self.n_init)
            self.labels_ = km.labels_.astype(int)
            self.cluster_centers_ = km.cluster_centers_.astype(np.float32)
            return self
        # at scale: learn the centroids on a seeded sample (k-means++ restarts on 100k notes took 20 s),
        # then assign every note to its nearest centroid and recompute the centroids once
        idx = np.sort(np.random.default_rng(self.seed).choice(n, self.fit_sample, replace=False))
        km = self._fit_k(np.asarray(X[idx], dtype=np.float64), k, self.seed, min(self.n_init, 3))
        labels = km.predict(np.asarray(X, dtype=np.float64))
        centers = np.stack([X[labels == j].mean(axis=0) if (labels == j).any() else km.cluster_centers_[j]
                            for j in range(k)])
        self.labels_ = _nearest(X, centers)
        self.cluster_centers_ = centers.astype(np.float32)
        return self

    def _consensus(self, X: np.ndarray, k: int) -> np.ndarray:
        """Average linkage on the co-association of ``consensus`` KMeans runs on 80 % subsamples."""
        import scipy.sparse as sp
        from sklearn.cluster import AgglomerativeClustering
        from threadpoolctl import threadpool_limits

        n = len(X)
        rng = np.random.default_rng(self.seed + 104729)
        X64 = np.asarray(X, dtype=np.float64)
        cols = []
        with threadpool_limits(1):
            for b in range(self.consensus):
                idx = np.sort(rng.choice(n, max(k + 1, int(0.8 * n)), replace=False))
                lab = _kmeans(k, self.seed + b, 1, 100).fit(X64[idx]).predict(X64)
                cols.append(lab + b * k)
        H = sp.csr_matrix((np.ones(n * len(cols)), (np.tile(np.arange(n), len(cols)), np.concatenate(cols))),
                          shape=(n, k * len(cols)))
        co = (H @ H.T).toarray() / len(cols)
        lab = AgglomerativeClustering(k, linkage="average", metric="precomputed").fit_predict(1.0 - co)
        # number clusters by first note so the labels do not depend on scipy's merge order
        first = {c: i for i, c in reversed(list(enumerate(lab)))}
        remap = {c: r for r, c in enumerate(sorted(first, key=first.get))}
        return np.array([remap[c] for c in lab], dtype=int)

    def fit_predict(self, X, y=None) -> np.ndarray:
        return self.fit(X).labels_
