"""The domain codebook (corpora/codebook.tsv) and the guided-mode matcher.

A note *clearly* matches a codebook theme when it contains more of that theme's seed terms than of any
other theme's (ties go to clustering: a note about 訪問看護 and 連携 is not clearly either). Seed terms
and notes are normalised by the same pipeline, so abbreviations match their full forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from issuemine.errors import ConfigError

COLUMNS = ["id", "name", "heading", "seed_terms"]
_DISCOVERED_ID = re.compile(r"^T\d+$")


@dataclass(frozen=True)
class CodebookTheme:
    id: str
    name: str
    heading: str
    seeds: tuple[str, ...]


def default_codebook_path() -> Path:
    from issuemine.corpora import corpus_path

    return corpus_path("codebook.tsv")


def load_codebook(path: str | Path) -> list[CodebookTheme]:
    """Read and check a codebook; every problem is a ConfigError naming file, row and column."""
    from issuemine.text import normalize

    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("コードブックを読めません。", file=path,
                          hint="UTF-8 のタブ区切りファイルを指定してください") from exc
    rows = [(n, line) for n, line in enumerate(raw.splitlines(), start=1)
            if line.strip() and not line.lstrip().startswith("#")]
    if not rows:
        raise ConfigError("コードブックが空です。", file=path)
    header_row, header = rows[0]
    cols = [c.strip() for c in header.split("\t")]
    if cols[:4] != COLUMNS:
        raise ConfigError(f"見出し行は {' / '.join(COLUMNS)} のタブ区切りにしてください。", file=path,
                          row=header_row)
    out, seen = [], set()
    for n, line in rows[1:]:
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) < 4:
            raise ConfigError(f"列が {len(cells)} つしかありません(4 つ必要です)。", file=path, row=n)
        tid, name, heading, seeds = cells[:4]
        for col, val in zip(COLUMNS, (tid, name, heading, seeds)):
            if not val:
                raise ConfigError("空欄です。", file=path, row=n, column=col)
        if tid in seen:
            raise ConfigError(f"ID「{tid}」が重複しています。", file=path, row=n, column="id")
        if _DISCOVERED_ID.match(tid):
            raise ConfigError(f"ID「{tid}」は自動で見つけたテーマ用(T01 など)と紛らわしいため使えません。",
                              file=path, row=n, column="id", hint="C01 のような ID にしてください")
        seen.add(tid)
        norm = tuple(dict.fromkeys(normalize(s) for s in seeds.split() if s.strip()))
        out.append(CodebookTheme(tid, name, heading, norm))
    if not out:
        raise ConfigError("コードブックにテーマの行がありません。", file=path)
    return out


class CodebookMatcher:
    """``match(norm_texts)`` → index of the clearly matching codebook theme per note, or -1."""

    def __init__(self, codebook: list[CodebookTheme], min_hits: int = 1):
        self.codebook = codebook
        self.min_hits = min_hits

    def hits(self, norm_texts: list[str]) -> np.ndarray:
        """(n_notes, n_themes) count of distinct seed terms found in each note.

        A seed found only inside a longer seed of the same theme that is also found (病院 in 大学病院,
        短期入所 in 医療型短期入所) is not counted again: one word of the note is one piece of evidence.
        """
        out = np.zeros((len(norm_texts), len(self.codebook)), dtype=np.int32)
        for j, theme in enumerate(self.codebook):
            for i, text in enumerate(norm_texts):
                found = [seed for seed in theme.seeds if seed in text]
                if len(found) > 1:
                    found = [s for s in found
                             if not any(s != t and s in t and text.count(s) <= text.count(t) for t in found)]
                out[i, j] = len(found)
        return out

    def match(self, norm_texts: list[str]) -> np.ndarray:
        h = self.hits(norm_texts)
        self.hits_ = h
        if h.shape[1] == 0:
            return np.full(len(norm_texts), -1, dtype=int)
        best = h.argmax(axis=1)
        top = h.max(axis=1)
        second = np.sort(h, axis=1)[:, -2] if h.shape[1] > 1 else np.zeros(len(h), dtype=np.int32)
        clear = (top >= self.min_hits) & (top > second)
        return np.where(clear, best, -1)
