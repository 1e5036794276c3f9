"""A facilitator manages a workshop's uploads: listed with names and counts, the same file refused, a file of
mostly known notes asked about before it is stored, one upload removed — through the real routes and SQLite."""

from __future__ import annotations

import hashlib
import io

from .conftest import NOTES, confirm, create_workshop, notes_csv, page_text, upload_notes, wait_job

from issuemine.app import store as st


def notes_xlsx(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["内容", "グループ", "職種"])
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def n_uploads(store, wid: int) -> int:
    with store.session() as conn:
        return len(st.list_uploads(conn, wid))


def test_uploads_are_listed_with_names_and_note_counts(client):
    wid = create_workshop(client)
    a = upload_notes(client, wid, notes_csv(NOTES[:12]), filename="第1班.csv")
    confirm(client, wid, a)
    b = upload_notes(client, wid, notes_csv(NOTES[12:]), filename="第2班.csv")
    confirm(client, wid, b)
    html = client.get(f"/w/{wid}").text
    rows = {uid: page_text(html.split(f'<tr id="upload-{uid}">', 1)[1].split("</tr>", 1)[0]) for uid in (a, b)}
    assert "第1班.csv" in rows[a] and "12 枚" in rows[a] and "保存済み" in rows[a]
    assert "第2班.csv" in rows[b] and f"{len(NOTES) - 12} 枚" in rows[b]
    assert f'href="/w/{wid}/uploads/{a}/remove"' in html
    assert "年" in rows[a] and "UTC" not in rows[a]  # Japan time, as people read it


def test_the_same_file_again_is_refused(client):
    wid = create_workshop(client)
    data = notes_csv()
    uid = upload_notes(client, wid, data, filename="付箋.csv")
    # still waiting for confirmation: refused, pointing at the waiting one
    r = client.post(f"/w/{wid}/notes", files={"file": ("付箋のコピー.csv", data, "text/csv")})
    assert r.status_code == 409 and "まだ確認待ち" in page_text(r.text)
    assert f'href="/w/{wid}/uploads/{uid}"' in r.text
    assert confirm(client, wid, uid).status_code == 303
    store = client.app.state.store
    before = (n_uploads(store, wid), sorted(p.name for p in store.originals.iterdir()))
    r = client.post(f"/w/{wid}/notes", files={"file": ("付箋のコピー.csv", data, "text/csv")})
    text = page_text(r.text)
    assert r.status_code == 409 and "同じファイルがすでにあります" in text
    assert "「付箋のコピー.csv」" in text and "「付箋.csv」" in text and "二重に数えない" in text
    assert (n_uploads(store, wid), sorted(p.name for p in store.originals.iterdir())) == before
    # another workshop may hold the same file
    other = create_workshop(client, "別の会")
    assert confirm(client, other, upload_notes(client, other, data)).status_code == 303


def test_the_csv_saved_from_a_stored_xlsx_is_asked_about_before_it_is_stored(client):
    wid = create_workshop(client)
    assert confirm(client, wid, upload_notes(client, wid, notes_xlsx(NOTES), filename="付箋.xlsx")).status_code == 303
    # the same notes, saved as CSV by Excel (other bytes, other encoding, full-width digits as typed)
    rows = [(t.replace("24", "２４"), g, p) for t, g, p in NOTES]
    uid = upload_notes(client, wid, notes_csv(rows), filename="付箋.csv")
    page = client.get(f"/w/{wid}/uploads/{uid}").text
    text = page_text(page)
    assert 'id="overlap-warning"' in page and f"{len(NOTES)} 枚のうち {len(NOTES)} 枚(100%)" in text
    assert "「付箋.xlsx」" in text and 'id="confirm-anyway"' in page and 'id="overlap-cancel"' in page
    assert 'id="confirm"' not in page  # the plain button is replaced by the choice
    # confirming without choosing "store anyway" stores nothing and asks again
    r = confirm(client, wid, uid)
    assert r.status_code == 409 and 'id="overlap-warning"' in r.text
    with client.app.state.store.session() as conn:
        assert len(st.records(conn, wid, "notes")) == len(NOTES)
        assert st.get_upload(conn, uid)["status"] == "preview"
    # the choice: cancel
    assert client.post(f"/w/{wid}/uploads/{uid}/discard").status_code == 303
    with client.app.state.store.session() as conn:
        assert st.get_upload(conn, uid)["status"] == "discarded"
        assert len(st.records(conn, wid, "notes")) == len(NOTES)
    # or: store anyway
    uid = upload_notes(client, wid, notes_csv(rows, encoding="utf-8"), filename="付箋(2).csv")
    r = client.post(f"/w/{wid}/uploads/{uid}/confirm", data={"force": "1"})
    assert r.status_code == 303
    with client.app.state.store.session() as conn:
        assert len(st.records(conn, wid, "notes")) == 2 * len(NOTES)


def test_a_partly_known_file_is_stored_with_a_note_only(client):
    wid = create_workshop(client)
    assert confirm(client, wid, upload_notes(client, wid, notes_csv(NOTES[:20]))).status_code == 303
    uid = upload_notes(client, wid, notes_csv(NOTES[10:30]), filename="続き.csv")  # 10 of 20 known: 50 %
    page = client.get(f"/w/{wid}/uploads/{uid}").text
    assert 'id="overlap-warning"' not in page and "20 枚のうち 10 枚は" in page_text(page)
    assert confirm(client, wid, uid).status_code == 303


def analyse(client, wid: int, store) -> dict:
    assert client.post(f"/w/{wid}/analyze", data={"seed": "0", "themes": "auto"}).status_code == 303
    with store.session() as conn:
        job = wait_job(store, st.latest_job(conn, wid, "analysis")["id"])
    assert job["status"] == "done", job["message"]
    return job


def test_removing_one_upload(client, data_dir):
    from issuemine.app.pipeline import note_ids_by_upload
    from issuemine.app.view import current_view

    store = client.app.state.store
    wid = create_workshop(client)
    first, second = NOTES[:20], NOTES[20:]
    a = upload_notes(client, wid, notes_csv(first), filename="午前.csv")
    confirm(client, wid, a)
    b = upload_notes(client, wid, notes_csv(second), filename="午後.csv")
    confirm(client, wid, b)
    analyse(client, wid, store)
    with store.session() as conn:
        ids = note_ids_by_upload(conn, wid)
        view = current_view(conn, wid)
    assert len(ids[a]) == len(first) and len(ids[b]) == len(second)
    assert set(ids[a]) | set(ids[b]) == set(view.notes["note_id"])  # the ids the analysis gave
    # edits made in the app: a rename of the theme holding the first note of the afternoon, its zone
    gone = ids[b][0]
    theme = view.assignments.set_index("note_id").loc[gone, "theme_id"]
    client.post(f"/w/{wid}/edits", data={"op": "rename", "theme": theme, "label": "午後のテーマ"})
    client.post(f"/w/{wid}/edits", data={"op": "zone", "note": gone, "zones": "F"})
    client.post(f"/w/{wid}/edits", data={"op": "zone", "note": ids[a][0], "zones": "P"})
    with store.session() as conn:
        rename = st.live_edits(conn, wid)[0]
    share_gone = len(set(rename["members"]) & set(ids[b])) / len(rename["members"])

    page = client.get(f"/w/{wid}/uploads/{b}/remove")
    text = page_text(page.text)
    assert page.status_code == 200 and "午後.csv" in text
    assert f"取り除く付箋: {len(second)} 枚(残る付箋: {len(first)} 枚)" in text and "手直し 2 件" in text

    r = client.post(f"/w/{wid}/uploads/{b}/remove")
    assert r.status_code == 303 and r.headers["location"] == f"/w/{wid}"
    html = client.get(f"/w/{wid}").text
    text = page_text(html)
    assert f"「午後.csv」の付箋 {len(second)} 枚を取り除きました" in text and "手直しが 2 件" in text
    assert f'id="upload-{b}"' not in html and f'<strong id="n-notes">{len(first)}</strong>' in html
    # the analysis is marked out of date, the themes page says so too
    assert "取り除き 1 件" in text and "もう一度分析してください" in text
    assert "取り除き 1 件" in page_text(client.get(f"/w/{wid}/themes").text)
    with store.session() as conn:
        assert "取り除き 1 件" in current_view(conn, wid).outdated
        assert [r["text"] for r in st.records(conn, wid, "notes")] == [n[0] for n in first]
        assert st.get_upload(conn, b) is None
    # its original file is gone (no other upload uses it); the morning's stays
    assert not (data_dir / "originals" / hashlib.sha256(notes_csv(second)).hexdigest()).exists()
    assert (data_dir / "originals" / hashlib.sha256(notes_csv(first)).hexdigest()).exists()

    # analysed again: the edits on the removed notes are reported, never put on another group
    analyse(client, wid, store)
    with store.session() as conn:
        view = current_view(conn, wid)
    assert view.outdated == ""
    zone_messages = [m for m in view.messages if gone in m]
    assert zone_messages and "概念図" in zone_messages[0]
    (out,) = [o for o in view.outcomes if o["op"] == "rename"]
    if share_gone > 0.5:
        assert out["status"] == "not_applied" and out["message"] in view.messages
        assert "午後のテーマ" not in set(view.themes["label"])
    else:
        assert out["status"] == "applied"
    page = client.get(f"/w/{wid}/themes").text
    assert "適用できなかった手直し" in page
    # the edit on a note that stayed still applies
    placed = view.placements.set_index("note_id")
    assert placed.loc[ids[a][0], "zones"] == "P"


def test_the_same_original_stays_while_another_workshop_uses_it(client, data_dir):
    data = notes_csv(NOTES[:8])
    one, two = create_workshop(client, "一"), create_workshop(client, "二")
    u1 = upload_notes(client, one, data)
    confirm(client, one, u1)
    confirm(client, two, upload_notes(client, two, data))
    assert client.post(f"/w/{one}/uploads/{u1}/remove").status_code == 303
    assert (data_dir / "originals" / hashlib.sha256(data).hexdigest()).exists()


def test_remove_errors_are_japanese_pages(client):
    wid = create_workshop(client)
    uid = upload_notes(client, wid, notes_csv())
    r = client.post(f"/w/{wid}/uploads/{uid}/remove")  # still a preview: cancel it instead
    assert r.status_code == 409 and "取り消す" in page_text(r.text)
    assert client.get(f"/w/{wid}/uploads/99999/remove").status_code == 404
    other = create_workshop(client, "他")
    assert client.post(f"/w/{other}/uploads/{uid}/remove").status_code == 404


def test_the_same_file_is_refused_under_the_write_lock(client):
    """Two uploads of one file at the same moment: the store's own check (in the insert's transaction) refuses
    the second even when both passed the route's early check."""
    import pytest

    wid = create_workshop(client)
    store = client.app.state.store
    digest = hashlib.sha256(b"x").hexdigest()
    with store.session() as conn:
        first = st.add_upload(conn, wid, "notes", "a.csv", "csv", digest, 1, {}, {}, True)
        with pytest.raises(st.SameFile) as e:
            st.add_upload(conn, wid, "notes", "b.csv", "csv", digest, 1, {}, {}, True)
        assert e.value.upload["id"] == first
        assert len(st.list_uploads(conn, wid)) == 1
