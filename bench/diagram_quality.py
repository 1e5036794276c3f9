"""Quality of the concept-diagram placement on the hand-labelled notes (tests/diagram/labelled_notes.tsv).

Prints macro-F1 of zone membership over H, C, S, F, P (an HC note is a member of H and of C), exact-region
accuracy, the same split by kind (clear / hard / inferred), and the median placement time of several runs.

Then the inference alone (step 2 of place.py, "neighbours"), which the labelled files test on 6 notes only.
Every labelled and held-out note (143) is turned into a lexicon-free note and placed among other notes
that keep their evidence, one note at a time:

- *lexicon-free*: every evidence-giving lexicon match in the note's normalised text is replaced by 「、」
  (so the words either side cannot join into a new match). Masking the text, rather than only ignoring the
  note's scores, is what makes it a fair stand-in for a real lexicon-free note: in place.py an unplaced
  note's neighbours are found from its own words (TF-IDF of its terms, or the themes stage's vector of its
  text), and a real lexicon-free note has no lexicon word to share with the seeds. Left in, 訪問看護 would
  lead the note straight to the seeds placed by 訪問看護. Masked notes are harder than real ones (「、で小児
  を受けてくれるところが少ない」 keeps less than a note written without those words), so the absolute figure
  is a lower bound; it is for comparing inference methods.
- *among other notes*: the masked note is added to a context whose notes are placed by place.py as usual
  (their lexicon placements are the seeds, their own lexicon-free notes are inferred alongside), and only
  the masked note's region is read. Two contexts: **sample** — workshops/sample/notes.csv (737 fictional
  notes, most of them 地域, like a real workshop: this exposes majority bias) — and **labelled** — the other
  142 labelled and held-out notes (every region represented). Context notes that are near-duplicates of
  the evaluated note (character-bigram Jaccard ≥ 0.5 with its unmasked text) are left out, so that a
  copy of the note cannot hand it its own answer.
- *features*: ``terms`` — the neighbour graph over TF-IDF of the text pipeline's terms (what place_notes
  does without vectors); ``themes`` — over the themes stage's note vectors, as ``issuemine analyze`` does
  (ThemeModel is fitted once on the context plus all masked notes, so the vectors of one run are not
  exactly those of a single-note workshop).

Prints exact-region accuracy and membership macro-F1 of that inference alone, how many masked notes were
inferred (the rest stay 未分類 X: no seed reached them, or their neighbours disagreed) and the accuracy of
those answers, and the share of each predicted region beside the labels' shares.
Finally, for the sample workshop: how many notes place_notes infers and their region shares.

    .venv/bin/python bench/diagram_quality.py [--runs 5] [--lexicon PATH] [--no-inference]
        [--class-balance X] [--min-share X]

``--class-balance 0 --min-share 0`` gives the placement of plain label spreading (before 2026-11-24).
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
SAMPLE = ROOT / "workshops" / "sample" / "notes.csv"
MEMBERSHIP = ("H", "C", "S", "F", "P")
SHOWN = ("H", "C", "S", "HC", "HS", "CS", "HCS", "F", "P", "X")
NEAR_DUPLICATE = 0.5  # bigram Jaccard: context notes this close to the evaluated note are left out


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
    ap.add_argument("--class-balance", type=float, default=None, metavar="X",
                    help="ZonePlacer(class_balance=X) everywhere (default: ZonePlacer's; 0 = plain label spreading)")
    ap.add_argument("--min-share", type=float, default=None, metavar="X",
                    help="ZonePlacer(min_share=X) everywhere (default: ZonePlacer's; 0 = never abstain)")
    ap.add_argument("--no-inference", action="store_true",
                    help="skip the inference-only evaluation and the sample workshop's figures")
    ap.add_argument("--scale-vectors", choices=["random", "none"], default="random",
                    help="random (default): pass seeded 400-d unit vectors plus the terms, as `issuemine analyze` "
                         "does; none: terms only (the TF-IDF neighbour graph)")
    args = ap.parse_args(argv)
    verbose = args.verbose

    from issuemine.diagram import ZoneLexicon, ZonePlacer, place_notes

    lexicon = ZoneLexicon(args.lexicon)
    kw = {k: v for k, v in (("class_balance", args.class_balance), ("min_share", args.min_share))
          if v is not None}
    default = ZonePlacer()
    print(f"lexicon: {lexicon.path} ({len(lexicon)} entries); class_balance "
          f"{kw.get('class_balance', default.class_balance)}, min_share {kw.get('min_share', default.min_share)}")
    for name, path in (("labelled (the lexicon was written beside these)", LABELLED),
                       ("held-out (written after the lexicon was frozen)", HELDOUT)):
        notes = load_labelled(path)
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            placed = place_notes(notes, lexicon=lexicon, placer=ZonePlacer(lexicon, **kw))
            times.append(time.perf_counter() - t0)
        report(name, notes, placed, verbose)
        print(f"  place_notes time, median of {args.runs}: {statistics.median(times) * 1000:.1f} ms")
        if args.vectors == "themes":
            from issuemine.themes.model import ThemeModel

            frame = notes.assign(workshop="bench", group="", profession="")
            result = ThemeModel().fit(frame)
            placed = place_notes(notes, lexicon=lexicon, placer=ZonePlacer(lexicon, **kw),
                                 vectors=result.note_vectors, terms=result.terms)
            report(f"{name.split(' ')[0]} — neighbours over the themes stage's note vectors", notes, placed,
                   verbose)
    if not args.no_inference:
        t0 = time.perf_counter()
        inference_report(lexicon, verbose, placer_kw=kw)
        sample_report(lexicon, placer_kw=kw)
        print(f"\n(inference-only evaluation and sample: {time.perf_counter() - t0:.1f} s)")
    for n in args.scale:
        scale(n, lexicon, args.runs, vectors=args.scale_vectors == "random", placer_kw=kw)
    return 0


def mask_evidence(text: str, lexicon) -> str:
    """``text`` normalised, every evidence-giving lexicon match replaced by 「、」 (repeated until none is
    left: the break keeps the words either side from joining into a new match)."""
    masked = lexicon.normalize(text)
    for _ in range(5):
        matches = lexicon.match(masked, normalized=True)
        if not matches:
            return masked
        parts, last = [], 0
        for m in matches:
            parts += [masked[last:m.start], "、"]
            last = m.end
        parts.append(masked[last:])
        masked = lexicon.normalize("".join(parts))
    raise AssertionError(f"lexicon evidence left after masking: {masked}")


def _theme_vectors(texts: list[str]):
    import pandas as pd

    from issuemine.themes.model import ThemeModel

    frame = pd.DataFrame({"note_id": [f"T{i:05d}" for i in range(len(texts))], "text": texts,
                          "workshop": "bench", "group": "", "profession": ""})
    return ThemeModel().fit(frame).note_vectors


def inference_only(eval_notes, lexicon, *, context: str = "sample", features: str = "terms",
                   placer_kw: dict | None = None):
    """Each note of ``eval_notes`` masked (see the module docstring) and placed among ``context`` notes,
    one at a time; a frame of the evaluated notes with ``predicted``, ``inferred``, ``confidence``."""
    import numpy as np
    import pandas as pd

    from issuemine.diagram import ZonePlacer, place_notes
    from issuemine.ingest import bigram_set, jaccard
    from issuemine.text import JapaneseTokenizer

    texts = list(eval_notes["text"])
    masked = [mask_evidence(t, lexicon) for t in texts]
    if context == "sample":
        from issuemine.ingest import read_notes

        ctx = list(read_notes(SAMPLE)["text"])
    elif context == "labelled":
        ctx = texts
    else:
        raise ValueError(context)
    tok = JapaneseTokenizer()
    ctx_terms, masked_terms = tok.terms_many(ctx), tok.terms_many(masked)
    ctx_vec = masked_vec = None
    if features == "themes":
        vec = _theme_vectors(ctx + masked)
        ctx_vec, masked_vec = vec[:len(ctx)], vec[len(ctx):]
    ctx_bigrams = [bigram_set(t) for t in ctx]
    predicted, inferred, confidence = [], [], []
    for j, text in enumerate(texts):
        own = bigram_set(text)
        keep = [i for i, b in enumerate(ctx_bigrams) if jaccard(own, b) < NEAR_DUPLICATE]
        notes = pd.DataFrame({"note_id": [f"C{i:05d}" for i in range(len(keep) + 1)],
                              "text": [ctx[i] for i in keep] + [masked[j]]})
        vectors = None if ctx_vec is None else np.vstack([ctx_vec[keep], masked_vec[j:j + 1]])
        placed = place_notes(notes, lexicon=lexicon, placer=ZonePlacer(lexicon, **(placer_kw or {})),
                             terms=[ctx_terms[i] for i in keep] + [masked_terms[j]], vectors=vectors)
        last = placed.iloc[-1]
        predicted.append(last["zones"])
        inferred.append(bool(last["zone_inferred"]))
        confidence.append(float(last["zone_confidence"]))
    return eval_notes.assign(masked=masked, predicted=predicted, inferred=inferred, confidence=confidence)


def _shares(zones) -> str:
    from collections import Counter

    counts, n = Counter(zones), max(1, len(zones))
    return " ".join(f"{z} {counts[z] / n:.0%}" for z in SHOWN if counts[z])


def _eval_notes():
    import pandas as pd

    lab, held = load_labelled(LABELLED), load_labelled(HELDOUT)
    held["note_id"] = [f"Q{i:03d}" for i in range(1, len(held) + 1)]
    return pd.concat([lab.assign(set="labelled"), held.assign(set="held-out")], ignore_index=True)


def inference_report(lexicon, verbose: bool = False, placer_kw: dict | None = None) -> dict:
    """Print (and return) the inference-only figures for both contexts and both feature kinds."""
    notes = _eval_notes()
    print(f"\ninference only: {len(notes)} labelled + held-out notes, each with its lexicon words masked, "
          f"placed among a context's notes")
    print(f"  labels' shares:    {_shares(notes['zones'])}")
    out = {}
    for context in ("sample", "labelled"):
        for features in ("terms", "themes"):
            got = inference_only(notes, lexicon, context=context, features=features, placer_kw=placer_kw)
            s = scores(list(got["zones"]), list(got["predicted"]))
            parts = []
            for name in ("labelled", "held-out"):
                m = got["set"] == name
                parts.append(f"{name} {scores(list(got.loc[m, 'zones']), list(got.loc[m, 'predicted']))['exact']:.3f}")
            reached = got["inferred"].to_numpy()
            answered = float((got["zones"] == got["predicted"])[reached].mean()) if reached.any() else 0.0
            print(f"  context {context:8s} {features:6s}  exact {s['exact']:.3f} ({', '.join(parts)})  "
                  f"macro-F1 {s['macro_f1']:.3f}  inferred {int(reached.sum())}/{len(got)}, "
                  f"exact among them {answered:.3f}")
            print(f"    predicted shares: {_shares(got['predicted'])}")
            out[(context, features)] = (s, got)
            if verbose:
                for _, r in got[got["zones"] != got["predicted"]].iterrows():
                    print(f"      expected {r['zones']:3s} got {r['predicted']:3s} {r['masked']}")
    return out


def sample_report(lexicon, placer_kw: dict | None = None) -> dict:
    """Print how many of the sample workshop's notes are inferred, and their region shares."""
    from issuemine.diagram import ZonePlacer, place_notes
    from issuemine.ingest import read_notes
    from issuemine.text import JapaneseTokenizer

    notes = read_notes(SAMPLE)
    terms = JapaneseTokenizer().terms_many(list(notes["text"]))
    out = {}
    print(f"\nsample workshop ({SAMPLE.relative_to(ROOT)}, {len(notes)} notes)")
    for features in ("terms", "themes"):
        vectors = _theme_vectors(list(notes["text"])) if features == "themes" else None
        placed = place_notes(notes, lexicon=lexicon, placer=ZonePlacer(lexicon, **(placer_kw or {})),
                             terms=terms, vectors=vectors)
        inf = placed[placed["zone_inferred"]]
        print(f"  {features:6s} inferred {len(inf)} ({len(inf) / len(notes):.0%}): {_shares(inf['zones'])};  "
              f"未分類 X {int((placed['zones'] == 'X').sum())};  all notes: {_shares(placed['zones'])}")
        out[features] = placed
    return out


def scale(n: int, lexicon, runs: int, *, vectors: bool = True, dim: int = 400, placer_kw: dict | None = None) -> None:
    """Wall time and peak traced memory of place_notes on n synthetic notes (terms given, and vectors too
    when ``vectors``)."""
    import tracemalloc

    import numpy as np
    import pandas as pd

    from issuemine.diagram import ZonePlacer, place_notes

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
        placed = place_notes(notes, lexicon=lexicon, placer=ZonePlacer(lexicon, **(placer_kw or {})),
                             terms=terms, vectors=vec)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    place_notes(notes, lexicon=lexicon, placer=ZonePlacer(lexicon, **(placer_kw or {})), terms=terms, vectors=vec)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    given = f"vectors ({dim}-d) and terms" if vectors else "terms"
    print(f"\nscale {n} notes: place_notes median {statistics.median(times):.2f} s over {runs} runs with the "
          f"{given} given (tokenizing them once took {t_tok:.2f} s); peak traced memory {peak / 2**20:.0f} MiB; "
          f"inferred {int(placed['zone_inferred'].sum())}")


if __name__ == "__main__":
    sys.exit(main())
