"""Tables for people: the report's and the workbook's tables with Japanese headers, names instead of codes,
rounded numbers and words; ids only in a last column. The machine tables (docs/schemas.md) stay as they are
and go to the workbook's 技術情報 sheets and the CSV/JSON files.
"""

from __future__ import annotations

import pandas as pd

from issuemine.present import names, numbers, words

SURVEY_NOTE = ("「肯定的な回答」は尺度の上位2段階(例: わかる・とてもわかる)の割合です。比べ方は、研修前後を回答者で"
               "対応づけられた項目は Wilcoxon の符号付順位検定、できない項目は Mann–Whitney の U 検定です。p 値は、"
               "回答が50件(対)未満なら同じ回答を含めたまま全通りを数えた正確検定の値で、「< 0.001」は 0.001 未満の"
               "ことです。肯定的な回答の変化は McNemar(対応あり)または Fisher(対応なし)の正確検定です。"
               "「正規近似」は SPSS や R と比べるための参考値です。" + numbers.EFFECT_NOTE
               + "すべての列は survey_items.csv にあります。")
TECHNICAL = "技術情報"  # sheets whose title starts with this hold the machine tables with their own names


def _labels(scales: dict | None, scale_id) -> dict | None:
    return ((scales or {}).get(str(scale_id)) or {}).get("labels")


def _get(row, key, default=None):
    v = row.get(key, default)
    return default if numbers.missing(v) else v


def survey_for_people(items, scales: dict | None = None, *, detail: bool = False, compact: bool = False
                      ) -> pd.DataFrame:
    """One row per item: medians with scale words, shares, change, p (exact, and the normal approximation
    beside it), effect with its word, Holm. ``detail`` adds quartiles and means (the workbook); ``compact``
    (the A4 report) leaves out the test and method columns: the method is named after p only where it is
    not the exact test, and the test only when items were compared differently."""
    rows = []
    for r in items.to_dict("records"):
        paired = bool(_get(r, "paired", False))
        labels = _labels(scales, r.get("scale"))
        pre, post = numbers.percents(r.get("pct_positive_pre"), r.get("pct_positive_post"))
        n = (f"{numbers.integer(r.get('n_pairs'))}組" if paired else
             f"研修前 {numbers.integer(r.get('n_pre'))}・研修後 {numbers.integer(r.get('n_post'))}")
        method = r.get("wilcoxon_method") if paired else r.get("mannwhitney_method")
        row = {
            "項目": r.get("item"),
            "比べ方": "対応あり(Wilcoxon)" if paired else "対応なし(Mann–Whitney)",
            "回答数": n,
            "中央値 研修前 → 研修後": words.median_change(r.get("median_pre"), r.get("median_post"), labels),
            "肯定的な回答 研修前 → 研修後": f"{pre} → {post}",
            "変化": _get(r, "direction", ""),
            "p 値": numbers.p_value(r.get("p")),
            "p 値の求め方": names.method_name(method),
            "p 値(正規近似・参考)": numbers.p_value(r.get("wilcoxon_p_normal") if paired else r.get("mannwhitney_p_normal")),
            "効果量 r": numbers.effect(r.get("r")),
            "肯定的な回答の変化の p 値": numbers.p_value(r.get("mcnemar_p") if paired else r.get("fisher_p")),
            "補正後の p 値(Holm 法)": numbers.p_value(r.get("p_holm")),
            "注意": _get(r, "warning", ""),
        }
        if detail:
            for ph, ja in (("pre", "研修前"), ("post", "研修後")):
                row[f"四分位 {ja}"] = (f"{numbers.number(r.get(f'q1_{ph}'), 1)}–{numbers.number(r.get(f'q3_{ph}'), 1)}"
                                       if not numbers.missing(r.get(f"q1_{ph}")) else numbers.MISSING)
                row[f"平均 {ja}"] = numbers.number(r.get(f"mean_{ph}"), 2)
            row["差が0の対"] = numbers.integer(r.get("n_zero_diff")) if paired else numbers.MISSING
        if compact:
            if method == "asymptotic":
                row["p 値"] += "(正規近似)"
            del row["p 値の求め方"]
        rows.append(row)
    out = pd.DataFrame(rows)
    if compact and len(out) and out["比べ方"].nunique() == 1:
        out = out.drop(columns="比べ方")
    return out


def terms_for_people(df):
    """A term table (term, pos, count, notes) with plain parts of speech."""
    if df is None or "pos" not in getattr(df, "columns", ()):
        return df
    return df.assign(pos=[words.pos_plain(p) for p in df["pos"]])


def freetext_terms_for_people(df):
    """survey.freetext_terms: Japanese headers, shares as whole percentages."""
    if df is None:
        return df
    out = df.copy()
    if {"pct_pre", "pct_post"} <= set(out.columns):
        shares = [numbers.percents(a, b) for a, b in zip(out["pct_pre"], out["pct_post"])]
        out["pct_pre"] = [s[0] for s in shares]
        out["pct_post"] = [s[1] for s in shares]
    return out.rename(columns={"term": "語", "n_pre": "研修前(件)", "n_post": "研修後(件)",
                               "pct_pre": "研修前(割合)", "pct_post": "研修後(割合)"})


# The notes sheet a facilitator opens: (machine column, header, formatter); ids last.
def _flag(v) -> str:
    return "はい" if not numbers.missing(v) and bool(v) else ""


NOTE_COLUMNS = [
    ("text", "内容", None), ("group", "グループ", None), ("profession", "職種", None), ("round", "回", None),
    ("participant", "参加者", None), ("theme_label", "テーマ", None),
    ("theme_confidence", "テーマの確からしさ", numbers.confidence_word), ("theme_weak", "テーマ要確認", _flag),
    ("region", "概念図の領域", names.zone_name), ("zone_reason", "配置の根拠", names.plain_zones),
    ("zone_confidence", "配置の確からしさ", numbers.confidence_word), ("zone_inferred", "近い付箋から推定", _flag),
    ("workshop", "ワークショップ", None), ("source_file", "元ファイル", None),
    ("source_sheet", "元シート", None),  # only in the table when an .xlsx sheet was read
    ("source_row", "元の行", None),
    ("duplicate_of", "重複元の付箋ID", None), ("near_duplicate_of", "ほぼ重複の付箋ID", None),
    ("theme_id", "テーマID", None), ("note_id", "付箋ID", None),
]
THEME_COLUMNS = [
    ("label", "テーマ", None), ("heading", "見出し", None), ("size", "付箋数", None),
    ("key_terms", "キーワード", lambda v: words.keywords(v, 8)), ("representative_notes", "代表的な付箋", None),
    ("stability", "安定性", numbers.stability), ("source", "由来", None), ("theme_id", "テーマID", None),
]


def _people(df, spec, **values) -> pd.DataFrame:
    out = {}
    for col, header, fmt in spec:
        if col in values:
            out[header] = values[col]
        elif col in df.columns:
            vals = df[col].tolist()
            miss = df[col].isna().tolist()
            out[header] = [None if m else (fmt(v) if fmt else v) for v, m in zip(vals, miss)]
    return pd.DataFrame(out)


def notes_for_people(table, *, workshop: str | None = None, source_file: str | None = None) -> pd.DataFrame:
    """The note table (report.build.WorkshopData.note_table) as a facilitator reads it; ``workshop`` and
    ``source_file`` name the workshop and the file the notes were uploaded as."""
    extra = {}
    if workshop is not None:
        extra["workshop"] = [workshop] * len(table)
    if source_file is not None:
        extra["source_file"] = [source_file] * len(table)
    return _people(table, NOTE_COLUMNS, **extra)


def themes_for_people(themes) -> pd.DataFrame:
    from issuemine.schema import THEME_SOURCES_JA

    out = _people(themes, THEME_COLUMNS)
    if "由来" in out.columns:
        out["由来"] = [THEME_SOURCES_JA.get(v, v) for v in out["由来"]]
    return out
