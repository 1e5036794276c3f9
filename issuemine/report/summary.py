"""The report's summary: Japanese sentences generated from the data, never written by hand.

Each function returns a list of sentences (possibly empty when its piece is missing), so the summary says
only what the data support: the largest themes, where the notes concentrate on the diagram, which
professions raised what, what changed after training and, for several meetings, what was new.
"""

from __future__ import annotations

from issuemine.diagram.zones import ZONE_NAMES
from issuemine.present import percent, percents, zone_name


def _pct(n: int, total: int) -> str:
    return percent((100.0 * n / total) if total else 0.0)


def theme_sentences(data) -> list[str]:
    if data.themes is None or len(data.themes) == 0:
        return []
    t = data.themes.sort_values(["size", "theme_id"], ascending=[False, True])
    total = int(t["size"].sum())
    out = [f"{total}枚の付箋を{len(t)}のテーマに分けました。"]
    top = [f"「{r.label}」({int(r.size)}枚、{_pct(int(r.size), total)})" for r in t.head(3).itertuples()]
    if len(top) == 1:
        out.append(f"最も多いテーマは{top[0]}でした。")
    else:
        out.append(f"最も多いテーマは{top[0]}で、次いで{'、'.join(top[1:])}でした。")
    if "heading" in t.columns:
        h = t.groupby("heading", sort=False)["size"].sum().sort_values(ascending=False, kind="stable")
        if len(h) > 1:
            out.append(f"テーマは{len(h)}つの見出しにまとまり、最大の見出しは「{h.index[0]}」"
                       f"({int(h.iloc[0])}枚)でした。")
    weak = data.assignments["theme_weak"].fillna(False).astype(bool).sum() if data.assignments is not None \
        and "theme_weak" in data.assignments.columns else 0
    if weak:
        out.append(f"テーマへの割り当てが弱い付箋が{int(weak)}枚あり、確認をお勧めします(notes.xlsx の「テーマ要確認」列)。")
    return out


def membership_counts(placements) -> dict:
    """Membership per zone (an H∩C note counts for H and for C) from the ``zones`` letters."""
    zones = placements["zones"].fillna("X").astype(str)
    return {z: int(zones.map(lambda s, z=z: z in s).sum()) for z in ZONE_NAMES}


def diagram_sentences(data) -> list[str]:
    if data.placements is None or len(data.placements) == 0:
        return []
    total = len(data.placements)
    m = membership_counts(data.placements)
    out = [f"概念図では、病院にかかわる付箋が{m['H']}枚({_pct(m['H'], total)})、地域が{m['C']}枚"
           f"({_pct(m['C'], total)})、相談支援が{m['S']}枚({_pct(m['S'], total)})でした"
           f"(重なりにある付箋は両方に数えています)。"]
    regions = data.placements["region"].astype(str).value_counts()
    regions = regions.sort_index().sort_values(ascending=False, kind="stable")
    out.append(f"最も多い領域は「{zone_name(regions.index[0])}」({int(regions.iloc[0])}枚)でした。")
    if m["H"] > m["S"] and m["C"] > m["S"]:
        out.append(f"付箋は病院側と地域側に多く集まり、相談支援にかかわる付箋は{_pct(m['S'], total)}にとどまりました。")
    outside = [f"{ZONE_NAMES[z]}{m[z]}枚" for z in ("F", "P") if m[z]]
    if outside:
        out.append(f"三つの領域の外には{'、'.join(outside)}がありました。")
    inferred = data.placements.get("zone_inferred")
    if inferred is not None and inferred.fillna(False).astype(bool).any():
        out.append(f"語彙の手がかりがなく近い付箋から推定して配置した付箋が{int(inferred.fillna(False).astype(bool).sum())}枚あります。")
    return out


def profession_sentences(data, top: int = 3) -> list[str]:
    if data.assignments is None or "profession" not in data.notes.columns:
        return []
    import pandas as pd

    df = pd.DataFrame({"profession": data.notes["profession"].astype("string").fillna("").to_numpy(),
                       "note_id": data.notes["note_id"].to_numpy()})
    df = df.merge(data.assignments[["note_id", "theme_label"]], on="note_id", how="left")
    df = df[df["profession"].str.strip() != ""]
    if df.empty:
        return []
    counts = df.groupby("profession")["note_id"].count().sort_index().sort_values(ascending=False, kind="stable")
    parts = []
    for prof in counts.index[:top]:
        sub = df[df["profession"] == prof]["theme_label"].value_counts().sort_index()
        sub = sub.sort_values(ascending=False, kind="stable")
        parts.append(f"{prof}({int(counts[prof])}枚)は「{sub.index[0]}」({_pct(int(sub.iloc[0]), int(counts[prof]))})")
    return [f"付箋の多い職種では、{'、'.join(parts)}を最も多く挙げました。"]


def survey_sentences(data) -> list[str]:
    s = data.survey
    if s is None or getattr(s, "items", None) is None or len(s.items) == 0:
        return []
    items = s.items.copy()
    out = []
    if {"pct_positive_pre", "pct_positive_post"} <= set(items.columns):
        pre = items["pct_positive_pre"].astype(float)
        post = items["pct_positive_post"].astype(float)
        up = int((post > pre).sum())
        out.append(f"研修前後のアンケート({len(items)}項目)では、肯定的な回答(上位2段階)の割合が"
                   f"{up}項目で増えました。")
        diff = (post - pre)
        i = int(diff.to_numpy().argmax())
        r = items.iloc[i]
        before, after = percents(pre.iloc[i], post.iloc[i])
        out.append(f"最も大きく変わったのは「{r['item']}」で、{before}から{after}になりました。")
    if "p_holm" in items.columns:
        p = pd_numeric(items["p_holm"])
        sig = int((p < 0.05).sum())
        out.append(f"多重比較を Holm 法で補正した後、5%水準で差があったのは{sig}項目でした。")
    return out


def pd_numeric(s):
    import pandas as pd

    return pd.to_numeric(s, errors="coerce")


def comparison_sentences(comp) -> list[str]:
    if comp is None:
        return []
    out = [f"{len(comp.meetings)}回の会({'、'.join(comp.meetings)})を比較しました。"]
    if comp.theme_shares is not None:
        for m in comp.meetings:
            row = comp.theme_shares.loc[m].sort_index().sort_values(ascending=False, kind="stable")
            out.append(f"{m}で最も割合が高いテーマは「{row.index[0]}」({percent(row.iloc[0])})でした。")
    if comp.new_themes is not None and len(comp.new_themes):
        for m, g in comp.new_themes.groupby("meeting", sort=False):
            out.append(f"{m}で新しく現れたテーマ: {'、'.join('「' + t + '」' for t in g['theme'])}。")
    return out


def summarize(data) -> list[str]:
    """All summary sentences for one workshop's ``WorkshopData``."""
    return (theme_sentences(data) + diagram_sentences(data) + profession_sentences(data)
            + survey_sentences(data))
