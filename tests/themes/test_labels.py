"""Labels: general words do not name themes, negated terms read as Japanese, compounds and lacks win."""

import numpy as np
import pytest

from issuemine.themes.label import (
    ThemeLabeller,
    display_term,
    load_generic_terms,
    make_labels,
    negated_form,
    term_weights,
)


@pytest.mark.parametrize("term, shown", [
    ("連携+否定", "連携できない"), ("共有+否定", "共有できない"), ("知る+否定", "知らない"),
    ("分かる+否定", "分からない"), ("足りる+否定", "足りない"), ("受ける+否定", "受けない"),
    ("使う+否定", "使わない"), ("来る+否定", "来ない"), ("出来る+否定", "できない"),
    ("受け入れ先+否定", "受け入れ先がない"), ("人+否定", "人がいない"), ("キーパーソン+否定", "キーパーソンがいない"),
    ("経験+否定", "経験がない"), ("良い+否定", "良くない"), ("顔の見える関係+否定", "顔の見える関係がない"),
    ("短期入所", "短期入所"),
])
def test_negated_terms_are_shown_as_a_note_would_say_them(term, shown):
    assert display_term(term) == shown


def test_generic_words_do_not_name_a_theme_but_stay_in_key_terms():
    # 地域 is in every note of the theme, yet the label is made of the specific words
    terms = [["地域", "小児", "病院", "資源"], ["地域", "小児", "病院", "資源"], ["地域", "病院", "窓口"],
             ["地域", "窓口", "資源"], ["短期入所", "不足"], ["短期入所", "不足"]]
    lab = ThemeLabeller()
    w = lab.weights(terms, [np.arange(4), np.arange(4, 6)])
    labels = lab.labels(w)
    assert labels[0] == "病院・資源・窓口"
    assert "地域" in lab.key_terms(w[0]) and "小児" in lab.key_terms(w[0])
    assert ThemeLabeller(generic=False).labels(w)[0].startswith("地域")


def test_a_theme_of_generic_words_only_still_gets_a_label():
    w = term_weights([["地域", "生活"], ["地域", "生活"]], [np.arange(2)])
    assert make_labels(w, generic=frozenset({"地域", "生活"})) == ["地域・生活"]


def test_bundled_generic_list_has_the_field_words_and_never_the_theme_carriers():
    g = load_generic_terms()
    assert {"小児", "地域", "事業", "合わせる", "関わる", "患者", "管理", "生活", "話"} <= g
    assert not {"連携", "支援", "医療", "福祉", "短期入所"} & g


def test_a_term_spread_over_all_themes_weighs_less_than_one_kept_to_this_theme():
    # 在宅 and 吸引 are in the same share of theme 0's notes; 在宅 is also everywhere else
    terms = [["在宅", "吸引"]] * 3 + [["在宅", "学校"]] * 3 + [["在宅", "短期入所"]] * 3
    w = dict(term_weights(terms, [np.arange(3), np.arange(3, 6), np.arange(6, 9)])[0])
    assert w["吸引"] > 2 * w["在宅"]


def test_negated_nouns_are_preferred_to_their_plain_form_and_bare_negated_verbs_are_not():
    terms = [["連携+否定", "連携"]] * 3 + [["学校"]] * 3
    w = term_weights(terms, [np.arange(3), np.arange(3, 6)])[0]
    assert w[0][0] == "連携+否定"
    terms = [["付ける+否定", "付ける"]] * 3 + [["学校"]] * 3
    assert term_weights(terms, [np.arange(3), np.arange(3, 6)])[0][0][0] == "付ける"


def test_negated_form_is_cached_and_pure():
    assert negated_form("連携") == negated_form("連携") == "連携できない"


def test_discovered_labels_on_the_sample_avoid_generic_words(sample_result):
    g = load_generic_terms()
    disc = sample_result.themes[sample_result.themes["source"] == "discovered"]
    assert len(disc) >= 1
    for label in disc["label"]:
        words = label.split("・")
        assert not [x for x in words if x in g], label


def test_two_specific_words_make_a_shorter_label_rather_than_a_general_filler():
    w = [[("事業", 0.5), ("会議", 0.4), ("支援", 0.3)], [("会議", 0.5), ("支援", 0.4), ("事業", 0.3)]]
    assert make_labels(w, generic=frozenset({"事業"})) == ["会議・支援", "会議・支援・事業"]
