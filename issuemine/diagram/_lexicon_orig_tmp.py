"""The zone lexicon: which words put a note on which part of the concept diagram.

A tab-separated data file (``corpora/zone_lexicon.tsv`` by default, or any path a user gives) with the header
``term  target  weight``:

- ``term``: a word or phrase, written as practitioners write it; it is normalised with the text pipeline's
  ``normalize`` (NFKC + abbreviation map) before matching, exactly like the notes, so 「訪看」 and 「訪問看護」
  are the same entry.
- ``target``: a zone or region it is evidence for — H, C, S, a bridge region (HC, HS, CS, HCS) that sets an
  overlap directly, F or P — or ``-`` for a *neutral* entry that only shields its letters from shorter
  entries (「病院以外」 is not evidence for 病院).
- ``weight``: how strong the evidence is (> 0, at most 10). Ambiguous words (医師, 看護師) carry low weights so
  that context decides: 「病院の医師」 is 病院, 「地域の医師」 is 地域.

Matching is leftmost-longest on the normalised text, so 訪問看護ステーション is one match, never also
訪問看護 + ステーション.
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
MAX_WEIGHT = 10.0


@dataclass(frozen=True)
class Entry:
    term: str  # as written in the file
    key: str  # normalised form that is matched
    target: str  # canonical zones string, or NEUTRAL
    weight: float
    row: int  # line in the file (1-based, header included)


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

    def __init__(self, path: str | Path | None = None, *, normalizer: Callable[[str], str] | None = None):
        self.path = Path(path) if path is not None else corpus_path("zone_lexicon.tsv")
        self.normalizer = normalizer or default_normalizer()
        self.entries: tuple[Entry, ...] = tuple(_load(self.path, self.normalizer))
        self._by_key = {e.key.casefold(): e for e in self.entries}
        self._pattern = re.compile(_trie_pattern(self._by_key), re.IGNORECASE) if self._by_key else None

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"ZoneLexicon(path={str(self.path)!r}, entries={len(self.entries)})"

    def normalize(self, text: str) -> str:
        return self.normalizer(text)

    def match(self, text: str, *, normalized: bool = False) -> list[Match]:
        """Evidence-giving matches in ``text`` (neutral entries shield their span and are dropped)."""
        if self._pattern is None:
            return []
        if not normalized:
            text = self.normalizer(text)
        by_key = self._by_key
        out = []
        for m in self._pattern.finditer(text):
            entry = by_key[m.group().casefold()]
            if entry.target != NEUTRAL:
                out.append(Match(entry, *m.span()))
        return out


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
        if len(cells) != 3:
            raise ConfigError(f"列の数が3ではありません({len(cells)}列)。", file=path, row=lineno,
                              hint="語・対象・重みをタブで区切ってください")
        term, target_cell, weight_cell = cells
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
            if (earlier.target, earlier.weight) == (target, weight):
                continue
            raise ConfigError(f"語が {earlier.row}行目と重複しています(正規化後に同じ語で、対象か重みが違います)。",
                              file=path, row=lineno, column="term", hint="どちらか一方に揃えてください")
        entry = Entry(term, key, target, weight, lineno)
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
