"""The per-morpheme rules, on synthetic tagger lines (surface, POS, lemma, orthBase)."""

from issuemine.text.rules import LIGHT, NEG, NUM, OTHER, PASS, TERM, Rules, display_form, load_stopwords

RULES = Rules(load_stopwords(), keep_numbers=True)


def kind(line):
    m = RULES.classify(line)
    return m.kind, m.term


def test_short_hiragana_words_are_noise():
    assert kind("ねこ\t名詞-普通名詞-一般\tねこ\tねこ") == (OTHER, "")
    assert kind("ねこや\t名詞-普通名詞-一般\tねこや\tねこや")[1] == "ねこや"


def test_stop_words_and_themes():
    assert kind("課題\t名詞-普通名詞-一般\t課題\t課題") == (OTHER, "")
    assert kind("こと\t名詞-普通名詞-一般\t事\tこと")[1] == ""
    assert kind("支援\t名詞-普通名詞-サ変可能\t支援\t支援") == (TERM, "支援")
    assert kind("連携\t名詞-普通名詞-サ変可能\t連携\t連携") == (TERM, "連携")


def test_roles():
    assert kind("ない\t助動詞\tない\tない") == (NEG, "")
    assert kind("ない\t形容詞-非自立可能\t無い\tない") == (NEG, "ない")
    assert kind("でき\t動詞-非自立可能\t出来る\tできる") == (LIGHT, "")
    assert kind("が\t助詞-格助詞\tが\tが") == (PASS, "")
    assert kind("に\t助詞-格助詞\tに\tに") == (OTHER, "")
    assert kind("24\t名詞-数詞\t\t")[0] == NUM
    assert kind("二\t名詞-数詞\t二\t二") == (OTHER, "")


def test_unknown_words_and_short_lines():
    assert kind("NICU\t名詞-普通名詞-一般\t\t") == (TERM, "NICU")
    assert kind("？") == (OTHER, "")


def test_display_form():
    assert display_form("ステーション", "ステーション-station", "ステーション") == "ステーション"
    assert display_form("わから", "分かる", "わかる") == "分かる"
    assert display_form("MSW", "", "") == "MSW"
