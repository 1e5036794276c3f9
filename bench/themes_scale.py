"""Wall time and peak memory of ``issuemine analyze --figures`` (with the theme map) at 678, 10k, 100k notes.

Larger inputs are made from the bundled sample workshop by joining the first part of one note to the
last part of another (seeded), so the vocabulary stays the field's. Each run is a fresh process (it pays
imports and numba compilation, as a user does); peak memory is the child's max RSS. Median of runs.
Target: 100k notes <= 45 s and <= 2 GiB on 2 cores. The 100k size is heavy: run it sparingly.

    .venv/bin/python bench/themes_scale.py [--sizes 678 10000 100000] [--runs 3] [--no-figures]
"""

from __future__ import annotations

import sys
from pathlib import Path


import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time

ROOT = Path(__file__).resolve().parents[1]
CHILD = ("import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:]).returncode; "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(rc)")


def make_input(n: int, path: Path, seed: int = 0) -> None:
    import numpy as np
    import pandas as pd

    src = pd.read_csv(ROOT / "workshops" / "sample" / "notes.csv")
    text_col = "内容" if "内容" in src.columns else src.columns[-1]
    texts = src[text_col].astype(str).tolist()
    profs = src["職種"].astype(str).tolist() if "職種" in src.columns else [""] * len(texts)
    if n <= len(texts):
        out = pd.DataFrame({"内容": texts[:n], "職種": profs[:n]})
    else:
        rng = np.random.default_rng(seed)
        a = rng.integers(0, len(texts), n)
        b = rng.integers(0, len(texts), n)
        joined = [texts[i][: max(1, len(texts[i]) // 2)] + texts[j][len(texts[j]) // 2:] for i, j in zip(a, b)]
        out = pd.DataFrame({"内容": joined, "職種": [profs[i] for i in a]})
    out.to_csv(path, index=False, encoding="utf-8")


def run_once(inp: Path, out: Path, figures: bool) -> tuple[float, float]:
    from issuemine.corpora import cache_dir

    shutil.rmtree(cache_dir() / "maps", ignore_errors=True)  # every run computes its map, as a first run does
    cmd = [sys.executable, "-m", "issuemine", "analyze", str(inp), "--out", str(out)]
    if figures:
        cmd.append("--figures")
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", CHILD, *cmd], capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(res.stderr[-2000:])
    rss_kib = int(res.stdout.strip().splitlines()[-1])
    return wall, rss_kib / 1024 / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[678, 10000, 100000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-figures", action="store_true")
    args = ap.parse_args()
    figures = not args.no_figures
    print(f"analyze{' --figures' if figures else ''}: median of {args.runs} fresh-process runs")
    print(f"{'notes':>8} {'wall s':>8} {'min':>6} {'max':>6} {'peak GiB':>9}  themes")
    with tempfile.TemporaryDirectory() as d:
        for n in args.sizes:
            inp = Path(d) / f"notes_{n}.csv"
            make_input(n, inp)
            walls, peaks = [], []
            for r in range(args.runs):
                out = Path(d) / f"out_{n}_{r}"
                w, p = run_once(inp, out, figures)
                walls.append(w)
                peaks.append(p)
            info = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
            print(f"{n:>8} {statistics.median(walls):8.1f} {min(walls):6.1f} {max(walls):6.1f} "
                  f"{statistics.median(peaks):9.2f}  {info['n_themes']}", flush=True)


if __name__ == "__main__":
    main()
