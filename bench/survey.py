"""Speed of the questionnaire comparison: read, compare, outputs with figures; median of several runs.

    .venv/bin/python bench/survey.py [--respondents 12,200,2000] [--items 8] [--runs 5]

Builds a one-file questionnaire (回答者ID, 時期, N items on the 4-point scale, 自由記述) with a fixed seed
in a temporary folder, then times read_survey, compare_items and build_outputs(figures=True).
"""

from __future__ import annotations

import sys
from pathlib import Path


import argparse
import csv
import statistics
import tempfile
import time

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LABELS = {4: "とてもわかる", 3: "わかる", 2: "わからない", 1: "まったくわからない"}
COMMENTS = ["小児は診たことがなく不安", "相談支援専門員の役割がわかった", "", "短期入所の探し方が分かった", ""]


def write_questionnaire(path: Path, n: int, items: int, seed: int = 0) -> None:
    import numpy as np

    rng = np.random.default_rng(seed)
    pre = rng.integers(1, 4, size=(n, items))
    post = np.clip(pre + rng.integers(-1, 3, size=(n, items)), 1, 4)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["回答者ID", "時期"] + [f"項目{j + 1}" for j in range(items)] + ["自由記述"])
        for phase, values in (("研修前", pre), ("研修後", post)):
            for i in range(n):
                w.writerow([f"R{i:05d}", phase] + [LABELS[int(v)] for v in values[i]]
                           + [COMMENTS[(i + len(phase)) % len(COMMENTS)]])


def timed(fn, runs: int):
    times = []
    out = None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--respondents", default="12,200,2000")
    ap.add_argument("--items", type=int, default=8)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    from issuemine.survey import compare_items, load_scales, read_survey
    from issuemine.survey.freetext import freetext_terms
    from issuemine.survey.output import build_outputs

    scales = load_scales()
    print(f"{'respondents':>11} {'items':>5} {'read s':>8} {'compare s':>9} {'terms s':>8} {'outputs+fig s':>13}")
    with tempfile.TemporaryDirectory() as d:
        for n in (int(x) for x in args.respondents.split(",")):
            path = Path(d) / f"q{n}.csv"
            write_questionnaire(path, n, args.items)
            t_read, data = timed(lambda: read_survey(path, scales=scales), args.runs)
            t_cmp, res = timed(lambda: compare_items(data.answers, freetext=data.freetext, info=data.info,
                                                     scales=scales), args.runs)
            t_terms, terms = timed(lambda: freetext_terms(res.freetext), args.runs)
            t_out, _ = timed(lambda: build_outputs(res, figures=True, terms=terms, scales=scales), args.runs)
            print(f"{n:>11} {args.items:>5} {t_read:>8.3f} {t_cmp:>9.3f} {t_terms:>8.3f} {t_out:>13.3f}")


if __name__ == "__main__":
    main()
