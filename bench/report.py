"""Cold wall time of the README's main command (`issuemine demo`) on the sample workshop.

Each run is a fresh process (cold interpreter, imports, numba JIT if the map needs it), writing to a
temporary folder; the median of N runs is printed, plus a per-stage profile of one in-process build to show
what dominates. Target (issue 6): median ≤ 3 s on 2 cores.

    .venv/bin/python bench/report.py [--runs 5] [--pdf]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cold_runs(runs: int, pdf: bool) -> list[float]:
    times = []
    for _ in range(runs):
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
    times = cold_runs(args.runs, args.pdf)
    print(f"issuemine demo{' --pdf' if args.pdf else ''}: cold wall time, median of {args.runs} runs = "
          f"{statistics.median(times):.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)}); target ≤ 3 s")
    print("one in-process build, seconds per stage (first run: imports and JIT included):")
    for name, sec in stage_profile():
        print(f"  {name:<22}{sec:6.2f}")


if __name__ == "__main__":
    main()
