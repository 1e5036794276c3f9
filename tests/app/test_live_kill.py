"""kill -9 during an analysis loses and corrupts nothing already saved.

A live server stores two workshops (notes, a questionnaire, a finished analysis, an edit), starts a second
analysis and is killed with SIGKILL while the analysis runs. After a restart every stored workshop reads back
identical, PRAGMA integrity_check is ok, and the analysis either finished on its own (its worker outlives the
server) or, when the worker is killed too, is marked interrupted and can be run again.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time

import pytest
from .conftest import NOTES, notes_csv, survey_csv
from .live import LiveServer

pytestmark = pytest.mark.slow

TABLES = ("workshops", "uploads", "notes", "answers", "edits")


def snapshot(db) -> dict:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in TABLES}
    finally:
        conn.close()


def job(db, job_id: int) -> dict:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return dict(conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone())
    finally:
        conn.close()


def wait_job(db, job_id: int, states, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        j = job(db, job_id)
        if j["status"] in states:
            return j
        time.sleep(0.2)
    raise TimeoutError(f"job {job_id} stayed {j['status']}")


def big_notes(copies: int) -> bytes:
    rows = [(f"{text}({k})", f"{group}{k % 7}", prof) for k in range(copies) for text, group, prof in NOTES]
    return notes_csv(rows, encoding="cp932")


def store_workshop(c, name: str, data: bytes, survey: bool) -> int:
    wid = int(c.post("/workshops", data={"name": name}).headers["location"].rsplit("/", 1)[-1])
    uid = int(c.post(f"/w/{wid}/notes", files={"file": ("付箋.csv", data, "text/csv")}).headers["location"]
              .rsplit("/", 1)[-1])
    assert c.post(f"/w/{wid}/uploads/{uid}/confirm").status_code == 303
    if survey:
        assert c.post(f"/w/{wid}/survey", files={"file": ("アンケート.csv", survey_csv(), "text/csv")}).status_code == 303
    return wid


def latest_job_id(db) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT MAX(id) FROM jobs").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("kill_worker", [False, True], ids=["server-only", "server-and-worker"])
def test_kill_9_during_analysis(tmp_path, kill_worker):
    data_dir = tmp_path / "data"
    db = data_dir / "issuemine.db"
    srv = LiveServer(data_dir).start()
    try:
        with srv.client() as c:
            small = store_workshop(c, "第1回", notes_csv(), survey=True)
            assert c.post(f"/w/{small}/analyze", data={"seed": "0", "themes": "auto"}).status_code == 303
            first = wait_job(db, latest_job_id(db), {"done", "failed"})
            assert first["status"] == "done", first["message"]
            theme = c.get(f"/w/{small}/themes").text.split('name="theme" value="', 1)[1].split('"', 1)[0]
            r = c.post(f"/w/{small}/edits", data={"op": "rename", "theme": theme, "label": "残す名前"})
            assert r.status_code == 303
            big = store_workshop(c, "第2回", big_notes(20), survey=False)
            assert c.post(f"/w/{big}/analyze", data={"seed": "0", "themes": "auto"}).status_code == 303
            running_id = latest_job_id(db)
        before = snapshot(db)
        running = wait_job(db, running_id, {"running", "done", "failed"})
        assert running["status"] == "running", "the analysis ended before the kill: make the workshop larger"
        srv.kill9()
        if kill_worker:
            os.killpg(running["pid"], signal.SIGKILL)
    finally:
        srv.stop()

    srv = LiveServer(data_dir).start()
    try:
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        assert snapshot(db) == before
        with srv.client() as c:
            assert "残す名前" in c.get(f"/w/{small}/themes").text
            assert c.get(f"/w/{small}/survey").status_code == 200
            for wid in (small, big):
                assert c.get(f"/w/{wid}").status_code == 200
            end = wait_job(db, running_id, {"done", "failed", "interrupted"})
            if kill_worker:
                assert end["status"] == "interrupted"
                assert "中断されました" in c.get(f"/w/{big}").text
                # and it can be run again
                assert c.post(f"/w/{big}/analyze", data={"seed": "0", "themes": "auto"}).status_code == 303
                again = wait_job(db, latest_job_id(db), {"done", "failed", "interrupted"})
                assert again["status"] == "done", again["message"]
            else:
                assert end["status"] == "done", end["message"]
            assert c.get(f"/w/{big}/themes").status_code == 200
    finally:
        srv.stop()
    assert snapshot(db) == before
