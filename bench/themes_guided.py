"""Guided mode's limits (issue 14): workshops that mix the codebook's field with another, subsets of
every size, and the coverage rule. Prints one table; reads the labelled sets in place (never copied).

- ``coverage``: the share of notes clearly placed by a seed term, and how often random subsets of
  10–300 notes of each set would be analysed with the codebook (2,000 subsets a size; no fitting);
- ``mixed``: homecare_dev (235 real pediatric/home-care statements) mixed with sentences of medweb or
  sib200, labels = human theme or the other set's label; default (guided) against ``--no-codebook``,
  seeds 0–2: AMI, themes per seed, largest theme share, the mode each seed ran in, and the share of
  the other set's notes that ended up in codebook themes.

    .venv/bin/python bench/themes_guided.py [--codebook PATH] [--seeds 0 1 2] [--parts coverage mixed]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from themes_quality import default_data, load_set, notes_frame  # noqa: E402

MIXES = [  # (other set, notes of it, notes of homecare_dev)
    ("sib200", 235, 235), ("medweb", 235, 235), ("sib200", 235, 120), ("medweb", 470, 235),
    ("sib200", 100, 0), ("sib200", 300, 0), ("medweb", 100, 0), ("medweb", 300, 0),
]


def coverage_part(data: Path, codebook, tok) -> None:
    from issuemine.themes.codebook import MIN_COVERAGE, CodebookMatcher
    from issuemine.themes.guided import coverage_bound, covered
    from issuemine.themes.vectorize import prepare

    print(f"coverage (share clearly placed by a seed term); subsets analysed with the codebook "
          f"(95 % lower bound >= {MIN_COVERAGE:.0%}), 2,000 random subsets a size")
    sizes = (10, 20, 30, 50, 100, 300)
    print(f"{'set':13} {'notes':>5} {'coverage':>8}  " + "  ".join(f"{'n=' + str(s):>7}" for s in sizes))
    for name in ("homecare_dev", "medweb", "sib200", "sample"):
        notes, _ = load_set(name, data)
        if notes is None:
            continue
        corpus = prepare(notes["text"].astype(str).tolist(), tok, display_forms=False)
        m = CodebookMatcher(codebook)
        idx = m.match(corpus.texts, corpus.tokens)
        per = np.array([covered(idx[i:i + 1], m.hits_[i:i + 1]) for i in range(len(idx))])
        rng = np.random.default_rng(0)
        cells = []
        for size in sizes:
            if size >= len(per):
                cells.append(f"{'-':>7}")
                continue
            k = np.array([per[rng.choice(len(per), size, replace=False)].sum() for _ in range(2000)])
            cells.append(f"{np.mean([coverage_bound(int(x), size) >= MIN_COVERAGE for x in k]):7.2%}")
        print(f"{name:13} {len(per):5d} {per.mean():8.1%}  " + "  ".join(cells), flush=True)


def mixed_part(data: Path, codebook_path, seeds, tok) -> None:
    from sklearn.metrics import adjusted_mutual_info_score

    from issuemine.themes import ThemeModel

    home, home_labels = load_set("homecare_dev", data)
    print(f"\nmixed workshops: seeds {' '.join(map(str, seeds))}; AMI mean (per seed)")
    head = (f"{'workshop':28} {'mode':12} {'AMI':>6} {'per seed':>20} {'themes':>9} {'largest':>8} "
            f"{'ran as':>7} {'other in cb':>11}")
    print(head)
    print("-" * len(head))
    for other, k, on in MIXES:
        notes, labels = load_set(other, data)
        if notes is None or home is None:
            continue
        pick = np.sort(np.random.default_rng(k).choice(len(notes), k, replace=False))
        texts = home["text"].tolist()[:on] + [notes["text"].iloc[i] for i in pick]
        labs = [f"h-{x}" for x in home_labels[:on]] + [f"o-{labels[i]}" for i in pick]
        frame = notes_frame(texts)
        res = {}
        for mode in ("guided", "unsupervised"):
            amis, ks, shares, ran, pulled = [], [], [], [], []
            for seed in seeds:
                r = ThemeModel(seed=seed, codebook=codebook_path if mode == "guided" else False, tokenizer=tok,
                               n_resamples=2).fit(frame)
                amis.append(adjusted_mutual_info_score(labs, r.theme_of))
                sizes = r.themes["size"].to_numpy()
                ks.append(len(sizes))
                shares.append(sizes.max() / sizes.sum())
                ran.append(r.info["mode"][0])
                cb = set(r.themes.loc[r.themes["source"] == "codebook", "theme_id"])
                pulled.append(np.mean([t in cb for t in r.theme_of[on:]]))
            res[mode] = statistics.mean(amis)
            gap = "" if mode == "guided" else f"  default {res['guided'] - res['unsupervised']:+.3f}"
            print(f"{f'{other} {k} + homecare {on}':28} {mode:12} {res[mode]:6.3f} "
                  f"{'/'.join(f'{a:.3f}' for a in amis):>20} {'/'.join(map(str, ks)):>9} "
                  f"{statistics.mean(shares):8.1%} {''.join(ran):>7} {statistics.mean(pulled):11.1%}{gap}",
                  flush=True)


def main() -> None:
    from issuemine.text import JapaneseTokenizer
    from issuemine.themes.codebook import default_codebook_path, load_codebook

    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(default_data()))
    ap.add_argument("--codebook", default=None, help="codebook file (default: corpora/codebook.tsv)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--parts", nargs="+", default=["coverage", "mixed"], choices=["coverage", "mixed"])
    args = ap.parse_args()
    tok = JapaneseTokenizer()
    path = Path(args.codebook) if args.codebook else default_codebook_path()
    if "coverage" in args.parts:
        coverage_part(Path(args.data), load_codebook(path), tok)
    if "mixed" in args.parts:
        mixed_part(Path(args.data), path, args.seeds, tok)


if __name__ == "__main__":
    main()
