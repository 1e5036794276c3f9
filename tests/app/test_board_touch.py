"""The theme board by touch, as on a tablet (1024×768, touch events only — no mouse), in Debian's Chromium.

A finger selects a note by tapping, holds it a moment and drags it onto another theme: SortableJS's pointer
fallback moves it, the server records one move and the two cards are redrawn.
"""

from __future__ import annotations

import os

import pytest

from .conftest import NOTES, latest, notes_csv, wait_job
from .live import LiveServer
from .live import ARGS, CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason="Debian chromium is not installed")]


@pytest.fixture
def analysed(tmp_path):
    from issuemine.app import store as st

    srv = LiveServer(tmp_path / "data").start()
    try:
        with srv.client() as c:
            wid = int(c.post("/workshops", data={"name": "タブレット"}).headers["location"].rsplit("/", 1)[-1])
            r = c.post(f"/w/{wid}/notes", files={"file": ("付箋.csv", notes_csv(NOTES * 3), "text/csv")})
            assert c.post(r.headers["location"] + "/confirm").status_code == 303
            assert c.post(f"/w/{wid}/analyze", data={"seed": "0", "themes": "auto"}).status_code == 303
        store = st.Store(tmp_path / "data")
        job = wait_job(store, latest(store, wid, "analysis"))
        assert job["status"] == "done", job["message"]
        yield srv, wid
    finally:
        srv.stop()


def touch_drag(cdp, page, source, target) -> None:
    a, b = source.bounding_box(), target.bounding_box()
    x0, y0 = a["x"] + a["width"] / 2, a["y"] + a["height"] / 2
    x1, y1 = b["x"] + b["width"] / 2, b["y"] + min(20, b["height"] / 2)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]})
    page.wait_for_timeout(400)  # hold: a short press-and-hold starts the drag (a quick swipe scrolls)
    for i in range(1, 21):
        x, y = x0 + (x1 - x0) * i / 20, y0 + (y1 - y0) * i / 20
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        page.wait_for_timeout(20)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_drag_a_note_by_touch(analysed):
    from playwright.sync_api import expect, sync_playwright

    srv, wid = analysed
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(locale="ja-JP", viewport={"width": 1024, "height": 768}, has_touch=True)
        page = context.new_page()
        page.goto(f"{srv.url}/w/{wid}/themes")
        expect(page.locator("body[data-board-ready]")).to_be_attached()
        cards = page.locator("#board article.card")
        src, dst = cards.nth(0).get_attribute("data-key"), cards.nth(1).get_attribute("data-key")
        note = page.locator(f"#card-{src} li.note").first
        nid = note.get_attribute("data-note")
        note.tap()  # a tap selects, like a click
        expect(page.locator("#sel-count")).to_have_text("選択中: 1 枚")
        touch_drag(context.new_cdp_session(page), page, note, page.locator(f"#card-{dst} ul.notes"))
        expect(page.locator("#toast")).to_contain_text("へ移動しました")
        expect(page.locator(f"#card-{dst} #note-{nid}")).to_have_count(1)
        expect(page.locator(f"#card-{src} #note-{nid}")).to_have_count(0)
        context.close()
        browser.close()
