"""The large-input path of ThemeModel: fit every stage on a seeded sample, then transform and assign all
notes in chunks (docs/themes.md, "Large inputs").

From ``LARGE_FROM`` notes (or with ``ThemeModel(large=True)``):

1. ``SAMPLE_SIZE`` notes are drawn (seeded) and prepared as in the exact path; the vectorizer (TF-IDF
   vocabulary and idf, the chiVe note vectorizer) and the reducer (TruncatedSVD per block) are fitted on
   them, and one more TruncatedSVD (``PROJECT_DIMS``) is fitted on the reduced sample vectors, so the
   note vectors of a million notes take 0.5 GB of float32 instead of 1.6 GB.
2. All notes are tokenized in chunks of ``CHUNK``; of each chunk only compact features are kept: the
   term ids (a :class:`~issuemine.themes.terms.TermTable`), the codebook seed hits
   (:class:`~issuemine.themes.seedscan.SeedScanner`) and the chunk's rows of the note vectors. The chiVe
   block is the sparse note × word-key count matrix times a table of (weighted) word vectors, one row per
   distinct (lemma, orthBase, surface, term): the same mean as ``NoteVectorizer.transform``, without a
   Python loop over every token. TF-IDF rows come from the fitted vocabulary and idf through
   scikit-learn's ``TfidfTransformer``.
3. The clusterer is fitted on the sample's clustered notes (whatever clusterer the model uses), then
   every clustered note goes to the nearest centroid, centroids are recomputed from all their notes and
   the notes assigned once more (one Lloyd step over everything).
4. Absorption of discovered themes into codebook themes is decided on the sample (single-note moves
   are off), theme stability and unstable notes are measured on the sample, labels and key terms come
   from sparse note × term counts over all notes, headings from the theme centroids.
"""

from __future__ import annotations

import numpy as np

LARGE_FROM = 50_000      # notes: from here on the sampled path (see docs/themes.md for the measurements)
SAMPLE_SIZE = 20_000     # notes the stages are fitted on
CHUNK = 20_000           # notes tokenized and transformed at a time
PROJECT_DIMS = 128       # width of the note vectors on the large path


def use_large(setting, n: int) -> bool:
    """``ThemeModel(large=None)``: from ``LARGE_FROM`` notes; True/False force a path."""
    if setting is None:
        return n >= LARGE_FROM
    return bool(setting)


def sample_indices(n: int, m: int, seed: int) -> np.ndarray:
    """Sorted seeded sample of ``min(m, n)`` note indices."""
    if m >= n:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed + 15).choice(n, m, replace=False))


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (x / norms).astype(np.float32, copy=False)


class ProjectedReducer:
    """A fitted reducer followed by a TruncatedSVD of its output; rows of unit length.

    Keeps the reducer interface the embedder uses (``transform``, ``svds_``, ``n_components``, ``dims_``).
    """

    def __init__(self, base, svd=None):
        self.base = base
        self.svd = svd

    @property
    def svds_(self):
        return getattr(self.base, "svds_", None)

    @property
    def n_components(self):
        return getattr(self.base, "n_components", None)

    @property
    def dims_(self):
        dims = dict(getattr(self.base, "dims_", {}))
        if self.svd is not None:
            dims["projected"] = int(self.svd.n_components)
        return dims

    def transform(self, blocks: dict) -> np.ndarray:
        x = self.base.transform(blocks)
        if self.svd is None:
            return x
        return _unit(x @ self.svd.components_.T.astype(np.float32))


class VectorTable:
    """The chiVe block as sparse counts × a table: one row per distinct word key of the notes.

    Mirrors ``vectors.NoteVectorizer.transform`` (its word choice ``_use``, its lookup lemma → orthBase →
    surface → longest known pieces, its idf weights): a note's row is the weighted sum of its words'
    vectors, which the reducer normalises (so the division by the weight total does not matter).
    """

    def __init__(self, nv):
        self.nv = nv
        self.index: dict[tuple, int] = {}
        self.table = np.zeros((1024, nv.word_vectors.dim), dtype=np.float32)
        self.found: list[bool] = []
        self.found_n = 0
        self.total_n = 0

    def _use(self, toks):
        nv = self.nv
        if hasattr(nv, "pos_prefix"):
            return nv._use(toks)
        return [t for t in toks if t.is_term] or list(toks)

    def _add(self, t) -> int:
        nv, wv = self.nv, self.nv.word_vectors
        key = (t.lemma, t.orth_base, t.surface, t.term)
        k = len(self.found)
        self.index[key] = k
        r = wv.index.get(t.lemma)
        if r is None:
            r = wv.index.get(t.orth_base)
        if r is None:
            r = wv.index.get(t.surface)
        got = [r] if r is not None else wv.rows_of(t.surface)
        self.found.append(bool(got))
        if k >= len(self.table):
            self.table = np.concatenate([self.table, np.zeros_like(self.table)])
        if got:
            idf = getattr(nv, "idf_", None)
            w = idf.get(t.term or t.surface, getattr(nv, "idf_unseen_", 1.0)) if idf is not None else 1.0
            v = wv.matrix[got[0]] if len(got) == 1 else wv.matrix[got].mean(axis=0)
            self.table[k] = w * v
        return k

    def ids(self, toks) -> list[int]:
        index, out = self.index, []
        for t in self._use(toks):
            k = index.get((t.lemma, t.orth_base, t.surface, t.term))
            if k is None:
                k = self._add(t)
            out.append(k)
        return out

    def block(self, rows: list[list[int]]) -> np.ndarray:
        import scipy.sparse as sp

        lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        ids = np.fromiter((k for r in rows for k in r), dtype=np.int64, count=int(indptr[-1]))
        found = np.asarray(self.found, dtype=bool)
        self.total_n += len(ids)
        self.found_n += int(found[ids].sum()) if len(ids) else 0
        K = len(found)
        C = sp.csr_matrix((np.ones(len(ids), dtype=np.float32), ids, indptr), shape=(len(rows), K))
        return np.asarray(C @ self.table[:K], dtype=np.float32)

    @property
    def coverage(self) -> float:
        return self.found_n / self.total_n if self.total_n else 0.0


class TermIds:
    """Interns terms into one growing vocabulary; TF-IDF rows of a chunk in a fitted TfidfVectorizer."""

    def __init__(self):
        self.index: dict[str, int] = {}
        self.vocab: list[str] = []
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []

    def add_chunk(self, term_lists: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        index, vocab, ids = self.index, self.vocab, []
        for ts in term_lists:
            for t in ts:
                k = index.get(t)
                if k is None:
                    k = index[t] = len(vocab)
                    vocab.append(t)
                ids.append(k)
        lengths = np.fromiter((len(ts) for ts in term_lists), dtype=np.int64, count=len(term_lists))
        part = (lengths, np.asarray(ids, dtype=np.int32))
        self.parts.append(part)
        return part

    def table(self):
        from issuemine.themes.terms import TermTable

        return TermTable.concat(self.parts, self.vocab)


def _tfidf_rows(fitted, part, vocab: list[str], colmap: list):
    """Rows of a fitted ``TfidfVectorizer`` (or None: one empty column) for a chunk's term ids."""
    import scipy.sparse as sp

    lengths, ids = part
    n = len(lengths)
    if fitted is None:
        return sp.csr_matrix((n, 1), dtype=np.float32)
    from sklearn.feature_extraction.text import TfidfTransformer

    vocabulary = fitted.vocabulary_
    while len(colmap[0]) < len(vocab):      # columns for terms first seen in this chunk
        colmap[0] = np.concatenate([colmap[0], np.array([vocabulary.get(t, -1) for t in vocab[len(colmap[0]):]],
                                                        dtype=np.int64)])
    cols = colmap[0][ids] if len(ids) else np.zeros(0, dtype=np.int64)
    rows = np.repeat(np.arange(n), lengths)
    keep = cols >= 0
    counts = sp.csr_matrix((np.ones(int(keep.sum()), dtype=np.float64), (rows[keep], cols[keep])),
                           shape=(n, len(vocabulary)))
    counts.sum_duplicates()
    tr = TfidfTransformer(norm=fitted.norm, use_idf=fitted.use_idf, smooth_idf=fitted.smooth_idf,
                          sublinear_tf=fitted.sublinear_tf)
    if fitted.use_idf:
        tr.idf_ = fitted.idf_
    return tr.transform(counts).astype(np.float32)


class SampledFit:
    """Runs steps 1–2 of the module doc: ``embed`` → (sample corpus, TermTable, X, vectorizer, reducer, hits)."""

    def __init__(self, sample_size: int = SAMPLE_SIZE, chunk: int = CHUNK, dims: int = PROJECT_DIMS,
                 seed: int = 0):
        self.sample_size = sample_size
        self.chunk = chunk
        self.dims = dims
        self.seed = seed

    def embed(self, texts: list[str], tokenizer, vectorizer, reducer, codebook=None, progress=None):
        from sklearn.decomposition import TruncatedSVD

        from issuemine.text import JapaneseTokenizer, normalize
        from issuemine.themes.vectorize import Corpus, prepare

        n = len(texts)
        tok = tokenizer if tokenizer is not None else JapaneseTokenizer()
        self.sample_ = sample_indices(n, self.sample_size, self.seed)
        sample_corpus = prepare([texts[i] for i in self.sample_.tolist()], tok)
        blocks = vectorizer.fit_transform(sample_corpus)
        Xs = reducer.fit_transform(blocks)
        svd = None
        if Xs.shape[1] > self.dims and len(Xs) > self.dims:
            svd = TruncatedSVD(self.dims, algorithm="randomized", n_iter=5, random_state=self.seed).fit(Xs)
        proj = ProjectedReducer(reducer, svd)
        del blocks, Xs

        # the fitted stages, read once
        tfidf = {kind: b for kind, b in getattr(vectorizer, "blocks_", {}).items()}
        nv = getattr(vectorizer, "note_vectorizer_", None)
        vt = VectorTable(nv) if nv is not None else None
        scanner = None
        if codebook:
            from issuemine.themes.seedscan import SeedScanner

            scanner = SeedScanner(codebook)
        terms = TermIds()
        colmap = [np.zeros(0, dtype=np.int64)]
        X = None
        hits = np.zeros((n, len(codebook or [])), dtype=np.int16)
        for a in range(0, n, self.chunk):
            chunk = texts[a:a + self.chunk]
            toks = tok.tokens_many(chunk)
            term_lists = [[t.term for t in ts if t.is_term] for ts in toks]
            part = terms.add_chunk(term_lists)
            norm = None
            if scanner is not None or any(b.kind != "term" for b in tfidf.values()):
                norm = [normalize(t) for t in chunk]
            cb = {}
            for kind, b in tfidf.items():
                if b.kind == "term":
                    cb[kind] = _tfidf_rows(b.vectorizer_, part, terms.vocab, colmap)
                else:
                    cb[kind] = b.transform(Corpus(norm, toks, term_lists))
            if vt is not None:
                cb["vectors"] = vt.block([vt.ids(ts) for ts in toks])
            x = proj.transform(cb)
            if X is None:
                X = np.empty((n, x.shape[1]), dtype=np.float32)
            X[a:a + len(chunk)] = x
            if scanner is not None:
                hits[a:a + len(chunk)] = scanner.hits(norm, toks, trusted=True)
            del toks, cb, x
            if progress is not None:
                progress(min(n, a + self.chunk), n)
        if vt is not None:
            # what NoteVectorizer reports after transform: words found / words looked up, over all notes
            vectorizer.coverage_ = vt.coverage
        if X is None:
            X = np.zeros((0, 1), dtype=np.float32)
        self.reducer_ = proj
        return sample_corpus, terms.table(), X, proj, (hits if codebook else None)

    def message_ja(self, n: int) -> str:
        m = len(self.sample_)
        return (f"付箋が {n:,} 枚と多いため、無作為に選んだ {m:,} 枚でテーマの分け方を学び、すべての付箋を"
                "最も近いテーマに割り当てました。テーマの再現性と入れ替わりやすい付箋は、この "
                f"{m:,} 枚で測っています。")

    def info(self, n: int) -> dict:
        """What analysis.json says about the large path."""
        return {"used": True, "notes": n, "sample": int(len(self.sample_)), "chunk": self.chunk,
                "dims": int(self.reducer_.svd.n_components) if self.reducer_.svd is not None else None,
                "from_notes": LARGE_FROM}

    def cluster(self, clusterer, X: np.ndarray, rest: np.ndarray) -> np.ndarray:
        """Fit ``clusterer`` on the sample's clustered notes, assign all of ``rest`` to the nearest centroid."""
        from issuemine.themes.cluster import kj_range
        from issuemine.themes.terms import centroids

        in_sample = np.zeros(len(X), dtype=bool)
        in_sample[self.sample_] = True
        fit_rows = rest[in_sample[rest]]
        if len(fit_rows) < 2:
            fit_rows = rest[:max(1, min(len(rest), self.sample_size))]
        if hasattr(clusterer, "default_k_range") and getattr(clusterer, "k_range", None) is None:
            # the range of theme counts is that of all the notes being clustered, as on the exact path
            full = kj_range(len(rest))
            clusterer.default_k_range = lambda _n, r=full: r
        labels = np.asarray(clusterer.fit_predict(X[fit_rows]))
        k = int(labels.max()) + 1 if len(labels) else 1
        centers = getattr(clusterer, "cluster_centers_", None)
        if centers is None or len(centers) != k:
            centers = centroids(X[fit_rows], labels, k)
        out = nearest(X, rest, np.asarray(centers, dtype=np.float32))
        out = nearest(X, rest, centroids_rows(X, rest, out, k, centers))
        return out


def centroids_rows(X, rows, lab, k, fallback) -> np.ndarray:
    """Mean of ``X[rows]`` per label (an empty label keeps its ``fallback`` centre), without copying rows."""
    import scipy.sparse as sp

    G = sp.csr_matrix((np.ones(len(rows)), (lab, rows)), shape=(k, len(X)))
    sums = np.asarray(G @ X, dtype=np.float64)
    counts = np.bincount(lab, minlength=k)
    out = np.asarray(fallback, dtype=np.float64).copy()
    has = counts > 0
    out[has] = sums[has] / counts[has, None]
    return out.astype(np.float32)


def nearest(X: np.ndarray, rows: np.ndarray, centers: np.ndarray, chunk: int = 65536) -> np.ndarray:
    """Index of the nearest centre (squared Euclidean, as KMeans) of every row in ``rows``."""
    c2 = (centers.astype(np.float32) ** 2).sum(axis=1)
    out = np.empty(len(rows), dtype=np.int64)
    for s in range(0, len(rows), chunk):
        part = X[rows[s:s + chunk]]
        out[s:s + chunk] = np.argmin(c2[None, :] - 2 * part @ centers.T, axis=1)
    return out
