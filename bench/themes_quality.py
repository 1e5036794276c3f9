"""Theme quality against human labels: AMI / NMI / ARI on ../shared/data/*.csv (text,label).

Unsupervised (no codebook), the tool choosing the number of themes and with the true number, mean
over seeds, printed beside the README baseline (character 1–3-gram TF-IDF, SVD 100, KMeans true k).
Targets with the tool's own k: medweb AMI >= 0.85, sib200 AMI >= 0.40. The data are read in place.

    .venv/bin/python bench/themes_quality.py [--seeds 0 1 2] [--data DIR]
"""

from __future__ import annotations

from pathlib import Path


import argparse
import statistics
import time

BASELINE = {  # ../shared/data/README.md (NMI / ARI with the true k); AMI not given there
    "medweb_ja_single": (0.760, 0.673),
    "sib200_ja": (0.127, 0.082),
}
TARGET_AMI = {"medweb_ja_single": 0.85, "sib200_ja": 0.40}


def notes_frame(texts):
    import pandas as pd

    from issuemine.schema import NOTES

    n = len(texts)
    return NOTES.conform(pd.DataFrame({
        "note_id": [f"N{i:05d}" for i in range(n)], "workshop": ["bench"] * n, "text": list(texts),
        "group": [""] * n, "profession": [""] * n, "round": [""] * n, "participant": [""] * n,
        "source_file": ["bench"] * n, "source_row": list(range(2, n + 2)), "duplicate_of": [""] * n,
        "near_duplicate_of": [""] * n}))


def main() -> None:
    import pandas as pd
    from sklearn.metrics import (
        adjusted_mutual_info_score,
        adjusted_rand_score,
        normalized_mutual_info_score,
    )

    from issuemine.text import JapaneseTokenizer
    from issuemine.themes import ThemeModel

    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--auto-only", action="store_true", help="skip the runs with the true k")
    args = ap.parse_args()
    tok = JapaneseTokenizer()
    print(f"{'set':18} {'k':>9} {'AMI':>6} {'NMI':>6} {'ARI':>6}  {'baseline NMI/ARI':>17}  target   time/fit")
    for path in sorted(Path(args.data).glob("*.csv")):
        df = pd.read_csv(path)
        notes = notes_frame(df["text"].astype(str).tolist())
        y = df["label"].tolist()
        true_k = len(set(y))
        for mode in (["auto"] if args.auto_only else ["auto", true_k]):
            scores, ks, times = [], [], []
            for seed in args.seeds:
                t0 = time.perf_counter()
                r = ThemeModel(n_themes=mode, seed=seed, codebook=False, tokenizer=tok, n_resamples=2).fit(notes)
                times.append(time.perf_counter() - t0)
                pred = r.assignments["theme_id"].tolist()
                ks.append(len(set(pred)))
                scores.append((adjusted_mutual_info_score(y, pred), normalized_mutual_info_score(y, pred),
                               adjusted_rand_score(y, pred)))
            ami, nmi, ari = (statistics.mean(s[i] for s in scores) for i in range(3))
            label = f"auto {'/'.join(map(str, ks))}" if mode == "auto" else f"true {true_k}"
            base = BASELINE.get(path.stem)
            base_s = f"{base[0]:.3f} / {base[1]:.3f}" if base else "-"
            tgt = TARGET_AMI.get(path.stem)
            verdict = "" if mode != "auto" or tgt is None else ("ok" if ami >= tgt else "MISS") + f" {tgt:.2f}"
            print(f"{path.stem:18} {label:>9} {ami:6.3f} {nmi:6.3f} {ari:6.3f}  {base_s:>17}  {verdict:8} "
                  f"{statistics.median(times):.1f} s")


if __name__ == "__main__":
    main()
