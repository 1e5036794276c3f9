"""Job bookkeeping: jobs whose worker is gone are closed as interrupted, live ones are left alone."""

from __future__ import annotations

import subprocess
import sys

from issuemine.app import jobs
from issuemine.app import store as st


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_recover_marks_orphaned_jobs_interrupted(tmp_path):
    store = st.Store(tmp_path)
    with store.session() as conn:
        w = st.add_workshop(conn, "w")
        orphan = st.add_job(conn, w, "analysis", {})
        st.set_job(conn, orphan, status="running", pid=_dead_pid())
        never_started = st.add_job(conn, w, "report", {})
        finished = st.add_job(conn, w, "analysis", {})
        st.finish_job(conn, finished, {"x": b"1"}, "ok")
    assert jobs.JobRunner(store).recover() == 2
    with store.session() as conn:
        for job_id in (orphan, never_started):
            j = st.get_job(conn, job_id)
            assert j["status"] == "interrupted" and "中断されました" in j["message"] and j["finished_at"]
        assert st.get_job(conn, finished)["status"] == "done"
        assert st.result(conn, finished, "x") == b"1"


def test_a_live_worker_is_not_interrupted(tmp_path):
    """A worker still running since before a server restart keeps its job (its cmdline names the job)."""
    store = st.Store(tmp_path)
    with store.session() as conn:
        w = st.add_workshop(conn, "w")
        job_id = st.add_job(conn, w, "analysis", {})
    # a process whose command line looks like the worker's for this job, but that only sleeps
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", "issuemine.app.jobs", str(job_id)])
    try:
        with store.session() as conn:
            st.set_job(conn, job_id, status="running", pid=proc.pid)
        runner = jobs.JobRunner(store)
        assert runner.recover() == 0
        with store.session() as conn:
            assert runner.refresh(conn, st.get_job(conn, job_id))["status"] == "running"
    finally:
        proc.kill()
        proc.wait()
    with store.session() as conn:
        assert runner.refresh(conn, st.get_job(conn, job_id))["status"] == "interrupted"


def test_worker_refuses_a_job_that_is_not_queued(tmp_path):
    store = st.Store(tmp_path)
    with store.session() as conn:
        w = st.add_workshop(conn, "w")
        job_id = st.add_job(conn, w, "analysis", {})
        st.set_job(conn, job_id, status="interrupted")
    assert jobs.run(str(tmp_path), job_id) == 1
    assert jobs.run(str(tmp_path), 12345) == 1


def test_worker_failure_is_recorded_in_japanese(tmp_path):
    """An analysis of a workshop without notes fails with the reader's Japanese message, not a crash."""
    store = st.Store(tmp_path)
    with store.session() as conn:
        w = st.add_workshop(conn, "w")
        job_id = st.add_job(conn, w, "analysis", {"seed": 0, "n_themes": "auto"})
    assert jobs.run(str(tmp_path), job_id) == 2
    with store.session() as conn:
        j = st.get_job(conn, job_id)
    assert j["status"] == "failed" and "付箋がありません" in j["message"]
