"""The report's method appendix: what was done, in Japanese prose and small tables.

Written for a committee member who wants to know how the themes, the diagram and the survey results came
about and how to reproduce them. Machine details (the theme model's parameters, its mode and k search,
every package version) are in analysis.json and survey.json, not here.
"""

from __future__ import annotations

from issuemine import present as P

MAIN_PACKAGES = ("pandas", "scikit-learn", "fugashi", "unidic-lite", "umap-learn", "plotly")


def _p(text: str) -> dict:
    return {"kind": "p", "text": text}


def _themes_prose(info: dict, n_themes: int) -> list[str]:
    n_notes = info.get("n_notes")
    out = []
    cb = info.get("codebook") or {}
    used = len(cb.get("themes_used") or [])
    discovered = info.get("n_discovered")
    if used:
        out.append(f"{n_notes}枚の付箋を{n_themes}のテーマに分けました。まず、在宅支援の典型的なテーマの一覧(コードブック)の"
                   f"手がかりとなる語を含む付箋{cb.get('notes_matched', 0)}枚を、{used}のテーマに割り当てました。"
                   + (f"どのテーマの語も含まない残りの{cb.get('notes_clustered', 0)}枚は、内容の近いもの同士をまとめて"
                      f"{discovered}の新しいテーマにしました。" if discovered else ""))
    elif n_notes is not None:
        out.append(f"{n_notes}枚の付箋を、内容の近いもの同士をまとめて{n_themes}のテーマに分けました。")
    if discovered:
        out.append("新しいテーマの数は、付箋の一部を無作為に抜いて何度か分け直し、分け方が最もよく再現する数を選びました。")
    out.append("付箋の内容の近さは、付箋に使われた語(言い換えや略語をそろえたもの)と、語の意味の近さを学習した"
               "日本語の単語ベクトルから計りました。テーマの名前は、そのテーマの付箋に特に多い語から作っています。")
    if info.get("n_weak"):
        out.append(f"どのテーマにもはっきり当てはまらない付箋が{info['n_weak']}枚あり、notes.xlsx で確認できます。")
    return out


def _stability_table(result) -> list[dict]:
    import pandas as pd

    from issuemine.report.html import table_block

    out = [_p(P.STABILITY_NOTE)]
    unstable = getattr(result, "unstable_notes", None)
    if unstable is not None and len(unstable):
        texts = dict(zip(result.note_ids, result.texts))
        labels = dict(zip(result.themes["theme_id"], result.themes["label"]))
        top = unstable.head(10)
        table = pd.DataFrame({"付箋": [texts.get(n, "") for n in top["note_id"]],
                              "いまのテーマ": [labels.get(t, "") for t in top["theme_id"]],
                              "テーマが変わった割合": [P.percent(v, share=True) for v in top["change_rate"]]})
        out += [{"kind": "h", "text": "分け直すとテーマが変わりやすい付箋(見直しの候補、上位10枚)"},
                table_block(table, numeric=["テーマが変わった割合"])]
    return out


def _survey_prose(survey) -> list[str]:
    info = getattr(survey, "info", None) or {}
    out = []
    if info.get("pairing_ja"):
        out.append(str(info["pairing_ja"]))
    out.append("各項目について、同じ人の研修前と研修後の回答を比べる検定(Wilcoxon の符号付順位検定)を行いました。"
               "研修前だけ・研修後だけの回答しかない項目は、別々の人の回答として比べています(Mann–Whitney の検定)。"
               "回答の数が少ないときは、近似ではなく、起こりうる組み合わせをすべて数える正確な方法で p 値を求めています。")
    out.append("項目の数だけ検定を繰り返すと偶然の差が出やすくなるため、p 値は Holm 法で補正しました。"
               "肯定的な回答(上位2段階)の割合の変化も、同じ人の前後を比べる検定(McNemar 検定)で確かめています。")
    out.append(P.EFFECT_NOTE)
    return out


def method_blocks(data, report) -> list[dict]:
    """The appendix of one workshop as template blocks."""
    out = [_p("この付録は、結果がどのように作られたかと、同じ結果を再現するための条件をまとめたものです。"
              "同じファイルと同じ乱数シードからは、同じ結果が得られます。計算の細かな設定は analysis.json と "
              "survey.json に記録しています。")]
    from issuemine.report.html import notes_file_name, survey_file_names

    ws = data.workshop
    facts = [("付箋のファイル", notes_file_name(ws)),
             ("アンケートのファイル", "、".join(survey_file_names(ws)) or "なし"),
             ("ファシリテーターの修正", f"{len(data.edits)}件(記録: {ws.edits.name})" if ws.edits else "なし"),
             ("テーマ数の指定", "自動" if str(report.parameters.get("n_themes", "auto")) == "auto"
              else f"{report.parameters['n_themes']}テーマ"),
             ("乱数シード", str(report.seed)),
             ("個人情報の伏せ字", "あり" if report.mask_pii else "なし")]
    out += [{"kind": "h", "text": "実行の条件"}, {"kind": "dl", "items": facts}]
    if data.read_summary:
        shown = data.read_summary.replace(f"「{ws.notes.name}」", f"「{notes_file_name(ws)}」")
        out += [{"kind": "h", "text": "付箋の読み込み"}] + [_p(line) for line in shown.splitlines()]
    if data.theme_result is not None:
        info = getattr(data.theme_result, "info", None) or {}
        out += [{"kind": "h", "text": "テーマの作り方"}] + [_p(t) for t in _themes_prose(info, len(data.themes))]
        out += [{"kind": "h", "text": "テーマの安定性"}] + _stability_table(data.theme_result)
    if data.placements is not None:
        inferred = data.placements.get("zone_inferred")
        n_inf = int(inferred.fillna(False).astype(bool).sum()) if inferred is not None else 0
        out += [{"kind": "h", "text": "概念図への配置"},
                _p("付箋は、病院・地域・相談支援などの領域を表す語の一覧(corpora/zone_lexicon.tsv、利用者が追加できます)に"
                   "当てはまる語から領域を決めました。複数の領域の語を含む付箋は重なりに置いています。"
                   + (f"領域を表す語のない付箋{n_inf}枚は、内容の近い付箋の領域から推定しました。" if n_inf else ""))]
    edit_info = (getattr(data.theme_result, "info", None) or {}).get("edits") or {}
    if data.edit_messages:
        from issuemine.edits import NOT_APPLIED_TITLE

        out += [{"kind": "h", "text": NOT_APPLIED_TITLE}] + [_p(m) for m in data.edit_messages]
    if edit_info.get("applied_by_id"):
        out += [{"kind": "h", "text": "テーマ ID で適用した手直し(古い形式の記録)"}]
        out += [_p(m) for m in edit_info["applied_by_id"]]
    if edit_info.get("rule"):
        out.append(_p(edit_info["rule"]))
    if data.survey is not None:
        out += [{"kind": "h", "text": "アンケートの比較"}] + [_p(t) for t in _survey_prose(data.survey)]
    out += _file_list(data)
    versions = report.versions or {}
    shown = [("issuemine", versions.get("issuemine", ""))] + [(k, versions.get(k, "")) for k in MAIN_PACKAGES]
    out += [{"kind": "h", "text": "使った部品"},
            _p(f"Python {versions.get('python', '')} と " + "、".join(f"{k} {v}" for k, v in shown if v)
               + " などで計算しました(すべての部品のバージョンは analysis.json にあります)。")]
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
