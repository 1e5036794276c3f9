"""The plain-Japanese scanner catches every problem of issue 11 when planted, and passes plain text."""

from __future__ import annotations

import pytest

from tests.visible_text import scan_html, scan_text, scan_xlsx, visible_text

PLANTED = [
    # (visible text as it was shown, the problem class the scanner must name)
    ("N2299bbd6c6 → C14", "internal_id"),
    ("Ne316028c28 → CS", "internal_id"),
    ("Ne316028c28 → CS", "zone_code"),
    ("C09 + C08", "internal_id"),
    ("T01 家族の負担", "internal_id"),
    ("病院∩地域", "zone_code"),
    ("HCS 12枚", "zone_code"),
    ("研修 pre", "english"),
    ("post", "english"),
    ("pct_pre", "identifier"),
    ('zero_method="wilcox"', "identifier"),
    ("--exact-ties のとき", "identifier"),
    ("p_holm", "identifier"),
    ("R の既定 type 7", "english"),
    ("91.667", "long_float"),
    ("33.333%", "long_float"),
    ("0.0009766", "long_float"),
    ("p 0.0004998", "long_float"),
    ("-0", "minus_zero"),
    ("残差 -0.0", "minus_zero"),
    ("McNemar p 0.000", "zero_p"),
    ("退院:0.220 / 連携:0.180", "weight"),
    ("名詞-普通名詞-一般", "pos_tag"),
    ('{"clusterer": "KMeansClusterer"}', "identifier"),
    ("mode_ja", "identifier"),
    ("k_reason", "identifier"),
    ("2026-12-06 05:53:10", "utc"),
    ("日時(UTC)", "utc"),
    ("zone_score_H", "identifier"),
    ("ワークショップ notes", "english"),
    ("notes.csv(utf-8-sig)", "identifier"),
    ("asymptotic", "english"),
    ("understanding4", "identifier"),
    ("True", "english"),
    ("False", "english"),
    ("None", "english"),
    ("nan", "english"),
    ("<b>退院調整</b>", "markup"),
]


@pytest.mark.parametrize("text, problem", PLANTED)
def test_planted_problem_is_found(text, problem):
    found = {f.problem for f in scan_text(text, "planted")}
    assert problem in found, (text, found)


PLAIN = [
    "p < 0.001", "p = 0.035", "0.625", "92%", "91.7%", "2 → 3(わからない → わかる)", "効果量 0.45(中)",
    "2026年12月6日 14:53", "病院と地域の重なり", "研修前", "研修後", "安定(0.82)", "McNemar の正確検定",
    "Mann–Whitney の U 検定", "r = Z/√N", "survey_items.csv(1項目1行の表)", "退院・連携・訪問看護",
    "名詞", "-0.31(中)", "残差 -2.4", "付箋 36 枚", "Excel(.xlsx)", "UTF-8(BOM付き)", "PDF", "HTML",
    "レポート作成", "127.0.0.1", "ver 0.1.0", "0.05", "1.000",
]


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_passes(text):
    assert scan_text(text, "plain") == []


def test_zone_letter_as_header_is_found_but_a_group_called_c_is_not():
    html = "<table><tr><th>テーマ</th><th>H</th><th>グループ</th></tr><tr><td>退院</td><td>3</td><td>C</td></tr></table>"
    assert [(f.problem, f.match) for f in scan_html(html, "t")] == [("zone_code", "H")]


def test_html_visible_text_only_and_id_column():
    html = """<html><head><title>一覧</title><style>.pre_x{}</style>
    <script>var zone_score_H = 0.123456;</script></head><body>
    <table><thead><tr><th>テーマ</th><th>付箋数</th><th>ID</th></tr></thead>
    <tbody><tr><td>家族の負担</td><td>12</td><td>C01</td></tr></tbody></table>
    <div data-plain-exempt>analysis.json の mode_ja</div>
    <p title="zero_method">説明</p><button>保存</button></body></html>"""
    findings = scan_html(html, "t")
    assert [(f.problem, f.match) for f in findings] == [("identifier", "zero_method")]
    assert "家族の負担" in visible_text(html) and "zone_score_H" not in visible_text(html)
    moved = html.replace("<td>家族の負担</td>", "<td>C01 家族の負担</td>")
    assert [f.problem for f in scan_html(moved, "t")] == ["internal_id", "identifier"]


def test_xlsx_cells_numbers_and_technical_sheet(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "付箋"
    ws.append(["内容", "安定性", "テーマID"])
    ws.append(["訪問看護が足りない", 0.123456, "C01"])
    ws.append(["短期入所", True, "C02"])
    tech = wb.create_sheet("技術情報")
    tech.append(["zone_score_H"])
    tech.append([0.123456789])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    found = sorted((f.problem, f.match) for f in scan_xlsx(path))
    assert found == [("english", "True"), ("long_float", "0.123456")]
