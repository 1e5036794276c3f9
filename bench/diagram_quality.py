"""Quality of the concept-diagram placement: one table for every labelled set.

Sets: **homecare_dev** — 235 real issue statements labelled by the conventions of the hidden evaluation set
(``/work/shared/data/homecare_dev.csv``, read in place and never copied into the repository; ``--dev PATH``
elsewhere, skipped when absent), also scored on each half of its source pages (``half A`` / ``half B``, a
hash of the URL: the 2-fold check; the placements are those of the whole set) — and the invented notes in
``tests/diagram/`` (**labelled**, 100; **held-out**, 43). Features for the neighbours of notes without lexicon evidence: ``terms`` (TF-IDF of the text
pipeline's terms, what ``place_notes`` does without vectors) and ``themes`` (the themes stage's note vectors,
as ``issuemine analyze`` passes them), the latter for seeds 0-2, with the default codebook and with
``--no-codebook`` (the vectors, hence the inference, depend on both). Columns: F1 of membership per zone
(an HC note is a member of H and of C), macro-F1 over H, C, S, F, P, exact-region accuracy, notes inferred.

    .venv/bin/python bench/diagram_quality.py                  # the table
    .venv/bin/python bench/diagram_quality.py --ablation       # + each placement rule switched off (terms)
    .venv/bin/python bench/diagram_quality.py --errors dev     # + misplaced row ids with their evidence
    .venv/bin/python bench/diagram_quality.py --details        # + the older per-set report, the inference-only
                                                               #   evaluation and the sample workshop

Note text is never printed for the real set (row ids and lexicon words only).

Details (``--details``): per set, the split by kind (clear / hard / inferred) and the median placement time.

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

    .venv/bin/python bench/diagram_quality.py --details [--runs 5] [--lexicon PATH] [--no-inference]
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


DEV = Path("/work/shared/data/homecare_dev.csv")
MARKER = "# --- added 2026-12-06"  # the vocabulary block of issue 14 in corpora/zone_lexicon.tsv


def load_dev(path: Path):
    """The real labelled statements as a notes frame (note_id D<id>, text, zones); read, never copied."""
    import csv

    import pandas as pd

    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return pd.DataFrame({"note_id": [f"D{r['id']}" for r in rows], "text": [r["text"] for r in rows],
                         "zones": [r["zones"] for r in rows],
                         "half": [_half(r.get("source_url", "")) for r in rows]})


def _half(url: str) -> str:
    """A or B by the source page (a stable hash of its URL), so that statements of one page stay together:
    the 2-fold check reports each half on its own (nothing is chosen on either half)."""
    import hashlib

    return "AB"[hashlib.sha256(url.encode("utf-8")).digest()[0] % 2]


def labelled_sets(dev: Path) -> dict:
    sets = {}
    if dev.is_file():
        sets["homecare_dev"] = load_dev(dev)
    else:
        print(f"(homecare_dev not found at {dev}: skipped)")
    for name, path in (("labelled", LABELLED), ("held-out", HELDOUT)):
        notes = load_labelled(path)
        sets[name] = notes
        if "original_zones" in notes:  # the labels before they followed the written conventions
            original = notes["original_zones"].where(notes["original_zones"] != "", notes["zones"])
            sets[f"{name} (original labels)"] = notes.assign(zones=original)
    return sets


def _vectors(notes, seed: int, codebook: bool):
    from issuemine.themes.model import ThemeModel

    frame = notes.assign(workshop="bench", group="", profession="", round="")
    result = ThemeModel(seed=seed, codebook=None if codebook else False).fit(frame)
    return result.note_vectors, result.terms


def table_rows(sets: dict, seeds, *, themes: bool = True, placer_kw: dict | None = None, lexicon=None,
               halves: bool = True):
    """(set, features, seed, codebook, scores, n inferred, placed) for every set and configuration; a set
    with a ``half`` column (homecare_dev) is also scored on each half (the 2-fold check)."""
    from issuemine.diagram import ZonePlacer, place_notes

    kw = placer_kw or {}
    for name, notes in sets.items():
        configs = [("terms", "-", "-", None, None)]
        if themes:
            for cb in (True, False):
                for seed in seeds:
                    vec, terms = _vectors(notes, seed, cb)
                    configs.append(("themes", str(seed), "default" if cb else "none", vec, terms))
        for features, seed, cb, vec, terms in configs:
            placed = place_notes(notes, placer=ZonePlacer(lexicon, **kw), vectors=vec, terms=terms)
            yield name, features, seed, cb, scores(list(notes["zones"]), list(placed["zones"])), \
                int(placed["zone_inferred"].sum()), placed
            if halves and "half" in notes:  # the same placements, scored on each half of the sources
                for half in sorted(set(notes["half"])):
                    m = (notes["half"] == half).to_numpy()
                    part = placed[m]
                    yield f"{name} half {half}", features, seed, cb, \
                        scores(list(notes["zones"][m]), list(part["zones"])), int(part["zone_inferred"].sum()), part


def print_table(rows) -> None:
    head = ["set", "features", "seed", "codebook", "n", *[f"F1 {z}" for z in MEMBERSHIP], "macro-F1", "exact",
            "inferred"]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" if i < 4 else "---:" for i in range(len(head))) + "|")
    for name, features, seed, cb, s, inferred, placed in rows:
        cells = [name, features, seed, cb, str(len(placed)), *[f"{s['f1_' + z]:.3f}" for z in MEMBERSHIP],
                 f"{s['macro_f1']:.3f}", f"{s['exact']:.3f}", str(inferred)]
        print("| " + " | ".join(cells) + " |", flush=True)


def print_errors(sets: dict, name: str, lexicon=None) -> None:
    """Misplaced notes of one set: row id, expected, got and the evidence (lexicon words), never the text."""
    from issuemine.diagram import ZonePlacer, place_notes

    notes = sets[name]
    placed = place_notes(notes, placer=ZonePlacer(lexicon))
    print(f"\nmisplaced in {name} (terms features):")
    for nid, exp, got, inf, reason in zip(notes["note_id"], notes["zones"], placed["zones"],
                                          placed["zone_inferred"], placed["zone_reason"]):
        if exp != got:
            print(f"  {nid}\texpected {exp}\tgot {got}{' (inferred)' if inf else ''}\t{reason}")


def ablation(sets: dict) -> None:
    """Each placement rule of issue 14 switched off alone (terms features): its effect on every set."""
    import tempfile

    from issuemine.diagram import ZoneLexicon
    from issuemine.diagram.lexicon import NEUTRAL  # noqa: F401  (the lexicon module must load)

    text = (ROOT / "corpora" / "zone_lexicon.tsv").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        cut = Path(tmp) / "zone_lexicon_without_new_words.tsv"
        cut.write_text(text.split(MARKER)[0], encoding="utf-8")
        variants = [
            ("all rules (default)", {}, None),
            ("matching inside words (no whole-word check)", {}, ZoneLexicon(whole_words=False)),
            ("setting words count beside the family", {"ignore_roles": ("setting",)}, None),
            ("event words count as places", {"ignore_roles": ("event",)}, None),
            ("context words count everywhere", {"ignore_roles": ("context",)}, None),
            ("a weak second word joins the region", {"min_member": 0.0}, None),
            ("siblings not a family topic", {"ignore_roles": ("topic",)}, None),
            ("repeated words add up", {"distinct": False, "saturation": 1.0}, None),
            ("distinct words add up (no saturation)", {"saturation": 1.0}, None),
            ("F/P win at 2x the core evidence (before)", {"side_dominance": 2.0}, None),
            ("neighbours before weak words (before)", {"weak_first": False}, None),
            ("without the vocabulary added for issue 14", {}, ZoneLexicon(cut)),
        ]
        print("\nablation (terms features; macro-F1 / exact region):")
        print("| variant | " + " | ".join(sets) + " |")
        print("|---|" + "---:|" * len(sets))
        for label, kw, lex in variants:
            cells = []
            for *_, s, _, _ in table_rows(sets, (), themes=False, placer_kw=kw, lexicon=lex, halves=False):
                cells.append(f"{s['macro_f1']:.3f} / {s['exact']:.3f}")
            print(f"| {label} | " + " | ".join(cells) + " |", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, default=DEV, help="the real labelled set (read in place)")
    ap.add_argument("--seeds", default="0,1,2", help="seeds of the themes stage's vectors (comma-separated)")
    ap.add_argument("--no-themes", action="store_true", help="only the terms features (fast)")
    ap.add_argument("--ablation", action="store_true", help="also each placement rule switched off")
    ap.add_argument("--errors", metavar="SET", help="also list the misplaced row ids of SET (e.g. homecare_dev)")
    ap.add_argument("--details", action="store_true",
                    help="also the older detailed report (kinds, timing, inference-only, sample workshop)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--lexicon", default=None)
    ap.add_argument("-v", "--verbose", action="store_true", help="(--details) list the misplaced invented notes")
    ap.add_argument("--vectors", choices=["none", "themes"], default="none",
                    help="(--details) also place with the themes stage's note vectors")
    ap.add_argument("--scale", type=int, nargs="*", default=[], metavar="N",
                    help="also time place_notes on N synthetic notes (pairs of labelled notes joined)")
    ap.add_argument("--class-balance", type=float, default=None, metavar="X",
                    help="ZonePlacer(class_balance=X) everywhere (default: ZonePlacer's; 0 = plain label spreading)")
    ap.add_argument("--min-share", type=float, default=None, metavar="X",
                    help="ZonePlacer(min_share=X) everywhere (default: ZonePlacer's; 0 = never abstain)")
    ap.add_argument("--no-inference", action="store_true",
                    help="(--details) skip the inference-only evaluation and the sample workshop's figures")
    ap.add_argument("--scale-vectors", choices=["random", "none"], default="random",
                    help="random (default): pass seeded 400-d unit vectors plus the terms, as `issuemine analyze` "
                         "does; none: terms only (the TF-IDF neighbour graph)")
    args = ap.parse_args(argv)
    from issuemine.diagram import ZoneLexicon

    lexicon = ZoneLexicon(args.lexicon)
    kw = {k: v for k, v in (("class_balance", args.class_balance), ("min_share", args.min_share))
          if v is not None}
    sets = labelled_sets(args.dev)
    seeds = [int(x) for x in args.seeds.split(",") if x.strip()]
    t0 = time.perf_counter()
    print(f"lexicon: {lexicon.path} ({len(lexicon)} entries)\n")
    print_table(table_rows(sets, seeds, themes=not args.no_themes, placer_kw=kw, lexicon=lexicon))
    print(f"\n(table: {time.perf_counter() - t0:.1f} s)")
    if args.errors:
        print_errors(sets, args.errors, lexicon)
    if args.ablation:
        ablation(sets)
    if args.details:
        details(args, lexicon, kw)
    for n in args.scale:
        scale(n, lexicon, args.runs, vectors=args.scale_vectors == "random", placer_kw=kw)
    return 0


def details(args, lexicon, kw) -> None:
    from issuemine.diagram import ZonePlacer, place_notes

    verbose = args.verbose
    default = ZonePlacer()
    print(f"\nclass_balance {kw.get('class_balance', default.class_balance)}, "
          f"min_share {kw.get('min_share', default.min_share)}")
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
