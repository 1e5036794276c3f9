import msgpack
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuemine.themes.vectors import (
    NoteVectorizer,
    SortedWordIndex,
    WordVectors,
    ja_ginza_vocab_dir,
    load_chive,
    murmurhash64a,
)

# Values checked against the key2row table shipped in ja-ginza 5.3.0 (spaCy's hash_string, seed 1).
KNOWN = {"連携": 11321343215697562212, "病院": 11844437484733385260, "家族": 9159227157873384849,
         "a": 11901859001352538922, "ない": 1006397123117692312}


@pytest.mark.parametrize("word,value", sorted(KNOWN.items()))
def test_murmurhash64a_known_values(word, value):
    assert murmurhash64a(word) == value
    assert murmurhash64a(word.encode("utf-8")) == value


def test_murmurhash_tail_lengths_differ():
    # every tail length 0..7 and one full block take a different path through the function
    values = {murmurhash64a("x" * n) for n in range(17)}
    assert len(values) == 17
    assert murmurhash64a("abc", seed=1) != murmurhash64a("abc", seed=2)


vocab = ja_ginza_vocab_dir()
needs_ginza = pytest.mark.skipif(vocab is None, reason="ja-ginza wheel not installed")


@needs_ginza
def test_hash_matches_shipped_key2row_for_many_words():
    import json

    key2row = msgpack.unpackb((vocab / "key2row").read_bytes(), strict_map_key=False)
    strings = json.loads((vocab / "strings.json").read_text(encoding="utf-8"))
    sample = strings[1000:1200] + ["訪問", "看護", "短期", "入所", "学校"]
    found = sum(murmurhash64a(s) in key2row for s in sample)
    assert found >= 0.95 * len(sample)


@needs_ginza
def test_export_cache_round_trip(tmp_path, caplog):
    caplog.set_level("INFO", logger="issuemine")
    wv, msg = load_chive(cache=tmp_path)
    assert "書き出して" in msg
    assert [r.getMessage() for r in caplog.records if "初回のみ" in r.getMessage()]  # the wait is explained
    assert len(wv.index) > 400_000 and wv.matrix.shape == (20000, 300)
    caplog.clear()
    again, msg2 = load_chive(cache=tmp_path)
    assert not caplog.records  # read from the cache: nothing to explain
    assert "キャッシュ" in msg2
    for w in ("連携", "病院", "学校"):
        assert again.row(w) == wv.row(w)
        np.testing.assert_array_equal(again.matrix[again.row(w)], wv.matrix[wv.row(w)])


def test_compound_falls_back_to_pieces():
    wv = WordVectors(["訪問", "看護", "ステーション"], np.array([0, 1, 2]), np.eye(3, dtype=np.float32))
    assert wv.rows_of("訪問看護ステーション") == [0, 1, 2]
    assert wv.rows_of("看護") == [1]
    assert wv.rows_of("zz") == []


def test_note_vector_is_mean_of_lemma_then_base_then_surface(tokenizer):
    words = ["短期", "入所", "学校"]
    wv = WordVectors(words, np.array([0, 1, 2]), np.eye(3, dtype=np.float32))
    nv = NoteVectorizer(word_vectors=wv)
    toks = tokenizer.tokens_many(["学校", "短期入所"])
    out = nv.fit_transform(toks)
    np.testing.assert_allclose(out[0], [0, 0, 1])
    np.testing.assert_allclose(out[1], [0.5, 0.5, 0])  # the compound, from its pieces


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=6), st.integers(0, 10**6), max_size=40),
       st.lists(st.text(max_size=6), max_size=20))
def test_sorted_word_index_agrees_with_a_dict(table, probes):
    """The binary-search index answers exactly what a dict of the same words would, sorted input or not."""
    words = list(table)
    index = SortedWordIndex(words, np.array([table[w] for w in words], dtype=np.int64))
    assert len(index) == len(table)
    for w in words + probes:
        assert index.get(w) == table.get(w)
    saved_order = sorted(table)
    presorted = SortedWordIndex(saved_order, np.array([table[w] for w in saved_order]), presorted=True)
    for w in words + probes:
        assert presorted.get(w) == table.get(w)
