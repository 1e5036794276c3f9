"""What the theme stability score can reach on real notes, and where the themes of an analysis fall.

Stability (``issuemine.themes.stability``) is the best-match Jaccard between a theme and the groups of
KMeans re-runs on 80 % subsamples. This prints, per data set, three figures on the same vectors and the same
number of themes, so the words people read (``issuemine.present.numbers.stability_word``) can be judged:

- ``themes``: the analysis' own themes (what the report shows);
- ``ceiling``: a KMeans partition of the same vectors scored the same way — as stable as a partition into that
  many groups gets on these notes (the re-runs are KMeans themselves);
- ``chance``: the themes' notes shuffled (same sizes) — what the score gives to groups with no content.

    .venv/bin/python bench/stability_words.py [--data sample homecare]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = {"sample": ROOT / "workshops" / "sample" / "notes.csv",
        "homecare": Path("/work/shared/data/homecare_dev.csv")}


def read(name: str):
    from issuemine.ingest import read_notes

    if name == "homecare":  # text column only (labels stay out of the analysis)
        df = pd.read_csv(DATA[name])
        import tempfile

        tmp = Path(tempfile.mkdtemp()) / "notes.csv"
        pd.DataFrame({"内容": df["text"]}).to_csv(tmp, index=False)
        return read_notes(tmp)
    return read_notes(DATA[name])


def quantiles(v) -> str:
    v = np.asarray(v, dtype=float)
    v = v[~np.isnan(v)]
    q = np.percentile(v, [0, 25, 50, 75, 100])
    return " / ".join(f"{x:.2f}" for x in q)


def main() -> None:
    from sklearn.cluster import KMeans

    from issuemine.present.numbers import stability_word
    from issuemine.themes import ThemeModel
    from issuemine.themes.stability import ThemeStability

    ap = argparse.ArgumentParser()
    ap.add_argument("--data", nargs="+", default=["sample", "homecare"])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    for name in args.data:
        notes = read(name)
        result = ThemeModel(seed=args.seed).fit(notes)
        X = result.note_vectors
        order = list(result.themes["theme_id"])
        lab = np.array([order.index(t) for t in result.assignments.set_index("note_id").loc[result.note_ids, "theme_id"]])
        T = len(order)
        themes = result.themes["stability"].to_numpy(dtype=float)
        sources = result.themes["source"].tolist()
        km = KMeans(T, n_init=4, random_state=args.seed).fit_predict(X)
        ceiling = ThemeStability(seed=args.seed).fit(X, km).theme_stability_
        rng = np.random.default_rng(args.seed)
        chance = ThemeStability(seed=args.seed).fit(X, rng.permutation(lab)).theme_stability_
        print(f"\n{name}: {len(notes)} notes, {T} themes ({sources.count('codebook')} codebook)")
        print("             min / q1 / median / q3 / max")
        print(f"  themes   : {quantiles(themes)}")
        for src in ("codebook", "discovered"):
            sel = [s for s, o in zip(themes, sources) if o == src]
            if sel:
                print(f"   {src:9}: {quantiles(sel)}  (n={len(sel)})")
        print(f"  ceiling  : {quantiles(ceiling)}   (KMeans partition of the same vectors)")
        print(f"  chance   : {quantiles(chance)}   (the themes' notes shuffled)")
        words = pd.Series([stability_word(s) for s in themes]).value_counts().to_dict()
        print(f"  words now: {words}")


if __name__ == "__main__":
    main()
