"""What each output file is for, in Japanese: the app's download page and the report's file list."""

from __future__ import annotations

# In the order a facilitator looks for them: the report first, the workbook, then the machine files.
PURPOSES = {
    "index.html": "レポート本体(ブラウザで開きます。インターネットがなくても見られます)",
    "report.pdf": "印刷・配布用のレポート(A4)",
    "notes.xlsx": "Excel で見る付箋の一覧・テーマ・アンケートの表(「技術情報」のシートは分析の詳しい数値)",
    "notes.csv": "付箋ごとのテーマと概念図の配置(他のソフトで集計するためのデータ)",
    "themes.csv": "テーマの一覧(他のソフトで集計するためのデータ)",
    "terms.csv": "よく使われた語の一覧",
    "analysis.json": "分析の設定と経過の記録(再現・確認用のデータ)",
    "survey_items.csv": "アンケートの項目ごとの比較(すべての数値を含むデータ)",
    "survey.json": "アンケートの読み取り方と検定の記録(再現・確認用のデータ)",
    "survey_freetext_themes.csv": "アンケートの自由記述が触れたテーマの件数",
    "survey_figures.html": "アンケートの図",
    "notes.edits.jsonl": "テーマ名の変更などの手直しの記録(付箋ファイルの横に置くと同じ手直しが再現されます)",
    "compare_theme_counts.csv": "会ごとのテーマの件数(複数の会を比べたとき)",
    "compare_theme_shares.csv": "会ごとのテーマの割合(複数の会を比べたとき)",
    "compare_new_themes.csv": "新しく現れたテーマ(複数の会を比べたとき)",
    "compare_region_counts.csv": "会ごとの概念図の領域の件数(複数の会を比べたとき)",
    "compare_region_shares.csv": "会ごとの概念図の領域の割合(複数の会を比べたとき)",
}


def purpose(name: str) -> str:
    """What the file ``name`` is for; empty for a file this package does not write."""
    return PURPOSES.get(str(name).rsplit("/", 1)[-1], "")


def ordered(names) -> list[str]:
    """File names in the order of ``PURPOSES``, unknown ones after them by name."""
    order = {n: i for i, n in enumerate(PURPOSES)}
    return sorted(names, key=lambda n: (order.get(str(n).rsplit("/", 1)[-1], len(order)), str(n)))
