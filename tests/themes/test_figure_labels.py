"""Figure labels never overlap (boxes from the layout), the network leaves out the general words of
corpora/label_generic.txt, and the map names every theme at its centre with distinct colour/shape pairs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuemine.themes.figures.labels import Box, label_box, place_labels, text_width
from issuemine.themes.figures.palette import theme_style


def _overlaps(boxes):
    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]


def test_text_width_known_answers():
    assert text_width("連携", 10) == 20
    assert text_width("NICU", 10) == pytest.approx(24.8)


def test_crowded_labels_move_apart():
    # five labels on (almost) one point: each finds its own spot or is dropped, never on top of another
    pts = [(100.0, 100.0), (101.0, 100.0), (100.0, 101.0), (99.0, 99.0), (100.5, 100.5)]
    texts = ["訪問看護", "病院", "連携できない", "在宅医", "NICU"]
    spots = place_labels(pts, texts, 12, (300, 300), radii=[6] * 5)
    assert all(spots)  # there is room for all five around the point
    assert _overlaps([label_box(x, y, t, 12) for (x, y), t in zip(spots, texts)]) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 400), st.floats(0, 300), st.sampled_from(["病院", "訪問看護ステーション", "子", "ケア", "わからない"])),
                min_size=1, max_size=40))
def test_placed_labels_never_overlap_each_other_or_other_markers(points):
    pts = [(x, y) for x, y, _ in points]
    texts = [t for _, _, t in points]
    radii = [5.0] * len(pts)
    spots = place_labels(pts, texts, 12, (400, 300), radii=radii)
    boxes = [label_box(s[0], s[1], t, 12) for s, t in zip(spots, texts) if s is not None]
    assert _overlaps(boxes) == []
    for b in boxes:
        assert b.x0 >= 0 and b.y0 >= 0 and b.x1 <= 400 and b.y1 <= 300
        assert not any(b.overlaps(Box(x - r, y - r, x + r, y + r)) for (x, y), r in zip(pts, radii))


def test_palette_pairs_are_distinct_for_39_themes():
    assert len({theme_style(k) for k in range(39)}) == 39
    assert len({theme_style(k)[0] for k in range(13)}) == 13


@pytest.fixture(scope="module")
def sample_notes():
    from pathlib import Path

    from issuemine.ingest import read_notes

    return read_notes(Path(__file__).resolve().parents[2] / "workshops" / "sample" / "notes.csv").reset_index(drop=True)


def test_sample_network_has_no_stop_listed_nodes_and_no_overlapping_labels(sample_notes):
    from issuemine.themes.figures import cooccurrence_figure
    from issuemine.themes.label import load_generic_terms

    fig = cooccurrence_figure(sample_notes, seed=0)
    nodes = next(tr for tr in fig.data if tr.mode == "markers")
    labels = next(tr for tr in fig.data if tr.mode == "text")
    shown = set(nodes.text) | set(labels.text)
    stop = load_generic_terms()
    assert {"ない", "人", "出る"} <= stop
    assert not shown & {"ない", "人", "出る", "無い"}, shown & stop
    assert len(nodes.text) >= 30
    boxes = [Box(*b) for b in fig.layout.meta["label_boxes"]]
    assert len(boxes) == len(labels.text) >= 0.9 * len(nodes.text)  # nearly every node is named
    assert _overlaps(boxes) == []
    # the boxes are where the labels are drawn: the label trace's data coordinates map onto them
    w, h = fig.layout.meta["plot_size"]
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    for x, y, b in zip(labels.x, labels.y, boxes):
        px, py = (x - x0) / (x1 - x0) * w, (y1 - y) / (y1 - y0) * h
        assert b.x0 < px < b.x1 and b.y0 < py < b.y1


def test_stop_terms_are_a_parameter(sample_notes):
    from issuemine.themes.figures import cooccurrence_figure

    fig = cooccurrence_figure(sample_notes.head(200), seed=0, stop_terms=["病院"])
    assert "病院" not in next(tr for tr in fig.data if tr.mode == "markers").text


def test_theme_map_names_every_theme_without_overlap():
    import pandas as pd

    from issuemine.themes.figures import theme_map_figure

    k, per = 25, 8
    rng = np.random.default_rng(0)
    centres = rng.uniform(-5, 5, size=(k, 2))
    coords = np.vstack([c + rng.normal(0, 0.4, size=(per, 2)) for c in centres])
    ids = [f"T{i:02d}" for i in range(1, k + 1)]
    assignments = pd.DataFrame({"note_id": [f"n{i}" for i in range(k * per)], "theme_id": np.repeat(ids, per)})
    themes = pd.DataFrame({"theme_id": ids, "label": [f"テーマ{i}の名前" for i in range(1, k + 1)]})
    result = type("R", (), {"assignments": assignments, "themes": themes})()
    notes = pd.DataFrame({"note_id": assignments["note_id"], "text": ["<b>付箋</b>"] * (k * per)})
    fig = theme_map_figure(notes, result, coords=coords)
    boxes = [Box(*b) for b in fig.layout.meta["label_boxes"]]
    assert len(fig.layout.annotations) == len(boxes) == k
    assert _overlaps(boxes) == []
    assert len({(tr.marker.color, tr.marker.symbol) for tr in fig.data}) == k  # 25 themes, 25 looks
    assert {a.text for a in fig.layout.annotations} == set(themes["label"])
