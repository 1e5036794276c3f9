"""What the committee reads: cover with the Japan-time date, the one-page summary's three figures, heatmaps
instead of number walls, bold hover labels, and an appendix without machine details."""

import json
import re

from .conftest import FIXED_EPOCH  # noqa: F401  (sets SOURCE_DATE_EPOCH for the fixtures)


def _page(sample_report) -> str:
    out, _ = sample_report
    return (out / "index.html").read_text(encoding="utf-8")


def _figures(page: str) -> dict:
    """div id → the figure's data list (parsed from the Plotly.newPlot calls)."""
    out = {}
    for m in re.finditer(r'Plotly\.newPlot\(\s*"([^"]+)",\s*(\[.*?\]),\s*\{', page, flags=re.S):
        out[m.group(1)] = json.loads(m.group(2))
    return out


def test_cover_names_the_analysis_time_in_japan_time(sample_report):
    page = _page(sample_report)
    cover = page.split('<header class="cover">', 1)[1].split("</header>", 1)[0]
    # the workshop's name and the day it was held (workshops/sample/workshop.json), not the folder's name
    assert "ワークショップ報告書" in cover and "小児在宅支援ワークショップ(見本・架空)" in cover
    assert "sample" not in cover
    # two different days, each named: when the workshop was held and when this report was made
    assert "<dt>開催日</dt><dd>2026年11月14日(土)</dd>" in cover
    assert "<dt>報告書の作成日時</dt><dd>2026年12月6日 14:53</dd>" in cover  # SOURCE_DATE_EPOCH = 05:53 UTC
    assert "<title>ワークショップ報告書: 小児在宅支援ワークショップ(見本・架空) 開催日 2026年11月14日(土)</title>" in page
    assert "737枚" in cover and "issuemine 0.1.0" in cover
    # the count of themes follows the themes stage (issue 14: the KJ range for 737 notes is 15–35)
    m = re.search(r"(\d+) テーマ", cover)
    assert m and 15 <= int(m.group(1)) <= 35
    assert "UTC" not in re.sub(r"<script.*?</script>", "", page, flags=re.S)


def test_summary_is_built_around_three_figures(sample_report):
    page = _page(sample_report)
    summary = page.split('data-section="summary">', 1)[1].split("<section", 1)[0]
    for name in ("summary_themes", "summary_diagram", "summary_survey"):
        assert f'id="fig-1-{name}"' in summary, name


def test_heatmaps_replace_number_walls(sample_report):
    page = _page(sample_report)
    figs = _figures(page)
    for name in ("zone_heat", "profession_heat", "residual_heat"):
        (trace,) = figs[f"fig-1-{name}"]
        assert trace["type"] == "heatmap"
    resid = figs["fig-1-residual_heat"][0]
    assert resid["zmid"] == 0 and resid["zmin"] == -resid["zmax"]  # diverging around zero
    z = [v for row in resid["z"] for v in row]
    marks = [t for row in resid["text"] for t in row]
    assert all((abs(v) > 1.96) == (t in ("▲", "▼")) for v, t in zip(z, marks))
    assert any(marks)
    tables = page.split('data-section="tables">', 1)[1].split("<section", 1)[0]
    assert "<table" not in tables  # no 23 × 19 wall of residuals


def test_diagram_hover_is_bold_markup_not_escaped_tags(sample_report):
    page = _page(sample_report)
    assert "&lt;b&gt;" not in page and "\\u0026lt;b\\u0026gt;" not in page
    hover = [h for tr in _figures(page)["fig-1-diagram"] for h in tr.get("hovertext", [])]
    assert hover and all(h.startswith("<b>") for h in hover)


def test_appendix_is_prose_without_machine_details(sample_report):
    page = _page(sample_report)
    method = page.split('data-section="method">', 1)[1]
    for internal in ("mode_ja", "k_reason", "clusterer", "KMeansClusterer", "{&#34;", "{\"", "stability_resamples",
                     "名詞-普通名詞"):
        assert internal not in page.split("<script", 1)[0] + method.split("<script", 1)[0], internal
    assert "テーマの作り方" in method and "乱数シード" in method and "analysis.json" in method
    out, _ = sample_report
    info = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    assert "mode_ja" in info and "k_reason" in info  # kept for machines


def test_survey_section_opens_with_the_likert_chart_and_a_before_after_table(sample_report):
    page = _page(sample_report)
    survey = page.split('data-section="survey">', 1)[1].split("<section", 1)[0]
    first_fig = survey.index('id="fig-1-survey_bars"')
    table = survey.index("<table")
    assert first_fig < table
    head = re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", survey[table:].split("</thead>", 1)[0])
    assert head[0] == "項目" and "効果量 r" in head and any("研修前 → 研修後" in h for h in head)
    rows = survey[table:].split("</table>", 1)[0]
    assert re.search(r"\d+%\s*→\s*\d+%", rows) and re.search(r"\((小|中|大|ほとんどなし)\)", rows)
