"""The store: schema and migrations, originals kept byte for byte, transactions, the edit list's audit trail."""

from __future__ import annotations

import hashlib
import sqlite3
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from issuemine.app import store as st


def test_migrate_sets_version_and_wal_and_is_idempotent(tmp_path):
    store = st.Store(tmp_path)
    st.Store(tmp_path)  # a second start must not fail nor re-run migrations
    with store.session() as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == st.SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"workshops", "uploads", "notes", "answers", "jobs", "results", "edits"} <= tables


def test_newer_schema_is_refused(tmp_path):
    st.Store(tmp_path)
    conn = sqlite3.connect(tmp_path / "issuemine.db")
    conn.execute(f"PRAGMA user_version = {st.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(RuntimeError):
        st.Store(tmp_path)


@settings(max_examples=30, deadline=None)
@given(hs.binary(min_size=0, max_size=4096))
def test_originals_round_trip_byte_for_byte(tmp_path_factory, data):
    store = st.Store(tmp_path_factory.mktemp("s"))
    digest = store.save_original(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert store.read_original(digest) == data
    assert store.save_original(data) == digest  # idempotent
    assert not [p for p in store.originals.iterdir() if p.name.startswith(".incoming-")]


def test_transaction_rolls_back_on_error(tmp_path):
    store = st.Store(tmp_path)
    with store.session() as conn:
        with pytest.raises(ZeroDivisionError), st.transaction(conn):
            conn.execute("INSERT INTO workshops(name, created_at) VALUES ('a', 'x')")
            1 / 0
        assert conn.execute("SELECT COUNT(*) FROM workshops").fetchone()[0] == 0


def test_store_records_is_all_or_nothing(tmp_path):
    store = st.Store(tmp_path)
    with store.session() as conn:
        w = st.add_workshop(conn, "w")
        u = st.add_upload(conn, w, "notes", "a.csv", "csv", "0" * 64, 1, {}, {})
        def failing():
            yield {"text": "a"}
            raise OSError("disk gone")  # a failure half-way through the rows

        with pytest.raises(OSError):
            st.store_records(conn, u, "notes", failing(), {}, {})
        assert st.upload_records(conn, u, "notes") == []
        assert st.get_upload(conn, u)["status"] == "preview"
        st.store_records(conn, u, "notes", [{"text": "a"}, {"text": "b"}], {}, {})
        assert [r["text"] for r in st.records(conn, w, "notes")] == ["a", "b"]
        with pytest.raises(LookupError):  # a stored upload cannot be stored twice
            st.store_records(conn, u, "notes", [{"text": "c"}], {}, {})


def test_undo_keeps_an_audit_trail(tmp_path):
    store = st.Store(tmp_path)
    with store.session() as conn:
        w = st.add_workshop(conn, "w")
        st.add_edit(conn, w, {"op": "rename", "theme": "T01", "label": "一"})
        st.add_edit(conn, w, {"op": "rename", "theme": "T01", "label": "二"})
        assert st.undo_edit(conn, w) == {"op": "rename", "theme": "T01", "label": "二"}
        assert st.live_edits(conn, w) == [{"op": "rename", "theme": "T01", "label": "一"}]
        history = st.edit_history(conn, w)
        assert len(history) == 2 and history[0]["undone_at"] is not None and history[1]["undone_at"] is None
        assert st.undo_edit(conn, w) is not None
        assert st.undo_edit(conn, w) is None


def test_concurrent_writers_all_land(tmp_path):
    """20 threads, each with its own connection, each storing its own upload: none lost, none mixed."""
    store = st.Store(tmp_path)
    with store.session() as conn:
        w = st.add_workshop(conn, "w")
    errors = []

    def work(i):
        try:
            with store.session() as conn:
                u = st.add_upload(conn, w, "notes", f"{i}.csv", "csv", f"{i:064d}", 1, {}, {})
                st.store_records(conn, u, "notes", [{"text": f"{i}-{k}"} for k in range(50)], {}, {})
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with store.session() as conn:
        for u in st.list_uploads(conn, w):
            i = int(u["filename"].split(".")[0])
            assert [r["text"] for r in st.upload_records(conn, u["id"], "notes")] == [f"{i}-{k}" for k in range(50)]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_new_data_folder_is_private(tmp_path):
    store = st.Store(tmp_path / "new")
    assert (store.data_dir.stat().st_mode & 0o777) == 0o700
    assert (store.originals.stat().st_mode & 0o777) == 0o700
    digest = store.save_original(b"x")
    assert ((store.originals / digest).stat().st_mode & 0o077) == 0


def test_migration_2_keeps_numbering_above_every_existing_workshop(tmp_path):
    """A version-1 database (workshops 1, 2, 5) is migrated; new workshops continue above the largest
    number, and a deleted workshop's number is not given again."""
    conn = sqlite3.connect(tmp_path / "issuemine.db")
    for statement in st.MIGRATIONS[0].split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.executemany("INSERT INTO workshops(id, name, created_at) VALUES (?, ?, '2026-01-01')",
                     [(1, "a"), (2, "b"), (5, "c")])
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    store = st.Store(tmp_path)
    with store.session() as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == st.SCHEMA_VERSION
        new = st.add_workshop(conn, "d")
        assert new == 6
        st.delete_workshop(conn, new)
        assert st.add_workshop(conn, "e") == 7
        with pytest.raises(sqlite3.IntegrityError):
            st.add_workshop(conn, "e")  # a taken name: nothing created, no number used up
        assert st.add_workshop(conn, "f") == 8


def test_redo_brings_back_the_undone_edits_in_order(tmp_path):
    store = st.Store(tmp_path)
    with store.session() as conn:
        w = st.add_workshop(conn, "w")
        for label in ("一", "二", "三"):
            st.add_edit(conn, w, {"op": "rename", "theme": "T01", "label": label})
        assert st.redo_edit(conn, w) is None  # nothing undone
        st.undo_edit(conn, w)
        st.undo_edit(conn, w)
        assert [e["label"] for e in st.live_edits(conn, w)] == ["一"]
        assert st.redo_edit(conn, w)["label"] == "二"
        assert st.redo_edit(conn, w)["label"] == "三"
        assert st.redo_edit(conn, w) is None
        assert [e["label"] for e in st.live_edits(conn, w)] == ["一", "二", "三"]
        # a new edit after an undo: the undone edit can no longer come back
        st.undo_edit(conn, w)
        st.add_edit(conn, w, {"op": "rename", "theme": "T01", "label": "四"})
        assert st.redo_edit(conn, w) is None
        assert [e["label"] for e in st.live_edits(conn, w)] == ["一", "二", "四"]
