"""Background jobs (analysis, report) in their own process.

Why a process: an analysis holds the CPU for seconds (UMAP, clustering) and must neither freeze the pages
nor take the server down with it. The server records a job in SQLite and starts
``python -m issuemine.app.jobs DATA_DIR JOB_ID`` in a new session; the worker writes progress rows and, at
the end, every result in one transaction. A kill -9 of the server leaves the worker running to the end;
a kill of the worker leaves the job unfinished, and the next server start marks it interrupted — nothing
committed before is touched.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import traceback
from pathlib import Path

from issuemine.app import store as st


class JobRunner:
    """Starts worker processes for a store and reaps them."""

    def __init__(self, store: st.Store) -> None:
        self.store = store
        self._procs: dict[int, subprocess.Popen] = {}
        self._lock = threading.Lock()

    def start(self, workshop_id: int, kind: str, params: dict) -> int:
        with self.store.session() as conn:
            job_id = st.add_job(conn, workshop_id, kind, params)
        log_dir = self.store.data_dir / "logs"
        log_dir.mkdir(exist_ok=True)
        with open(log_dir / "jobs.log", "ab") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "issuemine.app.jobs", str(self.store.data_dir), str(job_id)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
                cwd=self.store.data_dir)
        with self.store.session() as conn:
            # The worker writes its pid too; writing it here closes the gap before it starts.
            conn.execute("UPDATE jobs SET pid = ? WHERE id = ? AND pid IS NULL", (proc.pid, job_id))
        with self._lock:
            self._procs[job_id] = proc
        threading.Thread(target=self._reap, args=(job_id, proc), daemon=True).start()
        return job_id

    def _reap(self, job_id: int, proc: subprocess.Popen) -> None:
        proc.wait()
        with self._lock:
            self._procs.pop(job_id, None)
        # A worker that died without saying so (killed, crashed) leaves its job open: close it.
        with self.store.session() as conn:
            conn.execute("UPDATE jobs SET status = 'interrupted', message = ?, finished_at = ? "
                         "WHERE id = ? AND status IN ('queued', 'running')",
                         (INTERRUPTED, st.now(), job_id))

    def refresh(self, conn, job):
        """The job row, closed as interrupted if its worker vanished (e.g. killed after a server restart)."""
        if job is None or job["status"] not in ("queued", "running") or not job["pid"]:
            return job
        with self._lock:
            ours = job["id"] in self._procs
        if ours or _is_worker(job["pid"], job["id"]):
            return job
        conn.execute("UPDATE jobs SET status = 'interrupted', message = ?, finished_at = ? "
                     "WHERE id = ? AND status IN ('queued', 'running')", (INTERRUPTED, st.now(), job["id"]))
        return st.get_job(conn, job["id"])

    def recover(self) -> int:
        """At start-up: jobs left open by a previous server whose worker is gone are marked interrupted."""
        n = 0
        with self.store.session() as conn:
            for job in st.unfinished_jobs(conn):
                if job["pid"] and _is_worker(job["pid"], job["id"]):
                    continue  # still running on its own since the old server died: let it finish
                conn.execute("UPDATE jobs SET status = 'interrupted', message = ?, finished_at = ? "
                             "WHERE id = ? AND status IN ('queued', 'running')",
                             (INTERRUPTED, st.now(), job["id"]))
                n += 1
        return n


INTERRUPTED = "中断されました(サーバーの停止など)。もう一度実行してください。保存済みのデータは失われていません。"


def _is_worker(pid: int, job_id: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\x00")
    except OSError:
        return False
    return b"issuemine.app.jobs" in cmdline and str(job_id).encode() in cmdline


def _show_stages(say):
    """The stages the command line prints (``issuemine.progress``: 付箋の読み込み, テーマ分け, counts of notes
    tokenized …) also become the job's message, so the app shows the same steps while a job runs.
    Returns the function that stops it."""
    import logging

    from issuemine import progress as stages

    class _ToJob(logging.Handler):
        def emit(self, record) -> None:
            try:
                say(record.getMessage())
            except Exception:  # noqa: BLE001 — a progress message must never fail the job
                pass

    log = logging.getLogger(stages.LOGGER_NAME)
    handler = _ToJob()
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return lambda: log.removeHandler(handler)


def run(data_dir: str, job_id: int) -> int:
    """Worker entry point: run one job to its end and record the outcome."""
    from issuemine.app import pipeline
    from issuemine.errors import IssuemineError

    store = st.Store(data_dir)
    with store.session() as conn:
        job = st.get_job(conn, job_id)
        if job is None or job["status"] != "queued":
            return 1
        st.set_job(conn, job_id, status="running", pid=os.getpid(), message="開始しました")

        last = {"fraction": 0.0}

        def progress(fraction: float, message: str) -> None:
            last["fraction"] = float(fraction)
            st.set_job(conn, job_id, progress=round(float(fraction), 3), message=message)

        stop_stages = _show_stages(lambda message: progress(last["fraction"], message))

        try:
            work = {"analysis": pipeline.run_analysis, "report": pipeline.run_report}[job["kind"]]
            results, message = work(store, conn, job, progress)
            st.finish_job(conn, job_id, results, message)
            return 0
        except IssuemineError as exc:
            st.set_job(conn, job_id, status="failed", message=str(exc), finished_at=st.now())
            return 2
        except Exception as exc:  # noqa: BLE001 — any crash must close the job with a message
            # The traceback's frames only, never the exception text: it may quote a note.
            sys.stderr.write(f"job {job_id}: {type(exc).__name__}\n" + "".join(traceback.format_tb(exc.__traceback__)))
            st.set_job(conn, job_id, status="failed", finished_at=st.now(),
                       message=f"内部エラーで失敗しました({type(exc).__name__})。管理者に連絡してください。")
            return 3
        finally:
            stop_stages()


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1], int(sys.argv[2])))
