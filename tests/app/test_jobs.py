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


def test_stages_of_the_work_become_the_jobs_message(tmp_path, monkeypatch):
    """The app shows the same stages as the command line: a worker's progress records reach its job row."""
    from issuemine import progress as stages
    from issuemine.app import pipeline

    seen = []

    def fake_analysis(store, conn, job, progress):
        progress(0.15, "テーマに分けています")
        stages.report("形態素解析", 20000, 50000)
        seen.append(dict(st.get_job(conn, job["id"])))
        return {"x": b"1"}, "完了"

    monkeypatch.setattr(pipeline, "run_analysis", fake_analysis)
    store = st.Store(tmp_path)
    with store.session() as conn:
        w = st.add_workshop(conn, "w")
        job_id = st.add_job(conn, w, "analysis", {})
    import logging

    before = list(logging.getLogger(stages.LOGGER_NAME).handlers)
    assert jobs.run(str(tmp_path), job_id) == 0
    assert logging.getLogger(stages.LOGGER_NAME).handlers == before  # the job's listener is gone after it
    assert seen[0]["message"] == "形態素解析: 付箋 20,000 / 50,000 枚"
    assert seen[0]["progress"] == 0.15  # the stage keeps the fraction the pipeline last gave
