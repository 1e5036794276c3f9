"""Guided mode: discovered themes (and notes) that are really codebook themes are handed back to them."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuemine.themes import ThemeModel
from issuemine.themes.absorb import CodebookAbsorber

from .conftest import make_notes


def _blob(rng, direction, n, noise=0.12):
    x = direction[None, :] + noise * rng.standard_normal((n, direction.size))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _planted(seed=0, d=40):
    """Three codebook themes (axes 0, 1, 2); cluster 0 lies on axis 1's topic, cluster 1 on a new axis 5."""
    rng = np.random.default_rng(seed)
    e = np.eye(d)
    X = np.vstack([_blob(rng, e[0], 15), _blob(rng, e[1], 15), _blob(rng, e[2], 15),
                   _blob(rng, e[1], 10), _blob(rng, e[5], 10)])
    cb = np.array([0] * 15 + [1] * 15 + [2] * 15 + [-1] * 20)
    cl = np.array([-1] * 45 + [0] * 10 + [1] * 10)
    return X, cb, cl


def test_a_cluster_on_a_codebook_topic_is_absorbed_and_a_new_one_stays():
    X, cb, cl = _planted()
    ab = CodebookAbsorber().fit(X, cb, cl)
    assert [(c, j) for c, j, *_ in ab.absorbed_] == [(0, 1)]
    assert (ab.labels_[45:55] == 1).all()
    assert (ab.labels_[55:] == -1).all()        # the new topic keeps its own theme
    assert (ab.labels_[:45] == cb[:45]).all()    # notes placed by seed terms never move
    _, _, cos, ratio = ab.absorbed_[0]
    assert cos > ab.spacing_ and ratio >= ab.member_ratio


def test_a_single_note_as_typical_as_the_codebook_members_moves_alone():
    X, cb, cl = _planted()
    X = X.copy()
    X[64] = np.eye(X.shape[1])[2]                # one note of the new cluster sits on codebook theme 2
    ab = CodebookAbsorber().fit(X, cb, cl)
    assert [(i, j) for i, j, *_ in ab.moved_] == [(64, 2)]
    assert ab.labels_[64] == 2 and (ab.labels_[55:64] == -1).all()
    assert (CodebookAbsorber(reassign_notes=False).fit(X, cb, cl).labels_[64]) == -1


def test_a_loose_cluster_near_a_codebook_theme_is_not_absorbed():
    # half on theme 1's topic, half on a new topic: the centroid leans towards theme 1, its notes do not
    X, cb, cl = _planted()
    X = X.copy()
    rng = np.random.default_rng(7)
    X[45:50] = _blob(rng, np.eye(X.shape[1])[7], 5)
    ab = CodebookAbsorber(reassign_notes=False).fit(X, cb, cl)
    assert ab.absorbed_ == []


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 5), st.integers(1, 4))
def test_only_clustered_notes_change_and_only_to_codebook_themes(seed, n_cb, n_cl):
    rng = np.random.default_rng(seed)
    sizes_cb, sizes_cl = rng.integers(1, 8, n_cb), rng.integers(1, 8, n_cl)
    n = int(sizes_cb.sum() + sizes_cl.sum())
    X = rng.standard_normal((n, 12))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    cb = np.concatenate([np.repeat(np.arange(n_cb), sizes_cb), np.full(sizes_cl.sum(), -1)])
    cl = np.concatenate([np.full(sizes_cb.sum(), -1), np.repeat(np.arange(n_cl), sizes_cl)])
    ab = CodebookAbsorber().fit(X, cb, cl)
    assert (ab.labels_[cb >= 0] == cb[cb >= 0]).all()
    assert set(ab.labels_[cb < 0].tolist()) <= {-1} | set(range(n_cb))
    again = CodebookAbsorber().fit(X, cb, cl)
    assert (again.labels_ == ab.labels_).all() and again.absorbed_ == ab.absorbed_


# --- end to end, real tokenizer and vectors, a codebook written for the test (fictional notes) ---
CODEBOOK = """id\tname\theading\tseed_terms
C01\t短期入所の不足\t地域資源・制度\t短期入所
C02\t学校\t地域資源・制度\t学校
C03\t家族の負担\t本人・家族\t介護負担 睡眠 就労 孤立
"""
SHORT_STAY = ["短期入所の空きがない", "短期入所の予約がとれない", "短期入所のベッドが足りない",
              "医療型短期入所が区内にない", "短期入所を断られた", "短期入所の日数が少ない",
              "短期入所先が遠い", "短期入所の職員が足りない"]
SCHOOL = ["学校に看護師がいない", "学校で吸引してもらえない", "学校の送迎がない", "学校に親の付き添いを求められる",
          "学校の先生が医療的ケアを知らない", "学校の行事に参加できない", "学校が決まらない", "学校のバスに乗れない"]
FAMILY_SEED = ["母親の介護負担が大きい", "母親が睡眠をとれない", "母親が就労をあきらめた", "母親が孤立している",
               "父親の介護負担も大きい", "家族が睡眠不足で疲れている", "父親の就労が続かない", "家族が地域で孤立する"]
FAMILY_REST = ["母親が夜眠れない", "母親が疲れ切っている", "母親が仕事を辞めた", "母親が外出できない",
               "父親と母親が疲れている", "家族が倒れそう", "母親が一人で抱えている", "家族が休めない"]
DISASTER = ["地震で停電すると呼吸器が止まる", "停電のときの電源がない", "地震の避難所に電源がない",
            "停電に備えた発電機がない", "地震のときの避難が不安", "停電で吸引器が使えない",
            "地震で電源を確保できない", "停電の備えがない"]


@pytest.fixture(scope="module")
def absorbed_fit(tmp_path_factory, tokenizer):
    path = tmp_path_factory.mktemp("cb") / "codebook.tsv"
    path.write_text(CODEBOOK, encoding="utf-8")
    notes = make_notes(SHORT_STAY + SCHOOL + FAMILY_SEED + FAMILY_REST + DISASTER)
    fit = lambda **kw: ThemeModel(codebook=path, tokenizer=tokenizer, n_resamples=2, **kw).fit(notes)
    return fit(), fit(), fit(absorb=False)


def test_family_notes_without_seed_terms_join_the_codebook_theme(absorbed_fit):
    r, _, off = absorbed_fit
    theme = r.assignments["theme_id"].tolist()
    fam = theme[24:32]
    assert fam == ["C03"] * 8, fam
    assert all(t.startswith("T") for t in theme[32:])      # the new topic stays discovered
    assert all(t.startswith("T") for t in off.assignments["theme_id"].tolist()[24:32])  # without: discovered
    cbi = r.info["codebook"]
    assert sum(a["size"] for a in cbi["absorbed"]) + cbi["notes_moved"] == 8
    assert "「家族の負担」" in cbi["absorption_ja"] and "C03" not in cbi["absorption_ja"] and cbi["absorption_ja"] in r.info["messages"]
    assert "合流" in r.info["why_ja"]
    assert set(r.themes.loc[r.themes["source"] == "discovered", "theme_id"]) == set(theme[32:])


def test_absorption_is_deterministic(absorbed_fit):
    a, b, _ = absorbed_fit
    assert a.assignments.equals(b.assignments) and a.themes.equals(b.themes)
    assert a.info["codebook"] == b.info["codebook"]


def test_a_given_theme_count_turns_absorption_off(tokenizer, tmp_path):
    path = tmp_path / "codebook.tsv"
    path.write_text(CODEBOOK, encoding="utf-8")
    notes = make_notes(SHORT_STAY + SCHOOL + FAMILY_SEED + FAMILY_REST + DISASTER)
    r = ThemeModel(n_themes=5, codebook=path, tokenizer=tokenizer, n_resamples=2).fit(notes)
    assert len(r.themes) == 5 and r.info["codebook"]["absorbed"] == []


def test_a_seed_inside_a_longer_matched_seed_counts_once(tmp_path):
    from issuemine.text import normalize
    from issuemine.themes.codebook import CodebookMatcher, load_codebook

    path = tmp_path / "cb.tsv"
    path.write_text("id\tname\theading\tseed_terms\nC01\t病院\tH\t病院 大学病院\nC02\t通院\tF\t通院 移動\n",
                    encoding="utf-8")
    m = CodebookMatcher(load_codebook(path))
    texts = [normalize(t) for t in ["大学病院が遠くて通院が負担", "大学病院と近くの病院", "病院への移動と通院"]]
    assert m.hits(texts).tolist() == [[1, 1], [2, 0], [1, 2]]
    assert m.match(texts).tolist() == [-1, 0, 1]   # the first is a tie, left to meaning


def test_absorbed_notes_are_held_to_the_clustered_notes_weak_margin(absorbed_fit):
    from issuemine.themes.model import CONFIDENCE_SCALE, SEED_WEAK_MARGIN, WEAK_MARGIN

    r = absorbed_fit[0]
    assert r.by_meaning[24:32].all() and not r.by_meaning[:24].any() and not r.by_meaning[32:].any()
    order = r.themes["theme_id"].tolist()
    lab = np.array([order.index(t) for t in r.theme_of])
    X = r.note_vectors
    C = np.stack([X[lab == i].mean(axis=0) for i in range(len(order))])
    C /= np.linalg.norm(C, axis=1, keepdims=True)
    sims = X @ C.T
    own = sims[np.arange(len(lab)), lab].copy()
    sims[np.arange(len(lab)), lab] = -np.inf
    margin = own - sims.max(axis=1)
    thresh = np.where(r.by_meaning, WEAK_MARGIN, SEED_WEAK_MARGIN)[:32]
    expected = np.round(1 / (1 + np.exp(-(margin[:32] - thresh) / CONFIDENCE_SCALE)), 4)
    assert np.allclose(r.assignments["theme_confidence"].to_numpy()[:32], expected, atol=2e-4)
