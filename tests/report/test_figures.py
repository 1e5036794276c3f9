"""Figure strings are escaped for plotly (idempotently, keeping <br>) and figures get a fixed size."""

import plotly.graph_objects as go
from hypothesis import given
from hypothesis import strategies as st

from issuemine.report.figures import FIG_WIDTH, HEIGHTS, escape_text, make_safe


def test_known_answers():
    assert escape_text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escape_text("a<br>b <img src=x onerror=alert(1)>") == "a<br>b &lt;img src=x onerror=alert(1)&gt;"
    assert escape_text("&lt;b&gt;") == "&lt;b&gt;"  # already escaped: unchanged
    # the figure's own markup stays markup (the diagram's bold hover line), attributes never pass
    assert escape_text("<b>退院&lt;調整&gt;</b><br>領域") == "<b>退院&lt;調整&gt;</b><br>領域"
    assert escape_text('<b onmouseover="x">a</b>') == '&lt;b onmouseover="x"&gt;a</b>'
    assert escape_text("A & B") == "A &amp; B"


@given(st.lists(st.sampled_from(list("<>&;/ab brisup#x0lt") + ["<b>", "</b>", "<br>", "&lt;"]),
                max_size=30).map("".join) | st.text(max_size=40))
def test_idempotent_and_no_raw_tags(s):
    import re

    once = escape_text(s)
    assert escape_text(once) == once
    assert "<" not in re.sub(r"<br>|</?(b|i|em|sup|sub)>", "", once, flags=re.I)


def test_make_safe_escapes_every_note_string_and_sizes():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[1, 2], text=["<script>x</script>", "ok"],
                               hovertext=["<img src=x onerror=alert(1)>", "b"],
                               customdata=[["<i onclick=x>c</i>"], ["d"]], name="<svg>T</svg>"))
    make_safe(fig, "theme_map")
    t = fig.data[0]
    assert list(t.text) == ["&lt;script&gt;x&lt;/script&gt;", "ok"]
    assert t.hovertext[0].startswith("&lt;img")
    assert t.customdata[0][0] == "&lt;i onclick=x&gt;c</i>"
    assert t.name == "&lt;svg&gt;T&lt;/svg&gt;"
    assert fig.layout.width == FIG_WIDTH and fig.layout.height == HEIGHTS["theme_map"]


def test_diagram_legend_in_three_columns_fits_the_page_width():
    """The concept diagram's theme legend is laid out in three equal columns (plotly wraps a horizontal
    legend in two here, 13 rows that squeezed the diagram and pushed its tables to the next page); long
    names are shortened with 「…」 to their column, and the figure's height follows the rows."""
    import plotly.graph_objects as go

    from issuemine.report.figures import LEGEND_ITEM, legend_in_columns

    names = [f"テーマ{i}・" + "長" * (i % 25) for i in range(26)]
    fig = go.Figure([go.Scatter(x=[i], y=[i], name=n) for i, n in enumerate(names)])
    fig.update_layout(width=680, height=700, margin=dict(l=10, r=10, t=50, b=228), showlegend=True)
    legend_in_columns(fig)
    lg = fig.layout.legend
    column = (680 - 20) // 3
    assert lg.entrywidthmode == "pixels" and lg.entrywidth == column - LEGEND_ITEM
    assert 3 * (lg.entrywidth + LEGEND_ITEM) <= 660
    shown = [t.name for t in fig.data]
    assert all(len(n) * lg.font.size <= lg.entrywidth for n in shown)
    assert shown[:3] == names[:3] and shown[24].endswith("…") and shown[24].startswith("テーマ24・長")
    rows = -(-26 // 3) + 1
    assert fig.layout.margin.b < 228 and fig.layout.height == 700 - 228 - 50 + fig.layout.margin.b + 38
    assert fig.layout.margin.b >= 19 * rows


def _placed_sample():
    from pathlib import Path

    from issuemine.report.build import ReportBuilder, WorkshopData
    from issuemine.report.workshop import find_workshop

    b = ReportBuilder(seed=0)
    ws = find_workshop(Path(__file__).resolve().parents[2] / "workshops" / "sample")
    data = WorkshopData(workshop=ws, notes=b._read(ws))
    b._themes(data)
    b._diagram(data)
    return data


def test_summary_diagram_is_the_small_diagram_made_from_the_full_one():
    """The summary's diagram, made from the full (theme-coloured) one, draws what diagram_figure draws by
    region at the summary's width: the same dots, places, sizes and colours per region, shapes, counts and
    size; the full diagram is left as it was."""
    from issuemine.diagram.figure import diagram_figure
    from issuemine.report.figures import SUMMARY_DIAGRAM_TITLE, SUMMARY_WIDTH, summary_diagram

    data = _placed_sample()
    full = diagram_figure(data.notes, data.placements, data.assignments, width=FIG_WIDTH)
    before = full.to_json()
    mine = summary_diagram(full, data.placements).to_plotly_json()
    ref = diagram_figure(data.notes, data.placements, None, width=SUMMARY_WIDTH, legend=False,
                         title=SUMMARY_DIAGRAM_TITLE).to_plotly_json()
    assert full.to_json() == before
    for key in ("width", "height", "margin", "shapes", "annotations", "title", "xaxis", "yaxis", "showlegend"):
        assert mine["layout"][key] == ref["layout"][key], key
    assert [t["name"] for t in mine["data"]] == [t["name"] for t in ref["data"]]
    for m, r in zip(mine["data"], ref["data"]):
        assert m["marker"]["color"] == r["marker"]["color"]
        assert sorted(zip(m["x"], m["y"], m["marker"]["size"])) == sorted(zip(r["x"], r["y"], r["marker"]["size"]))
        assert "hovertext" not in m and m["hovertemplate"].startswith(m["name"])  # no note text twice on a page


def test_the_concept_diagram_is_built_once_per_report(monkeypatch):
    import issuemine.diagram.figure as diagram

    from issuemine.report.figures import workshop_figures

    data = _placed_sample()
    calls = []
    real = diagram.diagram_figure
    monkeypatch.setattr(diagram, "diagram_figure", lambda *a, **k: calls.append(k) or real(*a, **k))
    figs, _ = workshop_figures(data)
    assert len(calls) == 1 and "diagram" in figs and "summary_diagram" in figs
    assert figs["summary_diagram"].layout.width < figs["diagram"].layout.width
