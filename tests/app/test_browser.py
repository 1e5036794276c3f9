"""End to end in real headless Chromium (Debian's, driven by Playwright; no browser download).

The facilitator's walk: create a workshop, upload a CP932 CSV containing ①, check the preview, store it,
analyse, rename a theme, move a note, override a zone, upload a questionnaire, build and download the
report, and check what the report says. Screenshots are kept in reports/screenshots/app/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from .conftest import col, NOTES, notes_csv, survey_csv
from .live import ARGS, CHROMIUM, LiveServer, chromium_page

# Written under reports/ (generated output, not tracked); docs/screenshots/ keeps reviewed copies.
SHOTS = Path(__file__).resolve().parents[2] / "reports" / "screenshots" / "app"

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason="Debian chromium is not installed")]


@pytest.fixture
def server(tmp_path):
    srv = LiveServer(tmp_path / "data").start()
    yield srv
    srv.stop()


@pytest.fixture
def page(server):
    yield from chromium_page(server.url)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # after a redirect to #note-… show the page's top
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_facilitator_flow(server, page, tmp_path):
    from playwright.sync_api import expect

    page.goto(server.url + "/")
    expect(page.locator("h1")).to_have_text("ワークショップ一覧")
    page.fill("input[name=name]", "墨田区 第1回")
    page.click("button:has-text('作成')")
    expect(page.locator("h1")).to_have_text("墨田区 第1回")

    # upload a CP932 CSV containing ①
    data = notes_csv(encoding="cp932")
    assert "①".encode("cp932") in data
    csv_path = tmp_path / "付箋.csv"
    csv_path.write_bytes(data)
    page.set_input_files("input[name=file]", str(csv_path))
    page.click("form[action$='/notes'] button")
    expect(page.locator("#encoding")).to_have_text("シフトJIS(CP932)")
    expect(page.locator("#columns")).to_have_text("内容、グループ、職種")
    expect(page.locator("#preview-rows")).to_contain_text("①短期入所の受け入れ先が足りない")
    shot(page, "01_preview")
    page.click("#confirm")
    expect(page.locator("#n-notes")).to_have_text(str(len(NOTES)))
    shot(page, "02_workshop")

    # analyse: the progress block is polled by htmx and turns into a link when done
    page.click("form[action$='/analyze'] button")
    expect(page.locator("#job-analysis")).to_be_visible()
    expect(page.locator("#job-analysis[data-status=done]")).to_be_visible(timeout=180_000)
    shot(page, "03_analysed")
    page.click("#job-analysis >> text=テーマを見る")
    expect(page.locator("#board article.card").first).to_be_visible()

    # rename the first theme in place
    first = page.locator("#board article.card").first
    theme_id = first.get_attribute("data-key")
    first.locator("input.title").fill("短期入所・レスパイトの不足")
    first.locator("input.title").press("Enter")
    expect(page.locator("#toast")).to_contain_text("「短期入所・レスパイトの不足」に変更しました")
    expect(page.locator(f"#card-{theme_id} input.title")).to_have_value("短期入所・レスパイトの不足")

    # move the ① note to another theme with the menu
    page.fill("#q", "①短期入所")
    note = page.locator("li.note", has_text="①短期入所の受け入れ先が足りない")
    expect(note).to_have_count(1)
    note_id = note.get_attribute("data-note")
    current = note.locator("xpath=ancestor::article").get_attribute("data-key")
    options = page.locator("#move-to option").evaluate_all("os => os.map(o => o.value).filter(v => v)")
    target = next(v for v in reversed(options) if v != current)
    target_label = page.locator(f"#card-{target} input.title").input_value() if page.locator(
        f"#card-{target}").count() else page.locator(f"#move-to option[value='{target}']").text_content().rsplit("(", 1)[0]
    note.click()
    page.select_option("#move-to", target)
    page.click("#move-btn")
    expect(page.locator("#toast")).to_contain_text("へ移動しました")
    expect(page.locator(f"#card-{target} #note-{note_id}")).to_have_count(1)
    shot(page, "04_themes")

    # override the note's zones on the diagram
    page.click("nav >> text=③ 概念図")
    page.fill("#q", "①短期入所")
    page.locator(f"#note-{note_id}").click()
    page.select_option("#zone-to", "HCS")
    page.click("#zone-btn")
    expect(page.locator(f"#card-HCS #note-{note_id}")).to_have_count(1)
    expect(page.locator(f"#card-HCS #note-{note_id}")).to_have_attribute("title", "根拠: ファシリテーターが指定")
    page.locator("#figure-box summary").click()
    expect(page.locator("#diagram .main-svg").first).to_be_visible(timeout=30_000)
    shot(page, "05_diagram")

    # the questionnaire
    page.click("nav >> text=④ アンケート")
    q_path = tmp_path / "アンケート.csv"
    q_path.write_bytes(survey_csv())
    page.set_input_files("input[name=file]", str(q_path))
    page.click("form[action$='/survey'] button")
    expect(page.locator("#survey-items")).to_contain_text("在宅医療の制度")
    expect(page.locator("#survey-items")).to_contain_text("上昇")
    shot(page, "06_survey")

    # build and download the report
    page.click("nav >> text=⑤ レポート")
    page.click("#make-report")
    expect(page.locator("#job-report[data-status=done]")).to_be_visible(timeout=300_000)
    page.click("#job-report >> text=ダウンロードへ")
    expect(page.locator("#downloads")).to_contain_text("index.html")
    expect(page.locator("#downloads")).to_contain_text("report.pdf")  # Chromium is installed here
    shot(page, "07_download")
    with page.expect_download() as info:
        page.click("#downloads a:text-is('index.html')")
    html_path = tmp_path / "index.html"
    info.value.save_as(html_path)
    with page.expect_download() as info:
        page.click("#downloads a:text-is('notes.xlsx')")
    xlsx_path = tmp_path / "notes.xlsx"
    info.value.save_as(xlsx_path)

    with page.expect_download() as info:
        page.click("#downloads a:text-is('report.pdf')")
    pdf_path = tmp_path / "report.pdf"
    info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    # the whole report as one zip: the same files, byte for byte, plus the edit list it was built with
    import zipfile

    with page.expect_download() as info:
        page.click("#report-zip")
    assert info.value.suggested_filename == "墨田区_第1回_report.zip"
    zip_path = tmp_path / "report.zip"
    info.value.save_as(zip_path)
    with zipfile.ZipFile(zip_path) as zf:
        assert {"index.html", "notes.xlsx", "report.pdf", "notes.edits.jsonl"} <= set(zf.namelist())
        assert zf.read("report.pdf") == pdf_path.read_bytes() and zf.read("notes.xlsx") == xlsx_path.read_bytes()
    if shutil.which("pdftotext"):  # poppler-utils, installed by .ci/run
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], capture_output=True, check=True)
        assert "短期入所・レスパイトの不足" in out.stdout.decode("utf-8").replace("\n", "")

    # what the report says: the renamed theme, the ① note, the questionnaire items
    html = html_path.read_text(encoding="utf-8")
    assert "短期入所・レスパイトの不足" in html and "在宅医療の制度" in html
    from openpyxl import load_workbook

    rows = list(load_workbook(xlsx_path)["技術情報"].iter_rows(values_only=True))  # codes as in notes.csv
    header = list(rows[0])
    note = next(r for r in rows[1:] if r[col(header, "note_id")] == note_id)
    assert note[col(header, "text")] == "①短期入所の受け入れ先が足りない"
    assert note[col(header, "zones")] == "HCS"
    assert note[col(header, "theme_id")] == target and note[col(header, "theme_label")] == target_label
    renamed = {r[col(header, "theme_label")] for r in rows[1:] if r[col(header, "theme_id")] == theme_id}
    assert renamed == {"短期入所・レスパイトの不足"}

    # the report opens offline in the browser and shows the same
    page.goto(html_path.as_uri())
    expect(page.locator("body")).to_contain_text("短期入所・レスパイトの不足")
    shot(page, "08_report")
    page.outside = [u for u in page.outside if not u.startswith("file://")]
    assert page.outside == []

    # delete the workshop: the name must be typed; afterwards its pages are gone
    page.goto(server.url + "/")
    page.click("text=墨田区 第1回")
    workshop_url = page.url
    page.click("#delete-link")
    page.fill("input[name=confirm_name]", "墨田区")  # not the name: refused, nothing deleted
    page.click("#delete-workshop")
    expect(page.locator("[role=alert]")).to_contain_text("一致しません")
    page.fill("input[name=confirm_name]", "墨田区 第１回")  # typed with the IME's full-width digit
    page.click("#delete-workshop")
    expect(page.locator("body")).to_contain_text("ワークショップ「墨田区 第1回」を削除しました。")
    shot(page, "09_deleted")
    assert page.request.get(workshop_url).status == 404


def test_too_large_upload_shows_the_japanese_page_in_the_browser(tmp_path):
    """The browser must show our 413 page, not a reset connection, when a file is over the limit."""
    from playwright.sync_api import expect, sync_playwright

    srv = LiveServer(tmp_path / "data", extra=["--max-upload-mb", "1"]).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(srv.url + "/")
            page.fill("input[name=name]", "大きいファイル")
            page.click("button:has-text('作成')")
            big = tmp_path / "big.csv"
            big.write_bytes(notes_csv(NOTES * 2000, encoding="utf-8"))  # about 3 MB
            assert big.stat().st_size > 2 * 1024 * 1024
            page.set_input_files("input[name=file]", str(big))
            page.click("form[action$='/notes'] button")
            expect(page.locator("h1")).to_have_text("ファイルが大きすぎます")
            expect(page.locator(".error")).to_contain_text("1 MB")
            shot(page, "00_too_large")
            browser.close()
    finally:
        srv.stop()
    assert list((tmp_path / "data" / "originals").iterdir()) == []
