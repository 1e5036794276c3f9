"""The zone lexicon: which words put a note on which part of the concept diagram.

A tab-separated data file (``corpora/zone_lexicon.tsv`` by default, or any path a user gives) with the header
``term  target  weight``:

- ``term``: a word or phrase, written as practitioners write it; it is normalised with the text pipeline's
  ``normalize`` (NFKC + abbreviation map) before matching, exactly like the notes, so 「訪看」 and 「訪問看護」
  are the same entry.
- ``target``: a zone or region it is evidence for — H, C, S, a bridge region (HC, HS, CS, HCS) that sets an
  overlap directly, F or P — or ``-`` for a *neutral* entry that only shields its letters from shorter
  entries (「病院以外」 is not evidence for 病院).
- ``weight``: how strong the evidence is (> 0, at most 10).
- ``role`` (optional fourth column; empty = an ordinary word that names a place, service or actor):
  ``setting`` — the home as a place, a hospital stay (自宅, 在宅, 24時間体制, 入院): evidence for its zone
  only when the note says nothing about the family (a hospital stay is background to the mother's
  fatigue); ``event`` — an event (通院, 急変): as ``setting``, and also not when another word names 病院 or
  地域; ``context`` — an actor whose side the context decides (医師, 看護師, 医療機関): evidence for its own
  target only when no ordinary word names 病院 or 地域 (「往診する医師」 is 地域, 「医師との連携」 病院);
  ``topic`` — a family matter that makes the places named the family's (a sibling's school, きょうだい).
  The rules are applied in ``ZonePlacer.evidence`` (place.py).

Matching is leftmost-longest on the normalised text, so 訪問看護ステーション is one match, never also
訪問看護 + ステーション, and whole-word: a match must begin and end on a word boundary of the project's
tokenizer dictionary (UniDic), and not right after a negating prefix (未, 非, 無, 不) — 就学 does not match
inside 未就学, 国 not inside 国内, 親 not inside 親身. Only matches that touch a letter of the same script on
either side are checked (the others end at a script change: a particle, punctuation), by tokenizing a few
characters around them, so the check costs little even on very many notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, NamedTuple

from issuemine.corpora import corpus_path, read_data_rows
from issuemine.diagram.zones import TARGETS, canonical_zones, region_name
from issuemine.errors import ConfigError

NEUTRAL = "-"
HEADER = ("term", "target", "weight")
ROLES = ("", "setting", "event", "context", "topic")
MAX_WEIGHT = 10.0
NEGATING_PREFIXES = frozenset("未非無不")
_WINDOW = 10  # characters tokenized on each side of a match whose word boundary is in doubt


@dataclass(frozen=True)
class Entry:
    term: str  # as written in the file
    key: str  # normalised form that is matched
    target: str  # canonical zones string, or NEUTRAL
    weight: float
    row: int  # line in the file (1-based, header included)
    role: str = ""  # "", "setting" or "context" (see the module docstring)


class Match(NamedTuple):  # a tuple, not a frozen dataclass: made once per match, 100k notes × several
    entry: Entry
    start: int
    end: int

    @property
    def label(self) -> str:
        """How the match is shown in a zone reason: 「退院調整(病院∩地域)」."""
        return f"{self.entry.key}({region_name(self.entry.target)})"


def default_normalizer() -> Callable[[str], str]:
    """The text pipeline's ``normalize`` (NFKC + abbreviation map), applied to notes and terms alike."""
    from issuemine.text import normalize

    return normalize


class ZoneLexicon:
    """A loaded zone lexicon.

    Parameters
    ----------
    path : the TSV file; ``None`` means ``corpora/zone_lexicon.tsv``.
    normalizer : text → normalised text; ``None`` means the text pipeline's ``normalize``.
    """

    def __init__(self, path: str | Path | None = None, *, normalizer: Callable[[str], str] | None = None,
                 whole_words: bool = True):
        self.path = Path(path) if path is not None else corpus_path("zone_lexicon.tsv")
        self.normalizer = normalizer or default_normalizer()
        self.whole_words = whole_words
        self._boundaries = _WordBoundaries() if whole_words else None
        self.entries: tuple[Entry, ...] = tuple(_load(self.path, self.normalizer))
        self._by_key = {e.key.casefold(): e for e in self.entries}
        self._pattern = re.compile(_trie_pattern(self._by_key), re.IGNORECASE) if self._by_key else None
        # The same trie without IGNORECASE, for texts with no cased letter (most Japanese notes): there the
        # two agree, and sre scans ~4× faster, skipping positions by the set of first characters (which
        # IGNORECASE disables as soon as one entry starts with a Latin letter).
        self._exact = re.compile(_trie_pattern(self._by_key)) if self._by_key else None
        # The same leftmost-longest matching as one Aho–Corasick automaton, for matching many notes at once.
        self._keys = sorted(self._by_key)
        self._automaton = _automaton(self._keys) if self._keys else None

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"ZoneLexicon(path={str(self.path)!r}, entries={len(self.entries)})"

    def normalize(self, text: str) -> str:
        return self.normalizer(text)

    def _spans(self, text: str) -> list[tuple[str, int, int]]:
        """(key, start, end) of every leftmost-longest match in normalised ``text`` that is a whole word
        (neutral entries included: they shield their span)."""
        if self._pattern is None:
            return []
        uncased = text.lower() == text == text.upper()  # then the exact pattern finds the same, faster
        pattern = self._exact if uncased else self._pattern
        if self._boundaries is None:
            if uncased:
                return [(m.group(), *m.span()) for m in pattern.finditer(text)]
            return [(m.group().casefold(), *m.span()) for m in pattern.finditer(text)]
        whole = self._boundaries.whole
        found, pos, n = [], 0, len(text)
        search, cls = pattern.search, _CLASSES.get
        while (m := search(text, pos)) is not None:
            start, end = m.span()
            # a match that touches a letter of its own script on either side may be part of a longer word
            if ((start > 0 and cls(text[start - 1], 1) == cls(text[start], 2))
                    or (end < n and cls(text[end], 1) == cls(text[end - 1], 2))) and not whole(text, start, end):
                pos = start + 1  # not a word here (就学 in 未就学): look again from the following letter
                continue
            found.append((m.group() if uncased else m.group().casefold(), start, end))
            pos = end
        return found

    def spans(self, text: str, *, normalized: bool = False) -> list[tuple[str, int, int]]:
        """(key, start, end) of every whole-word, leftmost-longest match, neutral entries included: the
        cheapest form of the matches, for recognising notes whose evidence is the same."""
        return self._spans(text if normalized else self.normalizer(text))

    def to_matches(self, spans: list[tuple[str, int, int]]) -> list[Match]:
        """The evidence-giving matches among ``spans`` (neutral entries shield their span and are dropped)."""
        by_key = self._by_key
        out = []
        for key, start, end in spans:
            entry = by_key[key]
            if entry.target != NEUTRAL:
                out.append(Match(entry, start, end))
        return out

    def match(self, text: str, *, normalized: bool = False) -> list[Match]:
        """Evidence-giving matches in ``text`` (neutral entries shield their span and are dropped)."""
        return self.to_matches(self.spans(text, normalized=normalized))

    def signature(self, text: str, *, normalized: bool = False) -> tuple[str, ...]:
        """The matched entries' keys in order (neutral ones too): all that ``match`` gives evidence from,
        at a fraction of its cost (no match objects), to recognise notes whose evidence is the same."""
        return tuple(f[0] for f in self.spans(text, normalized=normalized))

    def signatures(self, texts, *, normalized: bool = False) -> list[tuple[str, ...]]:
        """``[self.signature(t) for t in texts]``, computed in bulk (see :meth:`signature_ids`)."""
        ids, distinct = self.signature_ids(texts, normalized=normalized)
        return [distinct[i] for i in ids.tolist()]

    def signature_ids(self, texts, *, normalized: bool = False):
        """(number of each text's signature as an array, the distinct signatures): ``distinct[ids[i]] ==
        self.signature(texts[i])``.

        Each distinct text is normalised and matched once, all of them in one Aho–Corasick pass
        (leftmost-longest, ahocorasick-rs) over the texts joined by newlines (no key contains one: the
        normaliser turns whitespace into spaces), the script classes either side of every match compared
        as arrays. Only the matches that touch a letter of their own script are checked as whole words,
        as in :meth:`spans`; a note with a cased letter (matched case-insensitively) or with a match that
        is not a whole word (where :meth:`spans` looks again one letter on) is matched by :meth:`spans`
        itself, so the result is the same by construction. ~10× faster than note by note at 100k."""
        import numpy as np

        texts = list(texts)
        seen: dict[str, int] = {}  # distinct text → its number
        first = np.fromiter((seen.setdefault(t, len(seen)) for t in texts), dtype=np.int64, count=len(texts))
        distinct_texts = list(seen)
        del seen
        if not normalized:  # two spellings may normalise alike: number the normalised texts again
            seen = {}
            normalize = self.normalizer
            again = np.fromiter((seen.setdefault(normalize(t), len(seen)) for t in distinct_texts),
                                dtype=np.int64, count=len(distinct_texts))
            first, distinct_texts = again[first], list(seen)
            del seen
        if self._pattern is None:
            found = [()] * len(distinct_texts)
        else:
            found = self._signatures_distinct(distinct_texts)
        numbers: dict[tuple, int] = {}
        sig = np.fromiter((numbers.setdefault(f, len(numbers)) for f in found), dtype=np.int64, count=len(found))
        return (sig[first] if len(first) else np.zeros(0, dtype=np.int64)), list(numbers)

    def _signatures_distinct(self, texts: list[str]) -> list[tuple[str, ...]]:
        import numpy as np

        # a newline (never left by the normaliser) would split a note: such a note is matched on its own
        newline = [i for i, t in enumerate(texts) if "\n" in t] if "\n" in "".join(texts) else []
        work = [t.replace("\n", " ") for t in texts] if newline else texts
        joined = "\n".join(work)
        lengths = np.fromiter(map(len, work), dtype=np.int64, count=len(texts))
        offsets = np.zeros(len(texts), dtype=np.int64)  # where each text begins in ``joined``
        np.cumsum(lengths[:-1] + 1, out=offsets[1:])
        codes = _codes(joined)
        redo = self._cased(joined, codes, offsets, work)  # matched case-insensitively, note by note
        redo[newline] = True
        key_at, starts, ends = self._find_all(joined)
        note = np.searchsorted(offsets, starts, side="right") - 1
        if self._boundaries is not None and len(starts):
            cls = _class_codes(codes)
            left = cls[np.maximum(starts - 1, 0)]
            right = cls[np.minimum(ends, len(cls) - 1)]
            doubt = (((starts > 0) & (left == cls[starts]) & (left > 0))
                     | ((ends < len(cls)) & (right == cls[ends - 1]) & (right > 0)))
            whole = self._boundaries.whole
            for j in np.flatnonzero(doubt & ~redo[note]).tolist():
                i = note[j]
                if redo[i]:
                    continue
                lo = offsets[i]
                if not whole(work[i], int(starts[j] - lo), int(ends[j] - lo)):
                    redo[i] = True  # spans() looks again one letter on: let it decide this note
        keys = self._keys
        out: list[tuple[str, ...]] = [()] * len(texts)
        bounds = np.flatnonzero(np.r_[True, note[1:] != note[:-1]]) if len(note) else np.zeros(0, int)
        key_list = key_at.tolist()
        for a, b, i in zip(bounds.tolist(), np.r_[bounds[1:], len(note)].tolist(), note[bounds].tolist()):
            out[i] = tuple([keys[k] for k in key_list[a:b]])
        for i in np.flatnonzero(redo).tolist():
            out[i] = tuple(f[0] for f in self._spans(texts[i]))
        return out

    @staticmethod
    def _cased(joined: str, codes, offsets, texts: list[str]):
        """Which texts have a letter with case (``lower`` or ``upper`` changes it), as a bool array."""
        import numpy as np

        lower, upper = joined.lower(), joined.upper()
        if len(lower) == len(upper) == len(joined):
            changed = np.flatnonzero((_codes(lower) != codes) | (_codes(upper) != codes))
            out = np.zeros(len(texts), dtype=bool)
            out[np.searchsorted(offsets, changed, side="right") - 1] = True
            return out
        return np.array([t.lower() != t or t.upper() != t for t in texts], dtype=bool)  # ß, İ: lengths change

    def _find_all(self, joined: str):
        """(key number, start, end) arrays of the leftmost-longest exact matches in ``joined``."""
        import numpy as np

        if self._automaton is not None:
            found = self._automaton.find_matches_as_indexes(joined)
            arr = np.array(found, dtype=np.int64).reshape(-1, 3)
            return arr[:, 0], arr[:, 1], arr[:, 2]
        number = {k: i for i, k in enumerate(self._keys)}  # without ahocorasick-rs: the same trie regex
        found = [(number[m.group()], *m.span()) for m in self._exact.finditer(joined)]
        arr = np.array(found, dtype=np.int64).reshape(-1, 3)
        return arr[:, 0], arr[:, 1], arr[:, 2]


class _WordBoundaries:
    """Is ``text[start:end]`` a whole word? Decided by the project's tokenizer dictionary (UniDic via
    fugashi), tokenizing only a window around the match, and only when the match touches a letter of
    its own script on either side (kanji after kanji, katakana after katakana …): a change of script is
    always a word boundary in the notes, so most matches need no tokenizing at all. Windows already
    tokenized are remembered (notes repeat their phrases), up to ``cache_size`` of them."""

    def __init__(self, cache_size: int = 200_000):
        self._tagger = None
        self._cache: dict[str, tuple[set[int], dict[int, str]]] = {}
        self.cache_size = cache_size

    def whole(self, text: str, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` begins and ends on a UniDic word boundary, not after a negating
        prefix (the caller has found that it touches a letter of its own script)."""
        lo, hi = max(0, start - _WINDOW), min(len(text), end + _WINDOW)
        window = text[lo:hi]
        parsed = self._cache.get(window)
        if parsed is None:
            if len(self._cache) >= self.cache_size:
                self._cache.clear()
            parsed = self._cache[window] = self._parse(window)
        # offsets in UTF-8 bytes, as MeCab gives them; a cut is the window's start or a morpheme's end
        b_start = len(window[:start - lo].encode("utf-8"))
        b_end = b_start + len(text[start:end].encode("utf-8"))
        if b_start and f"\t{b_start}\t" not in parsed:
            return False
        if f"\t{b_end}\t" not in parsed:
            return False
        before = text[start - 1] if start > lo else ""
        # a negating prefix is a one-letter 接頭辞 morpheme ending where the match begins
        return not (before in NEGATING_PREFIXES and f"\n{b_start - 3}\t{b_start}\t接頭辞\n" in parsed)

    def _parse(self, window: str) -> str:
        """MeCab's morphemes of ``window`` as lines ``start<TAB>end<TAB>pos1`` (UTF-8 byte offsets), with
        a newline before the first and after the last: cheap to search for a boundary."""
        if self._tagger is None:
            import fugashi
            import unidic_lite

            fmt = '"%ps\\t%pe\\t%f[0]\\n"'
            self._tagger = fugashi.GenericTagger(
                f'-r {_quote(unidic_lite.DICDIR, "mecabrc")} -d {_quote(unidic_lite.DICDIR)} -O "" '
                f'-F {fmt} -U {fmt} -E ""')
        return "\n" + self._tagger.parse(window).rstrip("\n") + "\n"


def _quote(*parts: str) -> str:
    import shlex

    return shlex.quote(str(Path(*parts)))


def _class_table() -> dict[str, str]:
    """A coarse script class per character: K kanji, H hiragana, T katakana, A Latin letters and digits;
    other characters have none (the caller's defaults differ, so two of them never compare equal)."""
    table = {}
    for lo, hi, cls in ((0x4E00, 0x9FFF, "K"), (0x3400, 0x4DBF, "K"), (0x3041, 0x309F, "H"),
                        (0x30A1, 0x30FF, "T")):
        table.update(dict.fromkeys(map(chr, range(lo, hi + 1)), cls))
    table.update(dict.fromkeys("々〆ヶ", "K"))
    table.update(dict.fromkeys("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", "A"))
    return table


_CLASSES = _class_table()
_CLASS_CODES = {"K": 1, "H": 2, "T": 3, "A": 4}


def _codes(text: str):
    """The code points of ``text`` as an array."""
    import numpy as np

    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _class_codes(cp):
    """``_CLASSES`` of every code point in ``cp`` as a small-integer array (0 = no class)."""
    import numpy as np

    global _CLASS_TABLE
    if _CLASS_TABLE is None:  # every classed letter is in the Basic Multilingual Plane
        table = np.zeros(0x10000, dtype=np.int8)
        for ch, cls in _CLASSES.items():
            table[ord(ch)] = _CLASS_CODES[cls]
        _CLASS_TABLE = table
    return _CLASS_TABLE[np.minimum(cp, 0xFFFF)]  # U+FFFF has no class, nor anything beyond


_CLASS_TABLE = None


def _automaton(keys: list[str]):
    """A leftmost-longest Aho–Corasick automaton over ``keys`` (ahocorasick-rs), or None without it."""
    try:
        import ahocorasick_rs
    except ImportError:  # the trie regex gives the same matches, about 4× slower
        return None
    return ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)


def _trie_pattern(words) -> str:
    """One regular expression for ``words``, factored as a trie, that matches the longest word at a position.

    Every optional tail is greedy, so at each position the regex engine tries the longest continuation
    first and backs off to shorter words: leftmost-longest matching in one C-level scan, about ten times
    faster than a flat longest-first alternation of a few hundred words.
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def _load(path: Path, normalizer: Callable[[str], str]) -> list[Entry]:
    entries: list[Entry] = []
    seen: dict[str, Entry] = {}
    for lineno, cells in read_data_rows(path, what="概念図の語彙ファイル", header=HEADER):
        if len(cells) not in (3, 4):
            raise ConfigError(f"列の数が3か4ではありません({len(cells)}列)。", file=path, row=lineno,
                              hint="語・対象・重み(と任意で役割)をタブで区切ってください")
        term, target_cell, weight_cell = cells[:3]
        role = cells[3] if len(cells) == 4 else ""
        if role not in ROLES:
            raise ConfigError("役割が読めません。", file=path, row=lineno, column="role",
                              hint="空欄、setting(場所)、event(出来事)、context(文脈で決まる職種)、"
                                   "topic(家族の話題)のいずれかを書いてください")
        if not term:
            raise ConfigError("語が空です。", file=path, row=lineno, column="term")
        target = NEUTRAL if target_cell == NEUTRAL else _target(target_cell, path, lineno)
        try:
            weight = float(weight_cell)
        except ValueError:
            raise ConfigError("重みが数値ではありません。", file=path, row=lineno, column="weight",
                              hint="0 より大きく 10 以下の数を書いてください") from None
        if target != NEUTRAL and not (0 < weight <= MAX_WEIGHT):
            raise ConfigError("重みが範囲外です。", file=path, row=lineno, column="weight",
                              hint="0 より大きく 10 以下の数を書いてください")
        key = normalizer(term).strip()
        if not key:
            raise ConfigError("語が正規化後に空になります。", file=path, row=lineno, column="term")
        earlier = seen.get(key.casefold())
        if earlier is not None:
            # An abbreviation next to its full form (訪看 / 訪問看護) is harmless when both say the same.
            if (earlier.target, earlier.weight, earlier.role) == (target, weight, role):
                continue
            raise ConfigError(f"語が {earlier.row}行目と重複しています(正規化後に同じ語で、対象か重みが違います)。",
                              file=path, row=lineno, column="term", hint="どちらか一方に揃えてください")
        entry = Entry(term, key, target, weight, lineno, role)
        seen[key.casefold()] = entry
        entries.append(entry)
    return entries


def _target(cell: str, path: Path, lineno: int) -> str:
    try:
        target = canonical_zones(cell)
    except ValueError:
        target = None
    if target not in TARGETS:
        raise ConfigError("対象が領域の記号ではありません。", file=path, row=lineno, column="target",
                          hint="H, C, S, HC, HS, CS, HCS, F, P, または -(中立)のいずれかを書いてください")
    return target
