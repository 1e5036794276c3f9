"""The report as one self-contained HTML file: Japanese, offline, A4-printable, byte-identical per input.

plotly.js is inlined once in the page head; every figure is embedded without it and with a fixed div id and
fixed size. Jinja2 autoescaping is on, so note text in tables shows as text; figure strings are escaped by
``figures.make_safe`` and plotly's JSON encoder escapes ``<`` / ``>`` inside the page's scripts.
"""

from __future__ import annotations

import json
from pathlib import Path

from issuemine import present
from issuemine.present import tables as _tables  # noqa: F401  (present.tables.…)
from issuemine.report.figures import FIG_WIDTH, HEIGHTS
from issuemine.schema import THEME_SOURCES_JA

FONT_STACK = ('"Noto Sans CJK JP", "Noto Sans JP", "Hiragino Kaku Gothic ProN", "Hiragino Sans", '
              '"Yu Gothic", "Meiryo", sans-serif')
TEMPLATES = Path(__file__).resolve().parent / "templates"

SECTION_TITLES = {
    "summary": "要約", "themes": "テーマ", "theme_map": "テーママップ", "cooccurrence": "語の共起ネットワーク",
    "diagram": "概念図", "tables": "領域・職種とテーマのクロス表", "survey": "研修前後のアンケート",
    "terms": "よく使われた語", "method": "方法(再現のための付録)", "comparison": "会の比較",
}
COLUMN_JA = {
    "theme_id": "ID", "label": "テーマ", "heading": "見出し", "size": "付箋数", "key_terms": "キーワード",
    "representative_notes": "代表的な付箋", "stability": "安定性", "source": "由来", "term": "語", "pos": "品詞",
    "count": "出現数", "notes": "付箋数", "item": "項目", "paired": "対応あり", "n_pairs": "対の数",
    "n_pre": "n(前)", "n_post": "n(後)", "median_pre": "中央値(前)", "median_post": "中央値(後)",
    "pct_positive_pre": "肯定%(前)", "pct_positive_post": "肯定%(後)", "wilcoxon_p": "Wilcoxon p",
    "r": "効果量 r", "rank_biserial": "順位双列相関", "mcnemar_p": "McNemar p", "mannwhitney_p": "Mann–Whitney p",
    "fisher_p": "Fisher p", "p_holm": "Holm 補正 p", "warning": "注意", "meeting": "会", "theme": "テーマ",
}


def _cell(v) -> str:
    import pandas as pd

    if v is None:
        return ""
    if isinstance(v, float):
        if pd.isna(v):
            return ""
        return present.number(v, 3)  # at most three decimals, never 「-0」 (issuemine.present)
    if isinstance(v, (bool,)) or type(v).__name__ == "bool_":
        return "はい" if v else ""
    if not isinstance(v, str) and pd.api.types.is_scalar(v) and pd.isna(v):
        return ""
    if isinstance(v, (dict, list, tuple)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)
    return str(v)


def table_block(df, index: bool = False, max_rows: int | None = None) -> dict:
    """A DataFrame as ``{"kind": "table", "columns": [...], "rows": [[...]]}`` of strings for the template."""
    if index:
        df = df.reset_index()
    if max_rows is not None:
        df = df.head(max_rows)
    cols = [COLUMN_JA.get(str(c), str(c)) for c in df.columns]
    rows = [[_cell(v.item() if hasattr(v, "item") and not isinstance(v, str) else v) for v in row]
            for row in df.itertuples(index=False, name=None)]
    return {"kind": "table", "columns": cols, "rows": rows}


def blocks(obj, title: str | None = None) -> list[dict]:
    """Any result (DataFrame, dict, object with DataFrame attributes, text) as template blocks."""
    import pandas as pd

    out: list[dict] = []
    if title:
        out.append({"kind": "h", "text": title})
    if obj is None:
        return out
    if isinstance(obj, pd.DataFrame):
        out.append(table_block(obj, index=not isinstance(obj.index, pd.RangeIndex)))
    elif isinstance(obj, pd.Series):
        out.append(table_block(obj.to_frame(), index=True))
    elif isinstance(obj, dict):
        out.append({"kind": "dl", "items": [(str(k), _cell(v)) for k, v in obj.items()]})
    elif isinstance(obj, (str, int, float)):
        out.append({"kind": "p", "text": _cell(obj)})
    else:
        scalars = {}
        for name, value in sorted(vars(obj).items()) if hasattr(obj, "__dict__") else []:
            if name.startswith("_"):
                continue
            if isinstance(value, (pd.DataFrame, pd.Series)):
                out += blocks(value)
            elif isinstance(value, (str, int, float, bool, list, dict)) or value is None:
                scalars[name] = value
        if scalars:
            out.append({"kind": "dl", "items": [(k, _cell(v)) for k, v in scalars.items()]})
    return out


def figure_html(fig, div_id: str, name: str) -> str:
    import plotly.io as pio

    fig.update_layout(font=dict(family=FONT_STACK))
    return pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=div_id,
                       default_width=f"{FIG_WIDTH}px", default_height=f"{fig.layout.height or HEIGHTS.get(name, 480)}px",
                       config={"displaylogo": False, "responsive": False})


def _japanese_lines(info: dict, keys=None) -> list[str]:
    """The Japanese sentences of a result's info (keys ending in ``_ja`` and lists of messages), in order;
    the machine details stay in analysis.json / survey.json."""
    out = []
    for key, value in info.items():
        if keys is not None and key not in keys:
            continue
        if isinstance(value, str) and (key.endswith("_ja") or keys is not None) and value.strip():
            out.append(present.names.plain_zones(value))
        elif key.endswith("_ja") and isinstance(value, list):
            out += [str(v) for v in value if isinstance(v, str)]
        elif isinstance(value, dict) and key == "methods":
            out += [v for v in value.values() if isinstance(v, str)]
    return list(dict.fromkeys(out))


def _method(data, report) -> list[dict]:
    ws = data.workshop
    n_themes = report.parameters.get("n_themes")
    out = blocks({"乱数シード": report.seed,
                  "テーマ数の指定": "自動" if n_themes in (None, "auto") else n_themes,
                  "個人情報のマスク": "あり" if report.mask_pii else "なし",
                  "付箋のファイル": notes_file_name(ws),
                  "アンケートのファイル": "、".join(survey_file_names(ws)) or "なし",
                  "ファシリテーターの手直し": f"{len(data.edits)} 件" if data.edits else "なし"},
                 title="実行条件")
    if data.read_summary:
        out.append({"kind": "h", "text": "付箋の読み込み"})
        shown = data.read_summary.replace(f"「{ws.notes.name}」", f"「{notes_file_name(ws)}」")
        out += [{"kind": "p", "text": line} for line in shown.splitlines()]
    if data.theme_result is not None:
        info = getattr(data.theme_result, "info", None) or {}
        lines = _japanese_lines(info)
        if lines:
            out.append({"kind": "h", "text": "テーマ分析(テーマ数とその理由)"})
            out += [{"kind": "p", "text": line} for line in lines]
        out += stability_blocks(data.theme_result)
    edit_info = (getattr(data.theme_result, "info", None) or {}).get("edits") or {}
    if data.edit_messages:
        from issuemine.edits import NOT_APPLIED_TITLE

        out.append({"kind": "h", "text": NOT_APPLIED_TITLE})
        out += [{"kind": "p", "text": m} for m in data.edit_messages]
    if edit_info.get("applied_by_id"):
        out.append({"kind": "h", "text": "テーマ ID で適用した手直し(古い形式の記録)"})
        out += [{"kind": "p", "text": m} for m in edit_info["applied_by_id"]]
    if edit_info.get("rule"):
        out += [{"kind": "p", "text": edit_info["rule"]}]
    if data.survey is not None and getattr(data.survey, "info", None):
        lines = _japanese_lines(data.survey.info, keys=("shape_ja", "pairing_ja", "zero_differences", "methods"))
        if lines:
            out.append({"kind": "h", "text": "アンケートの検定"})
            out += [{"kind": "p", "text": line} for line in lines]
    out += _file_list(data)
    if report.versions:
        out.append({"kind": "h", "text": "使用したソフトウェア"})
        out.append({"kind": "p", "text": "、".join(f"{k} {v}" for k, v in report.versions.items())
                    + "(設定の詳細は analysis.json と survey.json にあります)。"})
    return out


def _file_list(data) -> list[dict]:
    """The files written with the report and what each is for (issuemine.present.files)."""
    from issuemine.present.files import PURPOSES

    names = ["index.html", "report.pdf", "notes.xlsx"]
    names += ["notes.csv", "themes.csv", "analysis.json"] if data.theme_result is not None else ["notes.csv"]
    if data.terms is not None:
        names.append("terms.csv")
    if data.survey is not None:
        names += ["survey_items.csv", "survey.json"]
        if getattr(data, "survey_themes", None) is not None:
            names.append("survey_freetext_themes.csv")
    items = [(n, PURPOSES[n] + ("(PDF を作ったときだけ)" if n == "report.pdf" else "")) for n in names]
    return [{"kind": "h", "text": "レポートと一緒に書き出すファイル"}, {"kind": "dl", "items": items}]


def notes_file_name(ws) -> str:
    """The notes file as the facilitator named it (an app upload's original name), else the file's name."""
    return str((ws.extra or {}).get("notes_file") or ws.notes.name)


def survey_file_names(ws) -> list[str]:
    names = (ws.extra or {}).get("questionnaire_files")
    return [str(n) for n in names] if names else [p.name for p in ws.questionnaires]


def survey_table(items, scales: dict | None = None):
    """The survey items in the columns a committee reads (issuemine.present.tables.survey_for_people);
    every column is in survey_items.csv."""
    from issuemine.present.tables import survey_for_people

    return table_block(survey_for_people(items, scales, compact=True))


def profession_blocks(table) -> list[dict]:
    """Profession × theme counts and the test of independence (Fisher or χ² with adjusted residuals)."""
    import pandas as pd

    counts, test = table if isinstance(table, tuple) else (table, {})
    # themes down the page, professions across: there are far more themes than professions
    out = blocks(counts.T, title="テーマ × 職種(付箋数)")
    out[-1]["small"] = True
    if test:
        items = [("検定", present.method_name(test.get("method", ""))),
                 ("統計量", present.number(test.get("statistic"), 1) if test.get("statistic") is not None else ""),
                 ("自由度", _cell(test.get("dof"))), ("p 値", present.p_value(test.get("p")))]
        out.append({"kind": "dl", "items": [(k, v) for k, v in items if v not in ("", None)]})
        if test.get("warning"):
            out.append({"kind": "p", "text": "注意: " + str(test["warning"])})
        res = test.get("adjusted_residuals")
        if isinstance(res, pd.DataFrame):
            out += blocks(res.T.round(1), title="調整済み残差(テーマ × 職種、|値| > 1.96 で偏りあり)")
            out[-1]["small"] = True
    return out


def stability_blocks(result) -> list[dict]:
    """Each theme's stability over resampled re-runs and the notes that change theme most."""
    import pandas as pd

    out = []
    stab = getattr(result, "stability", None)
    if stab is not None:
        shown = present.tables.themes_for_people(stab)
        out += blocks(shown, title="テーマの安定性(付箋の一部を抜いてやり直したときの再現の度合い)")
        out.append({"kind": "p", "text": present.STABILITY_NOTE})
    unstable = getattr(result, "unstable_notes", None)
    if unstable is not None and len(unstable):
        texts = dict(zip(result.note_ids, result.texts))
        top = unstable.head(10)
        labels = dict(zip(stab["theme_id"], stab["label"])) if stab is not None else {}
        shown = pd.DataFrame({"内容": [texts.get(n, "") for n in top["note_id"]],
                              "テーマ": [labels.get(t, "") for t in top["theme_id"]],
                              "テーマが変わった割合": [present.percent(v, share=True) for v in top["change_rate"]],
                              "やり直しの回数": top["resamples"].tolist(), "付箋ID": top["note_id"].tolist()})
        out += blocks(shown, title="テーマが最も変わりやすい付箋(見直し候補、上位10件)")
    return out


def _zone_blocks(data) -> list[dict]:
    import pandas as pd

    from issuemine.report.summary import ZONE_NAMES, membership_counts

    if data.placements is None:
        return []
    if data.zone_counts is not None:
        return blocks(present.tables.zone_counts_for_people(data.zone_counts),
                      title="領域ごとの付箋数(延べ: 重なりは両方に数える/件数: 各付箋を1回)")
    m = membership_counts(data.placements)
    member = pd.DataFrame({"ゾーン": [ZONE_NAMES[z] for z in m], "所属数": list(m.values())})
    excl = data.placements["region"].astype(str).map(present.zone_name).value_counts() \
        .rename_axis("領域").reset_index(name="排他的な数")
    return (blocks(member, title="ゾーンごとの所属数(重なりは両方に数える)")
            + blocks(excl, title="領域ごとの排他的な数"))


def readable_terms(df, forms=None):
    """A term table as a reader sees it: 分かる+否定 → わからない, 子供 → 子ども (the notes' own spelling);
    the CSV keeps the term identities."""
    from issuemine.themes.label import display_term

    if df is None or "term" not in df.columns:
        return df
    shown = df.copy()
    shown["term"] = [display_term(str(t), forms) for t in shown["term"]]
    return shown


def workshop_sections(data, report, index: int) -> list[dict]:
    """The sections of one workshop: key, title, blocks, figure html, and a message when the data lack it."""
    forms = getattr(data.theme_result, "display_forms", None)  # the notes' own spellings of terms
    from markupsafe import Markup

    from issuemine.report.summary import summarize

    def fig(name):
        f = data.figures.get(name)
        return Markup(figure_html(f, f"fig-{index}-{name}", name)) if f is not None else None

    sections = []

    def add(key, content=None, figures=(), missing=None):
        figs = [h for h in (fig(n) for n in figures) if h is not None]
        sections.append({"key": key, "id": f"{key}-{index}", "title": SECTION_TITLES[key],
                         "blocks": content or [], "figures": figs, "missing": missing})

    add("summary", [{"kind": "ul", "items": summarize(data)}])
    if data.themes is not None:
        cols = [c for c in ("label", "heading", "size", "key_terms", "stability", "source", "theme_id")
                if c in data.themes.columns]  # the id last: a reader refers to a row by it, nothing more
        shown = data.themes[cols].copy()
        if "source" in shown.columns:
            shown["source"] = shown["source"].map(lambda v: THEME_SOURCES_JA.get(v, v))
        if "stability" in shown.columns:
            shown["stability"] = [present.stability(v) if v == v else "" for v in shown["stability"].astype(float)]
        if "key_terms" in shown.columns:
            # the five strongest terms without weights; all weights are in themes.csv
            shown["key_terms"] = [present.keywords(v, 5) for v in shown["key_terms"]]
        theme_blocks = [table_block(shown)]
        if "stability" in shown.columns:
            theme_blocks.append({"kind": "p", "text": present.STABILITY_NOTE})
        reps = [{"kind": "h", "text": "各テーマの代表的な付箋"}]
        for r in data.themes.itertuples():
            notes = [s for s in str(getattr(r, "representative_notes", "") or "").split(" / ") if s]
            reps.append({"kind": "rep", "label": str(r.label), "items": notes})
        add("themes", theme_blocks + reps, figures=["theme_sizes"])
    add("theme_map", figures=["theme_map"])
    add("cooccurrence", figures=["cooccurrence"])
    add("diagram", _zone_blocks(data), figures=["diagram"])
    cross = []
    if data.zone_theme is not None:
        cross += blocks(present.tables.zone_theme_for_people(data.zone_theme), title="領域 × テーマ")
    if data.profession_theme is not None:
        cross += profession_blocks(data.profession_theme)
    add("tables", cross)
    if data.workshop.questionnaires:
        sblocks = []
        if data.survey is not None:
            sblocks.append(survey_table(data.survey.items, (data.survey.info or {}).get("scales")))
            sblocks.append({"kind": "p", "text": present.tables.SURVEY_NOTE})
            ft = getattr(data.survey, "freetext", None)
            if ft is not None and len(ft):
                cols = [c for c in ("respondent", "phase", "text") if c in ft.columns]
                shown = ft[cols].assign(phase=[present.phase_name(p) for p in ft["phase"]]) if "phase" in cols \
                    else ft[cols]
                sblocks += blocks(shown.rename(columns={"respondent": "回答者", "phase": "時期", "text": "自由記述"}),
                                  title="自由記述")
            if data.survey_terms is not None and len(data.survey_terms):
                sblocks += blocks(present.tables.freetext_terms_for_people(readable_terms(data.survey_terms.head(20), forms)),
                                  title="自由記述でよく使われた語(前後)")
            st = getattr(data, "survey_themes", None)
            if st is not None and len(st):
                sblocks += blocks(_survey_theme_table(st), title="自由記述で触れられたテーマ(研修前・研修後)")
                sblocks.append({"kind": "p", "text": "自由記述の回答を付箋のテーマに分類した件数です(回答の語が付箋に"
                                "ない、または意味が遠い回答はどのテーマにも数えていません)。"})
        add("survey", sblocks, figures=["survey_bars", "survey_positive", "survey_slope"])
    else:
        add("survey", missing="このワークショップにはアンケートのファイル(questionnaire.csv など)がありません。")
    add("terms", [table_block(present.tables.terms_for_people(readable_terms(data.terms, forms)), max_rows=30)]
        if data.terms is not None else [])
    add("method", _method(data, report))
    return sections


def _survey_theme_table(st):
    """freetext_themes' table with Japanese headers and shares rounded for reading."""
    out = st[["theme", "n_pre", "n_post", "pct_pre", "pct_post", "theme_id"]].copy()
    shares = [present.percents(a, b) for a, b in zip(out["pct_pre"], out["pct_post"])]
    out["pct_pre"] = [s[0] for s in shares]
    out["pct_post"] = [s[1] for s in shares]
    return out.rename(columns={"theme_id": "ID", "theme": "テーマ", "n_pre": "研修前(件)", "n_post": "研修後(件)",
                               "pct_pre": "研修前(割合)", "pct_post": "研修後(割合)"})


def comparison_section(comp) -> dict | None:
    from markupsafe import Markup

    from issuemine.report.summary import comparison_sentences

    if comp is None:
        return None
    content = [{"kind": "ul", "items": comparison_sentences(comp)}]
    if comp.theme_shares is not None:
        # themes down the page, meetings across (far more themes than meetings)
        content += blocks(comp.theme_shares.T, title="会ごとのテーマの割合(%)")
    if comp.new_themes is not None:
        content += blocks(comp.new_themes, title="新しく現れたテーマ") if len(comp.new_themes) else \
            [{"kind": "p", "text": "前の会になかったテーマは現れませんでした。"}]
    if comp.region_shares is not None:
        content += blocks(comp.region_shares.T, title="会ごとの概念図の領域の割合(%)")
    figs = [Markup(figure_html(f, f"fig-compare-{k}", k)) for k, f in comp.figures.items()]
    return {"key": "comparison", "id": "comparison", "title": SECTION_TITLES["comparison"], "blocks": content,
            "figures": figs, "missing": None}


def render_html(report) -> str:
    """The whole report page as a string."""
    import jinja2
    import plotly.offline
    from markupsafe import Markup

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    plotlyjs = plotly.offline.get_plotlyjs().replace("</script", "<\\/script")
    workshops = [{"name": d.name, "n_notes": len(d.notes), "sections": workshop_sections(d, report, i)}
                 for i, d in enumerate(report.workshops, start=1)]
    return env.get_template("report.html.j2").render(
        workshops=workshops, comparison=comparison_section(report.comparison), font_stack=Markup(FONT_STACK),
        plotlyjs=Markup(plotlyjs), fig_width=FIG_WIDTH, mask_pii=report.mask_pii,
        title="ワークショップ報告書: " + "・".join(d.name for d in report.workshops))


def write_html(report, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(render_html(report), encoding="utf-8", newline="\n")
    return path
