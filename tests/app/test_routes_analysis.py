"""Analysis, themes with edits and undo, the diagram with zone overrides, and the report — real runs.

One workshop is analysed once for the module (a real worker process, a few seconds); each test undoes its
own edits, so the tests do not depend on their order.
"""

from __future__ import annotations

import io
import re

import pytest
from .conftest import NOTES, analysed_workshop, col, latest, page_text, survey_csv, wait_job

from issuemine.app import store as st

XSS = "<script>alert(1)</script>訪問看護が足りない"
ROWS = NOTES + [(XSS, "A", "看護師"), ("<img src=x onerror=alert(2)>短期入所がない", "B", "医師")]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return analysed_workshop(tmp_path_factory.mktemp("analysis") / "data", ROWS)


@pytest.fixture
def ws(env):
    client, wid, store = env
    yield client, wid, store
    with store.session() as conn:
        while st.undo_edit(conn, wid) is not None:
            pass


def themes_of(client, wid) -> dict[str, str]:
    """theme id → label as shown in the rename inputs of the board's cards."""
    html = client.get(f"/w/{wid}/themes").text
    return dict(re.findall(r'name="theme" value="(T?[^"]+)">\s*<input type="text" name="label" value="([^"]*)"', html))


def note_ids(client, wid) -> dict[str, str]:
    """note text (unescaped where simple) → note id, from the board with every card open (?all=1)."""
    html = client.get(f"/w/{wid}/themes?all=1").text
    pairs = re.findall(r'<li class="note[^"]*" id="note-([^"]+)".*?<span class="text">(.*?)</span>', html, flags=re.S)
    return {text.replace("&lt;", "<").replace("&gt;", ">"): nid for nid, text in pairs}


def theme_of_note(client, wid, note_id) -> str:
    """The card (theme id) holding the note on the board."""
    html = client.get(f"/w/{wid}/themes?all=1").text
    for card in html.split('<article class="card')[1:]:
        if f'id="note-{note_id}"' in card:
            return re.search(r'data-key="([^"]+)"', card).group(1)
    raise AssertionError(f"note {note_id} is on no card")


def test_workshop_page_shows_the_finished_analysis(ws):
    client, wid, store = ws
    html = client.get(f"/w/{wid}").text
    assert 'data-status="done"' in html and f"{len(ROWS)} 枚の付箋を" in html
    job_id = latest(store, wid, "analysis")
    r = client.get(f"/w/{wid}/jobs/{job_id}")
    assert r.status_code == 200 and "テーマを見る" in r.text and "hx-get" not in r.text


def test_running_job_is_polled(ws):
    client, wid, store = ws
    with store.session() as conn:
        job_id = st.add_job(conn, wid, "report", {})
    try:
        r = client.get(f"/w/{wid}/jobs/{job_id}")
        assert f'hx-get="/w/{wid}/jobs/{job_id}"' in r.text and 'hx-trigger="every 1s"' in r.text
        assert "実行中" in r.text
        assert client.post(f"/w/{wid}/report").status_code == 409
    finally:
        with store.session() as conn:
            st.set_job(conn, job_id, status="failed", message="テスト")


def test_themes_page_escapes_notes(ws):
    client, wid, _ = ws
    html = client.get(f"/w/{wid}/themes").text
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;訪問看護が足りない" in html
    assert 'id="analysis-info"' in html and "方法:" in html
    assert len(themes_of(client, wid)) >= 2 and len(note_ids(client, wid)) == len(ROWS)


def test_rename_and_undo(ws):
    client, wid, _ = ws
    theme, old = next(iter(themes_of(client, wid).items()))
    r = client.post(f"/w/{wid}/edits", data={"op": "rename", "theme": theme, "label": "短期入所が<足りない>"})
    assert r.status_code == 303 and r.headers["location"] == f"/w/{wid}/themes"
    assert themes_of(client, wid)[theme] == "短期入所が&lt;足りない&gt;"
    text = page_text(client.get(f"/w/{wid}/edit-history").text)
    assert "テーマの名前を「短期入所が&lt;足りない&gt;」に変更" in text and "有効" in text
    assert "最後の手直し: テーマの名前を「短期入所が&lt;足りない&gt;」に変更" in page_text(client.get(f"/w/{wid}/themes").text)
    assert client.post(f"/w/{wid}/undo", data={}).status_code == 303
    assert themes_of(client, wid)[theme] == old
    assert "取り消し" in client.get(f"/w/{wid}/edit-history").text  # the audit trail stays
    assert client.post(f"/w/{wid}/redo", data={}).status_code == 303
    assert themes_of(client, wid)[theme] == "短期入所が&lt;足りない&gt;"
    assert client.post(f"/w/{wid}/redo", data={}).status_code == 409  # nothing left to redo


@pytest.mark.parametrize("form,message", [
    ({"op": "rename", "theme": "T01", "label": "  "}, "新しいテーマ名"),
    ({"op": "rename", "theme": "T01", "label": "あ" * 61}, "60 文字以内"),
    ({"op": "rename", "theme": "ZZZ", "label": "x"}, "指定したテーマがありません"),
    ({"op": "merge", "themes": ["T01"]}, "2つ以上"),
    ({"op": "split", "theme": "T01"}, "チェックを入れて"),
    ({"op": "move", "note": "nope", "theme": "T01"}, "指定した付箋がありません"),
    ({"op": "zone", "note": "nope", "zones": "HC"}, "指定した付箋がありません"),
    ({"op": "explode"}, "不明な操作"),
])
def test_bad_edits(ws, form, message):
    client, wid, _ = ws
    form = dict(form)
    if form.get("theme") == "T01":
        form["theme"] = next(iter(themes_of(client, wid)))
    r = client.post(f"/w/{wid}/edits", data=form)
    assert r.status_code == 400 and message in r.text
    with ws[2].session() as conn:
        assert st.live_edits(conn, wid) == []


def test_bad_zone_value(ws):
    client, wid, _ = ws
    nid = next(iter(note_ids(client, wid).values()))
    r = client.post(f"/w/{wid}/edits", data={"op": "zone", "note": nid, "zones": "HZ"})
    assert r.status_code == 400 and "概念図の領域を一覧から選んでください" in r.text


def test_move_a_note(ws):
    client, wid, _ = ws
    nid = note_ids(client, wid)[NOTES[0][0]]
    before = theme_of_note(client, wid, nid)
    target = next(t for t in themes_of(client, wid) if t != before)
    r = client.post(f"/w/{wid}/edits", data={"op": "move", "note": nid, "theme": target})
    assert r.status_code == 303 and r.headers["location"].endswith(f"#note-{nid}")
    assert theme_of_note(client, wid, nid) == target


def test_merge_and_split(ws):
    client, wid, store = ws
    a, b = list(themes_of(client, wid))[:2]
    assert client.post(f"/w/{wid}/edits", data={"op": "merge", "themes": [a, b]}).status_code == 303
    after = themes_of(client, wid)
    assert (a in after) != (b in after)  # one theme left of the two
    kept = a if a in after else b
    members = [nid for nid in note_ids(client, wid).values() if theme_of_note(client, wid, nid) == kept]
    assert len(members) >= 2
    # splitting every note of a theme, or notes of two themes, is refused
    r = client.post(f"/w/{wid}/edits", data={"op": "split", "notes": members})
    assert r.status_code == 400 and "一部だけ" in r.text
    other = next(nid for nid in note_ids(client, wid).values() if theme_of_note(client, wid, nid) != kept)
    r = client.post(f"/w/{wid}/edits", data={"op": "split", "notes": [members[0], other]})
    assert r.status_code == 400 and "同じテーマ" in r.text
    r = client.post(f"/w/{wid}/edits", data={"op": "split", "notes": members[:1]})
    assert r.status_code == 303
    assert theme_of_note(client, wid, members[0]) != kept
    with store.session() as conn:
        assert [e["op"] for e in st.live_edits(conn, wid)] == ["merge", "split"]


def card_of(html: str, note_id: str) -> tuple[str, str]:
    """(card key, the note's list item) of a note on a board page."""
    for card in html.split('<article class="card')[1:]:
        if f'id="note-{note_id}"' in card:
            item = card.split(f'id="note-{note_id}"', 1)[1].split("</li>", 1)[0]
            return re.search(r'data-key="([^"]+)"', card).group(1), item
    raise AssertionError(f"note {note_id} is on no card")


def test_zone_override_on_the_diagram(ws):
    client, wid, _ = ws
    nid = note_ids(client, wid)[NOTES[1][0]]
    r = client.post(f"/w/{wid}/edits", data={"op": "zone", "note": nid, "zones": "C∩H"})
    assert r.status_code == 303 and r.headers["location"] == f"/w/{wid}/diagram#note-{nid}"
    key, item = card_of(client.get(f"/w/{wid}/diagram?all=1").text, nid)
    assert key == "HC" and "ファシリテーターが指定" in item
    assert '<h3 class="title">病院と地域の重なり</h3>' in client.get(f"/w/{wid}/diagram").text
    r = client.post(f"/w/{wid}/undo", data={"page": "diagram"})
    assert r.status_code == 303 and r.headers["location"] == f"/w/{wid}/diagram"


def test_zone_override_of_several_notes_is_one_edit(ws):
    client, wid, store = ws
    ids = list(note_ids(client, wid).values())[:3]
    r = client.post(f"/w/{wid}/edits", data={"op": "zone", "notes": ids, "zones": "S"},
                    headers={"HX-Request": "true"})
    assert r.status_code == 200 and "付箋3枚を概念図の「相談支援」へ移しました。" in r.text
    assert 'id="card-S" data-key="S" hx-swap-oob="outerHTML"' in r.text and 'id="undo-bar"' in r.text
    html = client.get(f"/w/{wid}/diagram?all=1").text
    assert {card_of(html, n)[0] for n in ids} == {"S"}
    with store.session() as conn:
        assert st.live_edits(conn, wid) == [{"op": "zone", "notes": ids, "zones": "S"}]
    r = client.post(f"/w/{wid}/undo", data={"page": "diagram"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "元に戻しました" in r.text


def test_diagram_page(ws):
    client, wid, _ = ws
    html = client.get(f"/w/{wid}/diagram").text
    assert 'id="diagram"' in html and "/static/Sortable.min.js" in html
    import json

    r = client.get(f"/w/{wid}/diagram/figure.json")
    assert r.status_code == 200 and "<" not in r.text  # plotly escapes note text in its JSON
    fig = r.json()["figure"]
    assert fig["data"] and "概念図" in json.dumps(fig["layout"], ensure_ascii=False)
    membership = page_text(html.split('<table id="membership">', 1)[1].split("</table>", 1)[0])
    exclusive = page_text(html.split('<table id="exclusive">', 1)[1].split("</table>", 1)[0])
    assert sum(int(n) for n in re.findall(r" (\d+)", exclusive.split("枚数", 2)[-1])) == len(ROWS)
    assert sum(int(n) for n in re.findall(r" (\d+)", membership.split("枚数", 2)[-1])) >= len(ROWS)


def test_edits_survive_reanalysis(ws):
    client, wid, store = ws
    theme = next(iter(themes_of(client, wid)))
    client.post(f"/w/{wid}/edits", data={"op": "rename", "theme": theme, "label": "再分析後も残る名前"})
    assert client.post(f"/w/{wid}/analyze", data={"seed": "0", "themes": "auto"}).status_code == 303
    assert client.post(f"/w/{wid}/analyze", data={"seed": "0", "themes": "auto"}).status_code == 409
    assert wait_job(store, latest(store, wid, "analysis"))["status"] == "done"
    assert themes_of(client, wid)[theme] == "再分析後も残る名前"


@pytest.mark.slow
def test_report_reflects_edits_and_questionnaire(ws):
    client, wid, store = ws
    r = client.post(f"/w/{wid}/survey", files={"file": ("アンケート.csv", survey_csv(), "text/csv")})
    assert r.status_code == 303
    theme = next(iter(themes_of(client, wid)))
    client.post(f"/w/{wid}/edits", data={"op": "rename", "theme": theme, "label": "レポートに載る名前"})
    nid = note_ids(client, wid)[NOTES[2][0]]
    client.post(f"/w/{wid}/edits", data={"op": "zone", "note": nid, "zones": "S"})
    assert client.post(f"/w/{wid}/report").status_code == 303
    job = wait_job(store, latest(store, wid, "report"))
    assert job["status"] == "done", job["message"]
    page = client.get(f"/w/{wid}/download").text
    assert f"/w/{wid}/download/{job['id']}/index.html" in page and "notes.xlsx" in page
    assert "report.pdf" not in page and "Chromium がある場合だけ" in page
    r = client.get(f"/w/{wid}/download/{job['id']}/index.html")
    assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment")
    html = r.content.decode("utf-8")
    assert "レポートに載る名前" in html and "在宅医療の制度" in html
    assert "<script>alert(1)" not in html
    from openpyxl import load_workbook

    r = client.get(f"/w/{wid}/download/{job['id']}/notes.xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    rows = list(wb["技術情報"].iter_rows(values_only=True))  # the machine table, codes as in notes.csv
    header = list(rows[0])
    row = next(r for r in rows[1:] if r[col(header, "note_id")] == nid)
    assert row[col(header, "zones")] == "S"
    assert "レポートに載る名前" in {r[col(header, "theme_label")] for r in rows[1:]}
    people = list(wb["付箋"].iter_rows(values_only=True))  # what a facilitator reads: names, not codes
    row = next(r for r in people[1:] if r[people[0].index("付箋ID")] == nid)
    assert row[people[0].index("概念図の領域")] == "相談支援"
    # a file the job did not record is not served
    assert client.get(f"/w/{wid}/download/{job['id']}/issuemine.db").status_code == 404
    # the zip of the real report: every recorded file byte for byte, plus the edit list it was built with
    import zipfile

    files = [f for f in re.findall(rf'href="/w/{wid}/download/{job["id"]}/([^"]+)"', page)]
    r = client.get(f"/w/{wid}/report.zip")
    assert r.status_code == 200 and r.content == client.get(f"/w/{wid}/report.zip").content
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    assert zf.namelist() == sorted([*files, "notes.edits.jsonl"]) and "index.html" in files
    for name in files:
        assert zf.read(name) == client.get(f"/w/{wid}/download/{job['id']}/{name}").content, name
    assert "レポートに載る名前" in zf.read("notes.edits.jsonl").decode("utf-8")


def test_edit_list_download_matches_the_edits_module(ws):
    from issuemine.edits import load_edits

    client, wid, _ = ws
    theme = next(iter(themes_of(client, wid)))
    client.post(f"/w/{wid}/edits", data={"op": "rename", "theme": theme, "label": "一"})
    client.post(f"/w/{wid}/edits", data={"op": "rename", "theme": theme, "label": "二"})
    client.post(f"/w/{wid}/undo", data={})
    r = client.get(f"/w/{wid}/notes.edits.jsonl")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    path = ws[2].data_dir / "downloaded.edits.jsonl"
    path.write_bytes(r.content)
    (edit,) = load_edits(path)
    assert {k: v for k, v in edit.items() if k != "members"} == {"op": "rename", "theme": theme, "label": "一"}
    # the notes the theme held were recorded with the edit, so it can follow them after a re-analysis
    with ws[2].session() as conn:
        from issuemine.app.view import current_view

        view = current_view(conn, wid)
    a = view.assignments
    assert edit["members"] == a.loc[a["theme_id"] == theme, "note_id"].tolist()
    assert client.get("/w/999/notes.edits.jsonl").status_code == 404
