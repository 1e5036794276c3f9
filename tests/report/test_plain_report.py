"""The sample report as `issuemine report` writes it (not through the app): every page and sheet a person
reads is plain Japanese (tests/visible_text.py), and the machine tables keep their documented names."""

from __future__ import annotations

import openpyxl

from tests.visible_text import report, scan_html, scan_xlsx


def test_sample_report_html_is_plain_japanese(sample_report):
    out, _ = sample_report
    findings = scan_html((out / "index.html").read_text(encoding="utf-8"), "index.html")
    assert not findings, "\n" + report(findings)


def test_sample_workbook_people_sheets_plain_and_technical_sheets_machine(sample_report):
    out, _ = sample_report
    findings = scan_xlsx(out / "notes.xlsx")
    assert not findings, "\n" + report(findings)
    wb = openpyxl.load_workbook(out / "notes.xlsx", read_only=True)
    assert wb.sheetnames == ["付箋", "テーマ", "アンケート", "技術情報", "技術情報(テーマ)", "技術情報(アンケート)"]
    survey = list(wb["アンケート"].iter_rows(values_only=True))
    header = list(survey[0])
    assert header[:3] == ["項目", "比べ方", "回答数"] and "p 値(正規近似・参考)" in header
    # the technical sheet of the survey is survey_items.csv's table, column for column
    from issuemine.survey.compare import COLUMNS

    assert list(next(wb["技術情報(アンケート)"].iter_rows(values_only=True))) == COLUMNS
    notes = list(wb["付箋"].iter_rows(values_only=True))
    assert {r[notes[0].index("ワークショップ")] for r in notes[1:]} == {"小児在宅支援ワークショップ(見本・架空)"}
    assert {r[notes[0].index("元ファイル")] for r in notes[1:]} == {"notes.csv"}
    wb.close()
