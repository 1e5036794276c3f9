"""Quality of the concept-diagram placement on the hand-labelled notes (tests/diagram/labelled_notes.tsv).

Prints macro-F1 of zone membership over H, C, S, F, P (an HC note is a member of H and of C), exact-region
accuracy, the same split by kind (clear / hard / inferred), and the median placement time of several runs.

    .venv/bin/python bench/diagram_quality.py [--runs 5] [--lexicon PATH]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LABELLED = ROOT / "tests" / "diagram" / "labelled_notes.tsv"
MEMBERSHIP = ("H", "C", "S", "F", "P")


def load_labelled(path: Path = LABELLED):
    import pandas as pd

    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    df = pd.DataFrame(rows[1:], columns=rows[0])
    df.insert(0, "note_id", [f"L{i:03d}" for i in range(1, len(df) + 1)])
    return df


def scores(expected, predicted) -> dict[str, float]:
    import numpy as np
    from sklearn.metrics import f1_score

    y_true = np.array([[z in e for z in MEMBERSHIP] for e in expected])
    y_pred = np.array([[z in p for z in MEMBERSHIP] for p in predicted])
    out = {"macro_f1": f1_score(y_true, y_pred, average="macro", zero_division=0),
           "exact": float(np.mean([e == p for e, p in zip(expected, predicted)]))}
    for z, f in zip(MEMBERSHIP, f1_score(y_true, y_pred, average=None, zero_division=0)):
        out[f"f1_{z}"] = f
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--lexicon", default=None)
    args = ap.parse_args(argv)

    from issuemine.diagram import ZoneLexicon, place_notes

    notes = load_labelled()
    lexicon = ZoneLexicon(args.lexicon)
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        placed = place_notes(notes, lexicon=lexicon)
        times.append(time.perf_counter() - t0)
    pred = list(placed["zones"])
    exp = list(notes["zones"])
    s = scores(exp, pred)
    print(f"labelled notes: {len(notes)}  (lexicon: {len(lexicon)} entries)")
    print(f"membership macro-F1 (H,C,S,F,P): {s['macro_f1']:.3f}   "
          + "  ".join(f"{z} {s['f1_' + z]:.3f}" for z in MEMBERSHIP))
    print(f"exact-region accuracy: {s['exact']:.3f}")
    for kind in ("clear", "hard", "inferred"):
        mask = notes["kind"] == kind
        if mask.any():
            k = scores([e for e, m in zip(exp, mask) if m], [p for p, m in zip(pred, mask) if m])
            print(f"  {kind:8s} n={int(mask.sum()):3d}  exact {k['exact']:.3f}  macro-F1 {k['macro_f1']:.3f}")
    print(f"inferred by neighbours: {int(placed['zone_inferred'].sum())}")
    print(f"place_notes time, median of {args.runs}: {statistics.median(times) * 1000:.1f} ms")
    wrong = [(i, e, p) for i, (e, p) in enumerate(zip(exp, pred)) if e != p]
    if wrong and "-v" in sys.argv:
        for i, e, p in wrong:
            print(f"  row {i + 1}: expected {e} got {p}  ({placed['zone_reason'].iloc[i]})")
    return 0


if __name__ == "__main__":
    sys.exit(main([a for a in sys.argv[1:] if a != "-v"]))
