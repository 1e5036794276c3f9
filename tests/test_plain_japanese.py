"""Issue 11's check: a facilitator's whole journey through the app (real FastAPI app, real SQLite, real
analysis and report workers) on the sample workshop, and every page, the report and every xlsx sheet a
person opens scanned for codes, raw numbers, UTC and English (tests/visible_text.py).

Pages and states: the empty list, a new workshop, an upload preview (read, and refused), the stored upload,
the same file refused, a near-duplicate asked about, stored anyway and removed again, the workshop's name and
date (a mistake, then set), analysis running and done, themes and diagram before and after edits (rename, merge, split, move, zone,
undo), the questionnaire before and after upload, the download page before and after the report, the job
fragment, the delete confirmation and an error page.
"""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from pathlib import Path

import pytest

from tests.visible_text import report, scan_html, scan_xlsx

SAMPLE = Path(__file__).resolve().parents[1] / "workshops" / "sample"


def _wait(client, store, workshop_id: int, kind: str, timeout: float = 600) -> dict:
    from issuemine.app import store as st

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with store.session() as conn:
            job = dict(st.latest_job(conn, workshop_id, kind))
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.3)
    raise TimeoutError(kind)


@pytest.fixture(scope="module")
def journey(tmp_path_factory):
    """Walk the app once; return {page name: html} and the report files."""
    from fastapi.testclient import TestClient

    from issuemine.app import store as st
    from issuemine.app.server import create_app

    data_dir = tmp_path_factory.mktemp("journey") / "data"
    client = TestClient(create_app(data_dir, report_pdf=False, allowed_hosts=["testserver"]), follow_redirects=False)
    store = st.Store(data_dir)
    pages: dict[str, str] = {}

    def get(name: str, url: str, status: int = 200) -> str:
        r = client.get(url)
        assert r.status_code == status, (url, r.status_code)
        pages[name] = r.text
        return r.text

    get("一覧(空)", "/")
    r = client.post("/workshops", data={"name": "墨田区 医療的ケア児支援 第1回"})
    wid = int(r.headers["location"].rsplit("/", 1)[-1])
    get("ワークショップ(新規)", f"/w/{wid}")
    get("アンケート(未登録)", f"/w/{wid}/survey")
    get("ダウンロード(付箋なし)", f"/w/{wid}/download")
    # a refused upload keeps a preview with the error
    r = client.post(f"/w/{wid}/notes", files={"file": ("空の付箋.csv", "内容\r\n\r\n".encode("utf-8"), "text/csv")})
    if r.status_code == 303:
        get("確認(読み込めない)", r.headers["location"])
    else:
        pages["アップロードの誤り"] = r.text
    notes = (SAMPLE / "notes.csv").read_bytes()
    r = client.post(f"/w/{wid}/notes", files={"file": ("付箋_サンプル.csv", notes, "text/csv")})
    assert r.status_code == 303, r.text
    preview = r.headers["location"]
    get("確認(読み込み結果)", preview)
    assert client.post(preview + "/confirm").status_code == 303
    get("確認(保存済み)", preview)
    get("ワークショップ(保存済み)", f"/w/{wid}")
    # the same file again is refused; the same notes saved by Excel in another encoding are asked about,
    # stored anyway, then removed again — the workshop is back to one file
    r = client.post(f"/w/{wid}/notes", files={"file": ("付箋_サンプル(コピー).csv", notes, "text/csv")})
    assert r.status_code == 409 and "同じファイルがすでにあります" in r.text
    pages["アップロード(同じファイル)"] = r.text
    excel = notes.decode("utf-8-sig").encode("cp932", errors="replace")
    r = client.post(f"/w/{wid}/notes", files={"file": ("付箋_Excelで保存.csv", excel, "text/csv")})
    assert r.status_code == 303, r.text
    again = r.headers["location"]
    assert 'id="overlap-warning"' in get("確認(ほぼ同じ付箋)", again)
    r = client.post(again + "/confirm")
    assert r.status_code == 409
    pages["確認(ほぼ同じ付箋・選ばずに保存)"] = r.text
    assert client.post(again + "/confirm", data={"force": "1"}).status_code == 303
    assert "付箋_Excelで保存.csv" in get("ワークショップ(2ファイル)", f"/w/{wid}")
    remove = again + "/remove"
    assert "取り除く付箋" in get("取り除く前の確認", remove)
    assert client.post(remove).status_code == 303
    after = get("ワークショップ(取り除いた後)", f"/w/{wid}")
    assert "「付箋_Excelで保存.csv」の付箋" in after and "を取り除きました" in after  # the notice
    assert f'id="upload-{again.rsplit("/", 1)[-1]}"' not in after  # gone from the list of files
    # the workshop's date: a mistake first (a Japanese message), then the day it was held
    r = client.post(f"/w/{wid}/settings", data={"name": "墨田区 医療的ケア児支援 第1回", "held_on": "2026年2月30日"})
    assert r.status_code == 400
    pages["ワークショップ名と開催日(誤り)"] = r.text
    assert client.post(f"/w/{wid}/settings",
                       data={"name": "墨田区 医療的ケア児支援 第1回", "held_on": "2026-11-14"}).status_code == 303
    assert "2026年11月14日(土)" in get("ワークショップ(開催日あり)", f"/w/{wid}")
    assert client.post(f"/w/{wid}/analyze", data={"seed": "0", "themes": "auto"}).status_code == 303
    get("ワークショップ(分析中)", f"/w/{wid}")
    job = _wait(client, store, wid, "analysis")
    assert job["status"] == "done", job["message"]
    get("分析の進み具合", f"/w/{wid}/jobs/{job['id']}")
    get("ワークショップ(分析済み)", f"/w/{wid}")
    themes_html = get("テーマ", f"/w/{wid}/themes")
    get("概念図", f"/w/{wid}/diagram")
    # edits: rename, merge, move, split, zone, and one undo
    theme_ids = re.findall(r'<article class="card[^"]*" id="card-([^"]+)"', themes_html)  # the board's cards
    note_ids = re.findall(r'<li class="note[^"]*" id="note-([^"]+)"', themes_html)
    assert len(theme_ids) >= 3 and len(note_ids) >= 10
    # the board's other states: a search, one card's further notes, the board fragment, the diagram board
    get("テーマ(検索)", f"/w/{wid}/themes?q=短期入所")
    get("テーマ(ボードだけ)", f"/w/{wid}/themes/board?q=連携")
    get("テーマ(もっと見る)", f"/w/{wid}/themes/cards/{theme_ids[0]}/notes?offset=3")
    get("概念図(ボードだけ)", f"/w/{wid}/diagram/board")
    get("用例(KWIC)", f"/w/{wid}/kwic?term=連携")

    def edit(**form):
        r = client.post(f"/w/{wid}/edits", data=form)
        assert r.status_code == 303, r.text

    edit(op="rename", theme=theme_ids[0], label="短期入所の不足")
    edit(op="merge", themes=[theme_ids[1], theme_ids[2]])
    edit(op="move", note=note_ids[-1], theme=theme_ids[0])  # a note of the last card
    edit(op="zone", note=note_ids[1], zones="HC")
    edit(op="zone", note=note_ids[2], zones="F")
    assert client.post(f"/w/{wid}/undo", data={"page": "diagram"}).status_code == 303
    get("テーマ(手直し後)", f"/w/{wid}/themes")
    get("テーマ(検索・要確認)", f"/w/{wid}/themes?q=訪問看護&weak=1")
    get("テーマ(すべて表示)", f"/w/{wid}/themes?all=1")
    get("手直しの記録", f"/w/{wid}/edit-history")
    get("語の前後(KWIC)", f"/w/{wid}/kwic?term=訪問看護")
    get("概念図(手直し後)", f"/w/{wid}/diagram")
    q = (SAMPLE / "questionnaire.csv").read_bytes()
    r = client.post(f"/w/{wid}/survey", files={"file": ("研修前後アンケート.csv", q, "text/csv")})
    assert r.status_code == 303, r.text
    get("アンケート", f"/w/{wid}/survey")
    get("ダウンロード(レポートなし)", f"/w/{wid}/download")
    assert client.post(f"/w/{wid}/report").status_code == 303
    job = _wait(client, store, wid, "report")
    assert job["status"] == "done", job["message"]
    get("ダウンロード", f"/w/{wid}/download")
    get("一覧", "/")
    get("削除の確認", f"/w/{wid}/delete")
    get("見つからないページ", "/w/999999", status=404)
    r = client.get(f"/w/{wid}/report.zip")
    assert r.status_code == 200
    files = {}
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        for name in z.namelist():
            files[Path(name).name] = z.read(name)
    out = tmp_path_factory.mktemp("report")
    for name, body in files.items():
        (out / name).write_bytes(body)
    dump = os.environ.get("ISSUEMINE_JOURNEY_DUMP")  # for a developer: keep what the journey saw
    if dump:
        Path(dump).mkdir(parents=True, exist_ok=True)
        for name, html in pages.items():
            (Path(dump) / f"{name}.html").write_text(html, encoding="utf-8")
        for f in out.iterdir():
            (Path(dump) / f.name).write_bytes(f.read_bytes())
    return pages, out


def test_every_page_is_plain_japanese(journey):
    pages, _ = journey
    findings = []
    for name, html in pages.items():
        findings += scan_html(html, name)
    assert not findings, "\n" + report(findings)


def test_report_html_is_plain_japanese(journey):
    _, out = journey
    findings = scan_html((out / "index.html").read_text(encoding="utf-8"), "index.html")
    assert not findings, "\n" + report(findings)


def test_every_xlsx_sheet_a_person_opens_is_plain_japanese(journey):
    _, out = journey
    from openpyxl import load_workbook

    wb = load_workbook(out / "notes.xlsx", read_only=True)
    titles = wb.sheetnames
    wb.close()
    assert "技術情報" in titles and len(titles) >= 3
    findings = scan_xlsx(out / "notes.xlsx")
    assert not findings, "\n" + report(findings)


def test_report_names_workshop_and_original_file(journey):
    _, out = journey
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "墨田区 医療的ケア児支援 第1回" in html and "付箋_サンプル.csv" in html
    # the date set in the app is on the cover, apart from the time the report was made; the removed
    # near-duplicate file is not among the report's notes files
    cover = html.split('<header class="cover">', 1)[1].split("</header>", 1)[0]
    assert "<dt>開催日</dt><dd>2026年11月14日(土)</dd>" in cover and "<dt>報告書の作成日時</dt>" in cover
    assert "付箋_Excelで保存.csv" not in html
    from openpyxl import load_workbook

    wb = load_workbook(out / "notes.xlsx", read_only=True)
    rows = list(wb["付箋"].iter_rows(values_only=True))
    header = list(rows[0])
    assert "ワークショップ" in header
    assert {r[header.index("ワークショップ")] for r in rows[1:]} == {"墨田区 医療的ケア児支援 第1回"}
    wb.close()
