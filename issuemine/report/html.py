"""The report as one self-contained HTML file: Japanese, offline, A4-printable, byte-identical per input.

A cover (title, workshop, dates in Japan time, counts, tool version, contents), a one-page summary built
around three small figures (themes, concept diagram, questionnaire), then one section per subject with its
figures placed where the text refers to them, and a method appendix in prose. Numbers, dates, zones and
words go through the presentation layer (``issuemine.present``); machine details stay in analysis.json.

plotly.js is inlined once in the page head; every figure is embedded without it and with a fixed div id and
fixed size. Jinja2 autoescaping is on, so note text in tables shows as text; figure strings are escaped by
``figures.make_safe`` and plotly's JSON encoder escapes ``<`` / ``>`` inside the page's scripts.
"""

from __future__ import annotations

from pathlib import Path

from issuemine import present as P
from issuemine.report.figures import FIG_WIDTH, HEIGHTS
from issuemine.schema import THEME_SOURCES_JA

FONT_STACK = ('"Noto Sans CJK JP", "Noto Sans JP", "Hiragino Kaku Gothic ProN", "Hiragino Sans", '
              '"Yu Gothic", "Meiryo", sans-serif')
TEMPLATES = Path(__file__).resolve().parent / "templates"

SECTION_TITLES = {
    "summary": "要約", "themes": "テーマ", "theme_map": "テーマ地図", "cooccurrence": "語の共起ネットワーク",
    "diagram": "概念図", "tables": "テーマと領域・職種の関係", "survey": "研修前後のアンケート",
    "terms": "よく使われた語", "method": "付録: 分析の方法", "comparison": "会の比較",
}

# On paper these continue on the page of the previous section when they fit; the others start a page.
FLOW_SECTIONS = ("theme_map", "cooccurrence", "diagram", "tables", "terms")


def _cell(v) -> str:
    """A value as a person reads it (numbers through the presentation layer; no True/False/None/nan)."""
    import pandas as pd

    if v is None:
        return ""
    if isinstance(v, (bool,)) or type(v).__name__ == "bool_":
        return "はい" if v else ""
    if isinstance(v, float):
        return "" if pd.isna(v) else P.number(v, 2)
    if not isinstance(v, str) and pd.api.types.is_scalar(v) and pd.isna(v):
        return ""
    if isinstance(v, (list, tuple)):
        return "、".join(_cell(x) for x in v)
    return str(v)


def table_block(df, index: bool = False, max_rows: int | None = None, numeric=None, small: bool = False,
                nowrap=None) -> dict:
    """A DataFrame as ``{"kind": "table", "columns": [...], "rows": [[...]]}`` of strings for the template.

    The headers are the DataFrame's own (already Japanese); ``numeric``: names of columns aligned right
    (and kept on one line); ``nowrap``: other short columns kept on one line.
    """
    if index:
        df = df.reset_index()
    if max_rows is not None:
        df = df.head(max_rows)
    cols = [str(c) for c in df.columns]
    rows = [[_cell(v.item() if hasattr(v, "item") and not isinstance(v, str) else v) for v in row]
            for row in df.itertuples(index=False, name=None)]
    num = ["num" if c in set(numeric or ()) else "nw" if c in set(nowrap or ()) else "" for c in cols]
    return {"kind": "table", "columns": cols, "rows": rows, "numeric": num, "small": small}


def blocks(obj, title: str | None = None) -> list[dict]:
    """A DataFrame (or dict of label → value) as template blocks, with an optional heading."""
    import pandas as pd

    out: list[dict] = []
    if title:
        out.append({"kind": "h", "text": title})
    if obj is None:
        return out
    if isinstance(obj, pd.DataFrame):
        out.append(table_block(obj, index=not isinstance(obj.index, pd.RangeIndex)))
    elif isinstance(obj, dict):
        out.append({"kind": "dl", "items": [(str(k), _cell(v)) for k, v in obj.items()]})
    else:
        out.append({"kind": "p", "text": _cell(obj)})
    return out


def figure_html(fig, div_id: str, name: str) -> str:
    import plotly.io as pio

    fig.update_layout(font=dict(family=FONT_STACK))
    width = fig.layout.width or FIG_WIDTH
    return pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=div_id,
                       default_width=f"{width}px", default_height=f"{fig.layout.height or HEIGHTS.get(name, 480)}px",
                       config={"displaylogo": False, "responsive": False})


def readable_terms(df, forms=None):
    """A term table as a reader sees it: 分かる+否定 → わからない, 子供 → 子ども (the notes' own spelling);
    the CSV keeps the term identities."""
    from issuemine.themes.label import display_term

    if df is None or "term" not in df.columns:
        return df
    shown = df.copy()
    shown["term"] = [display_term(str(t), forms) for t in shown["term"]]
    return shown


# --- sections ------------------------------------------------------------------------------------------
def _theme_table(themes) -> dict:
    import pandas as pd

    t = themes.sort_values(["size", "theme_id"], ascending=[False, True])
    out = pd.DataFrame({"テーマ": t["label"].astype(str).to_numpy()})
    if "heading" in t.columns:
        out["見出し"] = t["heading"].fillna("").astype(str).to_numpy()
    out["付箋数"] = [P.number(v, 0) for v in t["size"]]
    if "key_terms" in t.columns:
        out["キーワード"] = [P.keywords(v, 5) for v in t["key_terms"]]
    if "stability" in t.columns:
        out["安定性"] = [P.stability_word(v) for v in t["stability"]]
    if "source" in t.columns:
        out["由来"] = [THEME_SOURCES_JA.get(v, v) for v in t["source"]]
    return table_block(out, numeric=["付箋数"], nowrap=["安定性", "由来"])


def _theme_blocks(data, fig) -> list[dict]:
    out = [{"kind": "p", "text": "付箋を内容の近さでまとめたテーマです。付箋の多い順に並べています。"
            "安定性は、付箋の一部を抜いて分け直しても同じテーマが現れるかを表します(付録を参照)。"},
           _theme_table(data.themes)]
    out += fig("theme_sizes")
    out.append({"kind": "h", "text": "テーマごとの代表的な付箋"})
    t = data.themes.sort_values(["size", "theme_id"], ascending=[False, True])
    for r in t.itertuples():
        notes = [s for s in str(getattr(r, "representative_notes", "") or "").split(" / ") if s]
        out.append({"kind": "rep", "label": f"{r.label}({int(r.size)}枚)", "items": notes})
    return out


def _zone_blocks(data) -> list[dict]:
    import pandas as pd

    from issuemine.report.summary import membership_counts

    if data.placements is None:
        return []
    total = len(data.placements)
    m = membership_counts(data.placements)
    member = pd.DataFrame({"領域": [P.zone_name(z) for z in m], "付箋数": [str(v) for v in m.values()],
                           "割合": [P.percent(100.0 * v / total if total else None) for v in m.values()]})
    regions = data.placements["zones"].fillna("X").astype(str).value_counts()
    excl = pd.DataFrame({"領域": [P.zone_name(z) for z in regions.index], "付箋数": [str(v) for v in regions],
                         "割合": [P.percent(100.0 * v / total if total else None) for v in regions]})
    return [{"kind": "h", "text": "領域ごとの付箋数"},
            {"kind": "pair", "items": [
                {"caption": "かかわる領域ごと(重なりにある付箋は両方に数える)",
                 **table_block(member, numeric=["付箋数", "割合"], small=True)},
                {"caption": "付箋の置かれた場所ごと(1枚を1回)",
                 **table_block(excl, numeric=["付箋数", "割合"], small=True)}]}]


def _crosstab_blocks(data, fig) -> list[dict]:
    out = []
    if "zone_heat" in data.figures:
        out += fig("zone_heat", caption="各テーマの付箋が概念図のどの領域に置かれたかを色の濃さで示します(数字は付箋数、"
                   "重なりにある付箋はかかわる領域のそれぞれに数えています)。")
    if "profession_heat" in data.figures:
        out += fig("profession_heat")
    if data.profession_theme is not None:
        _, test = data.profession_theme
        if "residual_heat" in data.figures:
            out += fig("residual_heat", caption="職種によってテーマの出方に偏りがあるかを、調整済み残差で示します。赤は"
                       "その職種がそのテーマを、職種とテーマが無関係な場合に期待されるより多く挙げたこと、青は少なかったこと"
                       "を表し、▲・▼ は偏りがはっきりしているセル(残差の絶対値が 1.96 を超える、5% 水準)です。")
        if test and test.get("p") is not None:
            out.append({"kind": "p", "text": f"職種とテーマの独立性の検定({P.method_name(test.get('method'))}): "
                        f"{P.p_text(test.get('p'))}。"})
        if test and test.get("warning"):
            out.append({"kind": "note", "text": "注意: " + str(test["warning"])})
    return out


# the before → after columns a committee reads; all of them are in notes.xlsx and survey_items.csv
# (the app's survey page shows the same p values: the exact p and the normal approximation beside it)
SURVEY_COLUMNS = ("項目", "回答数", "中央値 研修前 → 研修後", "肯定的な回答 研修前 → 研修後", "p 値",
                  "p 値(正規近似・参考)", "補正後の p 値(Holm 法)", "効果量 r")


def survey_table(items, scales: dict | None = None) -> dict:
    """Before → after per item in words (``issuemine.present.tables.survey_for_people``): medians with
    their scale words, % positive, the exact p with the normal approximation beside it (as the app shows
    them), the Holm-corrected p, the effect with its word."""
    from issuemine.present.tables import survey_for_people

    df = survey_for_people(items, scales)
    return table_block(df[[c for c in SURVEY_COLUMNS if c in df.columns]],
                       numeric=["p 値", "p 値(正規近似・参考)", "補正後の p 値(Holm 法)"], nowrap=["効果量 r", "回答数"])


def notes_file_name(ws) -> str:
    """The notes file as the facilitator named it (an app upload's original name), else the file's name."""
    return str((ws.extra or {}).get("notes_file") or ws.notes.name)


def survey_file_names(ws) -> list[str]:
    names = (ws.extra or {}).get("questionnaire_files")
    return [str(n) for n in names] if names else [p.name for p in ws.questionnaires]


def _survey_blocks(data, fig, forms=None) -> list[dict]:
    out = fig("survey_bars")
    if data.survey is None:
        return out
    out.append({"kind": "h", "text": "研修前 → 研修後"})
    out.append(survey_table(data.survey.items, (getattr(data.survey, "info", None) or {}).get("scales")))
    out.append({"kind": "note", "text": "肯定的な回答は尺度の上位2段階(わかる・とてもわかる など)の割合です。p 値は、"
                "回答が50件(対)未満なら同じ回答を含めたまま全通りを数えた正確検定の値です。項目の数だけ検定を繰り返した"
                "ことを Holm 法で補正した p 値が 0.05 未満なら、研修前後の差ははっきりしています。「正規近似」の列は SPSS や R の"
                "既定の出力と比べるための参考値です。" + P.EFFECT_NOTE
                + "四分位や平均などすべての数値は notes.xlsx と survey_items.csv にあります。"})
    out += fig("survey_slope")
    ft = getattr(data.survey, "freetext", None)
    if ft is not None and len(ft):
        cols = {"respondent": "回答者", "phase": "時期", "text": "自由記述"}
        shown = ft[[c for c in cols if c in ft.columns]].rename(columns=cols).copy()
        if "時期" in shown.columns:
            shown["時期"] = [P.phase_name(v) for v in shown["時期"]]
        out += [{"kind": "h", "text": "自由記述"}, table_block(shown)]
    terms = getattr(data, "survey_terms", None)
    if terms is not None and len(terms):
        from issuemine.present.tables import freetext_terms_for_people

        shown = freetext_terms_for_people(readable_terms(terms.head(20), forms))
        out += [{"kind": "h", "text": "自由記述でよく使われた語"},
                table_block(shown, numeric=[c for c in shown.columns if c != "語"])]
    st = getattr(data, "survey_themes", None)
    if st is not None and len(st):
        out += [{"kind": "h", "text": "自由記述で触れられたテーマ"}, _survey_theme_table(st),
                {"kind": "note", "text": "自由記述の回答を付箋のテーマに分類した件数です(付箋と語や意味が遠い回答は"
                 "どのテーマにも数えていません)。"}]
    return out


def _survey_theme_table(st) -> dict:
    """freetext_themes' table for reading: theme names, counts and whole-number shares."""
    import pandas as pd

    rows = []
    for r in st.to_dict("records"):
        pre, post = P.percents(r.get("pct_pre"), r.get("pct_post"))
        rows.append({"テーマ": r["theme"], "研修前": f"{int(r['n_pre'])}件({pre})",
                     "研修後": f"{int(r['n_post'])}件({post})"})
    return table_block(pd.DataFrame(rows), numeric=["研修前", "研修後"])


def _terms_blocks(data, forms) -> list[dict]:
    import pandas as pd

    t = readable_terms(data.terms.head(30), forms)
    shown = pd.DataFrame({"語": t["term"].astype(str).to_numpy()})
    if "pos" in t.columns:
        shown["品詞"] = [P.pos_plain(v) for v in t["pos"]]
    shown["出現数"] = [str(int(v)) for v in t["count"]]
    shown["付箋数"] = [str(int(v)) for v in t["notes"]]
    return [{"kind": "p", "text": "付箋で多く使われた語(上位30語)。同じ語の言い換え(訪看 → 訪問看護 など)はまとめて数えています。"
             "すべての語は terms.csv にあります。"},
            table_block(shown, numeric=["出現数", "付箋数"])]


def workshop_sections(data, report, index: int) -> list[dict]:
    """The sections of one workshop: key, title, blocks (figures among them) and a message when the data
    lack a piece."""
    from markupsafe import Markup

    from issuemine.report.method import method_blocks
    from issuemine.report.summary import summarize

    forms = getattr(data.theme_result, "display_forms", None)  # the notes' own spellings of terms

    def fig(name, css: str = "figure", caption: str = "") -> list[dict]:
        # the caption prints with its figure (never alone at the foot of a page)
        f = data.figures.get(name)
        if f is None:
            return []
        return [{"kind": "figure", "html": Markup(figure_html(f, f"fig-{index}-{name}", name)), "css": css,
                 "caption": caption}]

    sections = []

    def add(key, content=None, missing=None):
        sections.append({"key": key, "id": f"{key}-{index}", "title": SECTION_TITLES[key],
                         "blocks": content or [], "figures": [], "missing": missing})

    small = [b for n in ("summary_diagram", "summary_survey") for b in fig(n, "figure small")]
    add("summary", [{"kind": "ul", "items": summarize(data)}] + fig("summary_themes", "figure wide")
        + ([{"kind": "row", "items": small}] if small else []))
    if data.themes is not None:
        add("themes", _theme_blocks(data, fig))
        add("theme_map", fig("theme_map", caption="1つの点が1枚の付箋です。内容の近い付箋ほど近くに置かれ、テーマ名は"
                             "そのテーマの付箋の中心に書いています(点にマウスを重ねると付箋が読めます)。"))
        add("cooccurrence", fig("cooccurrence", caption="同じ付箋に一緒に書かれることの多い語を線で結んでいます。円の大きさ"
                                "はその語が出てくる付箋の数、線の太さは結びつきの強さ、色は互いによく結びつく語のまとまりです。"
                                "「人」「出る」「ない」のような、どの付箋にも出てくる一般的な語は除いています。"))
    if data.placements is not None:
        add("diagram", fig("diagram") + _zone_blocks(data))
    cross = _crosstab_blocks(data, fig)
    if cross:
        add("tables", cross)
    if data.workshop.questionnaires:
        add("survey", _survey_blocks(data, fig, forms))
    else:
        add("survey", missing="このワークショップにはアンケートのファイル(questionnaire.csv など)がありません。")
    if data.terms is not None:
        add("terms", _terms_blocks(data, forms))
    add("method", method_blocks(data, report))
    return sections


def comparison_section(comp) -> dict | None:
    from markupsafe import Markup

    from issuemine.report.summary import comparison_sentences

    if comp is None:
        return None

    def shares(df):
        # meetings across, themes (or regions) down; whole-number percentages
        t = df.T.copy()
        for c in t.columns:
            t[c] = [P.percent(v) for v in t[c]]
        t.index.name = ""
        return table_block(t, index=True, numeric=list(map(str, t.columns)))

    content = [{"kind": "ul", "items": comparison_sentences(comp)}]
    if comp.theme_shares is not None:
        content += [{"kind": "h", "text": "会ごとのテーマの割合"}, shares(comp.theme_shares)]
    if comp.new_themes is not None:
        if len(comp.new_themes):
            nt = comp.new_themes.rename(columns={"meeting": "会", "theme": "テーマ", "notes": "付箋数"})
            content += blocks(nt, title="新しく現れたテーマ")
        else:
            content.append({"kind": "p", "text": "前の会になかったテーマは現れませんでした。"})
    if comp.region_shares is not None:
        rs = comp.region_shares.copy()
        rs.columns = [P.zone_name(c) for c in rs.columns]
        content += [{"kind": "h", "text": "会ごとの概念図の領域の割合"}, shares(rs)]
    content += [{"kind": "figure", "html": Markup(figure_html(f, f"fig-compare-{k}", k)), "css": "figure"}
                for k, f in comp.figures.items()]
    return {"key": "comparison", "id": "comparison", "title": SECTION_TITLES["comparison"], "blocks": content,
            "figures": [], "missing": None}


def held_on(report) -> str:
    """The day(s) the workshop(s) were held, 「2026年12月6日(日)」; several meetings with their names;
    "" when no workshop has a date (workshop.json's ``date``, ``--date``, the app's workshop settings)."""
    dated = [(d.name, P.date_ja(d.workshop.extra["date"], weekday=True)) for d in report.workshops
             if (d.workshop.extra or {}).get("date")]
    if not dated:
        return ""
    if len(report.workshops) == 1:
        return dated[0][1]
    return "、".join(f"{name} {day}" for name, day in dated)


def page_header(report, limit: int = 70) -> str:
    """The line printed at the top of every PDF page: the workshop's name and the day it was held."""
    names = "・".join(d.name for d in report.workshops)
    if len(names) > limit:
        names = names[: limit - 1] + "…"
    held = held_on(report) if len(report.workshops) == 1 else ""
    return f"{names} 開催日 {held}" if held else names


def cover(report) -> dict:
    """The cover page: title, workshops, dates (Japan time), counts and the tool's version."""
    import issuemine

    names = [d.name for d in report.workshops]
    facts = []
    held = held_on(report)
    if held:
        facts.append(("開催日", held))
    created = getattr(report, "created", None)
    if created is not None:
        # when this report was made, not when the workshop was held: both are on the cover, named apart
        facts.append(("報告書の作成日時", P.datetime_ja(created)))
    n_notes = sum(len(d.notes) for d in report.workshops)
    facts.append(("付箋", f"{n_notes}枚"))
    n_themes = [len(d.themes) for d in report.workshops if d.themes is not None]
    if n_themes:
        facts.append(("テーマ", "、".join(f"{n}" for n in n_themes) + " テーマ"))
    profs = set()
    for d in report.workshops:
        if "profession" in d.notes.columns:
            profs |= {p for p in d.notes["profession"].dropna().astype(str) if p.strip()}
    if profs:
        facts.append(("職種", f"{len(profs)}職種"))
    resp = [d.survey.info.get("pairing", {}).get("n_paired") for d in report.workshops
            if d.survey is not None and isinstance(getattr(d.survey, "info", None), dict)]
    resp = [r for r in resp if r]
    if resp:
        facts.append(("アンケート", f"研修前後の両方に回答 {sum(resp)}人"))
    if report.mask_pii:
        facts.append(("個人情報", "電話番号・メールアドレス・人名は伏せ字にしています"))
    facts.append(("作成に使ったツール", f"issuemine {issuemine.__version__}"))
    return {"title": "ワークショップ報告書", "subtitle": "・".join(names), "facts": facts}


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
        plotlyjs=Markup(plotlyjs), fig_width=FIG_WIDTH, mask_pii=report.mask_pii, cover=cover(report),
        flow_keys=FLOW_SECTIONS,
        title="ワークショップ報告書: " + page_header(report, limit=200))


def write_html(report, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(render_html(report), encoding="utf-8", newline="\n")
    return path
