"""Cost of small hostile files: wall time and peak memory of read_notes, this tree vs a baseline tree.

    .venv/bin/python bench/hostile.py [--baseline SRC] [--rows 20000] [--timeout 120] [--mem-gb 3]

Shapes (issue 12, item 8), written to a temporary folder:

* ``xfd.xlsx``     — a header and one value per row, all in the last column (XFD)
* ``far.xlsx``     — a value in A1, A2 and A1048576 (a million rows between)
* ``commas.csv``   — 19 MB of commas on one line under a header
* ``wide.csv``     — 1,000 named columns and 400,000 one-value rows (padding to the header's width)
* ``normal.csv``   — 100,000 ordinary notes in four columns (the price of the checks on a real file)

Note texts are bench/ingest.py's (halves of the sample's notes, so most are distinct: numbered copies
of one note would time the near-duplicate search, not the reading).

Each read runs in its own process (so peak RSS is that read's), under an address-space limit and a
timeout so that a baseline blowing up does not take the machine with it. ``--baseline SRC`` is a
checkout of an older issuemine (``git worktree add /tmp/old <commit>``); its figures print beside ours.
An outcome is the time, or what stopped the read: the tool's own error (Japanese, first 40 characters),
the timeout, or the memory limit.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
limit = int(float(sys.argv[3]) * 2**30)
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from issuemine.ingest import read_notes
import pandas, openpyxl  # imported before the clock starts
t = time.perf_counter()
try:
    n = len(read_notes(sys.argv[2]))
    outcome = f"{n:,} notes"
except MemoryError:
    outcome = "memory limit"
except Exception as exc:
    outcome = type(exc).__name__ + ": " + str(getattr(exc, "message", exc))[:40]
wall = time.perf_counter() - t
# VmHWM, not ru_maxrss: the latter keeps the high-water mark of the process this one was forked from
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"wall": wall, "rss_mb": hwm / 1024, "outcome": outcome}))
"""


def write_shapes(folder: Path, rows: int) -> dict[str, Path]:
    import openpyxl

    sys.path.insert(0, str(ROOT / "bench"))
    from ingest import build_rows  # bench/ingest.py

    notes = build_rows(100_000, 8)
    files = {}
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("付箋")
    ws.append([None] * 16383 + ["内容"])
    for r in notes[:rows]:
        ws.append([None] * 16383 + [r[3]])
    files["xfd.xlsx"] = folder / "xfd.xlsx"
    wb.save(files["xfd.xlsx"])

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A1048576"] = "内容", "連携が難しい", "訪問看護が足りない"
    files["far.xlsx"] = folder / "far.xlsx"
    wb.save(files["far.xlsx"])

    files["commas.csv"] = folder / "commas.csv"
    files["commas.csv"].write_text("内容\n" + "," * (19 * 2**20) + "\n", encoding="utf-8")

    files["wide.csv"] = folder / "wide.csv"
    head = ",".join(["内容"] + [f"列{i}" for i in range(999)])
    files["wide.csv"].write_text(head + "\n" + "連携\n" * 400_000, encoding="utf-8")

    files["normal.csv"] = folder / "normal.csv"
    files["normal.csv"].write_text("グループ,職種,回,内容\n" + "".join(",".join(r) + "\n" for r in notes),
                                   encoding="utf-8")
    return files


def measure(src: Path, path: Path, timeout: float, mem_gb: float) -> dict:
    t = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-c", CHILD, str(src), str(path), str(mem_gb)],
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"wall": time.perf_counter() - t, "rss_mb": float("nan"), "outcome": f"timeout > {timeout:g} s"}
    if proc.returncode != 0 or not proc.stdout.strip():
        return {"wall": time.perf_counter() - t, "rss_mb": float("nan"),
                "outcome": "memory limit" if "MemoryError" in proc.stderr else f"crashed ({proc.returncode})"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", type=Path, default=None, help="an older checkout to compare with")
    ap.add_argument("--rows", type=int, default=20_000, help="rows of xfd.xlsx")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--mem-gb", type=float, default=3.0, help="address-space limit of each read")
    args = ap.parse_args()
    trees = [("this tree", ROOT)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
    with tempfile.TemporaryDirectory() as tmp:
        files = write_shapes(Path(tmp), args.rows)
        print(f"{'file':<12} {'size':>9}  " + "  ".join(f"{name:>42}" for name, _ in trees))
        for name, path in files.items():
            cells = []
            for _, src in trees:
                m = measure(src, path, args.timeout, args.mem_gb)
                cells.append(f"{m['wall']:7.2f} s {m['rss_mb']:6.0f} MB  {m['outcome'][:22]:<22}")
            size = path.stat().st_size
            print(f"{name:<12} {size / 2**20:7.2f}MB  " + "  ".join(f"{c:>42}" for c in cells))


if __name__ == "__main__":
    main()
