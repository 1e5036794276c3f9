"""Notes per second of issuemine's tokenizer against raw fugashi with a custom output format.

    .venv/bin/python bench/tokenizer_speed.py [--notes 100000] [--runs 5] [--seed 0] [--jobs 2]

Both sides get the same notes in one run. The baseline is what any fast caller must do at least:
``GenericTagger.parse`` with a custom output format (surface, POS, lemma, orthBase), one string per note,
split into lines and fields. The pipeline adds normalisation (NFKC + abbreviation map), compounds
(user dictionary), the POS/stop-word filter, negation and number handling. Runs alternate between the two
so a busy neighbour on the machine slows both alike; the medians are printed with their ratio
(target ≥ 0.8). The notes come from workshops/sample/notes.csv when it exists (sampled with replacement),
else from the short field sentences below, combined at random. ``--jobs N`` also times the compact
bulk calls ``term_ids`` / ``morpheme_ids`` with N worker processes (wall time, workers' start included)
against the same raw baseline (one core).
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADS = [
    "訪看STが少なく", "ショートステイの空きがなく", "Drと病院Nsの連携が取れていない", "相談支援専門員が医療的ケアをわからない",
    "退院前カンファレンスに地域が呼ばれない", "医ケア児を受け入れる保育園がない", "気切の子のヘルパーが見つからない",
    "在支診で小児を診てくれるところが少ない", "放デイの送迎で呼吸器の子は断られる", "レスパイト入院の枠が足りない",
    "24時間対応の訪問看護が近くにない", "きょうだいの行事に母親が出られない", "災害時の電源確保が不安",
    "学校看護師が足りず親が付き添い", "キーパーソンが誰か決まっていない", "病院主治医が地域資源を知らない",
    "区役所の窓口がたらい回し", "重心児の通所先が遠い", "PT・OTの訪問リハが月2回しかない", "胃ろうの注入を任せられない",
    "ケアマネみたいな人がいない", "サービス等利用計画がセルフプランばかり", "NICUから在宅移行が急すぎる",
    "自立支援法の頃から変わらない", "養護学校の送迎バスに乗れない", "顔の見える関係づくりが大事",
]
TAILS = [
    "。", "、家族の負担が大きい。", "ので困っている", "。情報共有の場がほしい。", "、母親が眠れない", "。連携できない",
    "、どこに相談すればいいのか分からない", "。多職種連携の研修が必要", "。地域格差がある", "。受け入れ先がない",
    "、ケース会議を開けない", "。緊急時の入院先が決まっていない", "", "、区によって違う",
]


def field_notes(n: int, seed: int, synthetic: bool = False) -> list[str]:
    rng = random.Random(seed)
    sample = ROOT / "workshops" / "sample" / "notes.csv"
    if sample.is_file() and not synthetic:
        try:
            from issuemine.ingest import read_notes

            texts = [t for t in read_notes(sample)["text"].astype(str).tolist() if t.strip()]
        except Exception:  # the ingest module may not exist yet
            with sample.open(encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.DictReader(fh))
            key = next((k for k in (rows[0] if rows else {}) if k in ("text", "内容", "課題", "付箋")), None)
            texts = [r[key] for r in rows if key and r[key].strip()]
        if texts:
            return [rng.choice(texts) for _ in range(n)]
    return [rng.choice(HEADS) + rng.choice(TAILS) + rng.choice(HEADS) + rng.choice(TAILS) for _ in range(n)]


def run_raw(tagger, notes):
    parse = tagger.parse
    return [[line.split("\t") for line in parse(t).split("\n")] for t in notes]


def run_pipeline(tok, notes):
    return tok.terms_many(notes)


def run_tokens(tok, notes):
    return tok.tokens_many(notes)


def timed(fn, *args) -> float:
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        t0 = time.perf_counter()
        fn(*args)
        return time.perf_counter() - t0
    finally:
        gc.enable()
        gc.unfreeze()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notes", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--synthetic", action="store_true",
                    help="use the longer combined field sentences even when the sample workshop exists")
    ap.add_argument("--tokens", action="store_true", help="also time tokens_many (Token objects with offsets)")
    ap.add_argument("--jobs", type=int, default=0,
                    help="also time term_ids and morpheme_ids (compact ids) with this many worker processes")
    args = ap.parse_args()

    import fugashi
    import unidic_lite

    from issuemine.text import JapaneseTokenizer
    from issuemine.text.tokenizer import tagger_args

    notes = field_notes(args.notes, args.seed, args.synthetic)
    mean_chars = statistics.fmean(len(t) for t in notes)
    raw = fugashi.GenericTagger(tagger_args(unidic_lite.DICDIR))
    JapaneseTokenizer().fit()  # build the user dictionary once, outside the timings
    raw_t, pipe_t, tok_t, ids_t, morph_t = [], [], [], [], []
    for _ in range(args.runs):
        raw_t.append(timed(run_raw, raw, notes))
        tok = JapaneseTokenizer().fit()  # fresh tokenizer: its morpheme cache is rebuilt inside the timing
        pipe_t.append(timed(run_pipeline, tok, notes))
        if args.tokens:
            tok_t.append(timed(run_tokens, JapaneseTokenizer().fit(), notes))
        if args.jobs:  # wall time including starting the workers (~0.3 s each)
            ids_t.append(timed(lambda t, n: t.term_ids(n, n_jobs=args.jobs), JapaneseTokenizer().fit(), notes))
            morph_t.append(timed(lambda t, n: t.morpheme_ids(n, n_jobs=args.jobs), JapaneseTokenizer().fit(), notes))
    raw_rate = args.notes / statistics.median(raw_t)
    pipe_rate = args.notes / statistics.median(pipe_t)
    print(f"notes: {args.notes} (mean {mean_chars:.1f} chars), runs: {args.runs}, compounds: {tok.compound_backend_}")
    print(f"raw fugashi GenericTagger.parse + split : {raw_rate:10,.0f} notes/s (median {statistics.median(raw_t):.2f} s)")
    print(f"issuemine JapaneseTokenizer.terms_many  : {pipe_rate:10,.0f} notes/s (median {statistics.median(pipe_t):.2f} s)")
    if tok_t:
        rate = args.notes / statistics.median(tok_t)
        print(f"issuemine JapaneseTokenizer.tokens_many : {rate:10,.0f} notes/s (median {statistics.median(tok_t):.2f} s)")
    for label, times in ((f"term_ids, {args.jobs} worker processes  ", ids_t),
                         (f"morpheme_ids, {args.jobs} worker processes", morph_t)):
        if times:
            rate = args.notes / statistics.median(times)
            print(f"issuemine {label}: {rate:10,.0f} notes/s (median {statistics.median(times):.2f} s, "
                  f"{rate / raw_rate:.2f} x raw)")
    print(f"ratio pipeline / raw                    : {pipe_rate / raw_rate:.2f}  (target >= 0.80)")


if __name__ == "__main__":
    main()
