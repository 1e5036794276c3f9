"""Cold wall time of the README's main command (`scripts/dev demo`, set up already) on the sample workshop.

Each run is a fresh process (cold interpreter and imports; on a cold start the report's helper process
imports umap and lays out the map meanwhile, see docs/report.md), writing to a temporary folder; the median
of N runs is printed, plus a per-stage profile of one in-process build to show what dominates.
Target (issue 6): median ≤ 3 s on 2 cores.

``--first-ever`` also times the very first run on a new machine: empty issuemine and numba caches, so the
word vectors are exported, the user dictionary compiled and umap's numba code compiled (once per machine).

    .venv/bin/python bench/report.py [--runs 5] [--pdf] [--first-ever]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cold_runs(runs: int, pdf: bool, map_cached: bool, first_ever: bool = False) -> list[float]:
    """Fresh-process wall times. ``map_cached``: the theme map is already in the cache (a re-run after
    edits); otherwise the map cache is emptied first, so every run computes the map as a first run does.
    ``first_ever``: every cache empty (issuemine's and numba's), as on a machine that never ran issuemine."""
    from issuemine.corpora import cache_dir

    maps = cache_dir() / "maps"
    times = []
    for _ in range(runs):
        if not map_cached:
            shutil.rmtree(maps, ignore_errors=True)
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ)
            if first_ever:
                env.update(ISSUEMINE_CACHE=f"{tmp}/cache", NUMBA_CACHE_DIR=f"{tmp}/numba")
            cmd = [str(ROOT / "scripts" / "dev"), "demo", "--out", f"{tmp}/out"]  # the README's command
            if pdf:
                cmd.append("--pdf")
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, env=env)
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


def summary_diagram_cost(repeats: int = 7) -> str:
    """The summary page's small concept diagram, drawn again by ``diagram_figure`` (before) against drawn
    from the full diagram (``report.figures.summary_diagram``, after), each with make_safe and its HTML:
    medians of warm in-process runs, same run."""
    from issuemine.diagram.figure import diagram_figure
    from issuemine.report.build import ReportBuilder, WorkshopData
    from issuemine.report.figures import FIG_WIDTH, SUMMARY_DIAGRAM_TITLE, SUMMARY_WIDTH, make_safe, summary_diagram
    from issuemine.report.html import figure_html
    from issuemine.report.workshop import find_workshop

    b = ReportBuilder(seed=0)
    ws = find_workshop(ROOT / "workshops" / "sample")
    data = WorkshopData(workshop=ws, notes=b._read(ws))
    b._themes(data)
    b._diagram(data)
    full = diagram_figure(data.notes, data.placements, data.assignments, width=FIG_WIDTH)
    before, after, size = [], [], {}
    for i in range(repeats + 1):
        t = time.perf_counter()
        fig = diagram_figure(data.notes, data.placements, None, width=SUMMARY_WIDTH, title=SUMMARY_DIAGRAM_TITLE,
                             legend=False)
        size["before"] = len(figure_html(make_safe(fig, "summary_diagram"), "a", "summary_diagram"))
        t1 = time.perf_counter()
        fig = summary_diagram(full, data.placements)
        size["after"] = len(figure_html(make_safe(fig, "summary_diagram"), "a", "summary_diagram"))
        t2 = time.perf_counter()
        if i:  # the first round warms both up
            before.append(t1 - t)
            after.append(t2 - t1)
    b_med, a_med = statistics.median(before), statistics.median(after)
    return (f"summary diagram: drawn again {b_med:.3f} s ({size['before'] // 1000} KB) → from the full diagram "
            f"{a_med:.3f} s ({size['after'] // 1000} KB), ratio {a_med / b_med:.2f} (medians of {repeats})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pdf", action="store_true")
    ap.add_argument("--profile-only", action="store_true", help="only the per-stage profile")
    ap.add_argument("--first-ever", action="store_true", help="also time runs with every cache empty")
    args = ap.parse_args()
    if args.profile_only:
        for name, sec in stage_profile():
            print(f"  {name:<22}{sec:6.2f}")
        print(summary_diagram_cost())
        return
    for cached, what in ((False, "map computed (first run of these notes)"),
                         (True, "map read from the cache (re-run, e.g. after edits)")):
        times = cold_runs(args.runs, args.pdf, cached)
        print(f"scripts/dev demo{' --pdf' if args.pdf else ''}, fresh process, {what}: median of {args.runs} "
              f"runs = {statistics.median(times):.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)}); "
              "target ≤ 3 s")
    if args.first_ever:
        times = cold_runs(args.runs, args.pdf, False, first_ever=True)
        print(f"very first run on a machine (empty issuemine and numba caches): median of {args.runs} runs = "
              f"{statistics.median(times):.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)})")
    print("one in-process build, seconds per stage (first run: imports and JIT included):")
    for name, sec in stage_profile():
        print(f"  {name:<22}{sec:6.2f}")
    print(summary_diagram_cost())


if __name__ == "__main__":
    main()
