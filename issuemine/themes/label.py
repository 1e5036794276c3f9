"""Stage 4 — a short Japanese label, key terms and representative notes for every theme.

Distinctive terms are scored class-based TF-IDF style on note frequencies (short notes rarely repeat a
word): share of the theme's notes containing the term × log(1 + mean theme size / notes containing the
term anywhere) × (share of the term's notes that are in this theme)^``purity_power`` — the last factor is
a document-frequency penalty: a word spread over every theme (地域, 小児, 生活) names none of them.
Longer terms (the field's compounds, 短期入所, 訪問看護ステーション) get a mild bonus because a committee
reads them as one idea, and so do negated nouns (連携+否定): issues are statements of lack. Labels take the
top three terms that do not contain one another, joined by 「・」, skipping the general words of
``corpora/label_generic.txt`` (still listed in the key terms), and are made unique across themes. A negated
term is shown as the reader would write it: 連携+否定 → 連携できない, 知る+否定 → 知らない, 経験+否定 →
経験がない.

Terms are UniDic lemmas, which unify spellings (good for clustering) but are often not how anybody writes
the word (兄弟 for きょうだい, 子供 for 子ども, 明き for 空き). ``written_forms`` finds, per term, the spelling
the notes themselves mostly use; ``display_term(term, forms)`` shows it. This is a display layer only:
scoring, generic words, features and every ``term`` column keep the lemma.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from functools import lru_cache

import numpy as np

NEGATION_SUFFIX = "+否定"
PURITY_POWER = 0.5
# 五段 verbs: the dictionary form's last kana → its 未然形 (知る → 知ら-ない, 使う → 使わ-ない)
_GODAN_NAI = dict(zip("うくぐすつぬぶむる", "わかがさたなばまら"))
_PERSON_SUFFIXES = ("人", "者", "師", "士", "員", "医", "手", "役", "パーソン", "ター", "ナース")
# noun suffixes that do not make a new word: honorifics, plurals, "etc.", "for", "inside" (訪問看護さん,
# 子どもたち, 施設等, 相談員向け, 病院内). Others (者 児 所 科 士 医 費 書 …) do: 保護者 is not 保護.
_LOOSE_SUFFIXES = frozenset({"さん", "様", "さま", "ちゃん", "くん", "君", "たち", "達", "ら", "等", "など", "ごと",
                             "向け", "付き", "宛", "内", "中", "ども", "方", "殿"})
# サ変 nouns whose negation in notes is an absence (支援がない, 経験がない), not an inability (連携できない)
_ABSENCE_NOUNS = frozenset({"支援", "経験", "ケア", "関係", "余裕", "協力", "援助", "助言", "説明"})


@lru_cache(maxsize=1)
def _tagger():
    import fugashi

    return fugashi.Tagger()  # unidic-lite, only to read the part of speech of a term's last word


@lru_cache(maxsize=4096)
def negated_form(base: str) -> str:
    """The negative a note would have used: 連携 → 連携できない, 知る → 知らない, 受け入れ先 → 受け入れ先がない."""
    if base in ("出来る", "できる"):
        return "できない"
    if base in ("為る", "する"):
        return "しない"
    if base.endswith(_PERSON_SUFFIXES):
        return base + "がいない"
    toks = _tagger()(base)
    if not toks:
        return base + "がない"
    f = toks[-1].feature
    pos1, ctype = f.pos1, (f.cType or "")
    # a verb read in its 連用形 (空き, つくり, 任せ) is the noun made from it: 空きがない, not 空きない
    if pos1 == "動詞" and not (f.cForm or "").startswith("連用形"):
        if ctype.startswith("五段") and base[-1] in _GODAN_NAI:
            return base[:-1] + _GODAN_NAI[base[-1]] + "ない"
        if ctype.startswith(("上一段", "下一段")) and base.endswith("る"):
            return base[:-1] + "ない"
        if ctype.startswith("カ行変格"):
            if base.endswith("くる"):  # written in kana the stem changes too: くる → こない
                return base[:-2] + "こない"
            return base[:-1] + "ない" if base.endswith("る") else base + "ない"
        if ctype.startswith("サ行変格"):
            return base[:-2] + "しない" if base.endswith("する") else base + "しない"
        return base + "ない"
    if pos1 == "形容詞" and base.endswith("い"):
        return base[:-1] + "くない"
    if pos1 == "形状詞":
        return base + "でない"
    if len(toks) == 1 and f.pos3 == "サ変可能" and base not in _ABSENCE_NOUNS:
        return base + "できない"  # 連携できない, 共有できない: how such notes are written
    return base + "がない"


@lru_cache(maxsize=4096)
def negated_written(lemma: str, written: str) -> str:
    """The negative of a term shown in the notes' spelling: 繋がる as つながる → つながらない.

    The written form alone can be ambiguous to the tagger (空き reads as the verb 空く, かえる as 蛙), so it
    is trusted only when the tagger reads it as the same lemma (this also conjugates potential forms
    such as 関われる → 関われない correctly). Otherwise the lemma's own negative is grafted onto the written
    form when both end alike (明き → 明きがない gives 空きがない).
    """
    if written == lemma:
        return negated_form(lemma)
    if written.startswith(lemma):
        return negated_form(written)     # the word with its suffix (保護 as 保護者 → 保護者がいない)
    toks = _tagger()(written)
    if len(toks) == 1 and toks[0].feature.lemma == lemma:
        return negated_form(written)
    neg = negated_form(lemma)
    p = 0
    while p < min(len(lemma), len(neg)) and lemma[p] == neg[p]:
        p += 1
    tail = lemma[p:]
    if written.endswith(tail) and len(written) > len(tail):
        return written[: len(written) - len(tail)] + neg[p:]
    return negated_form(written)


def display_term(term: str, forms: dict[str, str] | None = None) -> str:
    """How a feature term is shown to a reader: 連携+否定 → 連携できない, 知る+否定 → 知らない.

    ``forms`` (``written_forms``) maps a term to the spelling the notes use: 兄弟 → きょうだい,
    繋がる+否定 → つながらない. Without it the lemma is shown.
    """
    if term.endswith(NEGATION_SUFFIX):
        base = term[: -len(NEGATION_SUFFIX)]
        written = forms.get(base) if forms else None
        return negated_written(base, written) if written else negated_form(base)
    return forms.get(term, term) if forms else term


def _word_suffix(t, nxt) -> bool:
    """``nxt`` completes the word ``t`` (保護 + 者, 避難 + 所; 自治 + 体 and 高等 + 部, which UniDic reads
    as counters), rather than adding an honorific, a plural or "etc." (訪問看護さん, 子どもたち, 施設等)."""
    if not t.pos.startswith(("名詞", "形状詞")) or nxt.surface in _LOOSE_SUFFIXES:
        return False
    if nxt.pos == "接尾辞-名詞的-一般":
        return True
    return nxt.pos == "名詞-普通名詞-助数詞可能" and len(nxt.surface) == 1 and not t.surface[-1:].isdigit()


def written_forms(tokens) -> dict[str, str]:
    """Term (without +否定) → the spelling the notes mostly write it in, where that differs from the term.

    ``tokens``: per note, ``issuemine.text.Token`` lists. Each occurrence of a term (plain or negated)
    votes for its token's written base form, with the suffix that completes it when the tagger cut one
    off (保護|者 votes 保護者, see ``_word_suffix``) (orthBase: わから → わかる, 子ども; the surface for unknown
    words). A spelling is used only when it is a strict majority of the term's occurrences (診る 5 /
    見る 5 keeps 見る). If two different terms would then look the same (休む written 休める beside the
    term 休める), the remapped ones keep their lemmas, so a reader can still tell them apart. The result
    is sorted and depends only on the tokens.
    """
    suffix = NEGATION_SUFFIX
    counts: dict[str, Counter] = defaultdict(Counter)
    seen: set[str] = set()
    for toks in tokens:
        for k, t in enumerate(toks):
            if not t.is_term:
                continue
            term = t.term
            seen.add(term)
            base = term.removesuffix(suffix)
            written = (t.orth_base or t.lemma) if t.lemma else t.surface
            if written.endswith("ずる") and len(written) > 2 and t.pos.startswith("動詞"):
                # UniDic's literary サ変 lemma (感ずる, 生ずる, 応ずる): notes write 感じる, 生じる, 応じる
                written = written[:-2] + "じる"
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if nxt is not None and nxt.start == t.end and not nxt.is_term and _word_suffix(t, nxt):
                # a word the tagger cut before its suffix (保護|者, 当事|者, 避難|所, 自治|体): the notes
                # write it whole
                written = t.surface + nxt.surface
            counts[base][written] += 1
    forms: dict[str, str] = {}
    for base in sorted(counts):
        c = counts[base]
        written, n = max(c.items(), key=lambda x: (x[1], x[0]))  # a strict majority is unique anyway
        if written and written != base and 2 * n > sum(c.values()):
            forms[base] = written
    while forms:
        # what a reader would see, for the bases and for every term as written (negated ones conjugated)
        shown_base: dict[str, set] = defaultdict(set)
        for base in counts:
            shown_base[forms.get(base, base)].add(base)
        shown_term: dict[str, set] = defaultdict(set)
        for term in seen:
            shown_term[display_term(term, forms)].add(base_term(term))
        clash = set()
        for group in list(shown_base.values()) + list(shown_term.values()):
            if len(group) > 1:
                clash |= group & forms.keys()
        if not clash:
            break
        for base in clash:
            del forms[base]
    return forms


def base_term(term: str) -> str:
    return term.removesuffix(NEGATION_SUFFIX)


def _bonus(term: str) -> float:
    base = term.removesuffix(NEGATION_SUFFIX)
    b = 1.0 + 0.1 * min(max(len(base) - 2, 0), 4)
    if not term.endswith(NEGATION_SUFFIX):
        return b
    # a negated noun names a lack (連携できない, 受け入れ先がない); a bare negated verb (付けない) says little
    return b * (1.1 if negated_form(base).endswith(("できない", "がない", "がいない")) else 0.9)


def load_generic_terms(source=None, default: str = "label_generic.txt",
                       what: str = "ラベルに使わない一般語のファイル") -> frozenset[str]:
    """General words kept out of labels: a file (one per line), an iterable, or None = the bundled list."""
    from pathlib import Path

    if source is None or isinstance(source, (str, Path)):
        from issuemine.corpora import corpus_path, read_words

        path = Path(source) if source is not None else corpus_path(default)
        return frozenset(w for _, w in read_words(path, what=what))
    return frozenset(w.strip() for w in source if w and w.strip())


def load_label_stopwords(source=None) -> frozenset[str]:
    """Words never used in a label (``corpora/stopwords_label.txt``): a file, an iterable, or None."""
    return load_generic_terms(source, "stopwords_label.txt", "ラベルに使わない語(機能語・つなぎの語)のファイル")


def term_weights(terms: list[list[str]], groups: list[np.ndarray],
                 purity_power: float = PURITY_POWER) -> list[list[tuple[str, float]]]:
    """For each group (array of note indices), its terms sorted by distinctiveness (desc, then term)."""
    df_all: Counter = Counter()
    for ts in terms:
        df_all.update(set(ts))
    mean_size = max(1.0, len(terms) / max(1, len(groups)))
    out = []
    for idx in groups:
        df: Counter = Counter()
        for i in idx:
            df.update(set(terms[i]))
        n = max(1, len(idx))
        scored = [(t, (c / n) * math.log(1.0 + mean_size / df_all[t]) * (c / df_all[t]) ** purity_power
                   * _bonus(t)) for t, c in df.items()
                  if c >= 2 or n < 4]  # a term in one note only says nothing about a theme of 4+
        scored.sort(key=lambda x: (-x[1], x[0]))
        out.append(scored)
    return out


def _is_stop(term: str, stop: frozenset[str], forms: dict[str, str] | None) -> bool:
    if not stop:
        return False
    base = base_term(term)
    return base in stop or (bool(forms) and forms.get(base, base) in stop)


def _overlaps(term: str, chosen: list[str]) -> bool:
    return any(term in c or c in term for c in chosen)


def make_labels(weighted: list[list[tuple[str, float]]], n_terms: int = 3, fixed: list[str | None] | None = None,
                fallback: list[str] | None = None, generic: frozenset[str] = frozenset(),
                forms: dict[str, str] | None = None, stop: frozenset[str] = frozenset()) -> list[str]:
    """Unique labels, in group order (earlier groups — the larger themes — keep the shorter labels).

    ``fixed`` labels (codebook names, facilitator renames) are kept as given; ``fallback[i]`` is used
    when a group has no term at all (e.g. notes of numbers only) and to break final ties. ``generic``
    plain terms are used only when a theme has no specific term, or to make its label unique; a theme
    with one or two specific terms gets a label of one or two terms. ``forms`` (``written_forms``):
    terms are shown as the notes write them; ``generic`` is still matched on the terms themselves.
    ``stop`` terms (function words and fillers, plain or negated, matched on the term and on how it is
    written) are never used.
    """
    fixed = fixed or [None] * len(weighted)
    fallback = fallback or [f"テーマ{i + 1}" for i in range(len(weighted))]
    used = {f for f in fixed if f}
    labels: list[str] = []
    for i, terms in enumerate(weighted):
        if fixed[i]:
            labels.append(fixed[i])
            continue
        chosen: list[str] = []
        usable = [t for t, _ in terms if not _is_stop(t, stop, forms)]
        specific = [t for t in usable if t not in generic]
        candidates = specific + [t for t in usable if t in generic]
        label = None
        for k, t in enumerate(candidates):
            if k == len(specific) and chosen and "・".join(chosen) not in used:
                label = "・".join(chosen)  # fewer specific words rather than a general filler (会議・支援)
                break
            base = display_term(t, forms)
            if _overlaps(base, chosen):
                continue
            chosen.append(base)
            if len(chosen) >= n_terms:
                cand = "・".join(chosen)
                if cand not in used:
                    label = cand
                    break
        if label is None:
            cand = "・".join(chosen) if chosen else fallback[i]
            label = cand if cand not in used else f"{cand}({fallback[i]})"
        used.add(label)
        labels.append(label)
    # two identical fixed labels (e.g. a rename onto an existing name): suffix the later ones
    seen: Counter = Counter()
    for i, lab in enumerate(labels):
        seen[lab] += 1
        if seen[lab] > 1:
            labels[i] = f"{lab}({fallback[i]})"
    return labels


def representatives(X: np.ndarray, idx: np.ndarray, k: int = 3) -> list[int]:
    """Indices of the ``k`` notes closest (cosine) to the group's centroid; ties by input order."""
    if len(idx) == 0:
        return []
    c = X[idx].mean(axis=0)
    nrm = np.linalg.norm(c)
    sims = X[idx] @ (c / nrm if nrm else c)
    order = np.lexsort((idx, -np.round(sims, 6)))
    return [int(idx[j]) for j in order[:k]]


def format_key_terms(weighted: list[tuple[str, float]], k: int = 10, forms: dict[str, str] | None = None) -> str:
    return " / ".join(f"{display_term(t, forms)}:{w:.3f}" for t, w in weighted[:k])


class ThemeLabeller:
    """The labelling stage: distinctive terms, unique labels, key terms and representative notes."""

    def __init__(self, n_terms: int = 3, n_key_terms: int = 10, n_representatives: int = 3,
                 generic=None, purity_power: float = PURITY_POWER, stop=None):
        self.n_terms = n_terms
        self.n_key_terms = n_key_terms
        self.n_representatives = n_representatives
        self.generic = generic          # None: corpora/label_generic.txt; False: none; a path or an iterable
        self.purity_power = purity_power
        self.stop = stop                # None: corpora/stopwords_label.txt; False: none; a path or an iterable

    def generic_terms(self) -> frozenset[str]:
        if not hasattr(self, "generic_terms_"):
            self.generic_terms_ = frozenset() if self.generic is False else load_generic_terms(self.generic)
        return self.generic_terms_

    def stop_terms(self) -> frozenset[str]:
        if not hasattr(self, "stop_terms_"):
            stop = getattr(self, "stop", None)   # labellers pickled before the stop list existed
            self.stop_terms_ = frozenset() if stop is False else load_label_stopwords(stop)
        return self.stop_terms_

    def weights(self, terms, groups):
        return term_weights(terms, groups, purity_power=self.purity_power)

    def labels(self, weighted, fixed=None, fallback=None, n_terms=None, forms=None):
        """``forms``: the fitted notes' written forms (``written_forms``); None shows the lemmas."""
        return make_labels(weighted, n_terms=n_terms or self.n_terms, fixed=fixed, fallback=fallback,
                           generic=self.generic_terms(), forms=forms, stop=self.stop_terms())

    def key_terms(self, weighted_one, forms=None) -> str:
        return format_key_terms(weighted_one, k=self.n_key_terms, forms=forms)

    def representatives(self, X, idx):
        return representatives(X, idx, k=self.n_representatives)
