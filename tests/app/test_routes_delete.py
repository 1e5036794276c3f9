"""Deleting a workshop: confirmation, refusal while a job runs, every row and file of it gone, nothing else."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest
from .conftest import NOTES, confirm, create_workshop, fake_report, notes_csv, page_text, survey_csv, upload_notes

from issuemine.app import store as st
from issuemine.app.pipeline import workshop_folder

A_NAME, B_NAME = "墨田区 第1回", "江東区 第2回"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def delete(client, wid: int, name: str | None):
    return client.post(f"/w/{wid}/delete", data={} if name is None else {"confirm_name": name})


def dump(store) -> dict[str, list[tuple]]:
    """Every row of every table (the schema read from the database, so new tables are covered too)."""
    with store.session() as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: [tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid")] for t in tables}


def columns(store, table: str) -> list[str]:
    with store.session() as conn:
        return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def owned_by(store, wid: int) -> tuple[set, set]:
    with store.session() as conn:
        uploads = {r[0] for r in conn.execute("SELECT id FROM uploads WHERE workshop_id = ?", (wid,))}
        jobs = {r[0] for r in conn.execute("SELECT id FROM jobs WHERE workshop_id = ?", (wid,))}
    return uploads, jobs


def populate(client, wid: int, own: bytes, shared: bytes) -> None:
    """Stored notes (one file shared with the other workshop), a questionnaire, edits with an undone one,
    a finished report on disk and a failed analysis."""
    store = client.app.state.store
    for data in (own, shared):  # own first: its notes are a subset of shared (would ask before storing)
        assert confirm(client, wid, upload_notes(client, wid, data)).status_code == 303
    r = client.post(f"/w/{wid}/survey", files={"file": ("アンケート.csv", survey_csv(), "text/csv")})
    assert r.status_code == 303
    with store.session() as conn:
        st.add_edit(conn, wid, {"op": "rename", "theme": "T01", "label": "一"})
        st.add_edit(conn, wid, {"op": "rename", "theme": "T01", "label": "二"})
        st.undo_edit(conn, wid)
        failed = st.add_job(conn, wid, "analysis", {})
        st.set_job(conn, failed, status="failed", message="テスト")
    fake_report(store, wid)


@pytest.fixture
def two(client):
    """Workshops A and B with the same notes file uploaded to both, and files of their own."""
    a, b = create_workshop(client, A_NAME), create_workshop(client, B_NAME)
    shared, own_a, own_b = notes_csv(), notes_csv(NOTES[:10]), notes_csv(NOTES[10:20])
    populate(client, a, own_a, shared)
    populate(client, b, own_b, shared)
    return a, b, {"shared": shared, "own_a": own_a, "own_b": own_b}


def test_delete_removes_every_row_and_file_of_that_workshop_only(client, data_dir, two):
    a, b, files = two
    store = client.app.state.store
    before = dump(store)
    a_uploads, a_jobs = owned_by(store, a)
    assert before["notes"] and before["answers"] and before["results"] and before["edits"]
    originals = {k: data_dir / "originals" / sha(v) for k, v in files.items()}
    survey_original = data_dir / "originals" / sha(survey_csv())
    assert all(p.is_file() for p in originals.values()) and survey_original.is_file()
    assert all(workshop_folder(store, j).is_dir() for j in a_jobs if j != min(a_jobs))  # the failed one has none

    r = delete(client, a, A_NAME)
    assert r.status_code == 303 and r.headers["location"] == "/"

    def of_a(table: str, row: tuple) -> bool:
        cols = dict(zip(columns(store, table), row))
        return (table == "workshops" and cols["id"] == a) or cols.get("workshop_id") == a \
            or cols.get("upload_id") in a_uploads or cols.get("job_id") in a_jobs

    after = dump(store)
    for table, rows in before.items():
        assert after[table] == [r for r in rows if not of_a(table, r)], table  # B's rows untouched, A's gone
    assert sum(len(rows) for rows in after.values()) < sum(len(rows) for rows in before.values())
    with store.session() as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # files: A's job folders and own original gone; the shared original and the questionnaire stay for B
    assert not any(workshop_folder(store, j).exists() for j in a_jobs)
    assert not originals["own_a"].exists()
    assert originals["shared"].read_bytes() == files["shared"] and originals["own_b"].is_file()
    assert survey_original.is_file()  # the same questionnaire file was uploaded to B too
    _, b_jobs = owned_by(store, b)
    assert all((workshop_folder(store, j) / "report").is_dir() for j in b_jobs if j != min(b_jobs))
    assert client.get(f"/w/{a}").status_code == 404
    page = client.get(f"/w/{b}").text
    assert f'<strong id="n-notes">{len(NOTES) + 10}</strong>' in page
    assert client.get(f"/w/{b}/report.zip").status_code == 200

    # deleting B too leaves no originals and no job folders at all
    assert delete(client, b, B_NAME).status_code == 303
    assert [p.name for p in (data_dir / "originals").iterdir()] == []
    assert not (data_dir / "jobs").exists() or list((data_dir / "jobs").iterdir()) == []
    left = dump(store)
    assert left.pop("id_high_water") == [("workshops", b)]  # numbering only: B's number is not given again
    assert all(rows == [] for rows in left.values())


def test_notice_after_deletion_is_shown_once(client):
    wid = create_workshop(client, A_NAME)
    create_workshop(client, B_NAME)
    assert delete(client, wid, A_NAME).status_code == 303
    text = page_text(client.get("/").text)
    assert f"ワークショップ「{A_NAME}」を削除しました。" in text and B_NAME in text
    assert "削除しました" not in client.get("/").text  # a notice, not a permanent banner


def test_confirmation_is_required(client, data_dir):
    wid = create_workshop(client, A_NAME)
    data = notes_csv()
    assert confirm(client, wid, upload_notes(client, wid, data)).status_code == 303
    page = client.get(f"/w/{wid}/delete")
    assert page.status_code == 200 and "元に戻せません" in page.text
    assert f"付箋 {len(NOTES)} 枚" in page_text(page.text) and 'name="confirm_name"' in page.text
    assert f'href="/w/{wid}/delete"' in client.get(f"/w/{wid}").text
    for typed in (None, "", "   ", "墨田区", "江東区 第2回"):
        r = delete(client, wid, typed)
        assert r.status_code == 400 and "一致しません" in r.text, typed
    assert client.get(f"/w/{wid}").status_code == 200
    assert (data_dir / "originals" / sha(data)).is_file()
    # typed with an IME: full-width digit and space, extra spaces
    assert delete(client, wid, " 墨田区\u3000第１回 ").status_code == 303
    assert client.get(f"/w/{wid}").status_code == 404


def test_unknown_workshop_is_the_usual_404(client):
    for r in (client.get("/w/999/delete"), delete(client, 999, "x"), delete(client, 999, None)):
        assert r.status_code == 404 and "ワークショップが見つかりません" in r.text


def _fake_worker(job_id: int) -> subprocess.Popen:
    """A process whose command line looks like the worker's for this job (see JobRunner.refresh)."""
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "issuemine.app.jobs", str(job_id)])


def test_refused_while_a_job_runs(client, data_dir):
    wid = create_workshop(client, A_NAME)
    data = notes_csv()
    assert confirm(client, wid, upload_notes(client, wid, data)).status_code == 303
    store = client.app.state.store
    with store.session() as conn:
        job_id = st.add_job(conn, wid, "analysis", {})
    proc = _fake_worker(job_id)
    try:
        with store.session() as conn:
            st.set_job(conn, job_id, status="running", pid=proc.pid)
        before = dump(store)
        r = delete(client, wid, A_NAME)
        assert r.status_code == 409
        assert "実行中の処理があるため削除できません" in r.text and "分析が実行中です" in r.text
        assert dump(store) == before and (data_dir / "originals" / sha(data)).is_file()
        assert "分析が実行中のため" in client.get(f"/w/{wid}/delete").text
    finally:
        proc.kill()
        proc.wait()
    # the worker is gone: its job is closed as interrupted and the workshop can go
    assert delete(client, wid, A_NAME).status_code == 303
    assert not (data_dir / "originals" / sha(data)).exists()


def test_store_refuses_under_a_queued_job_in_the_same_transaction(tmp_path):
    """The route checks first; the store checks again under the write lock, so a job started in between
    still stops the deletion, and nothing is removed."""
    store = st.Store(tmp_path)
    with store.session() as conn:
        w = st.add_workshop(conn, "w")
        st.add_edit(conn, w, {"op": "rename", "theme": "T01", "label": "x"})
        job_id = st.add_job(conn, w, "report", {})
        with pytest.raises(st.JobStillRunning) as exc:
            st.delete_workshop(conn, w)
        assert exc.value.job["id"] == job_id
        assert st.get_workshop(conn, w) is not None and len(st.live_edits(conn, w)) == 1
        st.set_job(conn, job_id, status="done")
        deleted = st.delete_workshop(conn, w)
        assert deleted.name == "w" and deleted.job_ids == [job_id]
        assert st.delete_workshop(conn, w) is None


def test_only_unreferenced_originals_are_removed(tmp_path):
    store = st.Store(tmp_path)
    kept, dropped = store.save_original(b"kept"), store.save_original(b"dropped")
    with store.session() as conn:
        w = st.add_workshop(conn, "w")
        st.add_upload(conn, w, "notes", "a.csv", "csv", kept, 4, {}, {})
    (tmp_path / "outside").write_bytes(b"x")
    assert store.remove_unreferenced_originals([kept, dropped, "../outside", "nope"]) == [dropped]
    assert store.read_original(kept) == b"kept" and not (store.originals / dropped).exists()
    assert (tmp_path / "outside").exists()


def test_upload_keeps_an_original_removed_while_it_was_parsed(client, data_dir, monkeypatch):
    """Another workshop deleted during a parse may remove the shared original before the new row refers to
    it; the upload writes it again once its row is committed."""
    from issuemine.app.routes import upload

    data = notes_csv()
    real_parse, removed = upload._parse, []

    def parse_while_deleting(*args):
        if not removed:  # the upload's parse, before its row exists (confirm parses again later)
            removed.extend(client.app.state.store.remove_unreferenced_originals([sha(data)]))
        return real_parse(*args)

    monkeypatch.setattr(upload, "_parse", parse_while_deleting)
    wid = create_workshop(client)
    uid = upload_notes(client, wid, data)
    assert removed == [sha(data)]
    assert (data_dir / "originals" / sha(data)).read_bytes() == data
    assert confirm(client, wid, uid).status_code == 303


def test_a_deleted_workshops_number_is_never_given_again(client):
    """SQLite alone reuses the largest deleted id: an old bookmark /w/<id> would open another workshop."""
    a = create_workshop(client, A_NAME)
    b = create_workshop(client, B_NAME)
    assert delete(client, b, B_NAME).status_code == 303
    c = create_workshop(client, "足立区 第3回")
    assert c == b + 1 and a < b
    assert client.get(f"/w/{b}").status_code == 404
    assert "足立区 第3回" in page_text(client.get(f"/w/{c}").text)
