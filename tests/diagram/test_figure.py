import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import pdist, squareform

from issuemine.diagram import geometry as geo
from issuemine.diagram.figure import diagram_figure
from issuemine.diagram.zones import REGION_CODES


@pytest.fixture(scope="module")
def assignments(labelled):
    ids = labelled["note_id"]
    return pd.DataFrame({"note_id": ids, "theme_id": [f"T{i % 5 + 1:02d}" for i in range(len(ids))],
                         "theme_label": [f"テーマ{i % 5 + 1}" for i in range(len(ids))]})


def test_labels_sit_inside_their_regions():
    for code, (lx, ly) in geo.LABEL_AT.items():
        hx, hy = geo.LABEL_HALF
        xs = np.array([lx - hx, lx + hx, lx - hx, lx + hx])
        ys = np.array([ly - hy, ly - hy, ly + hy, ly + hy])
        assert geo.inside(code, xs, ys).all(), code


def check_layout(zones):
    x, y, r = geo.layout(zones)
    for code in set(zones):
        m = np.array([z == code for z in zones])
        # inside the region, with the whole dot clear of every boundary
        assert geo.inside(code, x[m], y[m], margin=0).all()
        for xi, yi, ri in zip(x[m], y[m], r[m]):
            assert geo.inside(code, np.array([xi]), np.array([yi]), margin=ri)[0]
    if len(zones) > 1:
        d = squareform(pdist(np.column_stack([x, y])))
        need = r[:, None] + r[None, :]
        np.fill_diagonal(d, np.inf)
        assert (d >= need - 1e-9).all()


def test_dots_inside_and_apart_for_a_workshop_sized_diagram():
    # about the seed's 678 notes, most on the hospital and community sides
    counts = {"H": 230, "C": 250, "S": 25, "HC": 90, "HS": 12, "CS": 20, "HCS": 8, "F": 20, "P": 15, "X": 8}
    zones = [c for c, n in counts.items() for _ in range(n)]
    check_layout(zones)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(REGION_CODES), max_size=400))
def test_dots_inside_and_apart_for_any_counts(zones):
    check_layout(zones)


def test_layout_is_deterministic_and_order_only_permutes():
    zones = ["H", "C", "HC", "S", "H", "X", "F"] * 10
    a = geo.layout(zones)
    b = geo.layout(zones)
    for u, v in zip(a, b):
        assert np.array_equal(u, v)
    # reordering the notes only reorders the dots: same set of positions per region
    c = geo.layout(zones[::-1])
    for code in set(zones):
        m = np.array([z == code for z in zones])
        assert sorted(zip(a[0][m], a[1][m])) == sorted(zip(c[0][m[::-1]], c[1][m[::-1]]))


def test_figure_json_is_deterministic(labelled, labelled_placed, assignments):
    a = diagram_figure(labelled, labelled_placed, assignments).to_json()
    b = diagram_figure(labelled, labelled_placed, assignments).to_json()
    assert a == b


def test_figure_traces_are_themes_and_counts_are_shown(labelled, labelled_placed, assignments):
    fig = diagram_figure(labelled, labelled_placed, assignments)
    assert [t.name for t in fig.data] == [f"テーマ{i}" for i in range(1, 6)]
    assert sum(len(t.x) for t in fig.data) == len(labelled)
    texts = [a.text for a in fig.layout.annotations]
    n_h = int(labelled_placed["zones"].str.contains("H").sum())
    assert f"<b>病院</b>(延べ {n_h}件)" in texts
    n_hc = int((labelled_placed["zones"] == "HC").sum())
    assert f"{n_hc}件" in texts
    assert any(t.startswith("<b>家族・本人</b>") for t in texts)
    assert fig.layout.height and fig.layout.width
    assert fig.layout.yaxis.scaleanchor == "x"


def test_without_assignments_colours_by_region(labelled, labelled_placed):
    from issuemine.present import zone_name

    fig = diagram_figure(labelled, labelled_placed)
    # the legend names the regions plainly (病院と地域の重なり, not 病院∩地域)
    assert {t.name for t in fig.data} == {zone_name(r) for r in labelled_placed["region"]}
    assert not any("∩" in t.name for t in fig.data)


def test_hover_is_the_note_escaped(make_notes):
    from issuemine.diagram import place_notes

    notes = make_notes(['<img src=x onerror="alert(1)">病院の外来 & 地域'])
    placed = place_notes(notes)
    asg = pd.DataFrame({"note_id": notes["note_id"], "theme_id": ["T01"], "theme_label": ["<b>外来</b>"]})
    fig = diagram_figure(notes, placed, asg)
    blob = json.dumps(fig.to_plotly_json(), ensure_ascii=False)
    assert "<img" not in blob and "<b>外来</b>" not in blob
    hover = fig.data[0].hovertext[0]
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in hover.replace("<br>", "")
    assert "&amp; 地域" in hover.replace("<br>", "")
    assert fig.data[0].name == "&lt;b&gt;外来&lt;/b&gt;"


def test_dots_are_at_the_layout_positions(labelled, labelled_placed, assignments):
    fig = diagram_figure(labelled, labelled_placed, assignments)
    pos = {nid: (x, y) for t in fig.data for nid, x, y in zip(t.customdata, t.x, t.y)}
    for nid, zones in zip(labelled_placed["note_id"], labelled_placed["zones"]):
        x, y = pos[nid]
        assert geo.inside(zones, np.array([x]), np.array([y]))[0]


@pytest.mark.parametrize("width", [680, 1000])
def test_markers_fit_their_slots_at_the_drawn_width(labelled, labelled_placed, width):
    fig = diagram_figure(labelled, labelled_placed, width=width)
    assert fig.layout.width == width and fig.layout.autosize is False
    px_per_unit = (width - 20) / (geo.X_RANGE[1] - geo.X_RANGE[0])
    # the axes keep one scale and the plot area holds the whole y range at that scale
    plot_h = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    assert plot_h >= (geo.Y_RANGE[1] - geo.Y_RANGE[0]) * px_per_unit
    x, y, r = geo.layout(list(labelled_placed["zones"]))
    sizes = {nid: s for t in fig.data for nid, s in zip(t.customdata, t.marker.size)}
    for nid, radius in zip(labelled_placed["note_id"], r):
        assert sizes[nid] <= 2 * radius * px_per_unit + 1e-6


def test_groups_only_permute_dots_and_form_sectors():
    zones = ["H"] * 60 + ["C"] * 5
    groups = [f"T{i % 3}" for i in range(65)]
    x0, y0, r0 = geo.layout(zones)
    x1, y1, r1 = geo.layout(zones, groups)
    assert np.array_equal(r0, r1)
    assert sorted(zip(x0, y0)) == sorted(zip(x1, y1))
    # in the H cluster, walking round by angle meets each theme in one run
    h = np.arange(60)
    cx, cy = x1[h].mean(), y1[h].mean()
    order = h[np.lexsort((x1[h], y1[h], np.round(np.arctan2(y1[h] - cy, x1[h] - cx), 9)))]
    runs = [groups[i] for i in order]
    changes = sum(a != b for a, b in zip(runs, runs[1:]))
    assert changes == 2
