"""Time and peak memory of ``place_notes`` alone at 100k / 1M notes, with the themes stage's vectors.

Inputs are made by ``bench/themes_scale.py``'s ``make_input`` (joined halves of the sample workshop's notes),
read by ``read_notes``; the note vectors are the themes stage's (``prepare`` → ``HybridVectorizer(term)``
→ ``BlockReducer``, the same blocks ``ThemeModel.fit`` builds), computed once per size and cached as .npy
under ``--cache`` so that repeated runs time the placement only. ``place_notes`` is called as
``issuemine analyze`` calls it (vectors and terms given).

CPU seconds (all threads) are printed beside the wall time: on the shared machine they move less.
Peak memory is the process's resident high-water mark during the call, after resetting it
(``/proc/self/clear_refs``), minus the resident size before: what placement adds on top of the notes and
vectors it is given. ``--profile`` prints the cProfile top functions of one extra run.

    .venv/bin/python bench/diagram_scale.py --sizes 100000 [1000000] [--runs 3] [--profile]
        [--compare-exact]   # + agreement of the default (sampled at scale) and the exact search
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # after PYTHONPATH: another checkout can be measured with this script
sys.path.insert(0, str(ROOT / "bench"))


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def inputs(n: int, cache: Path, vectors: bool = True):
    """(notes, vectors or None, terms or None) for ``n`` notes, the vectors cached under ``cache``."""
    import numpy as np

    from issuemine.ingest import read_notes
    from themes_scale import make_input

    cache.mkdir(parents=True, exist_ok=True)
    csv = cache / f"notes_{n}.csv"
    if not csv.exists():
        make_input(n, csv)
    notes = read_notes(csv, max_bytes=2**40)
    if not vectors:
        return notes, None, None
    npy = cache / f"vectors_{n}.npy"
    if not npy.exists():
        from issuemine.themes.reduce import BlockReducer
        from issuemine.themes.vectorize import HybridVectorizer, prepare

        t0 = time.perf_counter()
        corpus = prepare(notes["text"].tolist(), display_forms=False)
        x = BlockReducer(seed=0).fit_transform(HybridVectorizer(tfidf=("term",)).fit_transform(corpus))
        np.save(npy, x.astype(np.float32))
        print(f"  (vectors for {n} notes computed in {time.perf_counter() - t0:.0f} s, shape {x.shape})",
              flush=True)
        del corpus, x
        gc.collect()
    return notes, np.load(npy, mmap_mode=None), None


def timed(notes, x, placer=None):
    from issuemine.diagram import place_notes

    gc.collect()
    before = _rss_kib("VmRSS")
    _reset_peak()
    t0, c0 = time.perf_counter(), time.process_time()
    out = place_notes(notes, vectors=x, placer=placer)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = max(0, _rss_kib("VmHWM") - before)
    timed.cpu = cpu
    return out, wall, peak / 1024


def agreement(name, got, exact) -> str:
    """How often ``got`` gives the exact path's region: all notes, and the notes either path inferred."""
    same = (got["zones"] == exact["zones"]).to_numpy()
    inf = (got["zone_inferred"] | exact["zone_inferred"]).to_numpy()
    both = (got["zone_inferred"] & exact["zone_inferred"]).to_numpy()
    return (f"{name} vs exact: same region for {same.mean():.4%} of all notes; of the {int(inf.sum())} notes "
            f"inferred by either, {same[inf].mean():.2%}; of the {int(both.sum())} inferred by both, "
            f"{same[both].mean():.2%}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "issuemine_diagram_scale")
    ap.add_argument("--no-vectors", action="store_true", help="TF-IDF of the terms instead of the vectors")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--compare-exact", action="store_true")
    args = ap.parse_args()
    import issuemine

    print(f"issuemine from {Path(issuemine.__file__).parent}; load average "
          f"{os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    for n in args.sizes:
        notes, x, _ = inputs(n, args.cache, vectors=not args.no_vectors)
        walls, peaks, cpus = [], [], []
        for _ in range(args.runs):
            out, wall, peak = timed(notes, x)
            walls.append(wall)
            peaks.append(peak)
            cpus.append(timed.cpu)
        inferred = int(out["zone_inferred"].sum())
        x_count = int((out["zones"] == "X").sum())
        print(f"{n:>8} notes: place_notes median {statistics.median(walls):.2f} s "
              f"(runs {', '.join(f'{w:.2f}' for w in walls)}; CPU {statistics.median(cpus):.2f} s), "
              f"peak +{max(peaks):.0f} MiB; "
              f"inferred {inferred}, X {x_count}", flush=True)
        if args.profile:
            import cProfile
            import pstats

            from issuemine.diagram import place_notes

            prof = cProfile.Profile()
            prof.enable()
            place_notes(notes, vectors=x)
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
        if args.compare_exact:
            from issuemine.diagram import ZonePlacer

            exact, wall, peak = timed(notes, x, ZonePlacer(max_candidates=None))
            print(f"  exact (every note a candidate, all searched): {wall:.2f} s, peak +{peak:.0f} MiB, "
                  f"inferred {int(exact['zone_inferred'].sum())}", flush=True)
            variants = [("default", out)]
            if not args.no_vectors:
                full, wall, peak = timed(notes, x, ZonePlacer(n_probe=None))
                print(f"  seeds sample, every cell searched (n_probe=None): {wall:.2f} s, peak +{peak:.0f} MiB",
                      flush=True)
                variants.append(("n_probe=None", full))
            for name, got in variants:
                print("  " + agreement(name, got, exact), flush=True)
        del notes, x
        gc.collect()


if __name__ == "__main__":
    main()
