"""The concept diagram as a plotly figure: 病院 (left) and 地域 (right) overlapping, 相談支援 in the centre
overlapping both, the outside categories as boxes beside; one dot per note, coloured by theme.

Hover text is the note itself, so it is escaped (plotly renders hover text as HTML).
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from issuemine.diagram import geometry as geo
from issuemine.diagram.zones import CORE, OUTSIDE, REGION_CODES, ZONE_NAMES
from issuemine.present.names import plain_zones, zone_name
from issuemine.present.numbers import confidence_word

WIDTH = 1000  # default; a report page passes its own (the dots are sized for the width they are drawn at)
SIDE_MARGIN = 10
ZONE_COLORS = {"H": "#4C78A8", "C": "#54A24B", "S": "#F58518", "F": "#B279A2", "P": "#9D755D", "X": "#888888"}
REGION_COLORS = {"H": "#4C78A8", "C": "#54A24B", "S": "#F58518", "HC": "#2F8F8F", "HS": "#C0683C",
                 "CS": "#9BAE2E", "HCS": "#6B4C9A", "F": "#B279A2", "P": "#9D755D", "X": "#888888"}
HOVER_WRAP = 28


def _hover(text: str, lines: list[str], max_chars: int) -> str:
    text = "" if text is None or text is pd.NA or (isinstance(text, float) and np.isnan(text)) else str(text)
    if len(text) > max_chars:
        text = text[: max_chars - 1] + "…"
    # Wrap before escaping so an entity (&amp;) is never cut in two.
    wrapped = "<br>".join(html.escape(text[i:i + HOVER_WRAP]) for i in range(0, len(text), HOVER_WRAP))
    return "<br>".join([f"<b>{wrapped}</b>"] + [html.escape(s) for s in lines])


def diagram_figure(notes: pd.DataFrame, placements: pd.DataFrame, assignments: pd.DataFrame | None = None, *,
                   title: str = "相談支援事業を中心とする小児在宅支援の概念図", max_hover_chars: int = 120,
                   width: int = WIDTH, legend: bool = True):
    """A plotly Figure of the concept diagram.

    ``notes`` (NOTES) and ``placements`` (PLACEMENTS) are joined on ``note_id``; with ``assignments``
    (ASSIGNMENTS) the dots are coloured by ``theme_label``, else by region. Deterministic: the same inputs
    give the same figure JSON.

    The figure has a fixed ``width`` and a height that follows from it (the axes keep one scale); marker
    sizes are computed for that width, so change the width here rather than on the returned figure.
    Themes get the theme map's colours and marker shapes (``themes.figures.palette``, by theme id order);
    ``legend=False`` leaves the legend out (the report's small summary copy).
    """
    from issuemine.present import zone_name
    from issuemine.present.names import plain_zones
    from issuemine.present.numbers import confidence_word
    from issuemine.themes.figures.palette import theme_style

    import plotly.graph_objects as go

    df = placements[["note_id", "zones", "region", "zone_confidence", "zone_reason"]].merge(
        notes[["note_id", "text"]].drop_duplicates("note_id"), on="note_id", how="left", validate="m:1")
    if assignments is not None:
        df = df.merge(assignments[["note_id", "theme_id", "theme_label"]].drop_duplicates("note_id"),
                      on="note_id", how="left", validate="m:1")
    groups = list(df["theme_id"].fillna("")) if assignments is not None else None
    x, y, radius = geo.layout(list(df["zones"]), groups)
    df["x"] = np.round(x, 6)
    df["y"] = np.round(y, 6)
    px_per_unit = (width - 2 * SIDE_MARGIN) / (geo.X_RANGE[1] - geo.X_RANGE[0])
    plot_height = int(np.ceil((geo.Y_RANGE[1] - geo.Y_RANGE[0]) * px_per_unit))
    # Diameter below the grid step (radius = 0.38 step): neighbouring dots keep a gap on screen too.
    df["size"] = np.round(np.clip(2 * radius * px_per_unit, 1.0, 12.0), 3)

    fig = go.Figure()
    if assignments is not None:
        df["theme_id"] = df["theme_id"].fillna("").astype(str)
        df["theme_label"] = df["theme_label"].fillna("(テーマなし)").astype(str)
        groups = sorted(df.groupby(["theme_id", "theme_label"], sort=False).groups.items(),
                        key=lambda kv: (kv[0][0] == "", kv[0][0], kv[0][1]))
        ids = sorted({tid for (tid, _), _ in groups if tid})
        rank = {tid: k for k, tid in enumerate(ids)}
        traces = [(label, *(theme_style(rank[tid]) if tid else ("#888888", "circle")), idx)
                  for (tid, label), idx in groups]
    else:
        traces = [(zone_name(c), REGION_COLORS[c], "circle", df.index[df["zones"] == c]) for c in REGION_CODES
                  if (df["zones"] == c).any()]
    scale = min(1.0, max(0.75, width / 680))  # a small copy (the summary page) gets smaller, still readable text
    for name, color, symbol, idx in traces:
        part = df.loc[sorted(idx)]
        hover = []
        for row in part.itertuples(index=False):
            lines = [f"領域: {zone_name(row.zones)}(配置の確からしさ: {confidence_word(row.zone_confidence)})",
                     f"根拠: {plain_zones(row.zone_reason)}"]
            if assignments is not None:
                lines.insert(0, f"テーマ: {row.theme_label}")
            hover.append(_hover(row.text, lines, max_hover_chars))
        fig.add_trace(go.Scatter(
            x=part["x"].tolist(), y=part["y"].tolist(), mode="markers", name=html.escape(name),
            marker=dict(size=part["size"].tolist(), color=color, symbol=symbol, line=dict(width=0.5, color="white")),
            hovertext=hover, hoverinfo="text", customdata=part["note_id"].tolist(),
        ))

    counts = df["zones"].value_counts()
    members = {z: int(sum(n for code, n in counts.items() if z in code)) for z in CORE + OUTSIDE}
    shapes, annotations = [], []
    for z in CORE:
        c = geo.CIRCLES[z]
        shapes.append(dict(type="circle", xref="x", yref="y", x0=c.cx - c.r, y0=c.cy - c.r, x1=c.cx + c.r,
                           y1=c.cy + c.r, line=dict(color=ZONE_COLORS[z], width=2),
                           fillcolor=_rgba(ZONE_COLORS[z], 0.10), layer="below"))
    title_at = {"H": (-1.0, 2.05, "middle"), "C": (1.0, 2.05, "middle"), "S": (0.0, -2.2, "middle")}
    for z, (tx, ty, _) in title_at.items():
        count = f"(延べ {members[z]}件)" if width >= 500 else f" {members[z]}"  # small copy: shorter
        annotations.append(dict(x=tx, y=ty, text=f"<b>{ZONE_NAMES[z]}</b>{count}",
                                showarrow=False, font=dict(size=round(15 * scale), color=ZONE_COLORS[z])))
    for code, (lx, ly) in geo.LABEL_AT.items():
        annotations.append(dict(x=lx, y=ly, text=f"{int(counts.get(code, 0))}件", showarrow=False,
                                font=dict(size=round(12 * scale), color="#333"), bgcolor="rgba(255,255,255,0.7)"))
    for z in OUTSIDE:
        b = geo.BOXES[z]
        shapes.append(dict(type="rect", xref="x", yref="y", x0=b.x0, y0=b.y0, x1=b.x1, y1=b.y1,
                           line=dict(color=ZONE_COLORS[z], width=1.5, dash="dot"),
                           fillcolor=_rgba(ZONE_COLORS[z], 0.08), layer="below"))
        annotations.append(dict(x=(b.x0 + b.x1) / 2, y=b.y1, yanchor="bottom",
                                text=f"<b>{ZONE_NAMES[z]}</b> {members[z]}件",
                                showarrow=False, font=dict(size=round(13 * scale), color=ZONE_COLORS[z])))

    legend_rows = -(-len(traces) // max(1, width // 200))
    bottom = 30 + 22 * legend_rows if legend else 10
    fig.update_layout(
        title=dict(text=html.escape(title), x=0.5, font=dict(size=round(16 * scale) if legend else 14)),
        showlegend=legend,
        width=width, height=plot_height + 50 + bottom, autosize=False,
        margin=dict(l=SIDE_MARGIN, r=SIDE_MARGIN, t=50, b=bottom),
        shapes=shapes, annotations=annotations, plot_bgcolor="white", paper_bgcolor="white",
        hovermode="closest", hoverlabel=dict(align="left"),
        legend=dict(orientation="h", x=0, y=-0.01, yanchor="top", title=dict(
            text="テーマ" if assignments is not None else "領域")),
        xaxis=dict(range=list(geo.X_RANGE), visible=False, fixedrange=True),
        yaxis=dict(range=list(geo.Y_RANGE), visible=False, scaleanchor="x", scaleratio=1, fixedrange=True),
    )
    return fig


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"
