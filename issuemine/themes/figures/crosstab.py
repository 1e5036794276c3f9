"""Profession × theme table with a test of independence.

2 × 2: Fisher's exact test. Larger: Pearson's χ² with adjusted (standardised) residuals from
statsmodels; when more than 20 % of expected counts are below 5 (Cochran's rule) the χ² p-value is
unreliable, so a Monte-Carlo permutation p-value (seeded) is given instead and a warning says so.
"""

from __future__ import annotations

import numpy as np

UNKNOWN = "(職種不明)"


def _chi2(table: np.ndarray) -> float:
    r = table.sum(axis=1, keepdims=True)
    c = table.sum(axis=0, keepdims=True)
    e = r @ c / table.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.nansum(np.where(e > 0, (table - e) ** 2 / e, 0.0)))


def _monte_carlo_p(rows: np.ndarray, cols: np.ndarray, shape, n_iter: int, seed: int) -> float:
    """Share of label permutations (margins fixed) with a χ² at least the observed one."""
    size = shape[0] * shape[1]
    stat = _chi2(np.bincount(rows * shape[1] + cols, minlength=size).reshape(shape).astype(float))
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(n_iter):
        t = np.bincount(rows * shape[1] + rng.permutation(cols), minlength=size).reshape(shape)
        hits += _chi2(t.astype(float)) >= stat - 1e-9
    return (hits + 1) / (n_iter + 1)


def profession_theme_table(notes, result, n_iter: int = 2000, seed: int = 0):
    """(counts DataFrame: professions × theme labels, test dict).

    test: ``method`` (Japanese), ``statistic``, ``dof``, ``p``, ``warning`` (Japanese or ""),
    ``adjusted_residuals`` (DataFrame like counts, χ² only).
    """
    import pandas as pd
    from scipy import stats

    prof = notes["profession"].fillna("").astype(str).str.strip().replace("", UNKNOWN).reset_index(drop=True)
    a = result.assignments.reset_index(drop=True)
    labels = dict(zip(result.themes["theme_id"], result.themes["label"]))
    order = [labels[t] for t in result.themes["theme_id"]]
    theme = a["theme_id"].map(labels)
    counts = pd.crosstab(prof, theme).reindex(columns=order, fill_value=0)
    counts = counts.loc[sorted(counts.index, key=lambda p: (p == UNKNOWN, -counts.loc[p].sum(), p))]
    counts.index.name = "職種"
    counts.columns.name = "テーマ"
    test = {"method": None, "statistic": None, "dof": None, "p": None, "warning": "", "adjusted_residuals": None}
    known = counts.drop(index=UNKNOWN, errors="ignore")
    known = known.loc[known.sum(axis=1) > 0, known.sum(axis=0) > 0]
    if known.shape[0] < 2 or known.shape[1] < 2:
        test["warning"] = "職種またはテーマが 1 種類しかないため、検定はできません。"
        return counts, test
    t = known.to_numpy()
    if t.shape == (2, 2):
        res = stats.fisher_exact(t)
        test.update(method="Fisher の正確確率検定", statistic=float(res.statistic), dof=1, p=float(res.pvalue))
        return counts, test
    from statsmodels.stats.contingency_tables import Table

    chi = stats.chi2_contingency(t, correction=False)
    resid = Table(t).standardized_resids
    test.update(method="χ² 検定(独立性)", statistic=round(float(chi.statistic), 4), dof=int(chi.dof),
                p=float(chi.pvalue),
                adjusted_residuals=pd.DataFrame(np.round(resid, 3), index=known.index, columns=known.columns))
    small = float((chi.expected_freq < 5).mean())
    if small > 0.2:
        codes_r = {p: i for i, p in enumerate(known.index)}
        codes_c = {c: j for j, c in enumerate(known.columns)}
        keep = prof.isin(codes_r) & theme.isin(codes_c)
        rows = prof[keep].map(codes_r).to_numpy()
        cols = theme[keep].map(codes_c).to_numpy()
        test["p"] = _monte_carlo_p(rows, cols, t.shape, n_iter, seed)
        test["method"] = f"χ² 検定(期待度数が小さいためモンテカルロ法 {n_iter} 回による正確確率)"
        test["warning"] = (f"期待度数が 5 未満のセルが {small:.0%} あり(20% を超える)、χ² 近似は不正確です。"
                           "p 値はモンテカルロ法の正確確率で、調整済み残差も参考値です。")
    return counts, test


# --- heatmaps instead of number walls ------------------------------------------------------------------
HEAT_ROW_PX = 17
SIGNIFICANT = 1.96  # |adjusted residual| above this: more (or fewer) notes than independence would give


def _short(label: str, limit: int = 16) -> str:
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _heat_layout(fig, title: str, n_rows: int, n_cols: int, col_title: str, width: int) -> None:
    fig.update_layout(title=title, width=width, height=170 + HEAT_ROW_PX * n_rows, autosize=False,
                      template="plotly_white", margin={"l": 10, "r": 10, "t": 50, "b": 10})
    fig.update_xaxes(side="bottom", tickangle=-50, title=None, tickfont={"size": 11}, fixedrange=True,
                     automargin=True)
    fig.update_yaxes(autorange="reversed", tickfont={"size": 11}, automargin=True, fixedrange=True)


def count_heatmap(counts, title: str, width: int = 680, colorbar_title: str = "付箋数"):
    """Rows × columns of counts as a heatmap (white → blue) with the count written in every non-empty cell.

    ``counts``: DataFrame, rows and columns labelled by names (themes down, professions or zones across).
    """
    import html as _html

    import plotly.graph_objects as go

    z = counts.to_numpy(dtype=float)
    rows = [_html.escape(str(r)) for r in counts.index]
    cols = [_html.escape(str(c)) for c in counts.columns]
    text = [[str(int(v)) if v else "" for v in row] for row in z]
    fig = go.Figure(go.Heatmap(
        z=z.tolist(), x=[_short(c, 10) for c in cols], y=[_short(r) for r in rows], text=text,
        texttemplate="%{text}", textfont={"size": 10}, colorscale="Blues", zmin=0, xgap=1, ygap=1,
        customdata=[[[r, c] for c in cols] for r in rows],
        hovertemplate="%{customdata[0]} × %{customdata[1]}: %{z:.0f}枚<extra></extra>",
        colorbar={"title": {"text": colorbar_title}, "thickness": 12}))
    _heat_layout(fig, title, len(rows), len(cols), "", width)
    return fig


def residual_heatmap(resid, title: str = "テーマ × 職種の偏り(調整済み残差)", width: int = 680,
                     number=None):
    """Adjusted residuals on a diverging scale (red: more notes than expected, blue: fewer), the colours
    saturating at ±4; cells beyond ±1.96 are marked ▲ (more) or ▼ (fewer), the value is in the hover text.
    ``number``: the presentation layer's number formatter (never 「-0」)."""
    import html as _html

    import plotly.graph_objects as go

    z = resid.to_numpy(dtype=float)
    lim = 4.0
    rows = [_html.escape(str(r)) for r in resid.index]
    cols = [_html.escape(str(c)) for c in resid.columns]
    fmt = number or (lambda v, d: f"{v:.{d}f}")
    text = [[("▲" if v > 0 else "▼") if abs(v) > SIGNIFICANT else "" for v in row] for row in z]
    shown = [[fmt(v, 1) for v in row] for row in z]
    fig = go.Figure(go.Heatmap(
        z=np.round(z, 3).tolist(), x=[_short(c, 10) for c in cols], y=[_short(r) for r in rows], text=text,
        texttemplate="%{text}", textfont={"size": 9}, colorscale="RdBu", reversescale=True, zmid=0,
        zmin=-lim, zmax=lim, xgap=1, ygap=1,
        customdata=[[[r, c, s] for c, s in zip(cols, srow)] for r, srow in zip(rows, shown)],
        hovertemplate="%{customdata[0]} × %{customdata[1]}: 残差 %{customdata[2]}<extra></extra>",
        colorbar={"title": {"text": "残差"}, "thickness": 12, "tickvals": [-4, -2, 0, 2, 4],
                  "ticktext": ["−4 以下", "−2", "0", "2", "4 以上"]}))
    _heat_layout(fig, title, len(rows), len(cols), "", width)
    return fig
