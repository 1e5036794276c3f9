"""Wall time, peak memory and stage times of ``issuemine analyze`` at 678 … 1,000,000 notes, against raw fugashi.

Larger inputs are made from the bundled sample workshop by joining the first part of one note to the
last part of another (seeded), so the vocabulary stays the field's. Each run is a fresh process (it pays
imports and numba compilation, as a user does). Printed per size (medians of ``--runs``):

* wall time of ``issuemine analyze`` (with ``--figures`` unless ``--no-figures``);
* raw fugashi: ``GenericTagger.parse`` of the same texts with the tokenizer's output format, split into
  lines and fields (as bench/tokenizer_speed.py), in a fresh process, one core, timed inside the child
  (reading the CSV is not timed); runs alternate with the analyses so a busy neighbour slows both;
* the ratio analyze / raw (target at 1M notes, no figures: <= 3);
* peak memory: the analyze process's max RSS, and the sampled peak of the sum over it and its worker
  processes (RSS, every 0.1 s; shared pages such as the memory-mapped dictionary count once per process);
* seconds per stage, from the progress log the command writes on stderr (``ISSUEMINE_PROGRESS_AFTER=0``).

Targets (issue 15): 1,000,000 notes without figures <= 3 x raw and <= 3 GiB; 100,000 notes with the map
<= 45 s and <= 2 GiB, on 2 cores. 100k and 1M are heavy: run them sparingly (and say the load average).

    .venv/bin/python bench/themes_scale.py [--sizes 678 10000 100000] [--runs 3] [--no-figures]
    .venv/bin/python bench/themes_scale.py --sizes 1000000 --no-figures --runs 1
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = ("import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:]).returncode; "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(rc)")
# Raw fugashi in a fresh process: read the texts (not timed), then parse + split (timed).
RAW = """
import csv, sys, time, gc
import fugashi, unidic_lite
from issuemine.text.tokenizer import tagger_args
with open(sys.argv[1], encoding="utf-8", newline="") as fh:
    texts = [row[0] for row in list(csv.reader(fh))[1:]]
tagger = fugashi.GenericTagger(tagger_args(unidic_lite.DICDIR))
parse = tagger.parse
gc.disable()
t0 = time.perf_counter()
out = [[line.split("\\t") for line in parse(t).split("\\n")] for t in texts]
print(time.perf_counter() - t0)
"""
_STAGE = re.compile(r"^\[\s*([0-9.]+) 秒\] ([^:]+)")
_COUNT = re.compile(r"付箋 ([0-9,]+) / ([0-9,]+) 枚")


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


def _tree_rss(pid: int) -> int:
    """Bytes of resident memory of ``pid`` and all its descendants (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


def run_once(inp: Path, out: Path, figures: bool) -> dict:
    from issuemine.corpora import cache_dir

    shutil.rmtree(cache_dir() / "maps", ignore_errors=True)  # every run computes its map, as a first run does
    cmd = [sys.executable, "-m", "issuemine", "analyze", str(inp), "--out", str(out), "--max-mb", "1000"]
    if figures:
        cmd.append("--figures")
    env = dict(os.environ, ISSUEMINE_PROGRESS_AFTER="0")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, *cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT, env=env)
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(stderr[-2000:])
    rss_kib = int(stdout.strip().splitlines()[-1])
    return {"wall": wall, "peak_main": rss_kib / 1024 / 1024, "peak_tree": peak[0] / 2**30,
            "stages": stage_times(stderr, wall), "log": stderr}


def stage_times(stderr: str, wall: float) -> dict[str, float]:
    """Seconds per stage from the progress lines (``[  12.3 秒] 形態素解析: 付箋 20,000 / 100,000 枚``).

    The time between two lines belongs to the stage of the first, except after a counted sub-stage
    reached its total (形態素解析 inside テーマ分け): then it goes back to the enclosing stage. The last
    stage runs to the end of the process (it includes writing the files and exiting).
    """
    marks = []
    for line in stderr.splitlines():
        m = _STAGE.match(line)
        if m:
            count = _COUNT.search(line)
            finished = bool(count) and count.group(1) == count.group(2)
            marks.append((float(m.group(1)), m.group(2).strip(), bool(count), finished))
    stages: dict[str, float] = {}
    outer = None
    for (t, name, counted, finished), nxt in zip(marks, [*marks[1:], (wall, None, False, False)]):
        if not counted:
            outer = name
        owner = outer if finished and outer else name
        stages[owner] = stages.get(owner, 0.0) + max(0.0, nxt[0] - t)
    return stages


def run_raw(inp: Path) -> float:
    res = subprocess.run([sys.executable, "-c", RAW, str(inp)], capture_output=True, text=True, cwd=ROOT, check=False)
    if res.returncode != 0:
        raise SystemExit(res.stderr[-2000:])
    return float(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[678, 10000, 100000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-figures", action="store_true")
    ap.add_argument("--no-raw", action="store_true", help="skip the raw fugashi baseline")
    ap.add_argument("--log", metavar="DIR", help="keep each run's progress log (stderr: stages and counts only)")
    args = ap.parse_args()
    figures = not args.no_figures
    print(f"analyze{' --figures' if figures else ''}: median of {args.runs} fresh-process runs; "
          f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; cores: {os.cpu_count()}")
    print(f"{'notes':>8} {'wall s':>8} {'min':>6} {'max':>6} {'raw s':>7} {'ratio':>6} {'peak GiB':>9} "
          f"{'all procs':>9}  themes")
    with tempfile.TemporaryDirectory() as d:
        for n in args.sizes:
            inp = Path(d) / f"notes_{n}.csv"
            make_input(n, inp)
            runs, raws = [], []
            for r in range(args.runs):
                if not args.no_raw:
                    raws.append(run_raw(inp))
                out = Path(d) / f"out_{n}_{r}"
                runs.append(run_once(inp, out, figures))
                if args.log:
                    Path(args.log).mkdir(parents=True, exist_ok=True)
                    (Path(args.log) / f"analyze_{n}_{r}.log").write_text(runs[-1]["log"], encoding="utf-8")
            info = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
            walls = [r["wall"] for r in runs]
            wall = statistics.median(walls)
            raw = statistics.median(raws) if raws else float("nan")
            print(f"{n:>8} {wall:8.1f} {min(walls):6.1f} {max(walls):6.1f} {raw:7.1f} {wall / raw:6.2f} "
                  f"{statistics.median(r['peak_main'] for r in runs):9.2f} "
                  f"{statistics.median(r['peak_tree'] for r in runs):9.2f}  {info['n_themes']}", flush=True)
            names = list(dict.fromkeys(name for r in runs for name in r["stages"]))
            for name in names:
                secs = statistics.median(r["stages"].get(name, 0.0) for r in runs)
                print(f"{'':>8}   {secs:7.1f} s  {name}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
