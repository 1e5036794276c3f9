"""Stage 1 — features of each note: TF-IDF blocks and the chiVe word-vector block.

``prepare`` runs the text pipeline once; ``HybridVectorizer`` turns the prepared corpus into named
feature blocks (sparse TF-IDF, dense vectors). The reducer (reduce.py) makes them one dense matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Corpus:
    """The notes as the stages see them: normalised text, tokens and content terms, row-aligned.

    ``display_forms`` (term → the spelling the notes mostly use, ``label.written_forms``) is for showing
    terms to readers only; features, clustering and codebook matching use ``terms`` as they are.
    """

    texts: list[str]
    tokens: list[list] = field(repr=False)
    terms: list[list[str]] = field(repr=False)
    display_forms: dict[str, str] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.texts)


def prepare(texts, tokenizer=None, display_forms: bool = True) -> Corpus:
    """Normalise and tokenize ``texts`` once (the costly step at scale).

    ``display_forms=False`` skips the written-form count (new texts coded to a fitted result do not need it).
    """
    from issuemine.text import JapaneseTokenizer, normalize

    tok = tokenizer if tokenizer is not None else JapaneseTokenizer()
    texts = ["" if t is None else str(t) for t in texts]
    tokens = tok.tokens_many(texts)
    terms = [[t.term for t in toks if t.is_term] for toks in tokens]
    forms = {}
    if display_forms:
        from issuemine.themes.label import written_forms

        forms = written_forms(tokens)
    return Corpus([normalize(t) for t in texts], tokens, terms, forms)


def _identity(x):
    return x


class TfidfBlock:
    """TF-IDF of content terms (``kind="term"``) or of character n-grams (``kind="char"``)."""

    def __init__(self, kind: str = "term", ngram_range=(1, 3), min_df: float = 1,
                 max_features: int | None = 200_000):
        self.kind = kind
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features

    def _make(self, n_docs: int):
        from sklearn.feature_extraction.text import TfidfVectorizer

        # min_df > 1 would empty the vocabulary of a 2-note workshop
        min_df = self.min_df if n_docs >= 50 else 1
        if self.kind == "char":
            return TfidfVectorizer(analyzer="char", ngram_range=self.ngram_range, min_df=min_df,
                                   sublinear_tf=True, max_features=self.max_features, dtype=np.float32)
        return TfidfVectorizer(analyzer=_identity, min_df=min_df, sublinear_tf=True,
                               max_features=self.max_features, dtype=np.float32)

    def fit_transform(self, corpus: Corpus):
        self.vectorizer_ = self._make(len(corpus))
        docs = corpus.texts if self.kind == "char" else corpus.terms
        try:
            return self.vectorizer_.fit_transform(docs)
        except ValueError:  # empty vocabulary (e.g. notes of punctuation only)
            import scipy.sparse as sp

            self.vectorizer_ = None
            return sp.csr_matrix((len(corpus), 1), dtype=np.float32)

    def transform(self, corpus: Corpus):
        """New texts in the fitted vocabulary (unknown terms are dropped, as in any fitted TF-IDF)."""
        if self.vectorizer_ is None:
            import scipy.sparse as sp

            return sp.csr_matrix((len(corpus), 1), dtype=np.float32)
        return self.vectorizer_.transform(corpus.texts if self.kind == "char" else corpus.terms)


class HybridVectorizer:
    """Named feature blocks: TF-IDF ones plus, when ja-ginza is installed, the chiVe note vectors.

    Short notes share few words; the word vectors add meaning (the issue measured +0.1 to +0.3 AMI on
    news and encyclopedic sentences), while the TF-IDF block keeps keyword-driven sets strong.
    """

    def __init__(self, tfidf=("term", "char"), use_vectors: bool | None = None, note_vectorizer=None):
        self.tfidf = tfidf
        self.use_vectors = use_vectors  # None: use them when available
        self.note_vectorizer = note_vectorizer

    def fit_transform(self, corpus: Corpus) -> dict:
        blocks = {}
        self.blocks_ = {}   # the fitted blocks, kept so new texts can be embedded the same way (transform)
        self.note_vectorizer_ = None
        for kind in self.tfidf:
            self.blocks_[kind] = TfidfBlock(kind=kind, min_df=2 if kind == "term" else 3)
            blocks[kind] = self.blocks_[kind].fit_transform(corpus)
        self.vectors_used_ = False
        self.vectors_message_ = "単語ベクトルは使わない設定です(TF-IDF のみ)。"
        self.coverage_ = None
        if self.use_vectors is not False:
            from issuemine.themes.vectors import NoteVectorizer

            nv = self.note_vectorizer or NoteVectorizer()
            nv.fit(corpus.tokens)
            if nv.word_vectors is not None:
                blocks["vectors"] = nv.transform(corpus.tokens)
                self.note_vectorizer_ = nv
                self.vectors_used_ = True
                self.coverage_ = nv.coverage_
                self.vectors_message_ = getattr(nv, "message_", "chiVe 単語ベクトルを使いました。")
            else:
                self.vectors_message_ = nv.message_
        return blocks

    def transform(self, corpus: Corpus) -> dict:
        """The same named blocks for new texts, from the fitted stages (nothing is refitted)."""
        blocks = {kind: b.transform(corpus) for kind, b in self.blocks_.items()}
        if self.note_vectorizer_ is not None:
            blocks["vectors"] = self.note_vectorizer_.transform(corpus.tokens)
        return blocks

    def __getstate__(self):
        # the chiVe table is large and read-only: a pickled vectorizer reloads it from the cache instead
        state = dict(self.__dict__)
        for key in ("note_vectorizer", "note_vectorizer_"):
            nv = state.get(key)
            # only a table loaded from chive (message_ set by fit) can be reloaded; a given one stays
            if nv is not None and getattr(nv, "word_vectors", None) is not None and hasattr(nv, "message_"):
                light = object.__new__(type(nv))
                light.__dict__.update({k: v for k, v in nv.__dict__.items() if k != "word_vectors"})
                light.word_vectors = None
                state[key] = light
        return state
