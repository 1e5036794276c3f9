"""Progress of long work: stages on stderr once a command has run a while, with counts, never note text."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from issuemine import progress
from issuemine.cli.main import _ProgressGate

ROOT = Path(__file__).resolve().parent.parent
MARKER = "秘密マーカー乙"


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


def _listening():
    h = _Collect()
    log = logging.getLogger(progress.LOGGER_NAME)
    log.addHandler(h)
    old = log.level
    log.setLevel(logging.INFO)
    return h, lambda: (log.removeHandler(h), log.setLevel(old))


def test_counted_reports_every_n_and_the_end_and_yields_everything():
    h, undo = _listening()
    try:
        out = list(progress.counted(range(25), "形態素解析", total=25, every=10))
    finally:
        undo()
    assert out == list(range(25))
    assert [(r.stage, r.done, r.total) for r in h.records] == [("形態素解析", 10, 25), ("形態素解析", 20, 25),
                                                                ("形態素解析", 25, 25)]
    assert h.records[0].getMessage() == "形態素解析: 付箋 10 / 25 枚"


def test_counted_is_silent_without_listeners_and_for_short_runs():
    h, undo = _listening()
    try:
        assert list(progress.counted(range(5), "x", every=10)) == list(range(5))
    finally:
        undo()
    assert h.records == []  # fewer items than one report interval: nothing to say


def test_stage_messages_format_counts_for_people():
    assert progress.stage_message("テーマ分け") == "テーマ分け"
    assert progress.stage_message("形態素解析", 40000, 1000000) == "形態素解析: 付箋 40,000 / 1,000,000 枚"
    assert progress.stage_message("形態素解析", 7) == "形態素解析: 付箋 7 枚"


def test_gate_holds_progress_until_the_time_and_prefixes_elapsed():
    gate = _ProgressGate(after=5.0)
    now = [100.0]
    gate.start, gate._clock = 100.0, lambda: now[0]
    rec = logging.LogRecord("issuemine.progress", logging.INFO, __file__, 1, "テーマ分け", (), None)
    assert gate.filter(rec) is False
    other = logging.LogRecord("issuemine.themes", logging.INFO, __file__, 1, "ほかの知らせ", (), None)
    assert gate.filter(other) is True  # other messages are never held back
    now[0] = 107.25
    assert gate.filter(rec) is True
    assert gate.format(rec) == "[   7.2 秒] テーマ分け"
    assert rec.getMessage() == "テーマ分け"  # the record itself is left as logged
    assert gate.format(other) == "ほかの知らせ"


def test_analyze_shows_stages_on_stderr_without_note_text(tmp_path):
    notes = tmp_path / "notes.csv"
    rows = ["内容"] + [f"訪問看護と病院の連携が難しい {MARKER}{i}" for i in range(30)]
    notes.write_text("\n".join(rows) + "\n", encoding="utf-8")
    env = dict(os.environ, ISSUEMINE_PROGRESS_AFTER="0")
    out = subprocess.run([sys.executable, "-m", "issuemine", "analyze", str(notes), "--out", str(tmp_path / "o")],
                         capture_output=True, text=True, env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    stages = [line for line in out.stderr.splitlines() if "秒]" in line]
    assert any("付箋の読み込み" in s for s in stages)
    assert any("テーマ分け: 付箋 30 枚" in s for s in stages)
    assert MARKER not in out.stderr


def test_quick_commands_stay_quiet(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("連携が難しい\n短期入所が足りない\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "ISSUEMINE_PROGRESS_AFTER"}
    out = subprocess.run([sys.executable, "-m", "issuemine", "terms", str(notes)], capture_output=True, text=True,
                         env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "秒]" not in out.stderr


def test_library_warnings_stay_off_the_terminal(tmp_path):
    """20 near-identical notes and two short ones: scikit-learn warns (in English) that it found fewer
    distinct clusters than asked. A nurse's terminal shows only the tool's Japanese lines; ISSUEMINE_DEBUG
    shows the library's warnings again (which also proves this input triggers one)."""
    notes = tmp_path / "same.csv"
    rows = [f"A,訪問看護が足りない{i}" for i in range(20)] + ["A,＝SUM(A1:A3) 連携", "A,＠連携"]
    notes.write_text("グループ,内容\n" + "\n".join(rows) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("ISSUEMINE_DEBUG", "PYTHONWARNINGS")}
    cmd = [sys.executable, "-m", "issuemine", "analyze", str(notes), "--out", str(tmp_path / "o")]
    quiet = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    assert quiet.returncode == 0, quiet.stderr
    assert "Warning" not in quiet.stderr
    debug = subprocess.run(cmd, capture_output=True, text=True, env=dict(env, ISSUEMINE_DEBUG="1"), cwd=ROOT)
    assert "ConvergenceWarning" in debug.stderr


def test_quiet_filter_matches_library_modules_only():
    import re

    from issuemine.cli.main import LIBRARY_WARNINGS

    assert re.match(LIBRARY_WARNINGS, "sklearn.base") and re.match(LIBRARY_WARNINGS, "umap.umap_")
    assert not re.match(LIBRARY_WARNINGS, "issuemine.themes.figures.umap_cached")
    assert not re.match(LIBRARY_WARNINGS, "sklearnx")
