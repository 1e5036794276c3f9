"""What the stored-analysis format and the edit rule cost a page of the web app, on the sample workshop.

Prints medians (seconds) of: reading the stored theme result — the old pickle (baseline, in the same run)
against the versioned JSON + npz (``issuemine.app.results``) — and applying 0 / 20 / 100 edits made the way
the app makes them (members recorded, ``issuemine.edits``) to the stored result, which every themes page does.
Also the stored bytes of each form. Target: an edit answered within 300 ms of server time (issue 13).

    .venv/bin/python bench/app_state.py [--runs 5]
"""

from __future__ import annotations

import argparse
import pickle
import random
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def make_edits(result, n: int, seed: int = 0) -> list[dict]:
    from issuemine.edits import apply_theme_edits, record_members

    rng = random.Random(seed)
    edits, state = [], result
    for k in range(n):
        themes = list(state.themes["theme_id"])
        theme_of = dict(zip(state.assignments["note_id"], state.assignments["theme_id"]))
        op = rng.choice(["rename", "move", "move", "merge"])
        if op == "rename":
            edit = {"op": "rename", "theme": rng.choice(themes), "label": f"名前{k}"}
        elif op == "move":
            edit = {"op": "move", "note": rng.choice(sorted(theme_of)), "theme": rng.choice(themes)}
        else:
            a, b = rng.sample(themes, 2)
            edit = {"op": "merge", "themes": [a, b]}
        edits.append(record_members(edit, theme_of))
        if k % 10 == 9 or k == n - 1:
            state, _ = apply_theme_edits(result, edits)
    return edits


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from issuemine.app import results as stored
    from issuemine.edits import apply_theme_edits
    from issuemine.ingest import read_notes
    from issuemine.themes import ThemeModel

    notes = read_notes(ROOT / "workshops" / "sample" / "notes.csv")
    result = ThemeModel(seed=0).fit(notes)
    pickled = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    rows = stored.dump(result)
    print(f"sample workshop: {len(notes)} notes, {len(result.themes)} themes, {args.runs} runs (median)")
    print(f"stored bytes: pickle {len(pickled):,} | json+npz {sum(len(v) for v in rows.values()):,}")
    t_pickle = median_time(lambda: pickle.loads(pickled), args.runs)
    t_json = median_time(lambda: stored.load(rows), args.runs)
    print(f"read the stored result: pickle {t_pickle:.3f} s | json+npz {t_json:.3f} s "
          f"(ratio {t_json / t_pickle:.2f})")
    loaded = stored.load(rows)
    for n in (0, 20, 100):
        edits = make_edits(loaded, n)
        t = median_time(lambda: apply_theme_edits(loaded, edits), args.runs)
        print(f"apply {n:>3} edits (members recorded): {t:.3f} s")


if __name__ == "__main__":
    main()
