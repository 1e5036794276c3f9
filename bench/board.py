"""Speed of the theme board: page size, time to interactive in Chromium, server time of an edit.

Builds a data folder through the app itself (upload, real analysis job) for the bundled sample workshop
(737 notes) and, with ``--big``, for a 10,000-note workshop made like bench/themes_scale.py does (halves of
two sample notes joined, seeded). Then, median of ``--runs``:

* bytes of HTML of /w/<id>/themes (target: < 300 KB for the sample);
* server time of the page, of a search, of もっと見る, and of edits as the board sends them (htmx): move of
  one note, of three, rename, undo, redo (target: an edit < 300 ms) — TestClient in this process, so the
  time is the server's alone;
* time to interactive in Debian's Chromium at 1366×768 (navigation start → the board's script has wired
  drag and drop: ``body[data-board-ready]``; target: < 1 s), with ``--browser``.

To compare with another checkout (e.g. the code before the board), run this file with ``PYTHONPATH=<that
checkout>``; routes only the old page had are skipped.

    .venv/bin/python bench/board.py [--runs 5] [--big] [--browser] [--data DIR]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workshops" / "sample" / "notes.csv"
HX = {"HX-Request": "true"}


def build(data: Path, notes_csv: Path, name: str):
    """(client, workshop id) with the notes uploaded, stored and analysed (reuses a finished workshop)."""
    from fastapi.testclient import TestClient

    from issuemine.app import store as st
    from issuemine.app.server import create_app

    try:
        app = create_app(data, report_pdf=False, allowed_hosts=["testserver"])
    except TypeError:  # a checkout from before the Host gate (a baseline run)
        app = create_app(data, report_pdf=False)
    client = TestClient(app, follow_redirects=False)
    store = st.Store(data)
    with store.session() as conn:
        row = st.workshop_by_name(conn, name)
        if row is not None and st.latest_job(conn, row["id"], "analysis", status="done") is not None:
            return client, row["id"]
    wid = int(client.post("/workshops", data={"name": name}).headers["location"].rsplit("/", 1)[-1])
    r = client.post(f"/w/{wid}/notes", files={"file": (notes_csv.name, notes_csv.read_bytes(), "text/csv")})
    upload = r.headers["location"].rsplit("/", 1)[-1]
    assert client.post(f"/w/{wid}/uploads/{upload}/confirm").status_code == 303
    t0 = time.perf_counter()
    assert client.post(f"/w/{wid}/analyze", data={"seed": "0", "themes": "auto"}).status_code == 303
    while True:
        with store.session() as conn:
            job = st.latest_job(conn, wid, "analysis")
        if job["status"] not in ("queued", "running"):
            break
        time.sleep(0.5)
    assert job["status"] == "done", job["message"]
    print(f"  analysis job: {time.perf_counter() - t0:.1f} s")
    return client, wid


def timed(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def server_figures(client, wid: int, runs: int) -> dict:
    out = {}
    client.get(f"/w/{wid}/themes")  # warm: imports, first view
    t, r = timed(lambda: client.get(f"/w/{wid}/themes"), runs)
    out["page_kb"] = len(r.content) / 1000
    out["page_ms"] = t * 1000
    board = client.get(f"/w/{wid}/themes/board", params={"q": "訪問看護"}, headers=HX)
    if board.status_code != 200:  # the code before the board: a form post, then the whole page again
        import re as _re

        note, theme = _re.search(r'name="note" value="([^"]+)">\s*<select name="theme"[^>]*>.*?'
                                 r'<option value="([^"]+)">', r.text, _re.S).groups()

        def old_edit():
            assert client.post(f"/w/{wid}/edits", data={"op": "move", "note": note, "theme": theme}).status_code == 303
            client.get(f"/w/{wid}/themes")
            assert client.post(f"/w/{wid}/undo", data={}).status_code == 303
            client.get(f"/w/{wid}/themes")
        out["edit+reload_ms"] = timed(old_edit, runs)[0] * 1000 / 2
        return out
    out["search_ms"] = timed(lambda: client.get(f"/w/{wid}/themes/board", params={"q": "訪問看護"},
                                                headers=HX), runs)[0] * 1000
    html = r.text
    cards = [(m.group(1), re.findall(r'<li class="note[^"]*" id="note-([^"]+)"', m.group(2)))
             for m in re.finditer(r'<article class="card[^"]*" id="card-([^"]+)"(.*?)</article>', html, re.S)]
    big = max(cards, key=lambda c: len(c[1]))[0]
    out["more_ms"] = timed(lambda: client.get(f"/w/{wid}/themes/cards/{big}/notes?offset=5"), runs)[0] * 1000
    (a, _), (b, _) = cards[0], cards[1]
    a_notes = re.findall(r'id="note-([^"]+)"', client.get(f"/w/{wid}/themes/cards/{a}/notes?offset=0").text)

    def edit(data):
        r = client.post(f"/w/{wid}/edits", data=data, headers=HX)
        assert r.status_code == 200, r.text[:500]

    def undo():
        assert client.post(f"/w/{wid}/undo", data={"page": "themes"}, headers=HX).status_code == 200

    def redo():
        assert client.post(f"/w/{wid}/redo", data={"page": "themes"}, headers=HX).status_code == 200

    moves, undos, redos, renames, moves3 = [], [], [], [], []
    for i in range(runs):
        one, three = a_notes[i % len(a_notes):][:1], (a_notes[i % len(a_notes):] + a_notes)[:3]
        # a different note each run: every edit is a state the server has not seen (no cached board)
        for bucket, fn in ((moves, lambda: edit({"op": "move", "notes": one, "theme": b})),
                           (undos, undo), (redos, redo), (undos, undo),
                           (moves3, lambda: edit({"op": "move", "notes": three, "theme": b})), (undos, undo),
                           (renames, lambda: edit({"op": "rename", "theme": a, "label": f"計測用の名前{i}"})),
                           (undos, undo)):
            t0 = time.perf_counter()
            fn()
            bucket.append(time.perf_counter() - t0)
    for name, values in (("edit_move_ms", moves), ("edit_move3_ms", moves3), ("edit_rename_ms", renames),
                         ("undo_ms", undos), ("redo_ms", redos)):
        out[name] = statistics.median(values) * 1000
    return out


def browser_ready(url: str, runs: int) -> float:
    """Median ms from navigation start to the board being interactive, in Debian's Chromium at 1366×768."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(url)  # warm the static files' cache, as a facilitator's second visit
        for _ in range(runs):
            page.goto(url, wait_until="commit")
            page.wait_for_selector("body[data-board-ready]", state="attached", timeout=30_000)
            times.append(page.evaluate("Number(document.body.dataset.boardReady)"))
        browser.close()
    return statistics.median(times)


def serve(data: Path):
    """A live server on a free local port (for the browser); returns (url, stop)."""
    import socket
    import threading

    import uvicorn

    from issuemine.app.server import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(data, report_pdf=False), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)

    def stop():
        server.should_exit = True
        thread.join()
    return f"http://127.0.0.1:{port}", stop


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--big", action="store_true", help="also a 10,000-note workshop")
    ap.add_argument("--browser", action="store_true", help="time to interactive in Chromium")
    ap.add_argument("--data", type=Path, help="data folder to reuse (default: a temporary one)")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    data = args.data or Path(tmp.name) / "data"
    sets = [("sample", SAMPLE)]
    if args.big:
        sys.path.insert(0, str(ROOT / "bench"))
        from themes_scale import make_input

        big = Path(tmp.name) / "notes_10000.csv"
        make_input(10_000, big)
        sets.append(("10k", big))
    print(f"board bench, median of {args.runs} runs (server times: TestClient, in process)")
    for name, path in sets:
        print(f"[{name}]")
        client, wid = build(data, path, f"bench-{name}")
        for key, value in server_figures(client, wid, args.runs).items():
            name, unit = key.rsplit("_", 1)
            print(f"  {name + (' html' if unit == 'kb' else ''):16s} {value:9.1f} {unit.upper() if unit == 'kb' else unit}")
        if args.browser:
            url, stop = serve(data)
            try:
                print(f"  {'interactive':16s} {browser_ready(f'{url}/w/{wid}/themes', args.runs):9.1f} ms (Chromium)")
            finally:
                stop()
    tmp.cleanup()


if __name__ == "__main__":
    main()
