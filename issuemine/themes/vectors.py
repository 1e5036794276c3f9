"""chiVe word vectors from the ja-ginza wheel, read with numpy alone, and the note-vector stage.

The ja-ginza 5.3.0 wheel ships spaCy's vocab as plain files: ``vectors`` (a .npy float32 array of
20,000 × 300), ``key2row`` (msgpack: MurmurHash64A, seed 1, of the UTF-8 word → row) and
``strings.json`` (the words). We never import ja_ginza (that pulls in spaCy): we locate the files,
hash every string once, and export a word → row table plus the matrix to the cache, so later runs
load one .npz in a fraction of a second.
"""

from __future__ import annotations

import bisect
import importlib.util
import json
import logging
from pathlib import Path

import numpy as np

_M = 0xC6A4A7935BD1E995
_MASK = 0xFFFFFFFFFFFFFFFF
_R = 47
CACHE_NAME = "chive-ja_ginza-5.3.0.npz"


def murmurhash64a(data: bytes | str, seed: int = 1) -> int:
    """MurmurHash64A (Austin Appleby) of ``data``; spaCy hashes its strings with seed 1."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    n = len(data)
    h = (seed ^ (n * _M)) & _MASK
    nblocks = n // 8
    for i in range(nblocks):
        k = int.from_bytes(data[8 * i: 8 * i + 8], "little")
        k = (k * _M) & _MASK
        k ^= k >> _R
        k = (k * _M) & _MASK
        h ^= k
        h = (h * _M) & _MASK
    tail = data[8 * nblocks:]
    if tail:
        h ^= int.from_bytes(tail, "little")
        h = (h * _M) & _MASK
    h ^= h >> _R
    h = (h * _M) & _MASK
    h ^= h >> _R
    return h


def ja_ginza_vocab_dir() -> Path | None:
    """The wheel's vocab folder, found without importing ja_ginza (its __init__ needs spaCy)."""
    try:
        spec = importlib.util.find_spec("ja_ginza")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        for cand in sorted(Path(base).glob("ja_ginza-*/vocab")):
            if (cand / "vectors").is_file() and (cand / "key2row").is_file():
                return cand
    return None


class SortedWordIndex:
    """word → row by binary search in the sorted word list (a read-only mapping with ``get``).

    Why not a dict: building one over chiVe's 480k words cost ~0.1 s of every cold start, for the few
    thousand words a workshop looks up.
    """

    def __init__(self, words: list[str], rows, presorted: bool = False) -> None:
        rows = np.asarray(rows)
        if not presorted:
            order = sorted(range(len(words)), key=words.__getitem__)
            words, rows = [words[i] for i in order], rows[order]
        self.words = words
        self.rows = rows

    def get(self, word: str, default=None):
        i = bisect.bisect_left(self.words, word)
        if i < len(self.words) and self.words[i] == word:
            return int(self.rows[i])
        return default

    def __len__(self) -> int:
        return len(self.words)


class WordVectors:
    """A word → vector table: ``words``, ``rows`` (row per word) and ``matrix`` (float32).

    ``presorted``: ``words`` are already in sorted order (as saved), so the index needs no sort.
    """

    def __init__(self, words: list[str], rows: np.ndarray, matrix: np.ndarray, source: str = "",
                 presorted: bool = False):
        self.index = SortedWordIndex(words, rows, presorted=presorted)
        self.matrix = matrix
        self.source = source

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])

    def row(self, word: str) -> int | None:
        return self.index.get(word)

    def rows_of(self, word: str, max_piece: int = 8) -> list[int]:
        """Rows for ``word``: itself, else its longest known pieces left to right.

        The field's compounds (短期入所, 訪問看護ステーション) are kept whole by the tokenizer but are
        not chiVe keys; their pieces (短期, 入所, 訪問, 看護, ステーション) are.
        """
        r = self.index.get(word)
        if r is not None:
            return [r]
        rows, i = [], 0
        while i < len(word):
            for j in range(min(len(word), i + max_piece), i, -1):
                r = self.index.get(word[i:j])
                if r is not None and (j - i > 1 or j == len(word) or i == 0):
                    rows.append(r)
                    i = j
                    break
            else:
                i += 1
        return rows

    @classmethod
    def export_from_vocab(cls, vocab: Path) -> WordVectors:
        """Hash every string of ``strings.json`` and keep those that key a vector row."""
        import msgpack

        key2row = msgpack.unpackb((vocab / "key2row").read_bytes(), strict_map_key=False)
        matrix = np.load(vocab / "vectors", allow_pickle=False).astype(np.float32, copy=False)
        strings = json.loads((vocab / "strings.json").read_text(encoding="utf-8"))
        words, rows = [], []
        for s in sorted(set(strings)):
            if "\0" in s:
                continue
            r = key2row.get(murmurhash64a(s))
            if r is not None:
                words.append(s)
                rows.append(r)
        return cls(words, np.asarray(rows, dtype=np.int32), matrix, source=str(vocab), presorted=True)

    def save(self, path: Path) -> None:
        words, rows = self.index.words, np.asarray(self.index.rows, dtype=np.int32)
        tmp = path.with_name(path.name + ".tmp.npz")
        # words as one NUL-joined UTF-8 buffer: a fixed-width unicode array would be ~200 MB
        blob = np.frombuffer("\0".join(words).encode("utf-8"), dtype=np.uint8)
        np.savez(tmp, words=blob, rows=rows, matrix=self.matrix)
        tmp.replace(path)  # atomic: a concurrent reader never sees half a cache

    @classmethod
    def load(cls, path: Path) -> WordVectors:
        with np.load(path, allow_pickle=False) as z:
            words = z["words"].tobytes().decode("utf-8").split("\0")
            return cls(words, z["rows"], z["matrix"], source=str(path), presorted=True)


def load_chive(cache: Path | None = None) -> tuple[WordVectors | None, str]:
    """The chiVe table (exported to the cache on first use) and a Japanese sentence saying what happened."""
    from issuemine.corpora import cache_dir

    path = (cache or cache_dir()) / CACHE_NAME
    if path.is_file():
        try:
            return WordVectors.load(path), "chiVe 単語ベクトル(ja-ginza 5.3.0)をキャッシュから読み込みました。"
        except (OSError, ValueError, KeyError):
            pass  # a broken cache is rebuilt below
    vocab = ja_ginza_vocab_dir()
    if vocab is None:
        return None, ("ja-ginza パッケージが見つからないため単語ベクトルは使わず、TF-IDF のみで分析しました"
                      "(pip install --no-deps ja-ginza で意味の近さも使えます)。")
    logging.getLogger(__name__).info("初回のみ: 単語ベクトル(chiVe)を書き出しています(数秒かかります)。")
    wv = WordVectors.export_from_vocab(vocab)
    try:
        wv.save(path)
    except OSError:
        pass  # a read-only cache only costs speed
    return wv, "chiVe 単語ベクトル(ja-ginza 5.3.0)を書き出して使いました。"


class NoteVectorizer:
    """Weighted mean word vector of each note, looked up by lemma, then orthBase, then surface.

    Input: a list of per-note token lists (``Token`` objects of issuemine.text). The words averaged are
    the note's content nouns (``pos_prefix``, default 名詞) when it has any, else its content terms, else
    all its tokens, so a note of stop words still gets a direction. Each word is weighted by its inverse
    document frequency over the notes (``weighting="idf"``: log((1 + n) / (1 + notes with the term)) + 1,
    counted by notes, not tokens, learnt in ``fit`` and kept for new texts), so the words every note
    shares (子ども, 在宅, 医療的ケア児) do not pull all notes to one direction. Measured with KMeans at the
    true number of labels (mean of seeds): homecare_dev 0.22 → 0.28, sib200 0.46 → 0.50; medweb kept.
    Verbs and adjectives (困る, 足りない) say how, not what: averaging them in made the themes follow mood.
    Notes with no known token get a zero row (the reducer leaves it zero).
    """

    def __init__(self, word_vectors: WordVectors | None = None, content_only: bool = True,
                 weighting: str = "none", pos_prefix: tuple[str, ...] | None = None):
        self.word_vectors = word_vectors
        self.content_only = content_only
        self.weighting = weighting
        self.pos_prefix = pos_prefix

    def _use(self, toks) -> list:
        if not self.content_only:
            return list(toks)
        terms = [t for t in toks if t.is_term]
        if self.pos_prefix:
            nouns = [t for t in terms if t.pos.startswith(self.pos_prefix)]
            if nouns:
                return nouns
        return terms or list(toks)

    def fit(self, docs, y=None):
        if self.word_vectors is None:
            self.word_vectors, self.message_ = load_chive()
        self.coverage_ = None
        self.idf_ = None
        if self.weighting == "idf":
            from collections import Counter

            df: Counter = Counter()
            n = 0
            for toks in docs:
                n += 1
                df.update({t.term or t.surface for t in self._use(toks)})
            self.idf_ = {w: float(np.log((1 + n) / (1 + c)) + 1) for w, c in df.items()}
            self.idf_unseen_ = float(np.log(1 + n) + 1)
        return self

    def transform(self, docs) -> np.ndarray:
        if self.word_vectors is None and hasattr(self, "message_"):
            # fitted, then pickled without the table (HybridVectorizer.__getstate__): reload it
            self.word_vectors, _ = load_chive()
        wv = self.word_vectors
        if wv is None:
            raise RuntimeError("no word vectors")
        idf = getattr(self, "idf_", None)   # None: plain mean (also results pickled before idf existed)
        unseen = getattr(self, "idf_unseen_", 1.0)
        out = np.zeros((len(docs), wv.dim), dtype=np.float32)
        found = total = 0
        index = wv.index
        memo: dict[tuple, list[int]] = {}  # notes repeat words: look each (lemma, base, surface) up once
        for i, toks in enumerate(docs):
            acc = None
            wsum = 0.0
            for t in (self._use(toks) if hasattr(self, "pos_prefix") else
                      ([t for t in toks if t.is_term] or list(toks))):
                key = (t.lemma, t.orth_base, t.surface)
                got = memo.get(key)
                if got is None:
                    r = index.get(t.lemma)
                    if r is None:
                        r = index.get(t.orth_base)
                    if r is None:
                        r = index.get(t.surface)
                    got = [r] if r is not None else wv.rows_of(t.surface)
                    memo[key] = got
                total += 1
                found += bool(got)
                if not got:
                    continue
                w = idf.get(t.term or t.surface, unseen) if idf is not None else 1.0
                v = wv.matrix[got[0]] if len(got) == 1 else wv.matrix[got].mean(axis=0)
                acc = w * v if acc is None else acc + w * v
                wsum += w
            if wsum:
                out[i] = acc / wsum
        self.coverage_ = found / total if total else 0.0
        return out

    def fit_transform(self, docs, y=None) -> np.ndarray:
        return self.fit(docs).transform(docs)
