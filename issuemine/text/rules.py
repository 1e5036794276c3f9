"""Which morphemes become feature terms, and what role each plays for negation and numbers.

One morpheme (a line of the tagger's custom output: surface, POS, lemma, orthBase) is classified once and
the result cached by the tokenizer, so the rules below cost nothing per repeated token.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, NamedTuple

from issuemine.corpora import corpus_path, read_words

# Parts of speech whose lemmas are terms (shared/domain.md; サ変形状詞可能 is the UniDic class of 不安, 心配).
KEEP_POS = (
    "名詞-普通名詞-一般",
    "名詞-普通名詞-サ変可能",
    "名詞-普通名詞-形状詞可能",
    "名詞-普通名詞-サ変形状詞可能",
    "名詞-固有名詞",
    "動詞-一般",
    "形容詞-一般",
    "形状詞-一般",
)
NEGATION_SUFFIX = "+否定"
NEG_AUX_LEMMAS = frozenset({"ない", "ず", "ぬ"})        # 助動詞: できない, できず, できません (ん = ず)
NEG_ADJ_LEMMAS = frozenset({"無い", "無し"})            # 受け入れ先がない (形容詞), 連携なし (名詞)
NEG_ADJ_TERM = "ない"                                   # the term a negating adjective leaves when it negates nothing
# Verbs that carry no content of their own in 「連携が取れない」「連携できていない」: negation looks past them.
LIGHT_LEMMAS = frozenset({"取れる", "取る", "為る", "出来る", "居る", "有る", "成る"})
# Particles negation may look past on its way back to the negated word (連携が/を/は/も/の …ない, してない).
PASS_PARTICLES = {
    "助詞-格助詞": frozenset({"が", "を", "の"}),
    "助詞-係助詞": frozenset({"は", "も"}),
    "助詞-接続助詞": frozenset({"て", "で"}),
}
PASS_NOUNS = frozenset({"こと", "事"})   # 受けたことがない → 受ける+否定
_SHORT_HIRAGANA = re.compile(r"[ぁ-ゖゝゞー]{1,2}")
_DIGITS = re.compile(r"[0-9][0-9.,]*")
_HIRAGANA = re.compile(r"[ぁ-ゖ]+")

# Roles. WEAK: a verb or adjective that is not a term by itself (行く, 見る, いい) but can be negated
# (親が行けない → 行く+否定, 見られない → 見る+否定).
OTHER, TERM, NEG, LIGHT, PASS, NUM, WEAK = range(7)


class Morpheme(NamedTuple):
    term: str          # feature term when kept on its own, else ""
    special: bool      # needs the slow path (negation or number handling)
    kind: int          # one of the roles above
    counter: bool      # can follow a number as its counter (24時間, 3人, 週3回)
    surface: str
    lemma: str
    orth_base: str
    pos: str
    base: str          # display form: lemma, or orthBase when the lemma is a gloss (ステーション-station)


def load_stopwords(source: str | Path | Iterable[str] | None = None) -> frozenset[str]:
    """Stop words from a file (one per line, ``#`` comments) or an iterable; ``None`` = the bundled list."""
    if source is None or isinstance(source, (str, Path)):
        path = Path(source) if source is not None else corpus_path("stopwords.txt")
        words = [w for _, w in read_words(path, what="ストップワードのファイル")]
    else:
        words = [w.strip() for w in source if w and w.strip()]
    return frozenset(words)


def display_form(surface: str, lemma: str, orth_base: str) -> str:
    """The readable dictionary form: the lemma, except English-glossed ones and unknown words."""
    if not lemma:
        return surface  # unknown word (NICU, MSW): UniDic gives no lemma
    if "-" in lemma:
        return orth_base or lemma.split("-", 1)[0]  # ステーション-station → ステーション
    return lemma


class Rules:
    """Classifies one morpheme. Parameters mirror :class:`JapaneseTokenizer`'s."""

    def __init__(self, stopwords: frozenset[str], keep_pos: tuple[str, ...] = KEEP_POS,
                 keep_numbers: bool = True) -> None:
        self.stopwords = stopwords
        self.keep_pos = tuple(keep_pos)
        self.keep_numbers = keep_numbers

    def classify(self, line: str) -> Morpheme:
        fields = line.split("\t")
        if len(fields) < 4:  # guard: an unknown word or an odd line gives fewer fields
            fields = (fields + ["", "", "", ""])[:4]
        surface, pos, lemma, orth = fields[0], fields[1], fields[2], fields[3]
        base = display_form(surface, lemma, orth)
        # A counter is written in kanji or katakana (時間, 人, 回, ヶ月): a hiragana piece after a number
        # (24わから → わ read as 羽) is the start of the next word.
        counter = (pos == "名詞-普通名詞-助数詞可能" or pos.startswith("接尾辞-名詞的")) \
            and not _HIRAGANA.fullmatch(surface)
        if pos.startswith("助動詞"):
            if lemma in NEG_AUX_LEMMAS:
                return Morpheme("", True, NEG, False, surface, lemma, orth, pos, base)
            return Morpheme("", False, PASS, False, surface, lemma, orth, pos, base)
        if lemma in NEG_ADJ_LEMMAS and pos.startswith(("形容詞", "名詞")):  # 連携なし: なし is a noun
            return Morpheme(NEG_ADJ_TERM, True, NEG, False, surface, lemma, orth, pos, base)
        if pos == "名詞-数詞" and _DIGITS.fullmatch(surface):
            return Morpheme("", True, NUM, counter, surface, lemma, orth, pos, base)
        if pos.startswith("接尾辞") or surface in PASS_PARTICLES.get(pos, ()) or surface in PASS_NOUNS:
            return Morpheme("", False, PASS, counter, surface, lemma, orth, pos, base)
        stop = lemma in self.stopwords or orth in self.stopwords or surface in self.stopwords
        if lemma in LIGHT_LEMMAS:
            return Morpheme("", False, LIGHT, counter, surface, lemma, orth, pos, base)
        if pos.startswith(("動詞-非自立可能", "形容詞-非自立可能")) and not pos.startswith(self.keep_pos):
            return Morpheme("", False, WEAK, counter, surface, lemma, orth, pos, base)
        if (pos.startswith(self.keep_pos) and not stop and base not in self.stopwords
                and not _SHORT_HIRAGANA.fullmatch(orth or surface)):
            return Morpheme(base, False, TERM, counter, surface, lemma, orth, pos, base)
        return Morpheme("", False, OTHER, counter, surface, lemma, orth, pos, base)
