"""Several workshops in one report: theme shares and region shares by meeting, themes new in a meeting.

Themes fitted on each workshop separately cannot be lined up, so the comparison fits one theme model on the
pooled notes of all meetings (same seed) and counts each meeting's notes per pooled theme. Diagram regions
are fixed categories and come straight from each workshop's placements. A theme is "new" in a meeting when
it holds at least ``min_new`` of that meeting's notes and no note of any earlier meeting (meetings in the
order given on the command line).
"""

from __future__ import annotations

from dataclasses import dataclass, field

REGION_ORDER = ("病院", "地域", "相談支援", "病院∩地域", "病院∩相談支援", "地域∩相談支援", "病院∩地域∩相談支援",
                "家族・本人", "制度・政策", "未分類")


@dataclass
class Comparison:
    meetings: list
    theme_counts: object = None  # DataFrame: meeting × pooled theme label, counts
    theme_shares: object = None  # same, % of the meeting's notes
    region_counts: object = None
    region_shares: object = None
    new_themes: object = None  # DataFrame: meeting, theme, notes
    info: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)


def _shares(counts):
    totals = counts.sum(axis=1).replace(0, 1)
    return (counts.div(totals, axis=0) * 100).round(1)


def _heatmap(shares, title, name):
    import plotly.graph_objects as go

    from issuemine.report.figures import make_safe

    z = shares.to_numpy().T.tolist()
    fig = go.Figure(go.Heatmap(z=z, x=list(shares.index), y=list(shares.columns), colorscale="Blues",
                               text=[[f"{v:.1f}%" for v in row] for row in z], texttemplate="%{text}",
                               hovertemplate="%{x} / %{y}: %{z:.1f}%<extra></extra>",
                               colorbar=dict(title="%")))
    fig.update_layout(title=title, margin=dict(l=10, r=10, t=50, b=40), height=max(360, 140 + 20 * len(z)),
                      yaxis=dict(automargin=True, autorange="reversed", dtick=1))
    return make_safe(fig, name)


def new_themes(counts, min_new: int = 2):
    """Themes with ≥ ``min_new`` notes in a meeting and none in any earlier one (rows in meeting order)."""
    import pandas as pd

    rows = []
    for i, m in enumerate(counts.index[1:], start=1):
        earlier = counts.iloc[:i].sum(axis=0)
        for theme in counts.columns:
            if earlier[theme] == 0 and counts.loc[m, theme] >= min_new:
                rows.append({"meeting": m, "theme": theme, "notes": int(counts.loc[m, theme])})
    return pd.DataFrame(rows, columns=["meeting", "theme", "notes"])


def compare_workshops(datas, seed: int = 0, min_new: int = 2) -> Comparison:
    """Compare the ``WorkshopData`` of several meetings (in the given order)."""
    import pandas as pd

    from issuemine.themes import ThemeModel

    meetings = [d.name for d in datas]
    comp = Comparison(meetings=meetings)

    frames = []
    for i, d in enumerate(datas):
        n = d.notes.copy()
        # note_id is unique within a file only: prefix the meeting so pooled ids stay unique.
        n["note_id"] = [f"{i + 1}:{x}" for x in n["note_id"].astype(str)]
        n["workshop"] = d.name
        frames.append(n)
    pooled = pd.concat(frames, ignore_index=True)
    pooled = pooled.astype({c: d for c, d in frames[0].dtypes.items()})
    result = ThemeModel(seed=seed).fit(pooled)
    a = result.assignments.merge(pooled[["note_id", "workshop"]], on="note_id", how="left")
    order = result.themes.sort_values(["size", "theme_id"], ascending=[False, True])["label"].tolist()
    counts = pd.crosstab(pd.Categorical(a["workshop"], categories=meetings),
                         pd.Categorical(a["theme_label"], categories=order), dropna=False)
    counts.index.name, counts.columns.name = "会", "テーマ"
    comp.theme_counts = counts
    comp.theme_shares = _shares(counts)
    comp.new_themes = new_themes(counts, min_new=min_new)
    comp.info = dict(getattr(result, "info", {}) or {})
    comp.figures["compare_themes"] = _heatmap(comp.theme_shares, "会ごとのテーマの割合(%)", "compare_themes")

    if all(d.placements is not None for d in datas):
        regions = pd.concat([pd.DataFrame({"workshop": d.name, "region": d.placements["region"].astype(str)})
                             for d in datas], ignore_index=True)
        present = [r for r in REGION_ORDER if r in set(regions["region"])]
        present += sorted(set(regions["region"]) - set(present))
        counts = pd.crosstab(pd.Categorical(regions["workshop"], categories=meetings),
                             pd.Categorical(regions["region"], categories=present), dropna=False)
        counts.index.name, counts.columns.name = "会", "領域"
        comp.region_counts = counts
        comp.region_shares = _shares(counts)
        comp.figures["compare_regions"] = _heatmap(comp.region_shares, "会ごとの概念図の領域の割合(%)",
                                                   "compare_regions")
    return comp
