"""Compact results of tokenizing many notes: ragged lists of vocabulary ids (CSR layout).

A million notes of ~10 terms each as Python lists cost ~1.5 GB and the garbage collector's attention;
the same as :class:`IdLists` — an ``int64`` row pointer, an ``int32`` id per item and one vocabulary of
the distinct items — cost ~50 MB and no Python object per item. Worker processes send their chunk back
in this form (a small local vocabulary and two arrays), so the parent builds almost no objects.

The vocabulary is in **first-occurrence order** over the notes in input order. That order does not
depend on how the notes were split into chunks, so the parallel and single-process paths give
identical objects (same vocabulary list, same arrays).

Two vocabularies are used by :class:`~issuemine.text.JapaneseTokenizer`:

* ``term_ids``: the items are term strings (what ``terms_many`` gives);
* ``morpheme_ids``: the items are :class:`Morph` (a :class:`~issuemine.text.Token` without offsets), each
  distinct (surface, lemma, orthBase, POS, term) once; ``.terms()`` derives the term lists from them.
"""

from __future__ import annotations

from typing import Callable, Hashable, NamedTuple, Sequence

import numpy as np


class Morph(NamedTuple):
    """One morpheme as a feature sees it: a :class:`~issuemine.text.Token` without its offsets.

    It has the attributes the themes and diagram code read from tokens (``surface``, ``lemma``,
    ``orth_base``, ``pos``, ``is_term``, ``term``), so code written for Token lists accepts Morph lists.
    """

    surface: str
    lemma: str
    orth_base: str
    pos: str
    is_term: bool
    term: str


class IdLists:
    """Note ``i`` holds ``[vocab[k] for k in ids[indptr[i]:indptr[i + 1]]]`` (in note order).

    Attributes
    ----------
    indptr : int64 array of ``n + 1`` row starts
    ids : int32 array of vocabulary ids
    vocab : list of the distinct items (``str`` or :class:`Morph`), first-occurrence order
    texts : list of the normalised texts (when asked for with ``texts=True``), else ``None``
    """

    __slots__ = ("indptr", "ids", "vocab", "texts")

    def __init__(self, indptr: np.ndarray, ids: np.ndarray, vocab: list, texts: list[str] | None = None) -> None:
        self.indptr = np.asarray(indptr, dtype=np.int64)
        self.ids = np.asarray(ids, dtype=np.int32)
        self.vocab = vocab
        self.texts = texts

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def __getitem__(self, i: int) -> list:
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        vocab = self.vocab
        return [vocab[k] for k in self.ids[self.indptr[i]:self.indptr[i + 1]].tolist()]

    def __iter__(self):
        vocab = self.vocab
        ids = self.ids.tolist()
        bounds = self.indptr.tolist()
        for a, b in zip(bounds, bounds[1:]):
            yield [vocab[k] for k in ids[a:b]]

    def __eq__(self, other) -> bool:
        return (isinstance(other, IdLists) and self.vocab == other.vocab
                and np.array_equal(self.indptr, other.indptr) and np.array_equal(self.ids, other.ids)
                and self.texts == other.texts)

    def __repr__(self) -> str:
        return f"IdLists(notes={len(self)}, items={len(self.ids)}, vocab={len(self.vocab)})"

    def tolist(self) -> list[list]:
        """Python lists of items (what ``terms_many`` returns; costly at a million notes)."""
        return list(self)

    def lengths(self) -> np.ndarray:
        """Items per note (int64)."""
        return np.diff(self.indptr)

    def rows(self) -> np.ndarray:
        """The note index of every item (int64, aligned with ``ids``)."""
        return np.repeat(np.arange(len(self), dtype=np.int64), self.lengths())

    def counts(self) -> np.ndarray:
        """Occurrences of each vocabulary item over all notes (int64, aligned with ``vocab``)."""
        return np.bincount(self.ids, minlength=len(self.vocab)).astype(np.int64, copy=False)

    def doc_freq(self) -> np.ndarray:
        """Notes holding each vocabulary item at least once (int64)."""
        return np.asarray((self.to_csr(binary=True) != 0).sum(axis=0)).ravel().astype(np.int64)

    def to_csr(self, binary: bool = False, dtype=np.float32):
        """The ``notes × vocab`` count matrix (scipy CSR, duplicates summed, columns = vocab order).

        Feed it to ``sklearn.feature_extraction.text.TfidfTransformer`` instead of building term lists.
        """
        import scipy.sparse as sp

        data = np.ones(len(self.ids), dtype=dtype)
        m = sp.csr_matrix((data, self.ids.copy(), self.indptr.copy()), shape=(len(self), len(self.vocab)))
        m.sum_duplicates()
        if binary:
            m.data[:] = 1
        return m

    def remap(self, key: Callable[[object], Hashable | None]) -> "IdLists":
        """Each vocabulary item mapped by ``key`` (``None`` drops it); the new vocabulary is in
        first-occurrence order again. E.g. ``morphemes.remap(lambda m: m.term or None)``."""
        lut = {}
        table = np.empty(len(self.vocab), dtype=np.int64)
        new_keys: list = []
        for k, item in enumerate(self.vocab):
            v = key(item)
            if v is None:
                table[k] = -1
                continue
            j = lut.get(v)
            if j is None:
                j = lut[v] = len(new_keys)
                new_keys.append(v)
            table[k] = j
        mapped = table[self.ids] if len(self.ids) else np.empty(0, dtype=np.int64)
        keep = mapped >= 0
        kept = mapped[keep]
        indptr = np.zeros(len(self) + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.rows()[keep], minlength=len(self)), out=indptr[1:])
        return IdLists(indptr, *first_occurrence(kept, new_keys), texts=self.texts)

    def terms(self) -> "IdLists":
        """For a Morph vocabulary: the term ids (``Token.term`` of the tokens that are terms)."""
        return self.remap(lambda m: m.term if m.is_term else None)

    def take(self, rows: Sequence[int] | np.ndarray) -> "IdLists":
        """The notes ``rows`` (in that order), vocabulary unchanged."""
        rows = np.asarray(rows, dtype=np.int64)
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        lengths = ends - starts
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        offsets = np.repeat(starts - indptr[:-1], lengths) + np.arange(indptr[-1])
        texts = [self.texts[i] for i in rows.tolist()] if self.texts is not None else None
        return IdLists(indptr, self.ids[offsets], self.vocab, texts)


def first_occurrence(ids: np.ndarray, vocab: list) -> tuple[np.ndarray, list]:
    """``(ids renumbered, vocab reordered)`` so that the vocabulary is in first-occurrence order of
    ``ids``; items that never occur are dropped."""
    if len(ids) == 0:
        return np.empty(0, dtype=np.int32), []
    uniq, first = np.unique(ids, return_index=True)
    order = uniq[np.argsort(first, kind="stable")]
    table = np.empty(max(len(vocab), int(uniq[-1]) + 1), dtype=np.int32)
    table[order] = np.arange(len(order), dtype=np.int32)
    return table[ids], [vocab[k] for k in order.tolist()]


class Collector:
    """Builds one chunk's :class:`IdLists` item by item (the worker side; also the single-process path).

    ``add(items)`` appends one note; ``result()`` gives ``(local vocab, lengths int32, ids int32)``.
    """

    def __init__(self) -> None:
        from array import array

        self.index: dict = {}
        self.vocab: list = []
        self.ids = array("i")
        self.lengths = array("i")

    def add(self, items) -> None:
        index, vocab = self.index, self.vocab
        out = self.ids
        for item in items:
            k = index.get(item)
            if k is None:
                k = index[item] = len(vocab)
                vocab.append(item)
            out.append(k)
        self.lengths.append(len(items))

    def add_ids(self, ids) -> None:
        """One note given as local ids already (a caller caching item → id itself)."""
        self.ids.extend(ids)
        self.lengths.append(len(ids))

    def intern(self, item) -> int:
        k = self.index.get(item)
        if k is None:
            k = self.index[item] = len(self.vocab)
            self.vocab.append(item)
        return k

    def result(self) -> tuple[list, np.ndarray, np.ndarray]:
        return (self.vocab, np.frombuffer(self.lengths, dtype=np.int32).copy(),
                np.frombuffer(self.ids, dtype=np.int32).copy())


def merge_chunks(chunks, texts: bool = False) -> IdLists:
    """One :class:`IdLists` from chunk results ``(vocab, lengths, ids[, joined texts, text lengths])``
    in input order; the global vocabulary is in first-occurrence order, as one chunk would give."""
    index: dict = {}
    vocab: list = []
    all_ids, all_lengths, all_texts = [], [], []
    for chunk in chunks:
        local_vocab, lengths, ids = chunk[:3]
        table = np.empty(len(local_vocab), dtype=np.int32)
        for k, item in enumerate(local_vocab):  # local order is first-occurrence within the chunk
            j = index.get(item)
            if j is None:
                j = index[item] = len(vocab)
                vocab.append(item)
            table[k] = j
        all_ids.append(table[ids] if len(ids) else np.empty(0, dtype=np.int32))
        all_lengths.append(lengths)
        if texts:
            joined, text_lengths = chunk[3], chunk[4]
            ends = np.cumsum(text_lengths).tolist()
            starts = [0, *ends[:-1]]
            all_texts.extend(joined[a:b] for a, b in zip(starts, ends))
    lengths = np.concatenate(all_lengths) if all_lengths else np.empty(0, dtype=np.int32)
    indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    ids = np.concatenate(all_ids) if all_ids else np.empty(0, dtype=np.int32)
    return IdLists(indptr, ids, vocab, all_texts if texts else None)
