"""The survey section codes the free-text answers to the workshop's themes (before vs after), or says nothing."""

from __future__ import annotations

import csv
import html
import re

from .conftest import SAMPLE

TITLE = "自由記述で触れられたテーマ"


def _section(page: str, key: str) -> str:
    start = page.index(f'data-section="{key}"')
    nxt = page.find("data-section=", start + 1)
    return page[start: nxt if nxt > 0 else len(page)]


def _table_rows(section: str) -> list[list[str]]:
    part = section.split(TITLE, 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", part, flags=re.DOTALL)
    return [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r,
                                                                               flags=re.DOTALL)] for r in rows]


def test_sample_report_shows_free_text_themes(sample_report):
    from issuemine.ingest import read_notes
    from issuemine.survey import compare_items, read_answers
    from issuemine.survey.freetext import freetext_themes
    from issuemine.themes import ThemeModel

    out, _ = sample_report
    section = _section((out / "index.html").read_text(encoding="utf-8"), "survey")
    assert TITLE in section
    rows = _table_rows(section)
    header, body = rows[0], rows[1:]
    assert header == ["テーマ", "研修前", "研修後"]
    # the same coding done directly (the demo: seed 0, automatic number of themes, no masking)
    result = ThemeModel(seed=0).fit(read_notes(SAMPLE / "notes.csv"))
    expected = freetext_themes(compare_items(read_answers(SAMPLE / "questionnaire.csv")).freetext, result)
    # shown by name with the count and its whole-number share: 「2件(20%)」
    assert len(expected) and [[r[0], r[1].split("件")[0], r[2].split("件")[0]] for r in body] == [
        [label, str(a), str(b)] for label, a, b in expected[["theme", "n_pre", "n_post"]].itertuples(index=False)]
    assert all(re.fullmatch(r"\d+件\(\d+%\)", c) for r in body for c in r[1:]), body
    # every theme shown is one of the report's themes
    with open(out / "themes.csv", encoding="utf-8-sig", newline="") as f:
        labels = {r["label"] for r in csv.DictReader(f)}
    assert {r[0] for r in body} <= labels


# Fictional notes on two obviously different topics.
SHORT_STAY = ["短期入所の受け入れ先が足りない", "ショートステイが予約でいっぱい", "医療型短期入所の空きがない",
              "レスパイトできる施設が少ない", "短期入所を断られることが多い", "短期入所のベッドが足りない",
              "ショートステイの予約が半年待ち", "短期入所の日数が少なすぎる"]
SCHOOL = ["特別支援学校に看護師が足りない", "学校で吸引してもらえない", "通学の送迎がなく登校できない",
          "学校に親の付き添いを求められる", "就学先の学校が決まらず不安", "特別支援学校のスクールバスに乗れない",
          "学校の先生が医療的ケアを知らない", "訪問教育の回数が少ない"]


def _workshop(folder, free: bool):
    folder.mkdir()
    with open(folder / "notes.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["グループ", "職種", "内容"])
        w.writerows([["A", "保健師", t] for t in SHORT_STAY + SCHOOL])
    header = ["回答者ID", "時期", "短期入所の利用"] + (["自由記述"] if free else [])
    rows = []
    for phase, label, text in (("研修前", "わからない", "短期入所の空きが見つからない"),
                               ("研修後", "わかる", "学校に看護師がいないので通学できない")):
        for r in ("R1", "R2", "R3"):
            rows.append([r, phase, label] + ([text] if free else []))
    with open(folder / "questionnaire.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    return folder


def test_table_only_when_there_is_free_text(tmp_path):
    from issuemine.report import make_report

    with_free, without = _workshop(tmp_path / "a", True), _workshop(tmp_path / "b", False)
    make_report([with_free], tmp_path / "out_a")
    make_report([without], tmp_path / "out_b")
    sec_a = _section((tmp_path / "out_a" / "index.html").read_text(encoding="utf-8"), "survey")
    sec_b = _section((tmp_path / "out_b" / "index.html").read_text(encoding="utf-8"), "survey")
    assert TITLE not in sec_b
    body = _table_rows(sec_a)[1:]
    # three answers before about short stay, three after about school: two themes, one per phase
    assert sorted((r[1], r[2]) for r in body) == [("0件(0%)", "3件(100%)"), ("3件(100%)", "0件(0%)")]
