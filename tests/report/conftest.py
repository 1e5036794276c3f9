"""Shared fixtures: the sample report and a hostile workshop, each built once per test session."""

import csv
import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "workshops" / "sample"
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"
FORMULAS = ["=1+1", "+SUM(A1:A9)", "-2+3 退院調整が難しい", "@SUM(A1) 連携できない"]
# The cover's analysis time, fixed for the byte-identity tests (2026-12-06 05:53 UTC = 14:53 in Japan);
# set before any report is built, and inherited by the cold subprocesses the tests start.
FIXED_EPOCH = "1796536380"
os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH


def hostile_workshop(folder: Path, keep: int = 200) -> Path:
    """``keep`` sample notes plus notes whose text and profession try HTML and formula injection."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(SAMPLE / "notes.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))[: keep + 1]
    header = rows[0]
    extra = []
    for i, text in enumerate([XSS_SCRIPT, XSS_IMG, *FORMULAS, f"{XSS_SCRIPT} 訪問看護が足りない"]):
        row = dict(zip(header, ["Z", "病院看護師", "1", ""]))
        row["内容"] = text
        extra.append([row[h] for h in header])
    for i in range(8):  # a profession that is an injection attempt, frequent enough to be summarised
        extra.append(["Z", XSS_IMG, "1", "短期入所の受け入れ先がない" + "!" * i])
    with open(folder / "notes.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows + extra)
    with open(SAMPLE / "questionnaire.csv", encoding="utf-8-sig", newline="") as f:
        q = list(csv.reader(f))
    q[1][-1] = XSS_SCRIPT + XSS_IMG
    with open(folder / "questionnaire.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(q)
    # the facilitator's edit list: one zone override that applies, one rename whose theme does not exist
    from issuemine.ingest import read_notes

    notes = read_notes(folder / "notes.csv")
    target = notes.loc[notes["text"] == XSS_SCRIPT, "note_id"].iloc[0]
    edits = [{"op": "zone", "note": target, "zones": "P"}, {"op": "rename", "theme": "T99", "label": "存在しない"}]
    (folder / "notes.edits.jsonl").write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in edits),
                                             encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory):
    """The README's main command (`issuemine demo`), run in-process: (output folder, what it printed)."""
    import contextlib
    import io

    from issuemine.cli.main import main

    out = tmp_path_factory.mktemp("sample") / "report"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["demo", "--out", str(out)]) == 0
    return out, buf.getvalue()


@pytest.fixture(scope="session")
def hostile_reports(tmp_path_factory):
    """The hostile workshop built twice into two folders (for the determinism test too): "a" all in this
    process, "b" with a helper process writing notes.xlsx (and laying out the map, were it not cached)."""
    from issuemine.helper_process import HelperProcess
    from issuemine.report import ReportBuilder, make_report, write_report
    from issuemine.report.build import HELPER_PRELOAD

    base = tmp_path_factory.mktemp("hostile")
    ws = hostile_workshop(base / "hostile")
    make_report([ws], base / "a", seed=0)
    with HelperProcess(preload=HELPER_PRELOAD, enabled=True) as helper:
        write_report(ReportBuilder(seed=0, helper=helper).build([ws]), base / "b", helper=helper)
        assert helper.running
    return [base / "a", base / "b"]


def has_chromium() -> bool:
    return Path("/usr/bin/chromium").exists()


def copy_screenshot(src: Path, name: str) -> None:
    # Written under reports/ (generated output, not tracked); docs/screenshots/ keeps reviewed copies.
    dst = Path(__file__).resolve().parents[2] / "reports" / "screenshots" / "report"
    dst.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst / name)
