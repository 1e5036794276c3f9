"""The report's figures: gathered from the themes, diagram and survey pieces, sized for A4 and made safe.

Every string a figure shows that may come from a note (text, hover text, custom data, trace names) is
HTML-escaped here, whatever its maker did: plotly renders a small HTML subset in SVG text, so a note
``<img src=x onerror=…>`` must reach it as ``&lt;img …``. The figure's own markup — plotly's line break
``<br>`` and the attribute-free ``<b> <i> <sup> <sub>`` — and character entities are kept as they are, so a
maker that escaped its notes and wrapped them in ``<b>`` shows bold text, not a literal ``<b>``; escaping is
idempotent.
"""

from __future__ import annotations

import html
import math
import re

FIG_WIDTH = 680  # px: fits an A4 page with 15 mm margins at 96 dpi, on screen and on paper
SUMMARY_WIDTH = 335  # two summary figures side by side on the page
HEIGHTS = {"theme_sizes": 420, "theme_map": 600, "cooccurrence": 600, "diagram": 620,
           "survey_bars": 460, "survey_slope": 420, "survey_positive": 420,
           "compare_themes": 480, "compare_regions": 420}
# plotly's markup without attributes, and character entities: kept as they are
_KEEP = re.compile(r"(<br\s*/?>|</?(?:b|i|em|sup|sub)>|&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});)",
                   re.IGNORECASE)


def escape_text(s: str) -> str:
    """HTML-escape ``s`` for plotly, keeping ``<br>``, ``<b>``-style tags and entities; idempotent."""
    return "".join(part if i % 2 else html.escape(part, quote=False) for i, part in enumerate(_KEEP.split(s)))


def _escape_value(v):
    if isinstance(v, str):
        return escape_text(v)
    if isinstance(v, (list, tuple)):
        return [_escape_value(x) for x in v]
    if hasattr(v, "dtype") and getattr(v.dtype, "kind", "") in ("O", "U", "T"):
        return [_escape_value(x) for x in v.tolist()]
    if hasattr(v, "tolist") and getattr(v, "ndim", 0) > 1 and getattr(v.dtype, "kind", "") in ("O", "U"):
        return [_escape_value(x) for x in v.tolist()]
    return v


def make_safe(fig, name: str):
    """Escape note-derived strings in ``fig`` and give it the report's fixed size. Returns ``fig``."""
    for trace in fig.data:
        for key in ("text", "hovertext", "customdata", "name", "ids", "x", "y", "labels"):
            if key in trace and trace[key] is not None:
                try:
                    trace[key] = _escape_value(trace[key])
                except ValueError:
                    pass  # a property that refuses lists (e.g. scalar name set to a list) stays as made
    # A height chosen by the figure's maker (e.g. one panel per item) is kept, and so is a width narrower
    # than the page (the summary's side-by-side figures); anything wider gets the page's width.
    width = fig.layout.width if fig.layout.width and fig.layout.width <= FIG_WIDTH else FIG_WIDTH
    fig.update_layout(width=width, height=fig.layout.height or HEIGHTS.get(name, 480), autosize=False)
    return fig


LEGEND_COLUMNS = 3  # the concept diagram's theme legend on paper: three columns instead of plotly's two
LEGEND_FONT = 10  # px
LEGEND_ROW = 19  # px per legend row at that size
LEGEND_ITEM = 50  # px of an entry besides its text (the marker and the gaps around it)


def legend_in_columns(fig, columns: int = LEGEND_COLUMNS, font: float = LEGEND_FONT):
    """A horizontal legend laid out in ``columns`` equal columns (names longer than a column are shortened
    with 「…」; the hover text keeps the full name) and the figure's height fitted to its rows, so the
    concept diagram and its count tables share one A4 page. Returns ``fig``."""
    names = [t for t in fig.data if t.showlegend is not False and t.name]
    if not names or not fig.layout.showlegend:
        return fig
    width = fig.layout.width or FIG_WIDTH
    margin = fig.layout.margin
    column = (width - (margin.l or 0) - (margin.r or 0)) // columns
    text = column - LEGEND_ITEM
    fits = int(text // font)
    for t in names:
        if len(t.name) > fits:
            t.name = t.name[: fits - 1] + "…"
    rows = -(-len(names) // columns) + 1  # the legend's title (テーマ) on a row of its own, above
    bottom = 12 + LEGEND_ROW * rows
    top = min(margin.t or 0, 38)  # room for the title, without the blank band above it
    height = (fig.layout.height or HEIGHTS["diagram"]) - (margin.b or 0) - (margin.t or 0) + bottom + top
    fig.update_layout(height=height, margin=dict(b=bottom, t=top),
                      legend=dict(entrywidth=text, entrywidthmode="pixels", font=dict(size=font),
                                  tracegroupgap=0, itemwidth=30, title=dict(side="top left")))
    return fig


def theme_sizes_figure(themes, top: int | None = None, title: str = "テーマ別の付箋数", row_px: int = 20):
    """Horizontal bars of theme sizes, largest on top; ``top``: only the largest ``top`` themes."""
    import plotly.graph_objects as go

    t = themes.sort_values(["size", "theme_id"], ascending=[False, True])
    if top is not None and len(t) > top:
        title = f"{title}(上位 {top} テーマ、全 {len(t)} テーマ)"
        t = t.head(top)
    t = t.iloc[::-1]
    fig = go.Figure(go.Bar(x=t["size"].astype(int).tolist(), y=t["label"].tolist(), orientation="h",
                           text=t["size"].astype(int).tolist(), textposition="outside",
                           hovertemplate="%{y}: %{x}枚<extra></extra>", marker_color="#4c78a8"))
    fig.update_layout(title=dict(text=title, font=dict(size=14 if top else 17)), xaxis_title="付箋数",
                      margin=dict(l=10, r=30, t=45, b=40), template="plotly_white",
                      yaxis=dict(automargin=True), height=max(220, 90 + row_px * len(t)))
    return fig


SUMMARY_DIAGRAM_TITLE = "概念図での付箋の位置"


def summary_diagram(full, placements, width: int = SUMMARY_WIDTH):
    """The summary page's small concept diagram made from the full one, which is built once: the same dots
    in the same places (a region's cells do not depend on how its dots are ordered), coloured by region,
    without the legend, sized for ``width`` — what ``diagram_figure(notes, placements, None, width=width,
    legend=False)`` draws, at a fraction of its cost. Hovering a dot names its region and count; the notes
    themselves are read on the full diagram."""
    import plotly.graph_objects as go

    from issuemine.diagram.figure import REGION_COLORS, SIDE_MARGIN
    from issuemine.diagram.zones import REGION_CODES
    from issuemine.present import zone_name

    zones = dict(zip(placements["note_id"].astype(str), placements["zones"].fillna("X").astype(str)))
    x_range, y_range = list(full.layout.xaxis.range), list(full.layout.yaxis.range)
    ratio = (width - 2 * SIDE_MARGIN) / ((full.layout.width or FIG_WIDTH) - 2 * SIDE_MARGIN)
    dots: dict[str, list] = {}
    for trace in full.data:
        sizes = trace.marker.size
        sizes = sizes if isinstance(sizes, (list, tuple)) else [sizes] * len(trace.x)
        for nid, x, y, size in zip(trace.customdata, trace.x, trace.y, sizes):
            dots.setdefault(zones.get(str(nid), "X"), []).append((x, y, size))
    fig = go.Figure()
    for code in REGION_CODES:
        part = sorted(dots.get(code, []), key=lambda d: (d[1], d[0]))
        if not part:
            continue
        name = zone_name(code)
        fig.add_trace(go.Scatter(
            x=[d[0] for d in part], y=[d[1] for d in part], mode="markers", name=name,
            marker=dict(size=[round(min(12.0, max(1.0, d[2] * ratio)), 3) for d in part],
                        color=REGION_COLORS[code], symbol="circle", line=dict(width=0.5, color="white")),
            hovertemplate=f"{name}: {len(part)}枚<extra></extra>"))
    def scale_of(w):  # the diagram's text scale at a width (diagram.figure: 0.75 … 1)
        return min(1.0, max(0.75, w / FIG_WIDTH))

    factor = scale_of(width) / scale_of(full.layout.width or FIG_WIDTH)
    annotations = []
    for a in full.layout.annotations:
        a = a.to_plotly_json()  # a copy: the full diagram keeps its own
        # 「病院(延べ 180件)」 → 「病院 180」 in the small copy
        a["text"] = re.sub(r"[((]延べ (\d+)件[))]", r" \1", a["text"])
        if a.get("font", {}).get("size"):
            a["font"] = {**a["font"], "size": round(a["font"]["size"] * factor)}
        annotations.append(a)
    plot_height = int(math.ceil((y_range[1] - y_range[0]) * (width - 2 * SIDE_MARGIN) / (x_range[1] - x_range[0])))
    fig.update_layout(
        title=dict(text=SUMMARY_DIAGRAM_TITLE, x=0.5, font=dict(size=14)), showlegend=False,
        width=width, height=plot_height + 60, autosize=False, margin=dict(l=SIDE_MARGIN, r=SIDE_MARGIN, t=50, b=10),
        shapes=[sh.to_plotly_json() for sh in full.layout.shapes], annotations=annotations, plot_bgcolor="white", paper_bgcolor="white",
        hovermode="closest", hoverlabel=dict(align="left"),
        xaxis=dict(range=x_range, visible=False, fixedrange=True),
        yaxis=dict(range=y_range, visible=False, scaleanchor="x", scaleratio=1, fixedrange=True))
    return fig


def summary_figures(data, diagram=None) -> dict:
    """The one-page summary's three small figures: the largest themes, the concept diagram (by region) and
    the questionnaire's before → after. ``diagram``: the full concept diagram, drawn small by region."""
    out = {}
    if data.themes is not None and len(data.themes):
        out["summary_themes"] = theme_sizes_figure(data.themes, top=8, title="付箋の多いテーマ", row_px=18)
    if data.placements is not None:
        if diagram is None:
            from issuemine.diagram.figure import diagram_figure

            diagram = diagram_figure(data.notes, data.placements, data.assignments, width=FIG_WIDTH)
        out["summary_diagram"] = summary_diagram(diagram, data.placements)
    if data.survey is not None and getattr(data.survey, "items", None) is not None and len(data.survey.items):
        from issuemine.survey.figures import change_figure

        out["summary_survey"] = change_figure(data.survey, width=SUMMARY_WIDTH)
    return out


def crosstab_figures(data) -> dict:
    """Heatmaps of theme × zone counts, theme × profession counts and their adjusted residuals."""
    from issuemine.present import number, zone_name
    from issuemine.themes.figures.crosstab import count_heatmap, residual_heatmap

    out = {}
    zt = data.zone_theme
    if zt is not None and len(zt):
        zones = [c for c in zt.columns if c not in ("テーマID", "テーマ", "theme_id", "theme", "label", "計", "合計")]
        counts = zt.set_index("テーマ" if "テーマ" in zt.columns else zt.columns[1])[zones]
        counts.columns = [zone_name(c) for c in zones]
        out["zone_heat"] = count_heatmap(counts, "テーマ × 概念図の領域(付箋数)")
    if data.profession_theme is not None:
        counts, test = data.profession_theme
        if counts.shape[0] > 1:
            out["profession_heat"] = count_heatmap(counts.T, "テーマ × 職種(付箋数)")
        resid = test.get("adjusted_residuals") if test else None
        if resid is not None and resid.size:
            out["residual_heat"] = residual_heatmap(resid.T, number=number)
    return out


def workshop_figures(data, seed: int = 0):
    """``({name: figure}, profession × theme table or None)`` for one workshop's ``WorkshopData``."""
    from issuemine.diagram.figure import diagram_figure
    from issuemine.survey.figures import diverging_bars_figure, positive_share_figure, slope_figure
    from issuemine.themes.figures import cooccurrence_figure, profession_theme_table, theme_map_figure

    figs = {}
    prof_table = None
    full_diagram = None
    if data.themes is not None:
        r = data.theme_result
        figs["theme_sizes"] = theme_sizes_figure(data.themes)
        figs["theme_map"] = None  # drawn last: its layout may still be computing in the helper process
        figs["cooccurrence"] = cooccurrence_figure(data.notes, terms=getattr(r, "terms", None), seed=seed,
                                                   display_forms=getattr(r, "display_forms", None))
        prof_table = profession_theme_table(data.notes, r, seed=seed)
    if data.placements is not None:
        full_diagram = diagram_figure(data.notes, data.placements, data.assignments, width=FIG_WIDTH)
        figs["diagram"] = full_diagram
    if data.survey is not None:
        answers = getattr(data.survey, "answers", None)
        if answers is not None:
            figs["survey_bars"] = diverging_bars_figure(answers)
            figs["survey_slope"] = slope_figure(answers)
        figs["survey_positive"] = positive_share_figure(data.survey)
    if data.themes is not None:
        coords = data.theme_map.result() if data.theme_map is not None else None
        figs["theme_map"] = theme_map_figure(data.notes, data.theme_result, seed=seed, coords=coords)
    data.profession_theme = prof_table
    figs.update(crosstab_figures(data))
    # the summary's small diagram is drawn from the full one (before its legend is fitted to the page)
    figs.update(summary_figures(data, diagram=full_diagram))
    if full_diagram is not None:
        legend_in_columns(full_diagram)
    figs = {k: make_safe(v, k) for k, v in figs.items() if v is not None}
    return figs, prof_table
