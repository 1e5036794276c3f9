import numpy as np
import pytest
from scipy import stats

from issuemine.themes.figures import cooccurrence_graph, profession_theme_table
from issuemine.themes.figures.map import _knn_place, map_coordinates


def test_cooccurrence_jaccard_known_answer():
    terms = [["短期入所", "不足"], ["短期入所", "不足"], ["短期入所", "学校"], ["学校", "看護師"], ["学校", "看護師"],
             ["不足"]]
    G = cooccurrence_graph(terms, top_edges=10)
    # 短期入所 in notes {0,1,2}, 不足 in {0,1,5}: Jaccard 2/4
    assert G.edges["短期入所", "不足"]["jaccard"] == 0.5
    assert G.edges["学校", "看護師"]["jaccard"] == pytest.approx(2 / 3, abs=1e-4)
    assert not G.has_edge("短期入所", "学校")  # together in one note only (< 2)
    assert G.nodes["短期入所"]["community"] != G.nodes["学校"]["community"]


def test_fisher_on_a_two_by_two(two_topics, two_topic_result):
    counts, test = profession_theme_table(two_topics, two_topic_result)
    assert counts.to_numpy().sum() == 20
    if counts.shape == (2, 2):
        assert test["method"].startswith("Fisher")
        assert test["p"] == pytest.approx(stats.fisher_exact(counts.to_numpy()).pvalue)


def test_chi2_adjusted_residuals_and_small_cell_warning(two_topic_result):
    import pandas as pd

    # professions perfectly aligned with themes, three professions
    a = two_topic_result.assignments
    prof = np.where(a["theme_id"] == a["theme_id"][0], "看護師", np.where(np.arange(20) % 2, "医師", "教員"))
    notes = pd.DataFrame({"profession": prof, "text": [""] * 20})
    _, test = profession_theme_table(notes, two_topic_result)
    assert test["method"].startswith("χ²")
    assert "20%" in test["warning"]  # 20 notes over 6 cells: small expected counts
    res = test["adjusted_residuals"]
    assert res.loc["看護師", a["theme_label"][0]] > 2  # over-represented
    assert 0 < test["p"] < 0.05


def test_knn_placement_puts_a_copy_of_a_landmark_on_it():
    L = np.eye(4, dtype=np.float32)
    Y = np.array([[0, 0], [10, 0], [0, 10], [10, 10]], dtype=float)
    out = _knn_place(L[[2]], L, Y, k=2)
    np.testing.assert_allclose(out[0], [0, 10], atol=1e-3)


def test_tiny_map_is_deterministic_without_umap():
    X = np.eye(3, dtype=np.float32)
    assert map_coordinates(X).shape == (3, 2)


@pytest.mark.slow
def test_theme_map_figure_is_seeded_and_escapes_notes(two_topics, two_topic_result):
    from issuemine.themes.figures import theme_map_figure

    notes = two_topics.copy()
    notes.loc[0, "text"] = "<img src=x onerror=alert(1)>"
    f1 = theme_map_figure(notes, two_topic_result, seed=1)
    f2 = theme_map_figure(notes, two_topic_result, seed=1)
    assert f1.to_json() == f2.to_json()
    hover = [t for tr in f1.data for t in tr.text]
    assert "&lt;img src=x onerror=alert(1)&gt;" in hover and not any("<img" in t for t in hover)
    assert len(hover) == 20 and f1.layout.height


@pytest.mark.slow
def test_numpy_fuzzy_graph_equals_umaps():
    from sklearn.neighbors import NearestNeighbors
    from umap.umap_ import fuzzy_simplicial_set

    from issuemine.themes.figures.map import fuzzy_graph

    X = np.random.default_rng(0).standard_normal((300, 20)).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    dist, ind = NearestNeighbors(n_neighbors=10).fit(X).kneighbors(X)
    ref, _, _ = fuzzy_simplicial_set(X, 10, np.random.RandomState(0), "euclidean", knn_indices=ind, knn_dists=dist)
    ours = fuzzy_graph(ind, dist)
    assert ours.nnz == ref.nnz
    assert abs(ours.tocsr() - ref.tocsr()).max() < 1e-5


def test_map_cache_returns_the_computed_map_and_survives_a_corrupt_file(tmp_path, monkeypatch):
    monkeypatch.setenv("ISSUEMINE_CACHE", str(tmp_path))
    rng = np.random.default_rng(4)
    X = rng.normal(size=(60, 12)).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    first = map_coordinates(X, seed=2)
    files = list((tmp_path / "maps").glob("*.npy"))
    assert len(files) == 1
    assert map_coordinates(X, seed=2).tobytes() == first.tobytes()  # read back
    assert map_coordinates(X, seed=2, cache=False).tobytes() == first.tobytes()  # same as computing
    files[0].write_bytes(b"not an array")
    assert map_coordinates(X, seed=2).tobytes() == first.tobytes()  # recomputed, not trusted
    map_coordinates(X, seed=3)
    assert len(list((tmp_path / "maps").glob("*.npy"))) == 2  # the seed is part of the key


@pytest.mark.parametrize("n,max_landmarks", [(120, 3000), (300, 100)])
def test_map_laid_out_in_a_helper_process_is_byte_identical(tmp_path, monkeypatch, n, max_landmarks):
    """A report's helper process computes the UMAP layout; the map is the same bytes as computing it here,
    with and without landmarks, and a dead helper falls back to computing here."""
    import os
    import signal

    from issuemine.helper_process import HelperProcess
    from issuemine.themes.figures.map import request_map

    monkeypatch.setenv("ISSUEMINE_CACHE", str(tmp_path))
    rng = np.random.default_rng(5)
    X = rng.normal(size=(n, 16)).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    here = map_coordinates(X, seed=1, max_landmarks=max_landmarks, cache=False)
    with HelperProcess(enabled=True) as helper:
        req = request_map(X, seed=1, max_landmarks=max_landmarks, helper=helper)
        assert req._pending is not None  # really sent to the helper
        assert req.result().tobytes() == here.tobytes()
        assert map_coordinates(X, seed=1, max_landmarks=max_landmarks).tobytes() == here.tobytes()  # cached
        dead = request_map(X, seed=2, max_landmarks=max_landmarks, cache=False, helper=helper)
        os.kill(helper._proc.pid, signal.SIGKILL)
        assert dead.result().tobytes() == map_coordinates(X, seed=2, max_landmarks=max_landmarks,
                                                          cache=False).tobytes()


@pytest.mark.parametrize("delay,told", [(0.5, True), (0.0, False)])
def test_a_long_wait_for_the_map_is_explained_not_silent(tmp_path, monkeypatch, caplog, delay, told):
    """The first map on a machine waits for numba's compile in the helper: past a few seconds the user is
    told why (a progress message, no note text); a quick map says nothing."""
    import time

    import issuemine.themes.figures.map as mapmod

    class SlowPending:
        def result(self):
            time.sleep(delay)
            return np.zeros((6, 2))

    class FakeHelper:
        running = True

        def submit(self, *args):
            return SlowPending()

    monkeypatch.setenv("ISSUEMINE_CACHE", str(tmp_path))
    monkeypatch.setattr(mapmod, "WAIT_NOTICE_AFTER", 0.1)
    caplog.set_level("INFO", logger="issuemine")
    X = np.eye(6, dtype=np.float32)
    assert mapmod.request_map(X, helper=FakeHelper()).result().shape == (6, 2)
    time.sleep(0.2)  # a cancelled notice must stay silent even after its time
    assert (mapmod.WAIT_NOTICE_JA in caplog.messages) is told
