"""The themes stage at scale through the Python API: time, peak memory, and the ratio to raw fugashi.

For each size, in one fresh process: read the notes (bench/themes_scale.py's generator), parse them with
raw fugashi (``GenericTagger.parse`` + split, the baseline of issue 15), then ``ThemeModel.fit`` on the
path asked for. Prints the stage times as the progress messages arrive, the fit time, its ratio to raw
fugashi and the process's peak RSS. With ``--compare`` the exact and the large path are both fitted on
the same notes (separate processes) and their partitions compared: ARI, AMI, share of notes in the same
theme after matching themes one to one, and how many matched themes share a label word.

    .venv/bin/python bench/themes_large.py --sizes 100000 1000000 [--path auto|large|exact] [--compare]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, logging, resource, sys, time
path, mode, out = sys.argv[1], sys.argv[2], sys.argv[3]
from issuemine.ingest import read_notes
from issuemine.themes import ThemeModel
stages, t0 = [], [time.perf_counter()]
class Stages(logging.Handler):
    def emit(self, r):
        st = getattr(r, "stage", "")
        if not stages or stages[-1][0] != st:
            stages.append((st, time.perf_counter() - t0[0]))
log = logging.getLogger("issuemine.progress"); log.setLevel(logging.INFO); log.addHandler(Stages())
t = time.perf_counter()
notes = read_notes(path, max_bytes=10**10)
read = time.perf_counter() - t
import fugashi, unidic_lite
tag = fugashi.GenericTagger(f"-r {unidic_lite.DICDIR}/mecabrc -d {unidic_lite.DICDIR}")
texts = notes["text"].astype(str).tolist()
t = time.perf_counter()
for x in texts:
    tag.parse(x).split()
raw = time.perf_counter() - t
del texts
large = {"auto": None, "large": True, "exact": False}[mode]
t0[0] = t = time.perf_counter()
r = ThemeModel(seed=0, large=large).fit(notes)
fit = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
json.dump({"read": read, "raw": raw, "fit": fit, "peak": peak, "stages": stages, "n_themes": r.info["n_themes"],
           "large": "large" in r.info, "theme_of": r.theme_of,
           "labels": dict(zip(r.themes["theme_id"], r.themes["label"]))}, open(out, "w"), ensure_ascii=False)
"""


def run(path: Path, mode: str, out: Path) -> dict:
    res = subprocess.run([sys.executable, "-c", CHILD, str(path), mode, str(out)], capture_output=True, text=True,
                         check=False)
    if res.returncode != 0:
        raise SystemExit(res.stderr[-2000:])
    return json.loads(out.read_text(encoding="utf-8"))


def show(n: int, mode: str, r: dict) -> None:
    print(f"{n:>9,} {mode:>5}: fit {r['fit']:6.1f} s, raw fugashi {r['raw']:5.1f} s, ratio {r['fit'] / r['raw']:4.2f}, "
          f"read {r['read']:5.1f} s, peak {r['peak']:4.2f} GiB, {r['n_themes']} themes "
          f"({'large' if r['large'] else 'exact'} path)", flush=True)
    for (st, t), nxt in zip(r["stages"], [s[1] for s in r["stages"][1:]] + [r["fit"]]):
        print(f"            {t:6.1f} s  {st} ({nxt - t:.1f} s)")


def compare(a: dict, b: dict) -> None:
    import numpy as np
    from scipy.optimize import linear_sum_assignment
    from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score

    x, y = np.array(a["theme_of"]), np.array(b["theme_of"])
    ux, ix = np.unique(x, return_inverse=True)
    uy, iy = np.unique(y, return_inverse=True)
    C = np.zeros((len(ux), len(uy)), dtype=int)
    np.add.at(C, (ix, iy), 1)
    r, c = linear_sum_assignment(-C)
    words = sum(1 for i, j in zip(r, c)
                if set(a["labels"][ux[i]].split("・")) & set(b["labels"][uy[j]].split("・")))
    disc = np.char.startswith(x.astype(str), "T") & np.char.startswith(y.astype(str), "T")
    print(f"  exact vs large: ARI {adjusted_rand_score(x, y):.3f}, AMI {adjusted_mutual_info_score(x, y):.3f}; "
          f"same theme after matching {C[r, c].sum() / len(x):.1%}; discovered in both ({disc.sum():,} notes) "
          f"ARI {adjusted_rand_score(x[disc], y[disc]):.3f}; matched themes sharing a label word {words}/{len(r)}")


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from themes_scale import make_input

    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100000])
    ap.add_argument("--path", choices=["auto", "large", "exact"], default="auto")
    ap.add_argument("--compare", action="store_true", help="fit both paths and compare the partitions")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        for n in args.sizes:
            inp = Path(d) / f"notes_{n}.csv"
            make_input(n, inp)
            modes = ["exact", "large"] if args.compare else [args.path]
            res = {}
            for mode in modes:
                res[mode] = run(inp, mode, Path(d) / f"{mode}.json")
                show(n, mode, res[mode])
            if args.compare:
                compare(res["exact"], res["large"])


if __name__ == "__main__":
    main()
