"""Terms are shown as the notes write them (兄弟 → きょうだい); the terms themselves never change."""

import pickle
import random

import numpy as np
import pytest

from issuemine.text import Token
from issuemine.themes.label import (
    ThemeLabeller,
    display_term,
    format_key_terms,
    make_labels,
    negated_form,
    negated_written,
    written_forms,
)
from issuemine.themes.vectorize import prepare

from .conftest import make_notes


def _forms(tokenizer, texts):
    return prepare(texts, tokenizer).display_forms


# -- known answers on planted notes ----------------------------------------------------------------------

def test_the_spelling_most_notes_use_is_shown(tokenizer):
    forms = _forms(tokenizer, ["きょうだいの預け先がない", "きょうだいへの支援", "兄弟児の行事", "子どもの預け先"])
    assert forms["兄弟"] == "きょうだい"          # 2 of 3
    assert forms["子供"] == "子ども"
    assert display_term("兄弟", forms) == "きょうだい"
    assert display_term("支援", forms) == "支援"  # not in the map: shown as it is


def test_a_tie_or_no_majority_keeps_the_lemma(tokenizer):
    forms = _forms(tokenizer, ["医師が診られない", "医師が診られない", "資料が見られない", "患者を見られない",
                               "きょうだいへの支援", "兄弟が多い"])
    assert "見る" not in forms and "兄弟" not in forms
    assert display_term("見る+否定", forms) == "見ない"
    # one more 診る makes it a strict majority (so the tie above is what kept the lemma)
    forms = _forms(tokenizer, ["医師が診られない"] * 3 + ["資料が見られない", "患者を見られない"])
    assert forms["見る"] == "診る"


def test_two_terms_that_would_look_the_same_both_keep_their_lemmas(tokenizer):
    # 休む is written 休め(ない) every time, but 休める is a term of its own
    alone = _forms(tokenizer, ["親が休めない", "母親が休めない"])
    assert alone["休む"] == "休める"
    assert display_term("休む+否定", alone) == "休めない"
    both = _forms(tokenizer, ["親が休めない", "母親が休めない", "体を休める場所"])
    assert "休む" not in both and "休める" not in both
    assert display_term("休む+否定", both) == "休まない"
    assert display_term("休む", both) != display_term("休める", both)


def _tok(term, lemma, orth, surface=None):
    return Token(surface or orth, lemma, orth, "名詞-普通名詞-一般", 0, 1, True, term)


def test_a_collision_between_two_remapped_terms_keeps_both_lemmas():
    # two different lemmas both written 甲: neither may be shown as 甲
    notes = [[_tok("Ａ", "Ａ", "甲")], [_tok("Ａ", "Ａ", "甲")], [_tok("Ｂ", "Ｂ", "甲")], [_tok("Ｃ", "Ｃ", "丙")]]
    assert written_forms(notes) == {"Ｃ": "丙"}
    assert written_forms(notes[:2] + notes[3:]) == {"Ａ": "甲", "Ｃ": "丙"}


def test_unknown_words_vote_with_their_surface():
    notes = [[Token("ＭＳＷ", "", "", "名詞-普通名詞-一般", 0, 3, True, "MSW")]] * 2
    assert written_forms(notes) == {"MSW": "ＭＳＷ"}


def test_negated_terms_conjugate_the_written_form(tokenizer):
    forms = _forms(tokenizer, ["地域とつながらない", "地域とつながる場", "空きがない", "空きがない",
                               "わからないことが多い"])
    assert display_term("繋がる+否定", forms) == "つながらない"
    assert display_term("繋がる", forms) == "つながる"
    assert display_term("明き+否定", forms) == "空きがない"
    assert display_term("分かる+否定", forms) == "わからない"
    assert display_term("繋がる+否定") == "繋がらない"  # no map: the lemma, as before


@pytest.mark.parametrize("base, shown", [
    ("つながる", "つながらない"), ("いる", "いない"), ("わかる", "わからない"), ("できる", "できない"),
    ("する", "しない"), ("くる", "こない"), ("来る", "来ない"), ("空き", "空きがない"), ("きょうだい", "きょうだいがない"),
])
def test_negated_form_conjugates_kana_spellings(base, shown):
    assert negated_form(base) == shown


@pytest.mark.parametrize("lemma, written, shown", [
    ("繋がる", "つながる", "つながらない"), ("居る", "いる", "いない"), ("分かる", "わかる", "わからない"),
    ("出来る", "できる", "できない"), ("来る", "くる", "こない"), ("明き", "空き", "空きがない"),
    ("返る", "かえる", "かえらない"),        # かえる alone reads as 蛙: the lemma's conjugation is used
    ("関わる", "関われる", "関われない"),    # a potential form, not 関われらない
    ("纏め役", "まとめ役", "まとめ役がいない"),
])
def test_negated_written(lemma, written, shown):
    assert negated_written(lemma, written) == shown


# -- labels, key terms, network -------------------------------------------------------------------------

def test_labels_and_key_terms_use_the_written_forms():
    forms = {"兄弟": "きょうだい", "繋がる": "つながる"}
    w = [[("兄弟", 0.5), ("繋がる+否定", 0.4), ("行事", 0.3)]]
    assert make_labels(w, forms=forms) == ["きょうだい・つながらない・行事"]
    assert make_labels(w) == ["兄弟・繋がらない・行事"]
    assert format_key_terms(w[0], forms=forms) == "きょうだい:0.500 / つながらない:0.400 / 行事:0.300"
    lab = ThemeLabeller(generic=frozenset({"兄弟"}))  # generic words are still matched on the term
    assert lab.labels(w, forms=forms) == ["つながらない・行事"]
    assert lab.key_terms(w[0], forms=forms).startswith("きょうだい:")


SIBLINGS = ["きょうだいの預け先がない", "きょうだいが寂しい思いをしている", "きょうだいの行事に行けない",
            "きょうだいへの支援がない", "きょうだいの運動会の行事に出られない", "きょうだいの世話ができない",
            "きょうだいを預けられない", "きょうだいのケアが足りない"]


@pytest.fixture(scope="module")
def planted(tokenizer):
    from issuemine.themes import ThemeModel

    from .conftest import SCHOOL, SHORT_STAY

    notes = make_notes(SIBLINGS + SHORT_STAY + SCHOOL)
    return notes, ThemeModel(n_themes=3, codebook=False, tokenizer=tokenizer, n_resamples=2, seed=0).fit(notes)


def test_a_fitted_result_shows_written_forms_but_keeps_lemma_terms(planted):
    _, r = planted
    assert r.display_forms["兄弟"] == "きょうだい"
    assert any("兄弟" in ts for ts in r.terms) and not any("きょうだい" in ts for ts in r.terms)
    shown = " ".join(r.themes["label"]) + " " + " ".join(r.themes["key_terms"])
    assert "きょうだい" in shown and "兄弟" not in shown


def test_merge_and_split_labels_use_written_forms(planted):
    from issuemine.edits import apply_theme_edits

    _, r = planted
    sib = r.assignments.loc[r.assignments["note_id"] == "N0000", "theme_id"].iloc[0]
    other = next(t for t in r.themes["theme_id"] if t != sib)
    merged, report = apply_theme_edits(r, [{"op": "merge", "themes": [other, sib]}])
    assert not report
    lab = merged.themes.set_index("theme_id").loc[other, "label"]
    keys = merged.themes.set_index("theme_id").loc[other, "key_terms"]
    assert "兄弟" not in lab + keys and "きょうだい" in keys
    ids = [n for n, t in zip(r.note_ids, r.theme_of) if t == sib][:4]
    split, report = apply_theme_edits(r, [{"op": "split", "theme": sib, "notes": ids}])
    assert not report
    new = split.themes[~split.themes["theme_id"].isin(r.themes["theme_id"])]
    assert len(new) == 1 and "きょうだい" in new["label"].iloc[0] and "兄弟" not in new["label"].iloc[0]


def test_pickled_results_keep_the_map_and_old_ones_fall_back_to_lemmas(planted):
    _, r = planted
    back = pickle.loads(pickle.dumps(r))
    assert back.display_forms == r.display_forms and back.display_forms
    assert back.terms == r.terms
    old = r.copy()
    del old.__dict__["display_forms"]  # a result pickled before the field existed
    old = pickle.loads(pickle.dumps(old))
    assert old.display_forms is None
    old.rebuild()
    assert "兄弟" in " ".join(old.themes["key_terms"])
    assert (old.assignments["theme_id"] == r.assignments["theme_id"]).all()


def _node_text(fig):
    # the nodes' trace (hover text) and the placed labels' trace
    return [t for tr in fig.data if tr.mode in ("markers", "text") and tr.text for t in tr.text]


def test_network_nodes_show_written_forms(planted, tokenizer):
    from issuemine.themes.figures import cooccurrence_figure

    notes, r = planted
    assert "きょうだい" in _node_text(cooccurrence_figure(notes, terms=r.terms, display_forms=r.display_forms))
    assert "兄弟" in _node_text(cooccurrence_figure(notes, terms=r.terms))  # terms alone: the lemmas
    assert "きょうだい" in _node_text(cooccurrence_figure(notes, tokenizer=tokenizer))     # counted here


# -- the sample workshop --------------------------------------------------------------------------------

def _shown_words(result):
    words = []
    for label in result.themes["label"]:
        words += label.split("・")
    for keys in result.themes["key_terms"]:
        words += [k.rsplit(":", 1)[0] for k in keys.split(" / ") if k]
    return words


def test_sample_labels_and_key_terms_use_the_notes_spelling(sample_result):
    r = sample_result
    # measured on workshops/sample/notes.csv: every one of these is written in the second form
    for lemma, written in [("兄弟", "きょうだい"), ("子供", "子ども"), ("明き", "空き"), ("分かる", "わかる"),
                           ("繋がる", "つながる")]:
        assert r.display_forms[lemma] == written
    assert "見る" not in r.display_forms
    words = _shown_words(r)
    for lemma in ("居る", "為る", "明き", "兄弟", "子供", "繋がらない", "分からない"):
        assert not [w for w in words if lemma in w], lemma
    assert "きょうだい" in words
    # no term of the map is shown as its lemma anywhere
    for lemma in r.display_forms:
        assert lemma not in words and display_term(lemma + "+否定") not in words, lemma


def test_display_forms_change_no_term_and_no_theme(sample_notes, tokenizer, sample_result, monkeypatch):
    from issuemine.themes import ThemeModel, label

    monkeypatch.setattr(label, "written_forms", lambda tokens: {})
    plain = ThemeModel(seed=0, tokenizer=tokenizer, n_resamples=3).fit(sample_notes)
    r = sample_result
    assert plain.display_forms == {} and r.display_forms
    assert list(r.terms) == list(plain.terms)
    assert r.theme_of == plain.theme_of
    assert np.array_equal(r.note_vectors, plain.note_vectors)
    assert r.stability_by_theme == plain.stability_by_theme
    assert r.assignments.drop(columns=["theme_label"]).equals(plain.assignments.drop(columns=["theme_label"]))
    # same weights in the same order; only the words differ
    w = [[k.rsplit(":", 1)[1] for k in keys.split(" / ")] for keys in r.themes["key_terms"]]
    assert w == [[k.rsplit(":", 1)[1] for k in keys.split(" / ")] for keys in plain.themes["key_terms"]]
    assert "兄弟" in " ".join(plain.themes["key_terms"]) and "兄弟" not in " ".join(r.themes["key_terms"])
    assert r.info["codebook"] == plain.info["codebook"]


def test_written_forms_are_deterministic_and_order_free(sample_notes, tokenizer, sample_result):
    corpus = prepare(sample_notes["text"].tolist(), tokenizer)
    assert corpus.display_forms == sample_result.display_forms
    assert list(corpus.display_forms) == sorted(corpus.display_forms)
    shuffled = list(corpus.tokens)
    random.Random(3).shuffle(shuffled)
    assert written_forms(shuffled) == corpus.display_forms


# -- words the tagger cut before their suffix (issue 14: labels show the notes' words whole) -----------

def test_a_word_cut_before_its_suffix_is_shown_whole(tokenizer):
    """保護|者 is 保護者 (protection is not a guardian), 当事|者 is 当事者, 避難|所 is 避難所."""
    forms = _forms(tokenizer, ["保護者の付き添いが必要", "保護者が休めない", "保護者が見つからない",
                               "当事者の声を聞く", "当事者の会がない", "避難所が遠い", "避難所に入れない"])
    assert display_term("保護", forms) == "保護者"
    assert display_term("当事", forms) == "当事者"
    assert display_term("避難", forms) == "避難所"
    # its negation is the word's own: 保護者がいない, not 保護できない
    assert display_term("保護+否定", forms) == "保護者がいない"
    assert display_term("避難+否定", forms) == "避難所がない"


def test_honorific_plural_and_etc_suffixes_are_not_part_of_the_word(tokenizer):
    forms = _forms(tokenizer, ["訪問看護さんが来る", "訪問看護さんが少ない", "子どもたちの遊び場", "子どもたちが多い",
                               "施設等が足りない", "施設等の空き", "病院内の連携", "病院内で話す"])
    for term in ("訪問看護", "子ども", "施設", "病院"):
        assert display_term(term, forms) == term


def test_a_word_mostly_written_alone_keeps_its_own_form(tokenizer):
    forms = _forms(tokenizer, ["障害者の施設", "障害がある", "障害の程度", "障害が重い"])
    assert display_term("障害", forms) == "障害"


def test_words_unidic_reads_as_noun_plus_counter_are_shown_whole(tokenizer):
    """自治|体 and 高等|部 (the tagger reads 体 and 部 as counters) are 自治体 and 高等部; a number with its
    counter is a different matter and never votes."""
    forms = _forms(tokenizer, ["自治体によって違う", "自治体の支援が少ない", "高等部を卒業した後", "高等部の進路"])
    assert display_term("自治", forms) == "自治体"
    assert display_term("高等", forms) == "高等部"
