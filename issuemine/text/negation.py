"""The slow path of one note: numbers joined to their counters, negation folded into the negated word.

Issues are mostly statements of lack (「連携できない」「受け入れ先がない」「わからない」), and a plain POS
filter would turn 「連携できない」 into 連携. A negator (助動詞 ない/ず/ぬ, 形容詞 無い/無し) looks back at most
``WINDOW`` morphemes, past auxiliaries, the particles が/を/の/は/も/て/で, suffixes and light verbs
(できる, いる, する, 取れる …), for the nearest content word, which becomes one feature ``<lemma>+否定``.
If only light verbs are found, できる is negated (「何もできない」 → 出来る+否定) and the others (する, いる,
なる) give nothing. A negating adjective that finds nothing stays as the term ない. The obligation idioms
「〜ないといけない」「〜なければならない」「〜なくてはならない」 are double negations meaning "must": neither
negation is kept (「担わないといけない」 → 担う).
"""

from __future__ import annotations

from issuemine.text.rules import LIGHT, NEG, NEGATION_SUFFIX, NUM, OTHER, PASS, TERM, WEAK, Morpheme

WINDOW = 6
FALLBACK_LIGHT = frozenset({"出来る"})          # the only light verb worth a feature of its own
OBLIGATION_VERBS = frozenset({"行く", "成る"})    # いけない, ならない
OBLIGATION_LINKS = frozenset({"と", "ば", "は", "ちゃ", "じゃ", "ては", "では"})
NUMBER_POS = "名詞-数詞"


def analyse(morphemes: list[Morpheme], negation: str, keep_numbers: bool):
    """(merged morphemes with their first/last index, negated unit indices, consumed negators)."""
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
    negated: dict[int, int] = {}   # negated unit → its negator
    consumed: set[int] = set()
    if negation != "off":
        for j, (m, _, _) in enumerate(merged):
            if m.kind != NEG:
                continue
            target = light = None
            for k in range(j - 1, max(-1, j - 1 - WINDOW), -1):
                kind = merged[k][0].kind
                if kind in (TERM, WEAK):
                    target = k
                    break
                if kind == LIGHT:
                    if light is None:
                        light = k
                    continue
                if kind in (PASS, NEG):
                    continue
                break
            verb = target if target is not None else light
            if (verb is not None and verb > 0 and merged[verb][0].lemma in OBLIGATION_VERBS
                    and merged[verb - 1][0].surface in OBLIGATION_LINKS):
                # 〜ないといけない: drop this negation and the one just before the link
                consumed.add(j)
                for t, neg in list(negated.items()):
                    if verb - 4 <= neg < verb:
                        del negated[t]
                continue
            if target is None and light is not None and merged[light][0].lemma in FALLBACK_LIGHT:
                target = light
            if target is not None:
                negated[target] = j
                consumed.add(j)

    return merged, negated, consumed


def resolve_terms(morphemes: list[Morpheme], negation: str = "replace", keep_numbers: bool = True) -> list[str]:
    """The features of one note, in order (``JapaneseTokenizer.terms``'s slow path)."""
    merged, negated, consumed = analyse(morphemes, negation, keep_numbers)
    out = []
    for idx, (m, _, _) in enumerate(merged):
        if idx in negated:
            if negation == "both" and m.term:
                out.append(m.term)
            out.append(m.base + NEGATION_SUFFIX)
        elif m.term and idx not in consumed:
            out.append(m.term)
    return out
