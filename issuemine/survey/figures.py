"""Figures of a questionnaire comparison (plotly), Japanese labels, fixed heights.

- diverging_bars_figure: answers per item before and after as stacked bars centred on the scale's middle
  (between the two middle categories on even scales; an odd scale's middle category is split in half).
- slope_figure: each respondent's change per item; identical changes share one line whose width is the
  number of respondents (so a dozen doctors draw a readable picture and nobody is singled out).
- positive_share_figure: % positive (top two categories) before and after.
"""

from __future__ import annotations

import html

from issuemine.survey.read import PHASE_JA, carried, respondent_key
from issuemine.survey.scales import Scales, load_scales

FONT = "Noto Sans CJK JP, Noto Sans JP, Hiragino Sans, Meiryo, sans-serif"
PRE_COLOR, POST_COLOR = "#9e9e9e", "#1f77b4"


def _items(answers) -> list[str]:
    listed = list(carried(answers).info.get("items", {}))
    present = list(dict.fromkeys(answers["item"]))
    return [i for i in listed if i in set(present)] + [i for i in present if i not in set(listed)]


def _colors(n: int) -> list[str]:
    from plotly.colors import sample_colorscale

    # RdBu runs red (negative) to blue (positive); the ends are trimmed so labels stay readable
    return sample_colorscale("RdBu", [0.1 + 0.8 * i / (n - 1) for i in range(n)]) if n > 1 else ["#888888"]


def _layout(fig, title: str, height: int) -> None:
    fig.update_layout(title=dict(text=title, x=0, xanchor="left", y=1, yanchor="top", pad=dict(t=12, l=10)),
                      height=height, font=dict(family=FONT, size=13), template="plotly_white",
                      margin=dict(l=10, r=10, t=100, b=40),
                      legend=dict(orientation="h", x=0, xanchor="left", y=1.0, yanchor="bottom"))


def diverging_bars_figure(answers, *, scales: Scales | None = None):
    """Stacked bars per item and phase, the negative categories to the left of zero."""
    import plotly.graph_objects as go

    scales = scales or load_scales()
    items = _items(answers)
    ys = ([], [])
    for item in items:
        for ph in ("pre", "post"):
            ys[0].append(html.escape(item))
            ys[1].append(PHASE_JA[ph])
    fig = go.Figure()
    for sid in sorted(set(answers["scale"]), key=lambda s: scales.ids().index(s) if s in scales else 99):
        scale = scales[sid]
        values = scale.values
        k = len(values)
        colors = dict(zip(values, _colors(k)))
        low = values[: k // 2]
        high = values[(k + 1) // 2:]
        mid = scale.middle
        # relative stacking grows outward from zero in trace order: nearest-to-centre categories first
        parts = ([(mid, -0.5)] if mid is not None else []) + [(v, -1.0) for v in reversed(low)]
        parts += ([(mid, 0.5)] if mid is not None else []) + [(v, 1.0) for v in high]
        sub = answers[answers["scale"] == sid]
        counts_by = sub.groupby(["item", "phase", "value"]).size()
        totals = sub.groupby(["item", "phase"]).size()
        for v, sign in parts:
            xs, counts = [], []
            for item in items:
                for ph in ("pre", "post"):
                    n = int(totals.get((item, ph), 0))
                    c = int(counts_by.get((item, ph, v), 0))
                    counts.append(c)
                    xs.append(sign * 100.0 * c / n if n else 0.0)
            label = scale.labels[v]
            fig.add_trace(go.Bar(
                y=[ys[0], ys[1]], x=xs, orientation="h", name=label, legendgroup=f"{sid}:{v}",
                showlegend=sign > 0 or v != mid, legendrank=v, marker_color=colors[v],
                customdata=counts,
                hovertemplate=f"{html.escape(label)}: %{{customdata}}人<extra></extra>"))
    fig.update_layout(barmode="relative")
    fig.update_xaxes(range=[-105, 105], tickvals=[-100, -50, 0, 50, 100],
                     ticktext=["100%", "50%", "0", "50%", "100%"], title="回答の割合(左: 否定的、右: 肯定的)",
                     zeroline=True, zerolinecolor="#333333")
    fig.update_yaxes(autorange="reversed")
    _layout(fig, "項目ごとの回答の分布(研修前・研修後)", 140 + 54 * len(items))
    return fig


def slope_figure(answers, *, scales: Scales | None = None, columns: int = 4):
    """One panel per item: lines from each paired respondent's answer before to after."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    scales = scales or load_scales()
    items = _items(answers)
    rows = max(1, -(-len(items) // columns))
    # a panel is a quarter of the page: longer item names are cut (the table below the chart has them whole)
    titles = [html.escape(i if len(i) <= 9 else i[:8] + "…") for i in items]
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=titles,
                        horizontal_spacing=0.06,
                        vertical_spacing=0.5 / rows)
    any_pair = False
    for i, item in enumerate(items):
        sub = answers[(answers["item"] == item) & (answers["respondent"] != "")]
        ids = sub["respondent"].map(respondent_key).to_numpy()  # pair as compare does: "001" is "1"
        is_pre = (sub["phase"] == "pre").to_numpy()
        is_post = (sub["phase"] == "post").to_numpy()
        pre = dict(zip(ids[is_pre], sub.loc[is_pre, "value"]))
        post = dict(zip(ids[is_post], sub.loc[is_post, "value"]))
        changes: dict[tuple[int, int], int] = {}
        for r in sorted(set(pre) & set(post)):
            key = (int(pre[r]), int(post[r]))
            changes[key] = changes.get(key, 0) + 1
        scale = scales[sub["scale"].iloc[0]] if len(sub) else None
        row, col = i // columns + 1, i % columns + 1
        for (a, b), n in sorted(changes.items()):
            any_pair = True
            color = POST_COLOR if b > a else "#d62728" if b < a else PRE_COLOR
            fig.add_trace(go.Scatter(
                x=[PHASE_JA["pre"], PHASE_JA["post"]], y=[a, b], mode="lines+markers", showlegend=False,
                line=dict(color=color, width=1.5 + 2.0 * n), marker=dict(size=6, color=color),
                hovertemplate=f"{n}人: {a} → {b}<extra></extra>"), row=row, col=col)
        if scale is not None:
            fig.update_yaxes(range=[min(scale.values) - 0.4, max(scale.values) + 0.4],
                             tickvals=scale.values, ticktext=[scale.labels[v] for v in scale.values],
                             row=row, col=col, showticklabels=col == 1)
    fig.update_annotations(font_size=12)  # the panel titles: a quarter of the page each
    if not any_pair:
        fig.add_annotation(text="回答者IDで研修前と研修後を対応づけられないため、変化の線は描けません",
                           showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    _layout(fig, "回答者ごとの変化(線の太さ = 人数、青: 上昇、赤: 低下、灰: 同じ)", 110 + 200 * rows)
    return fig


def positive_share_figure(result):
    """Grouped bars of the % positive answers (top two categories) per item, before and after."""
    import plotly.graph_objects as go

    items = result.items
    fig = go.Figure()
    for ph, color in (("pre", PRE_COLOR), ("post", POST_COLOR)):
        pct = items[f"pct_positive_{ph}"].astype(float)
        fig.add_trace(go.Bar(
            y=[html.escape(i) for i in items["item"]], x=list(pct), name=PHASE_JA[ph], orientation="h",
            marker_color=color,
            text=[f"{p:.0f}%" if p == p else "" for p in pct], textposition="outside",
            hovertemplate=f"{PHASE_JA[ph]}: %{{x:.1f}}%<extra></extra>"))
    fig.update_layout(barmode="group")
    fig.update_xaxes(range=[0, 110], title="肯定的な回答(上位2カテゴリー)の割合(%)", tickvals=[0, 25, 50, 75, 100])
    fig.update_yaxes(autorange="reversed")
    _layout(fig, "肯定的な回答の割合(研修前・研修後)", 140 + 56 * len(items))
    return fig


def figures_html(result, *, scales: Scales | None = None) -> str:
    """One self-contained page with the three figures; plotly.js embedded once, fixed div ids so the
    same input gives the same bytes."""
    answers = result.answers
    figs = [("survey-diverging", diverging_bars_figure(answers, scales=scales)),
            ("survey-positive", positive_share_figure(result)),
            ("survey-slopes", slope_figure(answers, scales=scales))]
    parts = [fig.to_html(full_html=False, include_plotlyjs=(i == 0), div_id=div_id,
                         config={"displaylogo": False, "responsive": True})
             for i, (div_id, fig) in enumerate(figs)]
    body = "\n".join(f'<section>{p}</section>' for p in parts)
    return ("<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
            "<title>研修前後アンケートの図</title></head>\n"
            f"<body style=\"font-family:{FONT}\">\n<h1>研修前後アンケートの図</h1>\n{body}\n</body></html>\n")


def change_figure(result, *, width: int = 340, height: int | None = None, label_chars: int = 9):
    """Compact before → after of the % positive answers per item (a dot per phase joined by an arrow),
    for the report's one-page summary."""
    import plotly.graph_objects as go

    items = result.items
    names = [html.escape(i if len(i) <= label_chars else i[: label_chars - 1] + "…") for i in items["item"]]
    pre = items["pct_positive_pre"].astype(float).tolist()
    post = items["pct_positive_post"].astype(float).tolist()
    fig = go.Figure()
    for name, a, b in zip(names, pre, post):
        if a == a and b == b:
            fig.add_annotation(x=b, y=name, ax=a, ay=name, xref="x", yref="y", axref="x", ayref="y",
                               showarrow=True, arrowhead=2, arrowsize=1, arrowwidth=1.6,
                               arrowcolor=POST_COLOR if b >= a else "#d62728", text="")
    for ph, xs, color in (("pre", pre, PRE_COLOR), ("post", post, POST_COLOR)):
        fig.add_trace(go.Scatter(x=xs, y=names, mode="markers", name=PHASE_JA[ph],
                                 marker={"size": 9, "color": color},
                                 hovertemplate=f"%{{y}} {PHASE_JA[ph]}: %{{x:.0f}}%<extra></extra>"))
    fig.update_xaxes(range=[-5, 105], tickvals=[0, 50, 100], ticktext=["0%", "50%", "100%"],
                     title="肯定的な回答の割合", fixedrange=True)
    fig.update_yaxes(autorange="reversed", fixedrange=True)
    fig.update_layout(title=dict(text="アンケート: 研修前 → 研修後", x=0, xanchor="left", y=0.99, yanchor="top",
                                 font=dict(size=14)),
                      width=width, height=height or 120 + 22 * len(names), autosize=False,
                      font=dict(family=FONT, size=11), template="plotly_white",
                      margin=dict(l=10, r=10, t=62, b=40),
                      legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom", font=dict(size=10)))
    return fig
