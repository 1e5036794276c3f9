"""Figure strings are escaped for plotly (idempotently, keeping <br>) and figures get a fixed size."""

import plotly.graph_objects as go
from hypothesis import given
from hypothesis import strategies as st

from issuemine.report.figures import FIG_WIDTH, HEIGHTS, escape_text, make_safe


def test_known_answers():
    assert escape_text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escape_text("a<br>b <img src=x onerror=alert(1)>") == "a<br>b &lt;img src=x onerror=alert(1)&gt;"
    assert escape_text("&lt;b&gt;") == "&lt;b&gt;"  # already escaped: unchanged


@given(st.text(max_size=40))
def test_idempotent_and_no_raw_tags(s):
    once = escape_text(s)
    assert escape_text(once) == once
    assert "<" not in once.replace("<br>", "")


def test_make_safe_escapes_every_note_string_and_sizes():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[1, 2], text=["<script>x</script>", "ok"],
                               hovertext=["<img src=x onerror=alert(1)>", "b"],
                               customdata=[["<i>c</i>"], ["d"]], name="<b>T</b>"))
    make_safe(fig, "theme_map")
    t = fig.data[0]
    assert list(t.text) == ["&lt;script&gt;x&lt;/script&gt;", "ok"]
    assert t.hovertext[0].startswith("&lt;img")
    assert t.customdata[0][0] == "&lt;i&gt;c&lt;/i&gt;"
    assert t.name == "&lt;b&gt;T&lt;/b&gt;"
    assert fig.layout.width == FIG_WIDTH and fig.layout.height == HEIGHTS["theme_map"]
