"""The large-input path (themes/large.py): its pieces equal the exact path's, and the whole agrees with it."""

import numpy as np
import pytest

from issuemine.themes.codebook import CodebookMatcher, default_codebook_path, load_codebook
from issuemine.themes.terms import TermTable, term_weights

from .conftest import make_notes


def test_large_embedding_equals_exact_when_the_sample_is_everything(sample_notes, tokenizer):
    """TF-IDF rows, the chiVe block (sparse counts × word table), terms, written forms and seed hits of the
    chunked path equal the exact stages' when the sample is every note and nothing is projected."""
    from issuemine.themes.large import SampledFit
    from issuemine.themes.reduce import BlockReducer
    from issuemine.themes.vectorize import HybridVectorizer, prepare

    texts = sample_notes["text"].astype(str).tolist()
    corpus = prepare(texts, tokenizer)
    vec = HybridVectorizer(tfidf=("term",))
    X = BlockReducer(seed=0).fit_transform(vec.fit_transform(corpus))
    codebook = load_codebook(default_codebook_path())
    hits = CodebookMatcher(codebook).hits(corpus.texts, corpus.tokens)

    fit = SampledFit(sample_size=10 ** 6, dims=10 ** 4, chunk=100)   # several chunks
    vec2 = HybridVectorizer(tfidf=("term",))
    sample, terms, X2, _, hits2 = fit.embed(texts, tokenizer, vec2, BlockReducer(seed=0), codebook)
    assert X2.shape == X.shape
    np.testing.assert_allclose(X2, X, atol=1e-5)
    assert np.array_equal(hits2, hits)
    assert terms == corpus.terms
    assert sample.display_forms == corpus.display_forms
    assert vec2.coverage_ == pytest.approx(vec.coverage_)


def test_vectorised_seed_hits_equal_the_matcher(sample_notes, tokenizer, tmp_path):
    from issuemine.text import normalize
    from issuemine.themes.large import Morphs, seed_hits

    texts = sample_notes["text"].astype(str).tolist() + [
        "大学病院と病院の連携", "訪問看護ステーション 親切な親", "親と子 地区の区役所", "病院病院大学病院",
        "ショートステイ ショートステイ", "", "  ", "看護看護看護", "医療型短期入所と短期入所", "ああああ",
    ]
    toks = tokenizer.tokens_many(texts)
    norm = [normalize(t) for t in texts]
    # the bundled codebook, and one with context terms, nested words and a self-overlapping word
    own = tmp_path / "codebook.tsv"
    own.write_text("id\tname\theading\tseed_terms\tcontext_terms\n"
                   "C01\t病院\t医療\t病院 大学病院 看護\t親 ああ\n"
                   "C02\t短期入所\t資源\t短期入所 医療型短期入所 ショートステイ\t病院 区\n", encoding="utf-8")
    morphs = Morphs.of(tokenizer, texts)
    for codebook in (load_codebook(default_codebook_path()), load_codebook(own)):
        expected = CodebookMatcher(codebook).hits(norm, toks)
        assert expected[-10:].sum() > 0                                  # the hand-made notes do hit words
        assert np.array_equal(seed_hits(codebook, morphs), expected)


def test_term_table_reads_like_lists_and_weights_like_the_labeller(sample_result):
    from issuemine.themes.label import term_weights as list_weights

    lists = [list(t) for t in sample_result.terms]
    table = TermTable.from_lists(lists)
    assert len(table) == len(lists) and list(table) == lists and table == lists
    assert table[5] == lists[5] and table[-1] == lists[-1]
    assert table.take([3, 1]) == [lists[3], lists[1]]
    ids = table.ids.copy()
    table.csr()
    assert np.array_equal(table.ids, ids) and list(table) == lists   # scipy must not sort it in place
    lab = np.array([hash(t) % 7 for t in sample_result.theme_of])
    groups = [np.flatnonzero(lab == g) for g in range(7)]
    want, got = list_weights(lists, groups), term_weights(table, groups, 0.5)
    for w, g in zip(want, got):
        assert [t for t, _ in g[:20]] == [t for t, _ in w[:20]]
        assert [s for _, s in g[:20]] == pytest.approx([s for _, s in w[:20]], rel=1e-9)


def _joined_notes(n: int, seed: int = 0):
    """bench/themes_scale.py's generator: the first half of one sample note + the second half of another."""
    from pathlib import Path

    import pandas as pd

    src = pd.read_csv(Path(__file__).resolve().parents[2] / "workshops" / "sample" / "notes.csv")
    texts = src["内容"].astype(str).tolist()
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, len(texts), n), rng.integers(0, len(texts), n)
    return make_notes([texts[i][: max(1, len(texts[i]) // 2)] + texts[j][len(texts[j]) // 2:]
                       for i, j in zip(a, b)])


def test_large_path_agrees_with_exact_path_on_20k_notes(tokenizer):
    """Both paths forced on one 20k-note input (a fixed count of 30 themes, guided mode).

    Measured (seed 0): ARI 0.950 over all notes, AMI 0.947; 95 % of the notes keep their theme after
    matching themes one to one. Thresholds leave room for library versions.
    """
    from sklearn.metrics import adjusted_rand_score

    from issuemine.themes import ThemeModel

    notes = _joined_notes(20000)
    kw = dict(n_themes=30, seed=0, n_resamples=1, tokenizer=tokenizer)
    exact = ThemeModel(large=False, **kw).fit(notes)
    large = ThemeModel(large=True, sample_size=5000, **kw).fit(notes)
    assert "large" not in exact.info and large.info["large"]["sample"] == 5000
    assert isinstance(large.terms, TermTable) and large.note_vectors.dtype == np.float32
    assert large.note_vectors.shape == (20000, 128)
    assert adjusted_rand_score(exact.theme_of, large.theme_of) >= 0.85
    assert large.info["n_themes"] == exact.info["n_themes"] == 30
    assert set(large.themes["theme_id"]) == set(exact.themes["theme_id"])


def test_large_result_codes_new_texts_and_survives_storage(tokenizer, sample_notes):
    """A large-path result (forced on the sample) assigns new texts and round-trips through the app's store."""
    from issuemine.app.results import dump, load
    from issuemine.themes import ThemeModel

    res = ThemeModel(seed=0, large=True, sample_size=400, n_resamples=1, tokenizer=tokenizer).fit(sample_notes)
    assert res.info["large"]["sample"] == 400 and any("400 枚" in m for m in res.info["messages"])
    coded = res.assign(["短期入所の空きがなくて困っている", "天気が良い"])
    assert coded["theme_id"].iloc[0] != "" and coded["theme_id"].iloc[1] == ""
    back = load(dump(res))
    assert back.terms == res.terms
    again = back.copy().rebuild()
    assert again.themes.equals(res.themes)
    assert again.assignments.equals(res.assignments)
