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

from issuemine.text.batch import Collector, IdLists


class TermTable(IdLists):
    """Note ``i`` has the terms ``[vocab[k] for k in ids[indptr[i]:indptr[i + 1]]]``, in note order.

    The tokenizer's :class:`~issuemine.text.batch.IdLists` with term strings as its vocabulary, plus what
    ``ThemeResult.terms`` needs of a list of lists: slices, equality with lists, building from lists."""

    __slots__ = ()

    def __init__(self, indptr, ids, vocab: list[str]):
        super().__init__(indptr, ids, list(vocab))

    @classmethod
    def from_lists(cls, terms) -> TermTable:
        """From ``list[list[str]]``; vocabulary in first-occurrence order (the tokenizer's Collector)."""
        collector = Collector()
        for ts in terms:
            collector.add(list(ts))
        vocab, lengths, ids = collector.result()
        return cls.concat([(lengths, ids)], vocab)

    @classmethod
    def concat(cls, parts: list[tuple[np.ndarray, np.ndarray]], vocab: list[str]) -> TermTable:
        """One table from ``(lengths, ids)`` chunks that share ``vocab``."""
        lengths = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        ids = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int32)
        return cls(indptr, ids, vocab)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return super().__getitem__(i)

    def __eq__(self, other) -> bool:
        if isinstance(other, IdLists):
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
        part = super().take(rows)
        return TermTable(part.indptr, part.ids, self.vocab)

    def csr(self, binary: bool = False, dtype=np.float32):
        """notes × vocab counts (scipy CSR, duplicates summed); ``binary``: 1 where a note has the term."""
        return self.to_csr(binary=binary, dtype=dtype)


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
