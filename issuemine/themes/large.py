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

from issuemine.progress import report

LARGE_FROM = 50_000      # notes: from here on the sampled path (see docs/themes.md for the measurements)
SAMPLE_SIZE = 20_000     # notes the stages are fitted on
CHUNK = 20_000           # notes transformed at a time
PROJECT_DIMS = 128       # width of the note vectors on the large path
STABILITY_SAMPLE = 8_000 # notes each stability re-run clusters (of the sample)


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


class Morphs:
    """Every morpheme of every note, compactly: note ``i`` is ``[vocab[k] for k in ids[indptr[i]:indptr[i+1]]]``.

    ``vocab`` items have the Token attributes the stages read (surface, lemma, orth_base, pos, is_term,
    term) but no offsets; ``texts`` are the normalised texts. The same layout as the tokenizer's
    ``morpheme_ids`` (issuemine.text.batch.IdLists), which is used when the tokenizer has it (it tokenizes
    on every core); otherwise the notes are tokenized here, chunk by chunk.
    """

    def __init__(self, indptr, ids, vocab, texts):
        self.indptr = np.asarray(indptr, dtype=np.int64)
        self.ids = np.asarray(ids, dtype=np.int32)
        self.vocab = vocab
        self.texts = texts

    @classmethod
    def of(cls, tok, texts: list[str], chunk: int = CHUNK) -> Morphs:
        if hasattr(tok, "morpheme_ids"):
            m = tok.morpheme_ids(texts, normalized=True)
            return cls(m.indptr, m.ids, m.vocab, m.texts)
        from issuemine.text import normalize

        index: dict = {}
        vocab: list = []
        ids: list[int] = []
        lengths: list[int] = []
        norms: list[str] = []
        for a in range(0, len(texts), chunk):
            part = texts[a:a + chunk]
            for toks in tok.tokens_many(part):
                for t in toks:
                    key = (t.surface, t.lemma, t.orth_base, t.pos, t.is_term, t.term)
                    k = index.get(key)
                    if k is None:
                        k = index[key] = len(vocab)
                        vocab.append(_Morph(*key))
                    ids.append(k)
                lengths.append(len(toks))
            norms.extend(normalize(t) for t in part)
        indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        return cls(indptr, np.asarray(ids, dtype=np.int32), vocab, norms)

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def rows(self) -> np.ndarray:
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.indptr))

    def notes(self, idx) -> list[list]:
        vocab, ids, ptr = self.vocab, self.ids, self.indptr
        return [[vocab[k] for k in ids[ptr[i]:ptr[i + 1]].tolist()] for i in np.asarray(idx).tolist()]

    def terms(self):
        """The notes' terms as a TermTable (vocabulary: first occurrence over the notes)."""
        from issuemine.themes.terms import TermTable

        lut: dict[str, int] = {}
        table = np.full(len(self.vocab), -1, dtype=np.int32)
        for k, m in enumerate(self.vocab):
            if m.is_term:
                table[k] = lut.setdefault(m.term, len(lut))
        mapped = table[self.ids]
        keep = mapped >= 0
        kept = mapped[keep]
        del mapped
        ck = np.zeros(len(keep) + 1, dtype=np.int64)
        np.cumsum(keep, out=ck[1:])
        indptr = ck[self.indptr]
        del ck, keep
        # renumber by first occurrence, so the table does not depend on the vocabulary's order
        vocab_t = list(lut)
        if not len(kept):
            return TermTable(indptr, np.zeros(0, dtype=np.int32), [])
        uniq, first = np.unique(kept, return_index=True)
        order = uniq[np.argsort(first, kind="stable")]
        renum = np.empty(len(vocab_t), dtype=np.int32)
        renum[order] = np.arange(len(order), dtype=np.int32)
        return TermTable(indptr, renum[kept], [vocab_t[k] for k in order.tolist()])

    def chunk(self, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        """(morpheme ids, note index from 0) of the notes ``a``..``b - 1``."""
        ptr = self.indptr
        return self.ids[ptr[a]:ptr[b]], np.repeat(np.arange(b - a), np.diff(ptr[a:b + 1]))


class _Morph(tuple):
    """A Token without offsets (used when the tokenizer has no ``morpheme_ids``)."""

    __slots__ = ()
    surface = property(lambda self: self[0])
    lemma = property(lambda self: self[1])
    orth_base = property(lambda self: self[2])
    pos = property(lambda self: self[3])
    is_term = property(lambda self: self[4])
    term = property(lambda self: self[5])

    def __new__(cls, *fields):
        return tuple.__new__(cls, fields)


def use_mask(nv, vocab, ids: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    """Which morpheme occurrences (``ids`` of ``vocab``, of notes ``rows`` < ``n``) ``NoteVectorizer``
    averages (its ``_use``): content nouns (``pos_prefix``) when the note has any, else its terms, else
    all its morphemes."""
    if not getattr(nv, "content_only", True):
        return np.ones(len(ids), dtype=bool)
    term = np.fromiter((bool(m.is_term) for m in vocab), dtype=bool, count=len(vocab))[ids]
    use = term
    prefix = getattr(nv, "pos_prefix", None)
    if prefix:
        noun = term & np.fromiter((m.pos.startswith(tuple(prefix)) for m in vocab), dtype=bool,
                                  count=len(vocab))[ids]
        has_noun = np.bincount(rows[noun], minlength=n) > 0
        use = np.where(has_noun[rows], noun, term)
    has = np.bincount(rows[use], minlength=n) > 0
    return np.where(has[rows], use, True)


def vector_table(nv, vocab) -> tuple[np.ndarray, np.ndarray]:
    """(weighted word vector per morpheme of ``vocab``, found per morpheme), as NoteVectorizer looks them
    up: lemma, orthBase, surface, else the surface's longest known pieces; weight: its idf when fitted."""
    wv = nv.word_vectors
    table = np.zeros((len(vocab), wv.dim), dtype=np.float32)
    found = np.zeros(len(vocab), dtype=bool)
    idf = getattr(nv, "idf_", None)
    unseen = getattr(nv, "idf_unseen_", 1.0)
    get = wv.index.get
    for k, t in enumerate(vocab):
        r = get(t.lemma)
        if r is None:
            r = get(t.orth_base)
        if r is None:
            r = get(t.surface)
        got = [r] if r is not None else wv.rows_of(t.surface)
        if not got:
            continue
        found[k] = True
        w = idf.get(t.term or t.surface, unseen) if idf is not None else 1.0
        table[k] = w * (wv.matrix[got[0]] if len(got) == 1 else wv.matrix[got].mean(axis=0))
    return table, found


def _tfidf_rows(fitted, counts):
    """Rows of a fitted ``TfidfVectorizer`` from ``counts`` (notes × its vocabulary); None: one empty column."""
    import scipy.sparse as sp

    if fitted is None:
        return sp.csr_matrix((counts.shape[0], 1), dtype=np.float32)
    from sklearn.feature_extraction.text import TfidfTransformer

    tr = TfidfTransformer(norm=fitted.norm, use_idf=fitted.use_idf, smooth_idf=fitted.smooth_idf,
                          sublinear_tf=fitted.sublinear_tf)
    if fitted.use_idf:
        tr.idf_ = fitted.idf_
    return tr.transform(counts).astype(np.float32)


def _project(Xs: np.ndarray, dims: int):
    """The top ``dims`` right singular vectors of ``Xs`` (uncentred, as TruncatedSVD), sign-fixed."""
    X64 = np.asarray(Xs, dtype=np.float64)
    w, V = np.linalg.eigh(X64.T @ X64)
    comp = V[:, np.argsort(w)[::-1][:dims]].T
    signs = np.sign(comp[np.arange(len(comp)), np.argmax(np.abs(comp), axis=1)])
    signs[signs == 0] = 1
    return _Projection(comp * signs[:, None])


class _Projection:
    def __init__(self, components: np.ndarray):
        self.components_ = components.astype(np.float32)
        self.n_components = len(components)


class SampledFit:
    """Runs steps 1–2 of the module doc: ``embed`` → (sample corpus, TermTable, X, vectorizer, reducer, hits)."""

    def __init__(self, sample_size: int = SAMPLE_SIZE, chunk: int = CHUNK, dims: int = PROJECT_DIMS,
                 seed: int = 0):
        self.sample_size = sample_size
        self.chunk = chunk
        self.dims = dims
        self.seed = seed

    def embed(self, texts: list[str], tokenizer, vectorizer, reducer, codebook=None):
        import scipy.sparse as sp

        from issuemine.text import JapaneseTokenizer
        from issuemine.themes.vectorize import prepare

        n = len(texts)
        tok = tokenizer if tokenizer is not None else JapaneseTokenizer()
        morphs = Morphs.of(tok, texts)
        self.sample_ = sample_indices(n, self.sample_size, self.seed)
        report("テーマ分け: 標本で学習", len(self.sample_), n)
        # the sample is prepared exactly as the exact path prepares notes (tokens with offsets)
        sample = prepare([texts[i] for i in self.sample_.tolist()], tok)
        from threadpoolctl import threadpool_limits

        # one BLAS/OpenMP thread for sample-sized work: on a busy 2-core machine spinning workers cost more
        # than they give (a 400 x 400 eigh took 5.8 s with two threads under load)
        with threadpool_limits(1):
            Xs = reducer.fit_transform(vectorizer.fit_transform(sample))
            proj = ProjectedReducer(reducer, _project(Xs, self.dims) if Xs.shape[1] > self.dims else None)
        del Xs

        report("テーマ分け: 付箋のベクトル", 0, n)
        blocks_fitted = dict(getattr(vectorizer, "blocks_", {}))
        cols = {}
        for kind, blk in blocks_fitted.items():
            if blk.kind != "term":
                raise NotImplementedError("the large path supports term TF-IDF blocks")
            if blk.vectorizer_ is not None:   # fitted column of each morpheme's term, -1 if none
                vocabulary = blk.vectorizer_.vocabulary_
                cols[kind] = np.array([vocabulary.get(m.term, -1) if m.is_term else -1 for m in morphs.vocab],
                                      dtype=np.int64)
        nv = getattr(vectorizer, "note_vectorizer_", None)
        if nv is not None:
            table, found = vector_table(nv, morphs.vocab)
            n_used = n_found = 0
        X = None
        for a in range(0, n, self.chunk):
            b = min(n, a + self.chunk)
            ids, rows = morphs.chunk(a, b)
            cb = {}
            for kind, blk in blocks_fitted.items():
                if kind in cols:
                    c = cols[kind][ids]
                    keep = c >= 0
                    counts = sp.csr_matrix((np.ones(int(keep.sum())), (rows[keep], c[keep])),
                                           shape=(b - a, len(blk.vectorizer_.vocabulary_)))
                    counts.sum_duplicates()
                    cb[kind] = _tfidf_rows(blk.vectorizer_, counts)
                else:
                    cb[kind] = sp.csr_matrix((b - a, 1), dtype=np.float32)
            if nv is not None:
                use = use_mask(nv, morphs.vocab, ids, rows, b - a)
                used = ids[use]
                n_used += len(used)
                n_found += int(found[used].sum())
                V = sp.csr_matrix((np.ones(len(used), dtype=np.float32), (rows[use], used)),
                                  shape=(b - a, len(morphs.vocab)))
                cb["vectors"] = np.asarray(V @ table, dtype=np.float32)
            x = proj.transform(cb)
            if X is None:
                X = np.empty((n, x.shape[1]), dtype=np.float32)
            X[a:b] = x
            report("テーマ分け: 付箋のベクトル", b, n)
        if nv is not None:
            # what NoteVectorizer reports after transform: words found / words looked up, over all notes
            vectorizer.coverage_ = n_found / n_used if n_used else 0.0
        if X is None:
            X = np.zeros((0, 1), dtype=np.float32)
        terms = morphs.terms()
        hits = None
        if codebook:
            report("テーマ分け: コードブックとの照合", None, n)
            hits = seed_hits(codebook, morphs)
        self.reducer_ = proj
        return sample, terms, X, proj, hits

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

        report("テーマ分け: クラスタリング(標本)", None, None)
        in_sample = np.zeros(len(X), dtype=bool)
        in_sample[self.sample_] = True
        fit_rows = rest[in_sample[rest]]
        if len(fit_rows) < 2:
            fit_rows = rest[:max(1, min(len(rest), self.sample_size))]
        if len(rest) > 20000 and getattr(clusterer, "n_init", 0) > 3:
            clusterer.n_init = 3   # as KMeansClusterer does itself from 20k notes
        if hasattr(clusterer, "default_k_range") and getattr(clusterer, "k_range", None) is None:
            # the range of theme counts is that of all the notes being clustered, as on the exact path
            full = kj_range(len(rest))
            clusterer.default_k_range = lambda _n, r=full: r
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):
            labels = np.asarray(clusterer.fit_predict(X[fit_rows].astype(np.float64)))
        k = int(labels.max()) + 1 if len(labels) else 1
        centers = getattr(clusterer, "cluster_centers_", None)
        if centers is None or len(centers) != k:
            centers = centroids(X[fit_rows], labels, k)
        report("テーマ分け: 最も近いテーマへの割り当て", None, len(rest))
        out = nearest(X, rest, np.asarray(centers, dtype=np.float32))
        out = nearest(X, rest, centroids_rows(X, rest, out, k, centers))
        return out


def centroids_rows(X, rows, lab, k, fallback) -> np.ndarray:
    """Mean of ``X[rows]`` per label (an empty label keeps its ``fallback`` centre), without copying rows."""
    import scipy.sparse as sp

    G = sp.csr_matrix((np.ones(len(rows), dtype=X.dtype), (lab, rows)), shape=(k, len(X)))
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


def seed_hits(codebook, morphs: Morphs) -> np.ndarray:
    """Codebook seed hits of every note (``seedscan.scan_hits``), with token offsets rebuilt from the
    surfaces: cumulated lengths where the surfaces tile the text, else found in order as the tokenizer does."""
    from issuemine.themes.seedscan import scan_hits

    surface_len = np.fromiter((len(m.surface) for m in morphs.vocab), dtype=np.int64, count=len(morphs.vocab))
    texts, vocab, ids, ptr = morphs.texts, morphs.vocab, morphs.ids, morphs.indptr

    def offsets(a, b):
        occ = surface_len[ids[ptr[a]:ptr[b]]]
        ends = np.cumsum(occ)
        counts = np.diff(ptr[a:b + 1])
        first = ptr[a:b] - ptr[a]
        before = np.concatenate([[0], ends])[first]          # chars before each note's first token
        ends = ends - np.repeat(before, counts)
        starts = ends - occ
        nonempty = counts > 0
        last = np.zeros(b - a, dtype=np.int64)
        last[nonempty] = ends[first[nonempty] + counts[nonempty] - 1]
        lengths = np.fromiter(map(len, texts[a:b]), dtype=np.int64, count=b - a)
        for i in np.flatnonzero(nonempty & (last != lengths)).tolist():   # spaces the tokenizer skipped
            pos, text = 0, texts[a + i]
            for q in range(first[i], first[i] + counts[i]):
                surface = vocab[ids[ptr[a] + q]].surface
                start = text.find(surface, pos)
                if start < 0:
                    start = pos
                pos = start + len(surface)
                starts[q], ends[q] = start, pos
        return starts, ends

    return scan_hits(codebook, texts, offsets, ptr)
