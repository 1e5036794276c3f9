"""Helpers for the survey tests: questionnaires written as real files in the shapes users hand over.

Imported relatively: tests/survey is a package.
"""

from __future__ import annotations

import csv
from pathlib import Path

U4 = {4: "とてもわかる", 3: "わかる", 2: "わからない", 1: "まったくわからない"}
A5 = {5: "そう思う", 4: "ややそう思う", 3: "どちらともいえない", 2: "あまりそう思わない", 1: "そう思わない"}


def write_csv(path: Path, header: list[str], rows: list[list], encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def long_rows(data: dict[str, list[tuple[int | None, int | None]]], labels=U4, ids=True):
    """data: item -> [(pre, post) per respondent]; None = no answer. One row per respondent × phase."""
    items = list(data)
    n = len(next(iter(data.values())))
    header = (["回答者ID"] if ids else []) + ["時期"] + items
    rows = []
    for phase, k in (("研修前", 0), ("研修後", 1)):
        for r in range(n):
            cells = []
            for it in items:
                v = data[it][r][k]
                cells.append("" if v is None else labels[v] if labels else str(v))
            rows.append(([f"P{r + 1:02d}"] if ids else []) + [phase] + cells)
    return header, rows
