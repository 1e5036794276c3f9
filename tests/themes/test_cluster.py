"""The clusterer: KMeans started from spectral clusters of the kNN graph, and the count it picks."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from issuemine.themes.cluster import KMeansClusterer, cluster_qr, kj_range, neighbours, spectral_labels


def stretched_bars(n_per=150, length=12.0, gap=4.0, seed=0):
    """Two long parallel bars (length 12, 4 apart): k-means++ prefers to cut both across the middle."""
    rng = np.random.default_rng(seed)
    xs = rng.uniform(-length / 2, length / 2, 2 * n_per)
    ys = np.repeat([0.0, gap], n_per) + rng.normal(0, 0.15, 2 * n_per)
    return np.column_stack([xs, ys]).astype(np.float32), np.repeat([0, 1], n_per)


def test_neighbours_are_half_an_average_theme():
    assert neighbours(235, 12) == 10          # homecare_dev at its chosen count
    assert neighbours(941, 6) == 78
    assert neighbours(60, 20) == 5            # never fewer than 5
    assert neighbours(6, 1) == 5              # nor more than the other notes


def test_cluster_qr_recovers_blocks_under_any_rotation():
    y = np.repeat([0, 1, 2], [5, 7, 4])
    E = np.eye(3)[y] / np.sqrt(np.bincount(y))[y][:, None]
    rot, _ = np.linalg.qr(np.random.default_rng(3).standard_normal((3, 3)))
    for emb in (E, E @ rot):
        assert adjusted_rand_score(y, cluster_qr(emb)) == 1.0


def test_stretched_clusters_kmeans_cuts_spectral_start_keeps():
    X, y = stretched_bars()
    plain = KMeansClusterer(n_clusters=2, seed=0, init="k-means++").fit(X).labels_
    ours = KMeansClusterer(n_clusters=2, seed=0).fit(X).labels_
    assert adjusted_rand_score(y, plain) < 0.2      # k-means++ cuts both bars across
    assert adjusted_rand_score(y, ours) == 1.0      # the kNN graph follows each bar
    assert adjusted_rand_score(y, spectral_labels(X, 2)) == 1.0


def test_same_input_same_labels_and_centres():
    X, _ = stretched_bars(seed=4)
    X = np.vstack([X, X + [0, 10]])
    a = KMeansClusterer(n_clusters=4, seed=2).fit(X)
    b = KMeansClusterer(n_clusters=4, seed=2).fit(X)
    assert a.labels_.tobytes() == b.labels_.tobytes()
    assert a.cluster_centers_.tobytes() == b.cluster_centers_.tobytes()


def test_count_inside_range_is_the_most_stable_spectral_partition():
    """Six planted topics of different spread: within a range of 4–12 the count found is 6."""
    rng = np.random.default_rng(5)
    centres = rng.standard_normal((6, 30)) * 3
    sizes = [60, 45, 40, 30, 25, 20]
    X = np.vstack([c + rng.standard_normal((m, 30)) * s
                   for c, m, s in zip(centres, sizes, [1.0, 0.8, 1.2, 0.7, 1.0, 0.9])]).astype(np.float32)
    cl = KMeansClusterer(k_range=(4, 12), seed=0).fit(X)
    assert cl.k_ == 6
    assert set(cl.range_scores_) == set(range(4, 13))
    assert cl.range_scores_[6] == max(cl.range_scores_.values())
    assert "6 個" in cl.reason_


@pytest.mark.parametrize("n", [3, 12, 99])
def test_few_notes_fall_back_to_kmeans(n):
    """Spectral clustering needs a graph: below 100 notes (or 4 a theme) plain KMeans is used."""
    X = np.random.default_rng(n).standard_normal((n, 5)).astype(np.float32)
    cl = KMeansClusterer(n_clusters=min(3, n), seed=0).fit(X)
    assert len(cl.labels_) == n and cl.labels_.max() < 3
    assert cl.labels_.tobytes() == KMeansClusterer(n_clusters=min(3, n), seed=0, init="k-means++").fit(X).labels_.tobytes()


def test_large_input_learns_spectral_start_on_a_sample():
    """Above ``spectral_max`` notes the start comes from a seeded sample and every note is still assigned."""
    rng = np.random.default_rng(7)
    centres = rng.standard_normal((5, 8)) * 5
    y = np.repeat(np.arange(5), 200)
    X = (centres[y] + rng.standard_normal((1000, 8))).astype(np.float32)
    cl = KMeansClusterer(n_clusters=5, seed=0, spectral_max=300).fit(X)
    assert adjusted_rand_score(y, cl.labels_) > 0.99


def test_kj_range_figures():
    assert kj_range(200) == (12, 25)
    assert kj_range(700) == (15, 35)


def test_sample_without_codebook_count_in_kj_range_and_no_catch_all(sample_notes, tokenizer):
    """The sample workshop unsupervised: the count comes from the final clusterer's stability inside
    the KJ range (both score tables in analysis.json), and no theme collects the short generic notes
    (with plain KMeans one theme held 23 % of them)."""
    from issuemine.themes import ThemeModel

    r = ThemeModel(codebook=False, tokenizer=tokenizer, n_resamples=2).fit(sample_notes)
    lo, hi = kj_range(len(sample_notes))
    k = r.info["n_themes"]
    assert lo <= k <= hi
    rng = {int(c): v for c, v in r.info["k_scores_range"].items()}
    assert k in rng and rng[k] >= max(rng.values()) - 0.02
    assert set(rng) < {int(c) for c in r.info["k_scores"]}
    assert r.themes["size"].max() / len(sample_notes) < 0.15
