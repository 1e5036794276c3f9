"""The slow path of one note: numbers joined to their counters, negation folded into the negated word.

Issues are mostly statements of lack (「連携できない」「受け入れ先がない」「わからない」), and a plain POS
filter would turn 「連携できない」 into 連携. A negator (助動詞 ない/ず/ぬ, 形容詞 無い/無し) looks back at most
``WINDOW`` morphemes, past auxiliaries, the particles が/を/の/は/も/て/で, suffixes and light verbs
(できる, いる, する, 取れる …), for the nearest content word, which becomes one feature ``<lemma>+否定``.
If only light verbs are found, the first of them is negated (「何もできない」 → 出来る+否定). A negating
adjective that finds nothing stays as the term ない.
"""

from __future__ import annotations

from typing import NamedTuple

from issuemine.text.rules import LIGHT, NEG, NEGATION_SUFFIX, NUM, OTHER, PASS, TERM, Morpheme

WINDOW = 6
NUMBER_POS = "名詞-数詞"


class Unit(NamedTuple):
    """One token after number merging and negation: ``terms`` are the features it emits, in order."""

    surface: str
    lemma: str
    orth_base: str
    pos: str
    first: int          # index of its first morpheme in the note (for offsets)
    last: int           # index of its last morpheme
    term: str           # the token's feature ("" when filtered out)
    terms: tuple[str, ...]


def resolve(morphemes: list[Morpheme], negation: str = "replace", keep_numbers: bool = True) -> list[Unit]:
    """Units of one note. ``negation`` is ``"replace"``, ``"both"`` or ``"off"``."""
    # 1. numbers with their counters: 24時間, 3人, 週3回 → 週, 3回
    merged: list[tuple[Morpheme, int, int]] = []
    i, n = 0, len(morphemes)
    while i < n:
        m = morphemes[i]
        if m.kind == NUM:
            if i + 1 < n and morphemes[i + 1].counter:
                s = m.surface + morphemes[i + 1].surface
                kind = TERM if keep_numbers else OTHER
                merged.append((Morpheme(s if keep_numbers else "", False, kind, False, s, s, s, NUMBER_POS, s),
                               i, i + 1))
                i += 2
                continue
            m = m._replace(kind=OTHER, special=False)
        merged.append((m, i, i))
        i += 1

    # 2. negation: which unit each negator negates
    negated: set[int] = set()
    consumed: set[int] = set()
    if negation != "off":
        for j, (m, _, _) in enumerate(merged):
            if m.kind != NEG:
                continue
            target = light = None
            for k in range(j - 1, max(-1, j - 1 - WINDOW), -1):
                kind = merged[k][0].kind
                if kind == TERM:
                    target = k
                    break
                if kind == LIGHT:
                    if light is None:
                        light = k
                    continue
                if kind in (PASS, NEG):
                    continue
                break
            if target is None:
                target = light
            if target is not None:
                negated.add(target)
                consumed.add(j)

    # 3. features
    units = []
    for idx, (m, first, last) in enumerate(merged):
        if idx in negated:
            neg = m.base + NEGATION_SUFFIX
            terms = (m.term, neg) if negation == "both" and m.term else (neg,)
            term = neg
        elif m.kind == NEG and idx in consumed:
            term, terms = "", ()
        else:
            term = m.term
            terms = (term,) if term else ()
        units.append(Unit(m.surface, m.lemma, m.orth_base, m.pos, first, last, term, terms))
    return units
