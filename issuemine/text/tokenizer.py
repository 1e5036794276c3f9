"""JapaneseTokenizer: normalised text → morphemes (compounds whole) → feature terms.

Speed (see docs/text.md, bench/tokenizer_speed.py): MeCab is asked for a custom output format, one string per
note, instead of reading ``word.feature`` per token; each distinct output line (surface, POS, lemma,
orthBase) is classified once and cached, so a repeated token costs one dict lookup. Notes with no
negator and no number take a fast path that is a single loop over the lines.
"""

from __future__ import annotations

import gc
import math
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, NamedTuple

from issuemine.progress import counted
from issuemine.text.compounds import CompoundMerger, load_compounds, user_dictionary
from issuemine.text.negation import NEGATION_SUFFIX, analyse, resolve_terms
from issuemine.text.normalize import default_normalizer
from issuemine.text.rules import KEEP_POS, Morpheme, Rules, load_stopwords

if TYPE_CHECKING:
    from issuemine.text.batch import IdLists

# surface, POS (pos1-pos4 without '*', joined by '-'), lemma, orthBase. Unknown words have no lemma or
# orthBase in unidic-lite, hence the separate -U format. -O "" because unidic-lite's dicrc forces the
# unidic output type, which would ignore -F.
NODE_FORMAT = "%m\t%F-[0,1,2,3]\t%f[7]\t%f[10]\n"
UNK_FORMAT = "%m\t%F-[0,1,2,3]\t\t\n"
NEGATION_MODES = ("replace", "both", "off")
COMPOUND_METHODS = ("auto", "userdic", "merge")


class Token(NamedTuple):
    """One morpheme of the normalised text (compounds and number+counter already merged).

    A NamedTuple rather than a frozen dataclass: notes × morphemes of them are built in bulk, and a
    tuple is several times cheaper to create.
    """

    surface: str
    lemma: str
    orth_base: str
    pos: str          # UniDic pos1-pos4 without '*', e.g. 名詞-普通名詞-一般
    start: int        # character offsets in the normalised text
    end: int
    is_term: bool
    term: str         # the feature string (e.g. 連携+否定), or "" when filtered out


def tagger_args(dicdir: str, userdic: Path | None = None) -> str:
    """MeCab arguments for the custom output format (fugashi splits them like a shell: paths quoted)."""
    rc = shlex.quote(str(Path(dicdir, "mecabrc")))
    args = f'-r {rc} -d {shlex.quote(str(dicdir))} -O "" -F "{NODE_FORMAT}" -U "{UNK_FORMAT}" -E ""'
    if userdic is not None:
        args += f" -u {shlex.quote(str(userdic))}"
    return args


def _size(texts) -> int | None:
    """How many texts, when the collection knows (a generator does not): for progress messages."""
    try:
        return len(texts)
    except TypeError:
        return None


def _as_text(text) -> str:
    if isinstance(text, str):
        return text
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    try:  # pandas.NA and friends
        import pandas as pd

        if pd.isna(text):
            return ""
    except (ImportError, TypeError, ValueError):
        pass
    return str(text)


class JapaneseTokenizer:
    """Japanese feature extractor, usable as a scikit-learn analyzer: ``TfidfVectorizer(analyzer=tok)``.

    Parameters
    ----------
    normalizer : callable or None
        Text → normalised text; ``None`` uses the bundled abbreviation map (:func:`normalize`).
    compounds : path, iterable of str, or None
        Compounds kept whole; ``None`` uses ``corpora/compounds.txt``; ``()`` keeps none.
    stopwords : path, iterable of str, or None
        ``None`` uses ``corpora/stopwords.txt``.
    negation : "replace" | "both" | "off"
        ``replace``: a negated word becomes ``<lemma>+否定``; ``both``: the plain lemma too; ``off``: none.
    keep_numbers : bool
        Keep numbers joined to their counters (24時間, 3人) as terms.
    keep_pos : tuple of str
        UniDic POS prefixes whose lemmas are terms (default: shared/domain.md's list).
    compound_method : "auto" | "userdic" | "merge"
        ``auto`` tries the cached MeCab user dictionary and falls back to longest-match merging.
    """

    def __init__(self, normalizer: Callable[[str], str] | None = None, compounds=None, stopwords=None,
                 negation: str = "replace", keep_numbers: bool = True, keep_pos: tuple[str, ...] = KEEP_POS,
                 compound_method: str = "auto") -> None:
        self.normalizer = normalizer
        self.compounds = compounds
        self.stopwords = stopwords
        self.negation = negation
        self.keep_numbers = keep_numbers
        self.keep_pos = keep_pos
        self.compound_method = compound_method
        self._ready = False

    # -- scikit-learn conventions -------------------------------------------------------------------
    _PARAMS = ("normalizer", "compounds", "stopwords", "negation", "keep_numbers", "keep_pos",
               "compound_method")

    def get_params(self, deep: bool = True) -> dict:
        return {p: getattr(self, p) for p in self._PARAMS}

    def set_params(self, **params) -> "JapaneseTokenizer":
        for key, value in params.items():
            if key not in self._PARAMS:
                raise ValueError(f"unknown parameter {key!r}")
            setattr(self, key, value)
        self._ready = False
        return self

    def fit(self, X=None, y=None) -> "JapaneseTokenizer":
        """Nothing to learn; builds the tagger (and the user dictionary, if needed) now."""
        self._setup()
        return self

    def transform(self, X):
        """Term lists; a pandas Series in gives a Series out with the same index and name."""
        import sys

        pd = sys.modules.get("pandas")  # a Series can only exist if pandas is already imported
        if pd is not None and isinstance(X, pd.Series):
            return pd.Series(self.terms_many(X.tolist()), index=X.index, name=X.name, dtype=object)
        return self.terms_many(X)

    def fit_transform(self, X, y=None):
        return self.fit(X, y).transform(X)

    def __getstate__(self):
        return {p: getattr(self, p) for p in self._PARAMS}

    def __setstate__(self, state):
        self.__init__(**state)

    def __repr__(self) -> str:
        changed = {p: getattr(self, p) for p in self._PARAMS
                   if getattr(self, p) != self.__init__.__defaults__[self._PARAMS.index(p)]}
        return f"JapaneseTokenizer({', '.join(f'{k}={v!r}' for k, v in changed.items())})"

    # -- setup ----------------------------------------------------------------------------------------
    def _setup(self) -> None:
        if self._ready:
            return
        import fugashi
        import unidic_lite

        if self.negation not in NEGATION_MODES:
            raise ValueError(f"negation must be one of {NEGATION_MODES}, not {self.negation!r}")
        if self.compound_method not in COMPOUND_METHODS:
            raise ValueError(f"compound_method must be one of {COMPOUND_METHODS}")
        self._normalize = self.normalizer if self.normalizer is not None else default_normalizer()
        self._rules = Rules(load_stopwords(self.stopwords), tuple(self.keep_pos), self.keep_numbers)
        if self.compounds is None or isinstance(self.compounds, (str, Path)):
            words = load_compounds(self.compounds)
        else:
            words = list(dict.fromkeys(w.strip() for w in self.compounds if w and w.strip()))
        dicdir = unidic_lite.DICDIR
        base = fugashi.GenericTagger(tagger_args(dicdir))
        # Only words the base dictionary splits need merging; the rest keep UniDic's own analysis.
        words = [w for w in words if "\n" in base.parse(w)]
        self.compound_words_ = words
        userdic = None
        if words and self.compound_method in ("auto", "userdic"):
            userdic = user_dictionary(words, dicdir)
            if userdic is None and self.compound_method == "userdic":
                raise RuntimeError("could not build the MeCab user dictionary")
        self._tagger = base
        if userdic is not None:
            try:
                self._tagger = fugashi.GenericTagger(tagger_args(dicdir, userdic))
            except RuntimeError:  # an unreadable cached dictionary: merge instead
                if self.compound_method == "userdic":
                    raise
                userdic = None
        self._merger = CompoundMerger(words) if words and userdic is None else None
        self.compound_backend_ = "userdic" if userdic else ("merge" if self._merger else "none")
        self._cache: dict[str, Morpheme] = {}
        self._ready = True

    # -- core -----------------------------------------------------------------------------------------
    def _lines(self, norm: str) -> list[str]:
        lines = self._tagger.parse(norm).split("\n")
        if lines and not lines[-1]:
            lines.pop()
        if self._merger is not None:
            lines = self._merge(lines)
        return lines

    def _merge(self, lines: list[str]) -> list[str]:
        surfaces = [line.split("\t", 1)[0] for line in lines]
        spans = self._merger.spans(surfaces)
        for i, j in reversed(spans):
            word = "".join(surfaces[i:j])
            lines[i:j] = [f"{word}\t名詞-普通名詞-一般\t{word}\t{word}"]
        return lines

    def _morphemes(self, lines: list[str]) -> list[Morpheme]:
        get = self._cache.get
        classify = self._classify
        return [get(line) or classify(line) for line in lines]

    def _classify(self, line: str) -> Morpheme:
        m = self._rules.classify(line)
        self._cache[line] = m
        return m

    def _terms_normalised(self, norm: str) -> list[str]:
        lines = self._lines(norm)
        get = self._cache.get
        out = []
        for line in lines:
            m = get(line) or self._classify(line)
            if m.special:
                return resolve_terms(self._morphemes(lines), self.negation, self.keep_numbers)
            if m.term:
                out.append(m.term)
        return out

    # -- public ---------------------------------------------------------------------------------------
    def terms(self, text: str) -> list[str]:
        """The filtered feature terms of one text, in order."""
        if not self._ready:
            self._setup()
        return self._terms_normalised(self._normalize(_as_text(text)))

    __call__ = terms

    def tokens(self, text: str) -> list[Token]:
        """Every morpheme of the normalised text after compound merging, with offsets into it."""
        if not self._ready:
            self._setup()
        return self._tokens_normalised(self._normalize(_as_text(text)))

    def _tokens_normalised(self, norm: str) -> list[Token]:
        morphemes = self._morphemes(self._lines(norm))
        spans = []
        pos = 0
        find = norm.find
        for m in morphemes:  # offsets: MeCab gives bytes; surfaces appear in order, so find them
            start = find(m.surface, pos)
            if start < 0:  # cannot happen for MeCab output; keep going rather than misplace
                start = pos
            pos = start + len(m.surface)
            spans.append((start, pos))
        return [Token(m.surface, m.lemma, m.orth_base, m.pos, spans[first][0], spans[last][1], bool(term), term)
                for m, first, last, term in self._units(morphemes)]

    def _units(self, morphemes: list[Morpheme]):
        """``(morpheme, first index, last index, term)`` after numbers and negation (the slow path)."""
        merged, negated, consumed = analyse(morphemes, self.negation, self.keep_numbers)
        for idx, (m, first, last) in enumerate(merged):
            if idx in negated:
                term = m.base + NEGATION_SUFFIX
            elif idx in consumed:
                term = ""
            else:
                term = m.term
            yield m, first, last, term

    def _morphs_normalised(self, norm: str, line_ids: dict, collector, Morph) -> None:
        """One note's :class:`Morph` ids into ``collector``; ``line_ids`` caches line → id for the
        morphemes whose Morph does not depend on their neighbours (not a negator or number)."""
        lines = self._lines(norm)
        get, ids = line_ids.get, []
        for line in lines:
            k = get(line)
            if k is None:
                m = self._cache.get(line) or self._classify(line)
                if m.special:
                    collector.add([Morph(m.surface, m.lemma, m.orth_base, m.pos, bool(term), term)
                                   for m, _, _, term in self._units(self._morphemes(lines))])
                    return
                k = line_ids[line] = collector.intern(
                    Morph(m.surface, m.lemma, m.orth_base, m.pos, bool(m.term), m.term))
            ids.append(k)
        collector.add_ids(ids)

    def _chunk(self, kind: str, texts: list, want_texts: bool = False) -> tuple:
        """One chunk as ``(local vocab, lengths, ids[, joined normalised texts, their lengths])``:
        ``kind`` is ``"terms"`` or ``"morphs"``. Runs in worker processes and in the single-process path."""
        import numpy as np

        from issuemine.text.batch import Collector, Morph

        if kind not in ("terms", "morphs"):
            raise ValueError(f"kind must be 'terms' or 'morphs', not {kind!r}")
        if not self._ready:
            self._setup()
        normalize = self._normalize
        collector = Collector()
        norms = [normalize(_as_text(t)) for t in texts]
        if kind == "terms":
            terms, add = self._terms_normalised, collector.add
            for norm in norms:
                add(terms(norm))
        else:
            line_ids: dict = {}
            morphs = self._morphs_normalised
            for norm in norms:
                morphs(norm, line_ids, collector, Morph)
        out = collector.result()
        if want_texts:
            out += ("".join(norms), np.fromiter(map(len, norms), dtype=np.int64, count=len(norms)))
        return out

    def term_ids(self, texts: Iterable[str], n_jobs: int | None = None, normalized: bool = False) -> IdLists:
        """Terms of many texts, compactly: :class:`~issuemine.text.batch.IdLists` of term strings.

        ``ids.tolist()`` equals ``terms_many(texts)``; ``ids.to_csr()`` is the notes × terms count matrix.
        ``n_jobs``: worker processes (``None``: every core from 50,000 texts on, or ``ISSUEMINE_JOBS``;
        1: this process only). The result is identical for any ``n_jobs``. ``normalized=True`` also
        fills ``.texts`` with the normalised texts.
        """
        from issuemine.text import parallel

        return parallel.run(self, texts, "terms", n_jobs, normalized)

    def morpheme_ids(self, texts: Iterable[str], n_jobs: int | None = None, normalized: bool = False) -> IdLists:
        """Every morpheme of many texts, compactly: :class:`~issuemine.text.batch.IdLists` whose vocabulary
        holds each distinct :class:`~issuemine.text.batch.Morph` (a Token without offsets) once.

        ``ids[i]`` equals ``tokens(texts[i])`` without the offsets; ``.terms()`` gives the term ids.
        Same ``n_jobs`` and ``normalized`` as :meth:`term_ids`.
        """
        from issuemine.text import parallel

        return parallel.run(self, texts, "morphs", n_jobs, normalized)

    def terms_many(self, texts: Iterable[str], n_jobs: int | None = None) -> list[list[str]]:
        """Terms of many texts (the fast bulk path: garbage collector paused while lists are built).

        From 50,000 texts on, the work is shared by worker processes (see :meth:`term_ids`); the lists
        are the same either way."""
        if not self._ready:
            self._setup()
        if n_jobs != 1:
            from issuemine.text.parallel import resolve_jobs

            if _size(texts) is None:
                texts = list(texts)
            if resolve_jobs(n_jobs, len(texts)) > 1:
                return self.term_ids(texts, n_jobs).tolist()
        normalize, terms = self._normalize, self._terms_normalised
        enabled = gc.isenabled()
        gc.disable()  # millions of small lists: the collector would dominate (shared/performance.md)
        try:
            return [terms(normalize(_as_text(t))) for t in counted(texts, "形態素解析", _size(texts))]
        finally:
            if enabled:
                gc.enable()

    def tokens_many(self, texts: Iterable[str]) -> list[list[Token]]:
        """Tokens of many texts."""
        if not self._ready:
            self._setup()
        normalize, tokens = self._normalize, self._tokens_normalised
        enabled = gc.isenabled()
        gc.disable()
        try:
            return [tokens(normalize(_as_text(t))) for t in counted(texts, "形態素解析", _size(texts))]
        finally:
            if enabled:
                gc.enable()
