"""Coding new texts to a fitted theme model (ThemeResult.assign): known structure, no wrong theme, pickling."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from .conftest import SCHOOL, SHORT_STAY

NEW_SHORT_STAY = ["短期入所の空きが見つからない", "ショートステイを使いたいが予約が取れない"]
NEW_SCHOOL = ["学校に看護師がいないので通学できない", "特別支援学校の先生に医療的ケアを知ってほしい"]
OFF_TOPIC = ["今日は天気が良いので野球を見に行った", "新しいスマホを買いました", "", "。。。", None]


def _theme_of_topic(result, texts):
    """The theme that holds most of the training notes written about one topic."""
    pos = {t: i for i, t in enumerate(result.texts)}
    themes = [result.theme_of[pos[t]] for t in texts]
    return max(set(themes), key=themes.count)


def test_known_topics_get_their_theme_and_off_topic_none(two_topic_result):
    r = two_topic_result
    stay, school = _theme_of_topic(r, SHORT_STAY), _theme_of_topic(r, SCHOOL)
    assert stay != school
    out = r.assign(NEW_SHORT_STAY + NEW_SCHOOL + OFF_TOPIC)
    assert list(out.columns) == ["theme_id", "theme_label", "theme_confidence"] and len(out) == 9
    assert list(out["theme_id"][:2]) == [stay] * 2
    assert list(out["theme_id"][2:4]) == [school] * 2
    # off-topic, empty and punctuation-only answers get no theme rather than a wrong one
    assert list(out["theme_id"][4:]) == [""] * 5 and (out["theme_confidence"][4:] == 0).all()
    labels = dict(zip(r.themes["theme_id"], r.themes["label"]))
    assert list(out["theme_label"][:4]) == [labels[t] for t in out["theme_id"][:4]]
    assert out["theme_confidence"][:4].between(0, 1).all()


def test_training_notes_mostly_assigned_back_to_their_theme(two_topic_result):
    r = two_topic_result
    out = r.assign(r.texts)
    assert (out["theme_id"].to_numpy() == np.array(r.theme_of)).mean() >= 0.9


def test_assign_does_not_change_the_fit_and_is_deterministic(two_topic_result):
    r = two_topic_result
    themes, assignments = r.themes.copy(), r.assignments.copy()
    vectors = r.note_vectors.copy()
    a = r.assign(NEW_SHORT_STAY + NEW_SCHOOL)
    b = r.assign(NEW_SHORT_STAY + NEW_SCHOOL)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(r.themes, themes)
    pd.testing.assert_frame_equal(r.assignments, assignments)
    assert np.array_equal(r.note_vectors, vectors)
    # one text at a time gives the same as all together (nothing depends on the batch)
    single = pd.concat([r.assign([t]) for t in NEW_SHORT_STAY + NEW_SCHOOL], ignore_index=True)
    pd.testing.assert_frame_equal(single, a)


def test_threshold_only_removes_themes(two_topic_result):
    r = two_topic_result
    texts = NEW_SHORT_STAY + NEW_SCHOOL
    loose, strict = r.assign(texts, min_similarity=-1.0), r.assign(texts, min_similarity=1.01)
    assert (loose["theme_id"] != "").all() and (strict["theme_id"] == "").all()


def test_pickled_result_assigns_the_same(two_topic_result):
    r = two_topic_result
    texts = NEW_SHORT_STAY + NEW_SCHOOL + OFF_TOPIC
    back = pickle.loads(pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL))
    pd.testing.assert_frame_equal(back.assign(texts), r.assign(texts))
    pd.testing.assert_frame_equal(back.copy().assign(texts), r.assign(texts))


def test_pickle_does_not_carry_the_word_vector_table(sample_result):
    if not sample_result.info["vectors"]["used"]:
        pytest.skip("ja-ginza vectors not installed")
    # the chiVe table is tens of MB; the web app stores pickled results, so it is reloaded instead
    size = len(pickle.dumps(sample_result, protocol=pickle.HIGHEST_PROTOCOL))
    assert size < 10_000_000


def test_codebook_seed_terms_win_in_guided_mode(sample_result):
    r = sample_result
    if r.info["mode"] != "guided" or "C01" not in set(r.theme_of) or "C10" not in set(r.theme_of):
        pytest.skip("the sample's codebook themes are not present")
    out = r.assign(["ショートの探し方が分かった", "学校の話ももっと聞きたかった", "昼ご飯はカレーでした"])
    assert list(out["theme_id"]) == ["C01", "C10", ""]


def test_result_without_fitted_stages_is_a_clear_error(two_topic_result):
    from issuemine.errors import IssuemineError

    old = two_topic_result.copy()
    old.embedder = None
    with pytest.raises(IssuemineError, match="作り直して"):
        old.assign(["短期入所が足りない"])
