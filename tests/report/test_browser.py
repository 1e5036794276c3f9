"""The sample report in real headless Chromium (Debian's, via Playwright; never a downloaded browser).

Every section renders, figures are drawn, Japanese glyphs render (not tofu), nothing is fetched from the
network, no script from a note runs, and --pdf prints Japanese text with an embedded CJK font.
"""

import re
import shutil
import subprocess

import pytest

from .conftest import copy_screenshot, has_chromium

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not has_chromium(), reason="/usr/bin/chromium がありません(CI は .ci/run で導入します)")]

FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

# Ink of a string drawn with the page's own font stack, and whether it differs both from unassigned code
# points and from other kanji: without a CJK font every kanji is the same tofu box, so pixels would match.
GLYPH_PROBE = """(text) => {
  const font = getComputedStyle(document.querySelector('h1')).fontFamily;
  function draw(s) {
    const c = document.createElement('canvas'); c.width = 240; c.height = 60;
    const x = c.getContext('2d'); x.font = '40px ' + font; x.fillStyle = '#000'; x.fillText(s, 0, 45);
    return Array.from(x.getImageData(0, 0, 240, 60).data.filter((v, i) => i % 4 === 3));
  }
  const a = draw(text), tofu = draw('\\u0378\\u0379'), other = draw('相談');
  const ink = a.filter(v => v > 0).length;
  const differs = a.some((v, i) => v !== tofu[i]) && a.some((v, i) => v !== other[i]);
  return {ink, differs, font};
}"""


def _open(page_url, browser, requests, dialogs):
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    def route(r):
        requests.append(r.request.url)
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    page.goto(page_url, wait_until="load")
    page.wait_for_timeout(300)
    return page


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        yield b
        b.close()


def test_sample_report_renders_offline_in_japanese(sample_report, browser, tmp_path):
    out, _ = sample_report
    requests, dialogs = [], []
    page = _open((out / "index.html").as_uri(), browser, requests, dialogs)
    sections = page.eval_on_selector_all("section[data-section]", "els => els.map(e => e.dataset.section)")
    for key in ("summary", "themes", "theme_map", "cooccurrence", "diagram", "tables", "survey", "method"):
        assert key in sections
        assert page.locator(f'section[data-section="{key}"]').first.is_visible()
    # every figure placeholder was drawn by plotly (an SVG inside), at its fixed size
    n_div = page.locator("div.plotly-graph-div").count()
    assert n_div == (out / "index.html").read_text(encoding="utf-8").count("Plotly.newPlot(")
    assert page.locator(".missing").count() == 0
    assert n_div >= 7  # the full report: sizes, map, network, diagram, 3 survey figures
    assert page.locator("div.plotly-graph-div .main-svg").count() >= n_div
    for box in page.eval_on_selector_all("div.plotly-graph-div",
                                         "els => els.map(e => [e.offsetWidth, e.offsetHeight])"):
        assert box[0] > 300 and box[1] > 200
    # Japanese renders with a real CJK font
    probe = page.evaluate(GLYPH_PROBE, "連携")
    assert probe["ink"] > 200 and probe["differs"], probe
    shot = tmp_path / "sample.png"
    page.screenshot(path=str(shot), full_page=False)
    copy_screenshot(shot, "sample_report.png")
    assert shot.stat().st_size > 20_000  # a page with text and figures, not a blank one
    # nothing but the file itself (and inline data) was requested
    assert requests and all(u.startswith(("file:", "data:", "blob:")) for u in requests), requests
    assert dialogs == []
    page.close()


def test_hostile_notes_show_as_text_and_run_nothing(hostile_reports, browser):
    requests, dialogs = [], []
    page = _open((hostile_reports[0] / "index.html").as_uri(), browser, requests, dialogs)
    assert dialogs == []
    assert page.locator("img[src=x]").count() == 0
    body_text = page.inner_text("body")
    assert "<script>alert(1)</script>" in body_text or "<img src=x onerror=alert(1)>" in body_text
    # hover text inside the figures carries the note as escaped text too
    hover = page.evaluate("""() => Array.from(document.querySelectorAll('div.plotly-graph-div'))
        .flatMap(d => (d.data || []).flatMap(t => [].concat(t.text || [], t.hovertext || [],
                                                               (t.customdata || []).flat())))
        .filter(s => typeof s === 'string')""")
    assert not any("<script" in s or "<img" in s for s in hover)
    page.close()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils(pdftotext)がありません")
def test_pdf_is_a4_with_page_numbers_a_dated_cover_and_no_type3_fonts(sample_report, tmp_path):
    from issuemine.report.pdf import PdfPrinter

    out, _ = sample_report
    header = "小児在宅支援ワークショップ(見本・架空) 開催日 2026年11月14日(土)"  # report.html.page_header
    pdf = PdfPrinter(header=header).print(out / "index.html", tmp_path / "report.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "要約" in text and "概念図" in text and "分析の方法" in text
    pages = text.split("\f")
    if not pages[-1].strip():
        pages = pages[:-1]
    n = len(pages)
    assert n >= 8
    # the concept diagram and its two count tables share one page (the page was a quarter empty and the
    # tables stood alone on the next one)
    diagram = [p for p in pages if re.search(r"^\s*概念図\s*$", p, flags=re.M)]
    assert len(diagram) == 1 and "領域ごとの付箋数" in diagram[0] and "付箋の置かれた場所ごと" in diagram[0]
    assert "病院と相談支援の重なり" in diagram[0]  # the last row of the longer table
    # the cover: title and the analysis time in Japan time (SOURCE_DATE_EPOCH of the fixtures)
    assert "ワークショップ報告書" in pages[0] and "2026年12月6日 14:53" in pages[0]
    # every page carries its number in the footer: "k / n" on the page's last line, and the workshop's
    # name and date with the report's title in the header, on its first line
    for k, page in enumerate(pages, start=1):
        lines = [line for line in page.splitlines() if line.strip()]
        assert re.fullmatch(rf"\s*{k} / {n}\s*", lines[-1]), (k, lines[-1])
        assert re.fullmatch(rf"\s*{re.escape(header)}\s+ワークショップ報告書\s*", lines[0]), (k, lines[0])
    # real embedded fonts: Japanese as CID TrueType subsets of Noto Sans CJK JP, never Type 3
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and not any("Type 3" in r for r in rows), fonts
    assert any("NotoSansCJKjp" in r and "CID TrueType" in r for r in rows), fonts
    assert any("IssueminePrintHeader" in r and "CID TrueType" in r for r in rows), fonts  # the header's glyphs
    assert all(r.split()[-5] == "yes" and r.split()[-3] == "yes" for r in rows), fonts  # embedded, Unicode
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts", info), info
    # the source page is left as it was (the font is embedded in a printed copy only)
    assert "IssueminePrintJP" not in (out / "index.html").read_text(encoding="utf-8")


def test_print_font_is_truetype_and_covers_the_page():
    """The embedded subset: TrueType outlines (glyf, no CFF) with a glyph for every character asked for."""
    import io

    from fontTools.ttLib import TTFont

    from issuemine.report.pdf import _font_file, truetype_subset

    found = _font_file("Regular")
    if found is None:
        pytest.skip("Noto Sans CJK JP がありません")
    chars = "在宅支援の課題、連携できない。NICU 24時間"
    font = TTFont(io.BytesIO(truetype_subset(found[0], found[1], chars)))
    assert "glyf" in font and "CFF " not in font
    cmap = font.getBestCmap()
    assert all(ord(c) in cmap for c in chars)
    glyphs = font.getGlyphSet()
    assert all(font["glyf"][cmap[ord(c)]].numberOfContours > 0 for c in chars if not c.isspace())
    assert len(glyphs) < 100  # a subset, not the 65,000 glyphs of the collection
