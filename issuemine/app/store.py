"""The web app's store: one SQLite database plus the uploaded originals, byte for byte.

Layout under the data directory::

    issuemine.db            workshops, uploads, parsed notes and answers, jobs, results, edits
    originals/<sha256>      every uploaded file exactly as received (content-addressed)

Why this shape: SQLite in WAL mode gives atomic, durable transactions and lets readers run while an
analysis process writes, so a kill -9 of the server or of an analysis loses nothing already committed.
Originals are written to a temporary file, fsynced and renamed into place, so a file either exists
whole or not at all. Every request opens its own connection (``Store.connect``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

SCHEMA_VERSION = 3

# Migrations are applied in order; each entry brings the database from version i to i + 1.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE workshops (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        created_at  TEXT NOT NULL
    );
    CREATE TABLE uploads (
        id          INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL REFERENCES workshops(id),
        kind        TEXT NOT NULL CHECK (kind IN ('notes', 'survey')),
        filename    TEXT NOT NULL,
        fmt         TEXT NOT NULL,
        sha256      TEXT NOT NULL,
        size        INTEGER NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('preview', 'stored', 'discarded')),
        options     TEXT NOT NULL DEFAULT '{}',
        report      TEXT NOT NULL DEFAULT '{}',
        created_at  TEXT NOT NULL
    );
    CREATE INDEX uploads_workshop ON uploads(workshop_id, kind, status);
    CREATE TABLE notes (
        upload_id   INTEGER NOT NULL REFERENCES uploads(id),
        ord         INTEGER NOT NULL,
        record      TEXT NOT NULL,
        PRIMARY KEY (upload_id, ord)
    );
    CREATE TABLE answers (
        upload_id   INTEGER NOT NULL REFERENCES uploads(id),
        ord         INTEGER NOT NULL,
        record      TEXT NOT NULL,
        PRIMARY KEY (upload_id, ord)
    );
    CREATE TABLE jobs (
        id          INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL REFERENCES workshops(id),
        kind        TEXT NOT NULL CHECK (kind IN ('analysis', 'report')),
        status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'interrupted')),
        progress    REAL NOT NULL DEFAULT 0,
        message     TEXT NOT NULL DEFAULT '',
        params      TEXT NOT NULL DEFAULT '{}',
        pid         INTEGER,
        created_at  TEXT NOT NULL,
        finished_at TEXT
    );
    CREATE INDEX jobs_workshop ON jobs(workshop_id, kind, id);
    CREATE TABLE results (
        job_id      INTEGER NOT NULL REFERENCES jobs(id),
        name        TEXT NOT NULL,
        payload     BLOB NOT NULL,
        PRIMARY KEY (job_id, name)
    );
    CREATE TABLE edits (
        id          INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL REFERENCES workshops(id),
        op          TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        undone_at   TEXT
    );
    CREATE INDEX edits_workshop ON edits(workshop_id, id);
    """,
    # 2: workshop numbers are never given again once a workshop is deleted (see add_workshop)
    """
    CREATE TABLE id_high_water (
        tbl         TEXT PRIMARY KEY,
        last_id     INTEGER NOT NULL
    );
    INSERT INTO id_high_water(tbl, last_id) SELECT 'workshops', COALESCE(MAX(id), 0) FROM workshops;
    """,
    # 3: the day the workshop was held (ISO YYYY-MM-DD, or NULL), shown on the report's cover and pages
    """
    ALTER TABLE workshops ADD COLUMN held_on TEXT;
    """,
]


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


class Store:
    """SQLite database and originals under ``data_dir``; ``migrate()`` runs on construction."""

    def __init__(self, data_dir: str | Path, busy_timeout_ms: int = 30000) -> None:
        self.data_dir = Path(data_dir)
        self.busy_timeout_ms = busy_timeout_ms
        self.originals = self.data_dir / "originals"
        # The notes describe real families: only the user running the server may read the data folder.
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.originals.mkdir(exist_ok=True, mode=0o700)
        self.db_path = self.data_dir / "issuemine.db"
        # Serialises writing an original against removing one (see remove_unreferenced_originals).
        self._originals_lock = threading.Lock()
        self.migrate()

    # -- connections -------------------------------------------------------------------------------
    def connect(self) -> sqlite3.Connection:
        """A fresh connection: autocommit mode, WAL, foreign keys, a generous busy timeout."""
        conn = sqlite3.connect(self.db_path, timeout=self.busy_timeout_ms / 1000,
                               isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed transaction survives power loss, not only a process kill.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    @contextlib.contextmanager
    def session(self):
        conn = self.connect()
        try:
            yield conn
        finally:
            conn.close()

    def migrate(self) -> None:
        with self.session() as conn, transaction(conn):
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise RuntimeError(f"database schema {version} is newer than this program ({SCHEMA_VERSION})")
            for i in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[i].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {i + 1}")

    # -- originals ---------------------------------------------------------------------------------
    def save_original(self, data: bytes) -> str:
        """Keep ``data`` byte for byte under originals/<sha256>; return the hash. Atomic and idempotent.

        The existence check and the rename hold ``_originals_lock`` (see remove_unreferenced_originals);
        writing and fsyncing the temporary file do not, so large uploads are not serialised.
        """
        digest = hashlib.sha256(data).hexdigest()
        target = self.originals / digest
        with self._originals_lock:
            if target.exists() and target.stat().st_size == len(data):
                return digest
        fd, tmp = tempfile.mkstemp(dir=self.originals, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            with self._originals_lock:
                os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        self._fsync_originals_dir()
        return digest

    def _fsync_originals_dir(self) -> None:
        dir_fd = os.open(self.originals, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def read_original(self, digest: str) -> bytes:
        return (self.originals / digest).read_bytes()

    def remove_unreferenced_originals(self, digests) -> list[str]:
        """Delete the originals among ``digests`` that no upload row references any more; return those removed.

        Originals are content-addressed, so two workshops uploading the same file share one. The check and
        the unlink run under the same lock as ``save_original``: an upload writes its original before its
        row exists and writes it again once the row is committed (routes.upload), so either this sees the
        row and keeps the file, or the upload puts the file back.
        """
        removed = []
        with self._originals_lock, self.session() as conn:
            for digest in sorted(set(digests)):
                if not _is_digest(digest) or conn.execute(
                        "SELECT 1 FROM uploads WHERE sha256 = ? LIMIT 1", (digest,)).fetchone():
                    continue
                with contextlib.suppress(FileNotFoundError):
                    (self.originals / digest).unlink()
                    removed.append(digest)
            if removed:
                self._fsync_originals_dir()
        return removed


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection):
    """BEGIN IMMEDIATE … COMMIT, rolled back on any error.

    IMMEDIATE takes the write lock up front, so two writers wait on busy_timeout instead of failing
    with a deadlock when both try to upgrade a read lock.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


# -- workshops -------------------------------------------------------------------------------------
def add_workshop(conn, name: str, held_on: str | None = None) -> int:
    """A new workshop's number: one more than any workshop ever had. SQLite alone would hand a deleted
    last workshop's number to the next one, and an old bookmark to /w/<id> would open another workshop's
    notes instead of "not found"."""
    with transaction(conn):
        conn.execute("UPDATE id_high_water SET last_id = MAX(last_id, (SELECT COALESCE(MAX(id), 0) "
                     "FROM workshops)) + 1 WHERE tbl = 'workshops'")
        (new_id,) = conn.execute("SELECT last_id FROM id_high_water WHERE tbl = 'workshops'").fetchone()
        conn.execute("INSERT INTO workshops(id, name, created_at, held_on) VALUES (?, ?, ?, ?)",
                     (new_id, name, now(), held_on))
        return new_id


def update_workshop(conn, workshop_id: int, name: str, held_on: str | None) -> bool:
    """Set a workshop's name and the day it was held (ISO or None); False when it no longer exists.
    Raises ``sqlite3.IntegrityError`` when another workshop has that name."""
    with transaction(conn):
        cur = conn.execute("UPDATE workshops SET name = ?, held_on = ? WHERE id = ?", (name, held_on, workshop_id))
        return cur.rowcount == 1


def workshop_by_name(conn, name: str):
    return conn.execute("SELECT * FROM workshops WHERE name = ?", (name,)).fetchone()


def get_workshop(conn, workshop_id: int):
    return conn.execute("SELECT * FROM workshops WHERE id = ?", (workshop_id,)).fetchone()


class JobStillRunning(Exception):
    """The workshop has a job that is queued or running: it cannot be deleted under it."""

    def __init__(self, job) -> None:
        super().__init__(job["id"])
        self.job = job


@dataclass
class DeletedWorkshop:
    """What a deletion left to remove from disk once committed."""

    name: str
    digests: list[str]   # originals the workshop's uploads used (possibly shared with another workshop)
    job_ids: list[int]   # jobs whose folders (snapshots, reports) belong to the workshop alone


def delete_workshop(conn, workshop_id: int) -> DeletedWorkshop | None:
    """Remove a workshop and every row hanging off it in one transaction; None if there is no such workshop.

    Raises JobStillRunning (nothing deleted) if one of its jobs is queued or running: the worker would
    otherwise write results for a workshop that no longer exists. With foreign keys on, a table added later
    with a reference to one of these rows and forgotten here makes the whole deletion fail, not leave orphans.
    """
    with transaction(conn):
        ws = get_workshop(conn, workshop_id)
        if ws is None:
            return None
        busy = unfinished_jobs(conn, workshop_id)
        if busy:
            raise JobStillRunning(busy[0])
        digests = [r[0] for r in conn.execute("SELECT DISTINCT sha256 FROM uploads WHERE workshop_id = ?",
                                              (workshop_id,))]
        job_ids = [r[0] for r in conn.execute("SELECT id FROM jobs WHERE workshop_id = ? ORDER BY id",
                                              (workshop_id,))]
        # children first: results → jobs, notes/answers → uploads, then everything → workshops
        conn.execute("DELETE FROM results WHERE job_id IN (SELECT id FROM jobs WHERE workshop_id = ?)",
                     (workshop_id,))
        for table in ("notes", "answers"):
            conn.execute(f"DELETE FROM {table} WHERE upload_id IN (SELECT id FROM uploads WHERE workshop_id = ?)",
                         (workshop_id,))
        for table in ("uploads", "jobs", "edits"):
            conn.execute(f"DELETE FROM {table} WHERE workshop_id = ?", (workshop_id,))
        conn.execute("DELETE FROM workshops WHERE id = ?", (workshop_id,))
    return DeletedWorkshop(name=ws["name"], digests=digests, job_ids=job_ids)


def workshop_counts(conn, workshop_id: int) -> dict[str, int]:
    """How much a deletion would remove (shown on the confirmation page)."""
    def one(sql: str) -> int:
        return conn.execute(sql, (workshop_id,)).fetchone()[0]

    return {
        "uploads": one("SELECT COUNT(*) FROM uploads WHERE workshop_id = ?"),
        "notes": one("SELECT COUNT(*) FROM notes n JOIN uploads u ON u.id = n.upload_id WHERE u.workshop_id = ? "
                     "AND u.status = 'stored'"),
        "jobs": one("SELECT COUNT(*) FROM jobs WHERE workshop_id = ?"),
        "edits": one("SELECT COUNT(*) FROM edits WHERE workshop_id = ?"),
    }


def list_workshops(conn) -> list:
    return conn.execute(
        """SELECT w.*,
                  (SELECT COUNT(*) FROM notes n JOIN uploads u ON u.id = n.upload_id
                    WHERE u.workshop_id = w.id AND u.kind = 'notes' AND u.status = 'stored') AS n_notes,
                  (SELECT status FROM jobs j WHERE j.workshop_id = w.id AND j.kind = 'analysis'
                    ORDER BY j.id DESC LIMIT 1) AS analysis_status
             FROM workshops w ORDER BY w.id DESC""").fetchall()


# -- uploads ---------------------------------------------------------------------------------------
class SameFile(Exception):
    """The workshop already has an upload with exactly these bytes (stored or awaiting confirmation)."""

    def __init__(self, upload) -> None:
        super().__init__(upload["id"])
        self.upload = upload


def add_upload(conn, workshop_id: int, kind: str, filename: str, fmt: str, digest: str, size: int,
               options: dict, report: dict, refuse_same: bool = False) -> int:
    """A new upload row awaiting confirmation. ``refuse_same``: raise SameFile instead if the workshop already
    has this file (checked under the write lock, so two simultaneous uploads of one file cannot both pass)."""
    with transaction(conn):
        if refuse_same:
            same = same_file_upload(conn, workshop_id, kind, digest)
            if same is not None:
                raise SameFile(same)
        cur = conn.execute(
            "INSERT INTO uploads(workshop_id, kind, filename, fmt, sha256, size, status, options, report, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, 'preview', ?, ?, ?)",
            (workshop_id, kind, filename, fmt, digest, size, _dump(options), _dump(report), now()))
        return cur.lastrowid


def get_upload(conn, upload_id: int):
    return conn.execute("SELECT * FROM uploads WHERE id = ?", (upload_id,)).fetchone()


def list_uploads(conn, workshop_id: int, kind: str | None = None) -> list:
    if kind is None:
        return conn.execute("SELECT * FROM uploads WHERE workshop_id = ? ORDER BY id",
                            (workshop_id,)).fetchall()
    return conn.execute("SELECT * FROM uploads WHERE workshop_id = ? AND kind = ? ORDER BY id",
                        (workshop_id, kind)).fetchall()


def update_preview(conn, upload_id: int, options: dict, report: dict) -> None:
    with transaction(conn):
        conn.execute("UPDATE uploads SET options = ?, report = ? WHERE id = ? AND status = 'preview'",
                     (_dump(options), _dump(report), upload_id))


def store_records(conn, upload_id: int, table: str, records: list[dict], options: dict, report: dict,
                  replace_kind_for: int | None = None) -> None:
    """Store the parsed rows of an upload and mark it stored, in one transaction.

    ``replace_kind_for``: a workshop id whose earlier stored uploads of the same kind are discarded
    (a workshop has one questionnaire; notes uploads accumulate).
    """
    if table not in ("notes", "answers"):
        raise ValueError(table)
    with transaction(conn):
        row = conn.execute("SELECT status, kind FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        if row is None or row["status"] != "preview":
            raise LookupError("upload is not awaiting confirmation")
        if replace_kind_for is not None:
            conn.execute("UPDATE uploads SET status = 'discarded' WHERE workshop_id = ? AND kind = ? "
                         "AND status = 'stored'", (replace_kind_for, row["kind"]))
        conn.execute(f"DELETE FROM {table} WHERE upload_id = ?", (upload_id,))
        conn.executemany(f"INSERT INTO {table}(upload_id, ord, record) VALUES (?, ?, ?)",
                         [(upload_id, i, _dump(r)) for i, r in enumerate(records)])
        conn.execute("UPDATE uploads SET status = 'stored', options = ?, report = ? WHERE id = ?",
                     (_dump(options), _dump(report), upload_id))


def discard_upload(conn, upload_id: int) -> None:
    with transaction(conn):
        conn.execute("UPDATE uploads SET status = 'discarded' WHERE id = ?", (upload_id,))


def records(conn, workshop_id: int, table: str) -> list[dict]:
    """Rows of every stored upload of the workshop, in upload order then row order."""
    if table not in ("notes", "answers"):
        raise ValueError(table)
    rows = conn.execute(
        f"SELECT r.record FROM {table} r JOIN uploads u ON u.id = r.upload_id "
        "WHERE u.workshop_id = ? AND u.status = 'stored' ORDER BY u.id, r.ord", (workshop_id,)).fetchall()
    return [json.loads(r[0]) for r in rows]


def upload_records(conn, upload_id: int, table: str) -> list[dict]:
    if table not in ("notes", "answers"):
        raise ValueError(table)
    rows = conn.execute(f"SELECT record FROM {table} WHERE upload_id = ? ORDER BY ord", (upload_id,))
    return [json.loads(r[0]) for r in rows]


# -- edits (the facilitator's ordered edit list; undo keeps an audit trail) --------------------------
def add_edit(conn, workshop_id: int, op: dict) -> int:
    with transaction(conn):
        return conn.execute("INSERT INTO edits(workshop_id, op, created_at) VALUES (?, ?, ?)",
                            (workshop_id, _dump(op), now())).lastrowid


def undo_edit(conn, workshop_id: int) -> dict | None:
    """Withdraw the last live edit (it stays in the table with ``undone_at`` set)."""
    with transaction(conn):
        row = conn.execute("SELECT id, op FROM edits WHERE workshop_id = ? AND undone_at IS NULL "
                           "ORDER BY id DESC LIMIT 1", (workshop_id,)).fetchone()
        if row is None:
            return None
        conn.execute("UPDATE edits SET undone_at = ? WHERE id = ?", (now(), row["id"]))
        return json.loads(row["op"])


def redo_edit(conn, workshop_id: int) -> dict | None:
    """Bring back the edit undone last, as long as no edit was made since (the undo stack's top).

    Redoable edits are the undone ones newer than the last live edit; the one undone most recently comes
    back first (ties within a second: the older edit), so undo, undo, redo, redo ends where it began, and a
    new edit after an undo leaves nothing to redo (everything undone before it is older than it).
    """
    with transaction(conn):
        row = conn.execute(
            "SELECT id, op FROM edits WHERE workshop_id = ? AND undone_at IS NOT NULL AND id > "
            "COALESCE((SELECT MAX(id) FROM edits WHERE workshop_id = ? AND undone_at IS NULL), 0) "
            "ORDER BY undone_at DESC, id LIMIT 1", (workshop_id, workshop_id)).fetchone()
        if row is None:
            return None
        conn.execute("UPDATE edits SET undone_at = NULL WHERE id = ?", (row["id"],))
        return json.loads(row["op"])


def live_edits(conn, workshop_id: int) -> list[dict]:
    rows = conn.execute("SELECT op FROM edits WHERE workshop_id = ? AND undone_at IS NULL ORDER BY id",
                        (workshop_id,)).fetchall()
    return [json.loads(r[0]) for r in rows]


def edit_history(conn, workshop_id: int) -> list:
    return conn.execute("SELECT * FROM edits WHERE workshop_id = ? ORDER BY id DESC",
                        (workshop_id,)).fetchall()


# -- jobs and their results --------------------------------------------------------------------------
def add_job(conn, workshop_id: int, kind: str, params: dict) -> int:
    with transaction(conn):
        return conn.execute(
            "INSERT INTO jobs(workshop_id, kind, status, params, created_at) VALUES (?, ?, 'queued', ?, ?)",
            (workshop_id, kind, _dump(params), now())).lastrowid


def get_job(conn, job_id: int):
    return conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()


def latest_job(conn, workshop_id: int, kind: str, status: str | None = None):
    if status is None:
        return conn.execute("SELECT * FROM jobs WHERE workshop_id = ? AND kind = ? ORDER BY id DESC LIMIT 1",
                            (workshop_id, kind)).fetchone()
    return conn.execute("SELECT * FROM jobs WHERE workshop_id = ? AND kind = ? AND status = ? "
                        "ORDER BY id DESC LIMIT 1", (workshop_id, kind, status)).fetchone()


def set_job(conn, job_id: int, **fields) -> None:
    allowed = {"status", "progress", "message", "pid", "finished_at"}
    if not fields or set(fields) - allowed:
        raise ValueError(fields)
    cols = ", ".join(f"{k} = ?" for k in fields)
    with transaction(conn):
        conn.execute(f"UPDATE jobs SET {cols} WHERE id = ?", (*fields.values(), job_id))


def finish_job(conn, job_id: int, results: dict[str, bytes], message: str) -> None:
    """Write every result and mark the job done in one transaction: all or nothing."""
    with transaction(conn):
        conn.executemany("INSERT OR REPLACE INTO results(job_id, name, payload) VALUES (?, ?, ?)",
                         [(job_id, k, v) for k, v in results.items()])
        conn.execute("UPDATE jobs SET status = 'done', progress = 1, message = ?, finished_at = ? "
                     "WHERE id = ?", (message, now(), job_id))


def result(conn, job_id: int, name: str) -> bytes | None:
    row = conn.execute("SELECT payload FROM results WHERE job_id = ? AND name = ?", (job_id, name)).fetchone()
    return None if row is None else bytes(row[0])


def unfinished_jobs(conn, workshop_id: int | None = None) -> list:
    if workshop_id is None:
        return conn.execute("SELECT * FROM jobs WHERE status IN ('queued', 'running')").fetchall()
    return conn.execute("SELECT * FROM jobs WHERE workshop_id = ? AND status IN ('queued', 'running') ORDER BY id",
                        (workshop_id,)).fetchall()


def _is_digest(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str)


# -- managing a workshop's uploads ------------------------------------------------------------------
def upload_note_counts(conn, workshop_id: int) -> dict[int, int]:
    """upload id → number of stored note rows (or answer rows for a questionnaire)."""
    out = {}
    for table in ("notes", "answers"):
        out.update(dict(conn.execute(
            f"SELECT r.upload_id, COUNT(*) FROM {table} r JOIN uploads u ON u.id = r.upload_id "
            "WHERE u.workshop_id = ? GROUP BY r.upload_id", (workshop_id,)).fetchall()))
    return out


def same_file_upload(conn, workshop_id: int, kind: str, digest: str):
    """An upload of the workshop with exactly these bytes that is stored or awaiting confirmation, or None."""
    return conn.execute("SELECT * FROM uploads WHERE workshop_id = ? AND kind = ? AND sha256 = ? "
                        "AND status IN ('stored', 'preview') ORDER BY status = 'stored' DESC, id LIMIT 1",
                        (workshop_id, kind, digest)).fetchone()


def stored_upload_ids(conn, workshop_id: int, kind: str = "notes") -> list[int]:
    return [r[0] for r in conn.execute("SELECT id FROM uploads WHERE workshop_id = ? AND kind = ? "
                                       "AND status = 'stored' ORDER BY id", (workshop_id, kind))]


@dataclass
class RemovedUpload:
    """What removing one upload left to do on disk once committed."""

    filename: str
    digest: str
    n_rows: int


def remove_upload(conn, workshop_id: int, upload_id: int) -> RemovedUpload | None:
    """Remove one upload of a workshop and its stored rows, in one transaction; None if there is none.

    The original file is not touched here: the caller removes it after the commit with
    ``Store.remove_unreferenced_originals`` — the same rule as deleting a workshop (kept while any upload
    row, of any workshop, still uses the same bytes). The workshop's analyses stay; the app shows them as
    out of date (``view.analysis_state``) because the analysed uploads differ from the stored ones.
    """
    with transaction(conn):
        up = conn.execute("SELECT * FROM uploads WHERE id = ? AND workshop_id = ?", (upload_id, workshop_id)).fetchone()
        if up is None:
            return None
        n_rows = 0
        for table in ("notes", "answers"):
            n_rows += conn.execute(f"DELETE FROM {table} WHERE upload_id = ?", (upload_id,)).rowcount
        conn.execute("DELETE FROM uploads WHERE id = ?", (upload_id,))
    return RemovedUpload(filename=up["filename"], digest=up["sha256"], n_rows=n_rows)
