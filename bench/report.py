"""Cold wall time of the README's main command (`issuemine demo`) on the sample workshop.

Each run is a fresh process (cold interpreter, imports, numba JIT if the map needs it), writing to a
temporary folder; the median of N runs is printed, plus a per-stage profile of one in-process build to show
what dominates. Target (issue 6): median ≤ 3 s on 2 cores.

    .venv/bin/python bench/report.py [--runs 5] [--pdf]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cold_runs(runs: int, pdf: bool, map_cached: bool) -> list[float]:
    """Fresh-process wall times. ``map_cached``: the theme map is already in the cache (a re-run after
    edits); otherwise the map cache is emptied first, so every run computes the map as a first run does."""
    from issuemine.corpora import cache_dir

    maps = cache_dir() / "maps"
    times = []
    for _ in range(runs):
        if not map_cached:
            shutil.rmtree(maps, ignore_errors=True)
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [str(ROOT / ".venv" / "bin" / "issuemine"), "demo", "--out", tmp]
            if pdf:
                cmd.append("--pdf")
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
            times.append(time.perf_counter() - t0)
    return times


def stage_profile() -> list[tuple[str, float]]:
    """Seconds per stage of one in-process build (the first, so it includes imports and compilation)."""
    from issuemine.report.build import ReportBuilder, WorkshopData
    from issuemine.report.workshop import find_workshop

    b = ReportBuilder(seed=0)
    ws = find_workshop(ROOT / "workshops" / "sample")
    out = []
    t = time.perf_counter()
    notes = b._read(ws)
    data = WorkshopData(workshop=ws, notes=notes, read_summary=notes.attrs.get("read_summary", ""))
    out.append(("read notes", time.perf_counter() - t))
    for name, stage in (("terms", b._terms), ("themes", b._themes), ("diagram", b._diagram),
                        ("survey", b._survey), ("figures", b._figures)):
        t = time.perf_counter()
        stage(data)
        out.append((name, time.perf_counter() - t))
    from issuemine.report.build import ReportData, package_versions
    from issuemine.report.output import write_report

    report = ReportData(workshops=[data], versions=package_versions())
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        write_report(report, tmp)
        out.append(("write html/xlsx/csv", time.perf_counter() - t))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pdf", action="store_true")
    ap.add_argument("--profile-only", action="store_true", help="only the per-stage profile")
    args = ap.parse_args()
    if args.profile_only:
        for name, sec in stage_profile():
            print(f"  {name:<22}{sec:6.2f}")
        return
    for cached, what in ((False, "map computed (first run of these notes)"),
                         (True, "map read from the cache (re-run, e.g. after edits)")):
        times = cold_runs(args.runs, args.pdf, cached)
        print(f"issuemine demo{' --pdf' if args.pdf else ''}, fresh process, {what}: median of {args.runs} "
              f"runs = {statistics.median(times):.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)}); "
              "target ≤ 3 s")
    print("one in-process build, seconds per stage (first run: imports and JIT included):")
    for name, sec in stage_profile():
        print(f"  {name:<22}{sec:6.2f}")


if __name__ == "__main__":
    main()
