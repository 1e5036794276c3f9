"""Reading speed of issuemine.ingest.read_notes: notes per second, median of several runs.

    .venv/bin/python bench/ingest.py [--notes 100000] [--groups 8] [--runs 3] [--single] [--chars 30]
                                     [--formats utf8,cp932,eucjp,xlsx]

Builds workshop files in a temporary folder from the bundled sample's notes (each made of the first half
of one sample note and the second half of another, seeded, so most are distinct and a few are duplicates)
as UTF-8 CSV, CP932 CSV, EUC-JP CSV and .xlsx, then times read_notes on each. The duplicate search runs
within groups: --groups 1 puts every note in one group. --single writes a one-column file (header
``text``, no group column: every note in one group, the common case). --chars N joins halves until a
note has at least N characters (the sample's notes average 17). --stress appends a counter to repeated
sample notes instead, which makes ~90 % of notes near duplicates (the duplicate search's worst case).
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build_rows(n: int, groups: int, stress: bool = False, chars: int = 0) -> list[list[str]]:
    import random

    from issuemine.ingest import read_notes

    base = read_notes(ROOT / "workshops" / "sample" / "notes.csv")
    texts, profs = base["text"].tolist(), base["profession"].tolist()
    rng = random.Random(0)
    rows = []
    for i in range(n):
        if stress:
            text = f"{texts[i % len(texts)]}({i // len(texts)})"
        else:
            a, b = rng.choice(texts), rng.choice(texts)
            text = a[: len(a) // 2] + b[len(b) // 2:]
            while len(text) < chars:
                c = rng.choice(texts)
                text += c[len(c) // 2:]
        rows.append([f"G{i % groups + 1}", profs[i % len(profs)], "1", text])
    return rows


def write_files(rows, folder: Path, xlsx_max: int, formats: list[str], single: bool) -> dict[str, Path]:
    header = ["グループ", "職種", "回", "内容"]
    if single:  # a one-column file: no group column, so every note is in one group
        header, rows = ["text"], [[r[3]] for r in rows]
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    text = buf.getvalue()
    files = {}
    for name, enc in (("utf8.csv", "utf-8"), ("cp932.csv", "cp932"), ("eucjp.csv", "euc-jp")):
        if name.split(".")[0] in formats:
            files[name] = folder / name
            files[name].write_bytes(text.encode(enc, errors="replace"))
    if "xlsx" in formats:
        import openpyxl

        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("付箋")
        ws.append(header)
        for r in rows[:xlsx_max]:
            ws.append(r)
        files["notes.xlsx"] = folder / "notes.xlsx"
        wb.save(files["notes.xlsx"])
    return files


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=100_000)
    ap.add_argument("--groups", type=int, default=8)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--xlsx-notes", type=int, default=20_000)
    ap.add_argument("--stress", action="store_true")
    ap.add_argument("--single", action="store_true", help="one-column file, every note in one group")
    ap.add_argument("--chars", type=int, default=0, help="minimum characters per note")
    ap.add_argument("--formats", default="utf8,cp932,eucjp,xlsx")
    args = ap.parse_args()
    from issuemine.ingest import read_notes

    rows = build_rows(args.notes, args.groups, args.stress, args.chars)
    mean_chars = sum(len(r[3]) for r in rows) / len(rows)
    with tempfile.TemporaryDirectory() as tmp:
        files = write_files(rows, Path(tmp), args.xlsx_notes, args.formats.split(","), args.single)
        groups = 1 if args.single else args.groups
        print(f"notes={args.notes:,} groups={groups} single={args.single} chars={mean_chars:.1f} "
              f"stress={args.stress} runs={args.runs} (median)")
        files["sample"] = ROOT / "workshops" / "sample" / "notes.csv"  # the bundled 737 notes, as shipped
        for name, path in files.items():
            times, cpu = [], []
            for _ in range(args.runs):
                t0, c0 = time.perf_counter(), time.process_time()
                df = read_notes(path, max_bytes=1 << 30)
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            med, med_cpu = statistics.median(times), statistics.median(cpu)
            size = path.stat().st_size / 2**20
            # CPU time is printed too: on a shared machine wall time mostly measures the neighbours
            print(f"{name:12s} {len(df):>8,} notes {size:6.1f} MB  wall {med:7.3f} s  cpu {med_cpu:7.3f} s"
                  f"  {len(df) / med_cpu:>9,.0f} notes/cpu-s"
                  f"  (dup {df.attrs['report'].duplicates}, near {df.attrs['report'].near_duplicates})")


if __name__ == "__main__":
    main()
