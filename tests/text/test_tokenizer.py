"""JapaneseTokenizer behaviour: offsets, modes, both compound back-ends, sklearn and pandas use."""

import pickle

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuemine.text import JapaneseTokenizer, Normalizer, Token, normalize
from tests.text.test_known_answers import CASES

# Text made of field words, kana, particles, digits, Latin and spaces: enough to hit compounds,
# abbreviations, negation and numbers in random combinations.
PIECES = ["訪看", "ST", "Ns", "ショートステイ", "連携", "できない", "ない", "が", "の", "を", "と", "、", "。", " ",
          "24", "時間", "対応", "医療的ケア児", "相談支援", "専門員", "呼吸器", "人工", "わから", "分から", "子供",
          "ステーション", "訪問看護", "ａｂｃ", "Dr", "PT", "いない", "受け入れ先", "少ない", "不足", "だ", "ｶﾞ"]
field_text = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
any_text = st.one_of(field_text, st.text(max_size=40))


@pytest.fixture(scope="module")
def tok():
    return JapaneseTokenizer().fit()


@pytest.fixture(scope="module")
def merge_tok():
    return JapaneseTokenizer(compound_method="merge").fit()


def test_user_dictionary_is_used(tok):
    assert tok.compound_backend_ == "userdic"
    assert "訪問看護ステーション" in tok.compound_words_
    assert "病院" not in tok.compound_words_  # UniDic keeps it whole already


@settings(max_examples=150, deadline=None)
@given(any_text)
def test_token_offsets_point_into_normalised_text(text):
    tok = _shared()
    norm = normalize(text)
    tokens = tok.tokens(text)
    last = 0
    for t in tokens:
        assert isinstance(t, Token)
        assert norm[t.start:t.end] == t.surface
        assert t.start >= last
        last = t.end
        assert t.is_term == bool(t.term)
    # every non-space character is covered by some token
    covered = sum(t.end - t.start for t in tokens)
    assert covered == len(norm.replace(" ", ""))


@settings(max_examples=150, deadline=None)
@given(any_text)
def test_terms_agree_with_tokens_and_call(text):
    tok = _shared()
    terms = tok.terms(text)
    assert terms == [t.term for t in tok.tokens(text) if t.is_term]
    assert tok(text) == terms
    assert tok.terms_many([text, text]) == [terms, terms]
    assert all(terms)


def test_normalize_fixes_spacing_an_expansion_creates():
    # found by the property below: ST expands to Japanese after "24 ", which the first pass had kept
    assert normalize("24 ST") == "24言語聴覚士" == normalize(normalize("24 ST"))
    assert normalize("訪看ST 2 名") == "訪問看護ステーション 2名"


@settings(max_examples=100, deadline=None)
@given(field_text)
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


_TOK = None


def _shared():
    global _TOK
    if _TOK is None:
        _TOK = JapaneseTokenizer().fit()
    return _TOK


def test_merge_fallback_matches_user_dictionary(tok, merge_tok):
    assert merge_tok.compound_backend_ == "merge"
    for text, expected in CASES:
        assert merge_tok.terms(text) == expected, text


def test_merge_only_at_token_boundaries(merge_tok):
    # 在宅医 must not be found inside 在宅|医療
    assert "在宅医" not in merge_tok.terms("在宅医療の話")


def test_negation_modes():
    text = "病院と連携できない"
    assert JapaneseTokenizer(negation="replace").terms(text) == ["病院", "連携+否定"]
    assert JapaneseTokenizer(negation="both").terms(text) == ["病院", "連携", "連携+否定"]
    assert JapaneseTokenizer(negation="off").terms(text) == ["病院", "連携"]
    assert JapaneseTokenizer(negation="off").terms("受け入れ先がない") == ["受け入れ先", "ない"]
    with pytest.raises(ValueError):
        JapaneseTokenizer(negation="maybe").terms(text)


def test_keep_numbers_off():
    assert JapaneseTokenizer(keep_numbers=False).terms("ヘルパーが2人") == ["ヘルパー"]
    assert JapaneseTokenizer().terms("ヘルパーが2人") == ["ヘルパー", "2人"]
    # a compound with a number stays whole either way
    assert JapaneseTokenizer(keep_numbers=False).terms("24時間対応") == ["24時間対応"]


def test_custom_compounds_and_stopwords(tmp_path):
    words = tmp_path / "compounds.txt"
    words.write_text("# mine\n摂食嚥下\n", encoding="utf-8")
    stops = tmp_path / "stop.txt"
    stops.write_text("情報\n", encoding="utf-8")
    tok = JapaneseTokenizer(compounds=words, stopwords=stops)
    assert tok.terms("摂食嚥下の情報") == ["摂食嚥下"]
    assert JapaneseTokenizer(compounds=(), stopwords=[]).terms("摂食嚥下の情報") == ["摂食", "嚥下", "情報"]


def test_custom_normalizer(tmp_path):
    abbr = tmp_path / "abbr.tsv"
    abbr.write_text("from\tto\tnote\nMSW\t医療ソーシャルワーカー\t\n", encoding="utf-8")
    tok = JapaneseTokenizer(normalizer=Normalizer(abbr))
    assert tok.terms("MSWに相談") == ["医療ソーシャルワーカー", "相談"]
    # the bundled map is not applied by a custom normaliser
    assert tok.terms("訪看") != ["訪問看護"]


def test_user_dictionary_build_in_fresh_cache_with_space(tmp_path, monkeypatch):
    cache = tmp_path / "my cache"
    monkeypatch.setenv("ISSUEMINE_CACHE", str(cache))
    tok = JapaneseTokenizer(compounds=["訪問歯科診療", "口腔ケア"], compound_method="userdic").fit()
    assert tok.compound_backend_ == "userdic"
    assert len(list((cache / "userdic").glob("compounds-*.dic"))) == 1
    assert tok.terms("訪問歯科診療で口腔ケア") == ["訪問歯科診療", "口腔ケア"]


def test_unusable_cache_falls_back_to_merging(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("ISSUEMINE_CACHE", str(blocker / "cache"))
    tok = JapaneseTokenizer(compounds=["訪問歯科診療"]).fit()
    assert tok.compound_backend_ == "merge"
    assert tok.terms("訪問歯科診療") == ["訪問歯科診療"]
    with pytest.raises(RuntimeError):
        JapaneseTokenizer(compounds=["訪問歯科診療"], compound_method="userdic").fit()


def test_missing_values_are_empty(tok):
    assert tok.terms(None) == []
    assert tok.terms(float("nan")) == []
    assert tok.terms(pd.NA) == []
    assert tok.terms("") == []


def test_deterministic_across_instances_and_pickle(tok):
    texts = [c[0] for c in CASES]
    first = tok.terms_many(texts)
    again = JapaneseTokenizer().terms_many(texts)
    clone = pickle.loads(pickle.dumps(tok))
    assert first == again == clone.terms_many(texts)


def test_series_round_trip_keeps_index(tok):
    s = pd.Series(["訪看と連携できない", "ショートステイ", None], index=["n3", "n1", "n9"], name="text")
    out = tok.fit().transform(s)
    assert isinstance(out, pd.Series)
    assert list(out.index) == ["n3", "n1", "n9"] and out.name == "text"
    assert out.tolist() == [["訪問看護", "連携+否定"], ["短期入所"], []]
    assert tok.transform(["気切"]) == [["気管切開"]]


def test_sklearn_pipeline():
    from sklearn.base import clone
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline

    texts = [c[0] for c in CASES]
    pipe = Pipeline([("tfidf", TfidfVectorizer(analyzer=JapaneseTokenizer())), ("svd", TruncatedSVD(2, random_state=0))])
    x = pipe.fit_transform(texts)
    assert x.shape == (len(texts), 2)
    vocab = pipe.named_steps["tfidf"].vocabulary_
    assert {"訪問看護ステーション", "連携+否定", "短期入所", "分かる+否定"} <= set(vocab)
    assert "課題" not in vocab and "が" not in vocab
    again = clone(pipe).fit_transform(texts)
    assert (abs(x - again) < 1e-12).all()


def test_get_set_params():
    tok = JapaneseTokenizer(negation="both")
    assert tok.get_params()["negation"] == "both"
    tok.set_params(negation="off")
    assert tok.terms("連携できない") == ["連携"]
    with pytest.raises(ValueError):
        tok.set_params(colour="red")
