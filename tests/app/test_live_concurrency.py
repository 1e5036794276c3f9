"""20 uploads at once against the live server on 127.0.0.1: all stored, none mixed up."""

from __future__ import annotations

import re
import threading

import pytest
from .conftest import NOTES, notes_csv
from .live import LiveServer

from issuemine.app import store as st

N_UPLOADS = 20
N_WORKSHOPS = 5  # 4 uploads land on each workshop at once, the others on different workshops


@pytest.fixture
def server(tmp_path):
    srv = LiveServer(tmp_path / "data").start()
    yield srv
    srv.stop()


def _rows(i: int) -> list[tuple[str, str, str]]:
    # Every upload has its own marker and its own number of notes, so a mix-up cannot go unseen.
    return [(f"{i:02d}番 {text}", group, prof) for text, group, prof in NOTES[: 10 + i]]


def test_twenty_concurrent_uploads(server):
    with server.client() as c:
        ids = []
        for k in range(N_WORKSHOPS):
            r = c.post("/workshops", data={"name": f"会議{k}"})
            ids.append(int(r.headers["location"].rsplit("/", 1)[-1]))
    barrier = threading.Barrier(N_UPLOADS)
    outcome: dict[int, tuple[int, int]] = {}
    errors = []

    def work(i: int) -> None:
        wid = ids[i % N_WORKSHOPS]
        data = notes_csv(_rows(i), encoding="cp932" if i % 2 else "utf-8")
        try:
            with server.client() as c:
                barrier.wait(timeout=30)
                r = c.post(f"/w/{wid}/notes", files={"file": (f"upload{i:02d}.csv", data, "text/csv")})
                assert r.status_code == 303, r.status_code
                uid = int(re.search(r"/uploads/(\d+)$", r.headers["location"]).group(1))
                r = c.post(f"/w/{wid}/uploads/{uid}/confirm")
                assert r.status_code == 303, r.status_code
                outcome[i] = (wid, uid)
        except Exception as exc:  # noqa: BLE001
            errors.append((i, repr(exc)))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(N_UPLOADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == [] and len(outcome) == N_UPLOADS

    store = st.Store(server.data_dir)
    with store.session() as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for i, (wid, uid) in outcome.items():
            up = st.get_upload(conn, uid)
            assert up["workshop_id"] == wid and up["filename"] == f"upload{i:02d}.csv" and up["status"] == "stored"
            stored = st.upload_records(conn, uid, "notes")
            assert [(r["text"], r["group"], r["profession"]) for r in stored] == _rows(i)
            assert store.read_original(up["sha256"]) == notes_csv(_rows(i), encoding="cp932" if i % 2 else "utf-8")
        for wid in ids:
            mine = sorted(i for i, (w, _) in outcome.items() if w == wid)
            texts = [r["text"] for r in st.records(conn, wid, "notes")]
            assert sorted(texts) == sorted(t for i in mine for t, _, _ in _rows(i))
