"""The notes' terms in compact form, for large inputs: one CSR table of term ids and one vocabulary.

A million notes of ~10 terms each as Python lists of strings cost ~1.5 GB and seconds of garbage
collection; :class:`TermTable` keeps an ``int64`` row pointer, an ``int32`` id per term occurrence and
the vocabulary once (~50 MB). It reads like the list of lists it replaces (``len``, indexing and
iteration give ``list[str]``), so code written for ``ThemeResult.terms`` keeps working, and the label
stage uses its sparse form (:func:`term_weights`) instead of counting Python sets note by note.

Small results keep ``list[list[str]]`` (the exact path is unchanged).
"""

from __future__ import annotations

import numpy as np


class TermTable:
    """Note ``i`` has the terms ``[vocab[k] for k in ids[indptr[i]:indptr[i + 1]]]``, in note order."""

    __slots__ = ("indptr", "ids", "vocab")

    def __init__(self, indptr, ids, vocab: list[str]):
        self.indptr = np.asarray(indptr, dtype=np.int64)
        self.ids = np.asarray(ids, dtype=np.int32)
        self.vocab = list(vocab)

    @classmethod
    def from_lists(cls, terms) -> TermTable:
        index: dict[str, int] = {}
        vocab: list[str] = []
        ids: list[int] = []
        indptr = [0]
        for ts in terms:
            for t in ts:
                k = index.get(t)
                if k is None:
                    k = index[t] = len(vocab)
                    vocab.append(t)
                ids.append(k)
            indptr.append(len(ids))
        return cls(np.asarray(indptr), np.asarray(ids, dtype=np.int32), vocab)

    @classmethod
    def concat(cls, parts: list[tuple[np.ndarray, np.ndarray]], vocab: list[str]) -> TermTable:
        """One table from ``(lengths, ids)`` chunks that share ``vocab``."""
        lengths = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        ids = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int32)
        return cls(indptr, ids, vocab)

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        vocab = self.vocab
        return [vocab[k] for k in self.ids[self.indptr[i]:self.indptr[i + 1]].tolist()]

    def __iter__(self):
        vocab, ids, bounds = self.vocab, self.ids.tolist(), self.indptr.tolist()
        for a, b in zip(bounds, bounds[1:]):
            yield [vocab[k] for k in ids[a:b]]

    def __eq__(self, other) -> bool:
        if isinstance(other, TermTable):
            return (self.vocab == other.vocab and np.array_equal(self.indptr, other.indptr)
                    and np.array_equal(self.ids, other.ids))
        try:
            return len(other) == len(self) and all(list(a) == b for a, b in zip(other, self))
        except TypeError:
            return False

    __hash__ = None

    def __repr__(self) -> str:
        return f"TermTable(notes={len(self)}, terms={len(self.ids)}, vocab={len(self.vocab)})"

    def take(self, rows) -> TermTable:
        """The notes ``rows`` in that order (vocabulary unchanged)."""
        rows = np.asarray(rows, dtype=np.int64)
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        lengths = ends - starts
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        offsets = np.repeat(starts - indptr[:-1], lengths) + np.arange(indptr[-1])
        return TermTable(indptr, self.ids[offsets], self.vocab)

    def csr(self, binary: bool = False, dtype=np.float32):
        """notes × vocab counts (scipy CSR, duplicates summed); ``binary``: 1 where a note has the term."""
        import scipy.sparse as sp

        # copies: scipy keeps the arrays it is given, and sum_duplicates sorts them in place
        m = sp.csr_matrix((np.ones(len(self.ids), dtype=dtype), self.ids.copy(), self.indptr.copy()),
                          shape=(len(self), len(self.vocab)))
        m.sum_duplicates()
        if binary:
            m.data[:] = 1
        return m


def group_doc_freq(terms: TermTable, groups: list[np.ndarray]):
    """(groups × vocab) notes of each group holding each term (CSR), and notes per term over all notes."""
    import scipy.sparse as sp

    B = terms.csr(binary=True)
    n = len(terms)
    rows = np.concatenate([np.full(len(g), r, dtype=np.int64) for r, g in enumerate(groups)]) if groups else \
        np.zeros(0, dtype=np.int64)
    cols = np.concatenate([np.asarray(g, dtype=np.int64) for g in groups]) if groups else rows
    G = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(groups), n))
    df_all = np.asarray(B.sum(axis=0)).ravel()
    return (G @ B).tocsr(), df_all


def term_weights(terms: TermTable, groups: list[np.ndarray], purity_power: float,
                 top: int = 300) -> list[list[tuple[str, float]]]:
    """``label.term_weights`` on a TermTable: the same score per term, computed on sparse counts.

    Only each group's ``top`` terms are kept (labels use the first few, key terms ten); ties are
    ordered by term as in the list version.
    """
    from issuemine.themes.label import _bonus

    DF, df_all = group_doc_freq(terms, groups)
    mean_size = max(1.0, len(terms) / max(1, len(groups)))
    vocab = terms.vocab
    bonus: dict[int, float] = {}
    out = []
    for r, idx in enumerate(groups):
        a, b = DF.indptr[r], DF.indptr[r + 1]
        cols, c = DF.indices[a:b], DF.data[a:b].astype(np.float64)
        n = max(1, len(idx))
        keep = (c >= 2) | (n < 4)
        cols, c = cols[keep], c[keep]
        d = df_all[cols].astype(np.float64)
        score = (c / n) * np.log(1.0 + mean_size / d) * (c / d) ** purity_power
        for k in cols.tolist():
            if k not in bonus:
                bonus[k] = _bonus(vocab[k])
        score = score * np.array([bonus[k] for k in cols.tolist()], dtype=np.float64)
        if len(score) > top:
            cut = np.partition(score, len(score) - top)[len(score) - top]
            sel = score >= cut
            cols, score = cols[sel], score[sel]
        scored = [(vocab[k], float(s)) for k, s in zip(cols.tolist(), score.tolist())]
        scored.sort(key=lambda x: (-x[1], x[0]))
        out.append(scored)
    return out


def weights_of(labeller, terms, groups):
    """The labeller's term weights for ``groups``, on a TermTable through its sparse form."""
    if isinstance(terms, TermTable):
        return term_weights(terms, groups, getattr(labeller, "purity_power", 0.5))
    return labeller.weights(terms, groups)


def centroids(X: np.ndarray, lab: np.ndarray, k: int) -> np.ndarray:
    """Mean row of each label 0..k-1 (float64 accumulation, no copy of the rows)."""
    import scipy.sparse as sp

    n = len(lab)
    G = sp.csr_matrix((np.ones(n, dtype=X.dtype), (lab, np.arange(n))), shape=(k, n))
    sums = np.asarray(G @ X, dtype=np.float64)
    counts = np.bincount(lab, minlength=k).astype(np.float64)
    counts[counts == 0] = 1.0
    return sums / counts[:, None]
