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
HELDOUT = ROOT / "tests" / "diagram" / "heldout_notes.tsv"
MEMBERSHIP = ("H", "C", "S", "F", "P")


def load_labelled(path: Path = LABELLED):  # same reading as tests/diagram/conftest.py
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


def report(name, notes, placed, verbose: bool) -> None:
    pred = list(placed["zones"])
    exp = list(notes["zones"])
    s = scores(exp, pred)
    print(f"\n{name}: {len(notes)} notes")
    print(f"  membership macro-F1 (H,C,S,F,P): {s['macro_f1']:.3f}   "
          + "  ".join(f"{z} {s['f1_' + z]:.3f}" for z in MEMBERSHIP))
    print(f"  exact-region accuracy: {s['exact']:.3f}")
    for kind in ("clear", "hard", "inferred"):
        mask = notes["kind"] == kind
        if mask.any():
            k = scores([e for e, m in zip(exp, mask) if m], [p for p, m in zip(pred, mask) if m])
            print(f"    {kind:8s} n={int(mask.sum()):3d}  exact {k['exact']:.3f}  macro-F1 {k['macro_f1']:.3f}")
    print(f"  placed from neighbours: {int(placed['zone_inferred'].sum())}")
    right = [e == p for e, p in zip(exp, pred)]
    conf = placed["zone_confidence"].to_numpy()
    wrong = [not r for r in right]
    if any(wrong):
        print(f"  mean zone_confidence: right {conf[right].mean():.2f}, wrong {conf[wrong].mean():.2f}")
    if verbose:
        for i, (e, p) in enumerate(zip(exp, pred)):
            if e != p:
                print(f"    row {i + 1}: expected {e} got {p}  ({placed['zone_reason'].iloc[i]})")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--lexicon", default=None)
    ap.add_argument("-v", "--verbose", action="store_true", help="list the misplaced notes")
    ap.add_argument("--vectors", choices=["none", "themes"], default="none",
                    help="themes: also place with the themes stage's note vectors, as `issuemine analyze` does")
    ap.add_argument("--scale", type=int, nargs="*", default=[], metavar="N",
                    help="also time place_notes on N synthetic notes (pairs of labelled notes joined)")
    ap.add_argument("--scale-vectors", choices=["random", "none"], default="random",
                    help="random (default): pass seeded 400-d unit vectors plus the terms, as `issuemine analyze` "
                         "does; none: terms only (the TF-IDF neighbour graph)")
    args = ap.parse_args(argv)
    verbose = args.verbose

    from issuemine.diagram import ZoneLexicon, place_notes

    lexicon = ZoneLexicon(args.lexicon)
    print(f"lexicon: {lexicon.path} ({len(lexicon)} entries)")
    for name, path in (("labelled (the lexicon was written beside these)", LABELLED),
                       ("held-out (written after the lexicon was frozen)", HELDOUT)):
        notes = load_labelled(path)
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            placed = place_notes(notes, lexicon=lexicon)
            times.append(time.perf_counter() - t0)
        report(name, notes, placed, verbose)
        print(f"  place_notes time, median of {args.runs}: {statistics.median(times) * 1000:.1f} ms")
        if args.vectors == "themes":
            from issuemine.themes.model import ThemeModel

            frame = notes.assign(workshop="bench", group="", profession="")
            result = ThemeModel().fit(frame)
            placed = place_notes(notes, lexicon=lexicon, vectors=result.note_vectors, terms=result.terms)
            report(f"{name.split(' ')[0]} — neighbours over the themes stage's note vectors", notes, placed,
                   verbose)
    for n in args.scale:
        scale(n, lexicon, args.runs, vectors=args.scale_vectors == "random")
    return 0


def scale(n: int, lexicon, runs: int, *, vectors: bool = True, dim: int = 400) -> None:
    """Wall time and peak traced memory of place_notes on n synthetic notes (terms given, and vectors too
    when ``vectors``)."""
    import tracemalloc

    import numpy as np
    import pandas as pd

    from issuemine.diagram import place_notes

    base = list(load_labelled(LABELLED)["text"]) + list(load_labelled(HELDOUT)["text"])
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, len(base), n), rng.integers(0, len(base), n)
    # every third note is a single labelled note, the rest two joined: varied, realistic length
    texts = [base[i] if k % 3 == 0 else f"{base[i]}。{base[j]}" for k, (i, j) in enumerate(zip(a, b))]
    notes = pd.DataFrame({"note_id": [f"S{k:06d}" for k in range(n)], "text": texts})
    from issuemine.text import JapaneseTokenizer

    t0 = time.perf_counter()
    terms = JapaneseTokenizer().terms_many(texts)
    t_tok = time.perf_counter() - t0
    vec = None
    if vectors:
        # Seeded stand-ins for the themes stage's unit vectors, with its structure: a note is near the
        # notes sharing a labelled text with it (pure noise would give no edge above min_similarity).
        vrng = np.random.default_rng(1)
        basis = vrng.standard_normal((len(base), dim), dtype=np.float32)
        vec = basis[a].copy()
        joined = np.arange(n) % 3 != 0
        vec[joined] += basis[b[joined]]
        vec += np.float32(0.5) * vrng.standard_normal((n, dim), dtype=np.float32)
        vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        placed = place_notes(notes, lexicon=lexicon, terms=terms, vectors=vec)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    place_notes(notes, lexicon=lexicon, terms=terms, vectors=vec)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    given = f"vectors ({dim}-d) and terms" if vectors else "terms"
    print(f"\nscale {n} notes: place_notes median {statistics.median(times):.2f} s over {runs} runs with the "
          f"{given} given (tokenizing them once took {t_tok:.2f} s); peak traced memory {peak / 2**20:.0f} MiB; "
          f"inferred {int(placed['zone_inferred'].sum())}")


if __name__ == "__main__":
    sys.exit(main())
