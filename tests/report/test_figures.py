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
