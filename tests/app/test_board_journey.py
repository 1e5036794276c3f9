"""The facilitator's workbench end to end in Debian's Chromium at 1366×768 (Playwright, real server, the
bundled sample workshop of 737 notes plus one note with a phone number).

Upload, analyse, find a note by search, move three notes by drag and drop and one by keyboard only, merge
two themes by drag, split, rename, undo and redo, override two placements on the diagram board, build the
report with masking — the state is asserted after every step. Screenshots: reports/screenshots/board/
(reviewed copies in docs/screenshots/board/).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from .live import LiveServer
from .live import CHROMIUM, chromium_page

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "workshops" / "sample" / "notes.csv"
SHOTS = ROOT / "reports" / "screenshots" / "board"
PHONE = "03-1234-5678"
PHONE_NOTE = f"緊急時の連絡先{PHONE}を家族に渡しておきたい"

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason="Debian chromium is not installed")]


@pytest.fixture
def server(tmp_path):
    srv = LiveServer(tmp_path / "data").start()
    yield srv
    srv.stop()


@pytest.fixture
def page(server):
    yield from chromium_page(server.url, 1366, 768)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def sample_with_phone(path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    extra = {"内容": PHONE_NOTE, "グループ": "A", "職種": "保健師", "回": "1"}
    rows.append([extra.get(h, "") for h in header])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8-sig")


def drag(page, source, target, *, dx: float = 0.5, dy: float = 0.5) -> None:
    """A pointer drag (SortableJS's fallback mode: the same path as a finger on a tablet)."""
    a, b = source.bounding_box(), target.bounding_box()
    x, y = a["x"] + min(30, a["width"] / 2), a["y"] + min(10, a["height"] / 2)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 10, y + 10, steps=4)
    page.mouse.move(b["x"] + b["width"] * dx, b["y"] + b["height"] * dy, steps=20)
    page.mouse.up()


def card_notes(page, key: str) -> list[str]:
    return page.locator(f"#card-{key} li.note").evaluate_all("els => els.map(e => e.dataset.note)")


def test_workbench_journey(server, page, tmp_path):
    from playwright.sync_api import expect

    # -- upload the sample and analyse ------------------------------------------------------------------
    page.goto(server.url + "/")
    page.fill("input[name=name]", "サンプル 第1回")
    page.click("button:has-text('作成')")
    notes_path = tmp_path / "付箋.csv"
    sample_with_phone(notes_path)
    page.set_input_files("input[name=file]", str(notes_path))
    page.click("form[action$='/notes'] button")
    page.click("#confirm")
    expect(page.locator("#n-notes")).to_have_text("738")
    page.click("form[action$='/analyze'] button")
    expect(page.locator("#job-analysis[data-status=done]")).to_be_visible(timeout=300_000)
    page.click("#job-analysis >> text=テーマを見る")
    expect(page.locator("body[data-board-ready]")).to_be_attached()
    n_cards = page.locator("#board article.card").count()
    assert n_cards >= 10
    shot(page, "01_board")

    # -- find a note by search: highlighted, the board filtered -------------------------------------------
    page.fill("#q", "訪看サマリー")
    hit = page.locator("li.note", has_text="サマリー")
    expect(hit.first).to_be_visible()
    expect(hit.first.locator("mark")).to_have_text("訪看サマリー")
    assert page.locator("#board article.card:not([hidden])").count() < n_cards
    assert "q=" in page.url  # the filter is in the address: a reload keeps it
    shot(page, "02_search")
    page.fill("#q", "")
    expect(page.locator("#board article.card:not([hidden])")).to_have_count(n_cards)

    # -- three notes by drag and drop: click, Shift+click, then drag one of them ---------------------------
    cards = page.locator("#board article.card")
    src, dst = cards.nth(0).get_attribute("data-key"), cards.nth(1).get_attribute("data-key")
    moving = card_notes(page, src)[:3]
    page.locator(f"#note-{moving[0]}").click()
    page.locator(f"#note-{moving[2]}").click(modifiers=["Shift"])
    expect(page.locator("#sel-count")).to_have_text("選択中: 3 枚")
    drag(page, page.locator(f"#note-{moving[1]}"), page.locator(f"#card-{dst} ul.notes"), dy=0.3)
    expect(page.locator("#toast")).to_contain_text("付箋3枚を")
    for nid in moving:
        expect(page.locator(f"#card-{dst} #note-{nid}")).to_have_count(1)
        expect(page.locator(f"#card-{src} #note-{nid}")).to_have_count(0)
    scroll = page.evaluate("window.scrollY")
    shot(page, "03_moved_by_drag")

    # -- one note by keyboard only: Tab to it, Space, m, arrows, Tab, Enter --------------------------------
    page.locator("#q").focus()
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('li.note')"):
            break
    note_id = page.evaluate("document.activeElement.dataset.note")
    assert note_id
    from_key = page.evaluate("document.activeElement.closest('article').dataset.key")
    page.keyboard.press("Space")
    expect(page.locator("#sel-count")).to_have_text("選択中: 1 枚")
    page.keyboard.press("m")
    assert page.evaluate("document.activeElement.id") == "move-to"
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    to_key = page.locator("#move-to").input_value()
    if to_key == from_key:
        page.keyboard.press("ArrowDown")
        to_key = page.locator("#move-to").input_value()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#toast")).to_contain_text("へ移動しました")
    expect(page.locator(f"#card-{to_key} #note-{note_id}")).to_have_count(1)
    assert page.evaluate("window.scrollY") == scroll  # partial update: the page stays where it was

    # -- merge two themes by drag: the dragged one joins the other, which keeps its name -------------------
    a, b = cards.nth(2).get_attribute("data-key"), cards.nth(3).get_attribute("data-key")
    b_name = page.locator(f"#card-{b} input.title").input_value()
    b_size = int(page.locator(f"#card-{b} .terms .size").inner_text().split("枚")[0])
    a_size = int(page.locator(f"#card-{a} .terms .size").inner_text().split("枚")[0])
    handle = page.locator(f"#card-{a} .merge-handle")
    drag(page, handle, page.locator(f"#card-{b}"))
    expect(page.locator("#toast")).to_contain_text("を1つに統合しました")
    expect(page.locator(f"#card-{a}")).to_have_count(0)
    expect(page.locator(f"#card-{b} input.title")).to_have_value(b_name)
    expect(page.locator(f"#card-{b} .terms .size")).to_contain_text(f"{a_size + b_size}枚")
    shot(page, "04_merged")

    # -- split: two notes of the merged theme become a new theme -------------------------------------------
    two = card_notes(page, b)[:2]
    page.locator(f"#note-{two[0]}").click()
    page.locator(f"#note-{two[1]}").click()
    page.fill("#split-label", "分けた付箋")
    page.click("#split-btn")
    expect(page.locator("#toast")).to_contain_text("付箋2枚を「分けた付箋」として分割しました")
    new = page.locator("article.card", has=page.locator("input.title[value='分けた付箋']"))
    expect(new).to_have_count(1)
    new_key = new.get_attribute("data-key")
    assert sorted(card_notes(page, new_key)) == sorted(two)

    # -- rename in place, undo, redo -----------------------------------------------------------------------
    title = page.locator(f"#card-{b} input.title")
    title.fill("退院と地域をつなぐ")
    title.press("Enter")
    expect(page.locator("#toast")).to_contain_text("「退院と地域をつなぐ」に変更しました")
    expect(page.locator("#undo-bar .undo-what")).to_contain_text("退院と地域をつなぐ")
    page.click("#undo")
    expect(page.locator("#toast")).to_contain_text("元に戻しました")
    expect(page.locator(f"#card-{b} input.title")).to_have_value(b_name)
    page.click("#redo")
    expect(page.locator("#toast")).to_contain_text("やり直しました")
    expect(page.locator(f"#card-{b} input.title")).to_have_value("退院と地域をつなぐ")
    expect(page.locator("#redo")).to_be_disabled()
    shot(page, "05_renamed_redone")
    page.locator("#history summary").click()
    expect(page.locator("#edit-history")).to_contain_text("「退院と地域をつなぐ」に変更")

    # -- the diagram board: two placements overridden, by drag and by the menu -----------------------------
    page.click("nav >> text=③ 概念図")
    page.check("#inferred-only")
    expect(page.locator("#board li.note:not(.inferred)")).to_have_count(0)  # the filtered board is in
    expect(page.locator("#board li.note.inferred").first).to_be_visible()
    first = page.locator("#board li.note.inferred").first
    first_id, first_zone = first.get_attribute("data-note"), first.locator("xpath=ancestor::article").get_attribute("data-key")
    target_zone = "S" if first_zone != "S" else "C"
    first.click()  # tap: the reason shows
    expect(first.locator(".reason")).to_be_visible()
    expect(first.locator(".reason")).to_contain_text("根拠:")
    shot(page, "06_diagram_reason")
    zone_name = page.locator(f"#card-{target_zone} h3.title").inner_text()
    drag(page, first, page.locator(f"#card-{target_zone} ul.notes"), dy=0.2)
    expect(page.locator("#toast")).to_contain_text(f"を概念図の「{zone_name}」へ移しました")
    page.uncheck("#inferred-only")
    expect(page.locator("#board li.note:not(.inferred)").first).to_be_visible()
    expect(page.locator(f"#card-{target_zone} #note-{first_id}")).to_have_attribute("title", "根拠: ファシリテーターが指定")
    second = page.locator("#card-X li.note").first if page.locator("#card-X li.note").count() else \
        page.locator("#card-P li.note").first
    second_id = second.get_attribute("data-note")
    second.click()
    page.select_option("#zone-to", "HC")
    page.click("#zone-btn")
    expect(page.locator(f"#card-HC #note-{second_id}")).to_have_count(1)
    expect(page.locator(f"#card-HC #note-{second_id}")).to_have_attribute("title", "根拠: ファシリテーターが指定")
    shot(page, "07_diagram_board")

    # -- the report with personal information masked ------------------------------------------------------
    page.click("nav >> text=⑤ レポート")
    page.check("#mask-pii")
    page.click("#make-report")
    expect(page.locator("#job-report[data-status=done]")).to_be_visible(timeout=600_000)
    page.click("#job-report >> text=ダウンロードへ")
    expect(page.locator("#masked")).to_contain_text("伏せて作りました")
    expect(page.locator("#downloads")).to_contain_text("レポート本体")
    shot(page, "08_download_masked")
    with page.expect_download() as info:
        page.click("#downloads a:text-is('index.html')")
    html_path = tmp_path / "index.html"
    info.value.save_as(html_path)
    html = html_path.read_text(encoding="utf-8")
    assert PHONE not in html and "退院と地域をつなぐ" in html and "分けた付箋" in html
    assert page.errors == [] and page.outside == []
