"""The domain codebook (corpora/codebook.tsv) and the guided-mode matcher.

A note *clearly* matches a codebook theme when it contains more of that theme's seed terms than of any
other theme's (ties go to clustering: a note about 訪問看護 and 連携 is not clearly either). Seed terms
and notes are normalised by the same pipeline, so abbreviations match their full forms.

Seeds match whole words when the notes' tokens are given: a seed must start and end where the tokenizer
cut the note, except that a seed of two or more characters may also be the first or last piece of one
longer word (訪問看護 in 訪問看護ステーション, 短期入所 in 医療型短期入所). A one-character seed (親) must be a
word of its own, so 親 does not match inside 親切 and 区 not inside 地区.

``MIN_COVERAGE``: when fewer than this share of a workshop's notes clearly match the codebook, the
workshop is about something else (measured: medweb symptoms 6 %, sib200 encyclopedic sentences 12 %,
homecare_dev 60 %, the sample workshop 80 %) and the model clusters it unsupervised, saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from issuemine.errors import ConfigError

COLUMNS = ["id", "name", "heading", "seed_terms"]
OPTIONAL_COLUMNS = ["context_terms"]
_DISCOVERED_ID = re.compile(r"^T\d+$")
MIN_COVERAGE = 0.25   # lower 95 % bound of the clearly matched share (guided.coverage_bound)
CONTEXT_WEIGHT = 0.5


@dataclass(frozen=True)
class CodebookTheme:
    id: str
    name: str
    heading: str
    seeds: tuple[str, ...]
    # words naming who or where (家族, 病院) rather than the problem: half a seed (module doc)
    context: tuple[str, ...] = ()


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
    if len(cols) > 4 and cols[4] and cols[4] not in OPTIONAL_COLUMNS:
        raise ConfigError(f"5 列目の見出し「{cols[4]}」は使えません({' / '.join(OPTIONAL_COLUMNS)} か空欄にしてください)。",
                          file=path, row=header_row, column=cols[4])
    has_context = len(cols) > 4 and cols[4] == "context_terms"
    out, seen = [], set()
    for n, line in rows[1:]:
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) < 4:
            raise ConfigError(f"列が {len(cells)} つしかありません(4 つ必要です)。", file=path, row=n)
        tid, name, heading, seeds = cells[:4]
        context = cells[4] if has_context and len(cells) > 4 else ""
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
        ctx = tuple(w for w in dict.fromkeys(normalize(s) for s in context.split() if s.strip()) if w not in norm)
        out.append(CodebookTheme(tid, name, heading, norm, ctx))
    if not out:
        raise ConfigError("コードブックにテーマの行がありません。", file=path)
    return out


class CodebookMatcher:
    """``match(norm_texts)`` → index of the clearly matching codebook theme per note, or -1.

    ``min_hits``: the least evidence that places a note (a seed term is 1, a context term ``CONTEXT_WEIGHT``).
    """

    def __init__(self, codebook: list[CodebookTheme], min_hits: float = CONTEXT_WEIGHT):
        self.codebook = codebook
        self.min_hits = min_hits

    @staticmethod
    def _bounds(text: str, toks) -> tuple[frozenset, frozenset] | None:
        """Token start and end offsets of a note, or None (substring matching) when they do not fit it."""
        if toks is None:
            return None
        starts, ends = set(), set()
        for t in toks:
            if text[t.start:t.end] != t.surface:
                return None
            starts.add(t.start)
            ends.add(t.end)
        return frozenset(starts), frozenset(ends)

    @staticmethod
    def _whole(seed: str, text: str, bounds) -> bool:
        """``seed`` occurs in ``text`` as a word (see the module doc), or anywhere when ``bounds`` is None."""
        pos = text.find(seed)
        if bounds is None:
            return pos >= 0
        starts, ends = bounds
        while pos >= 0:
            end = pos + len(seed)
            at_start, at_end = pos in starts, end in ends
            if (at_start and at_end) or (len(seed) >= 2 and (at_start or at_end)):
                return True
            pos = text.find(seed, pos + 1)
        return False

    def _count(self, words, text: str, bounds) -> int:
        found = [w for w in words if w in text and self._whole(w, text, bounds)]
        if len(found) > 1:
            found = [s for s in found if not any(s != t and s in t and text.count(s) <= text.count(t) for t in found)]
        return len(found)

    def hits(self, norm_texts: list[str], tokens=None) -> np.ndarray:
        """(n_notes, n_themes) evidence for each theme: distinct seed terms found, plus ``CONTEXT_WEIGHT``
        for each distinct context term (float).

        ``tokens`` (per note, ``issuemine.text.Token`` lists with offsets into the normalised text): seeds
        must be whole words (module doc); None: any substring counts.
        A seed found only inside a longer seed of the same theme that is also found (病院 in 大学病院,
        短期入所 in 医療型短期入所) is not counted again: one word of the note is one piece of evidence.
        """
        out = np.zeros((len(norm_texts), len(self.codebook)), dtype=np.float64)
        bounds = [self._bounds(t, tokens[i] if tokens is not None else None) for i, t in enumerate(norm_texts)]
        for j, theme in enumerate(self.codebook):
            context = getattr(theme, "context", ())   # themes pickled before context terms existed
            for i, text in enumerate(norm_texts):
                out[i, j] = self._count(theme.seeds, text, bounds[i])
                if context:
                    out[i, j] += CONTEXT_WEIGHT * self._count(context, text, bounds[i])
        return out

    def match(self, norm_texts: list[str], tokens=None) -> np.ndarray:
        return self.decide(self.hits(norm_texts, tokens))

    def decide(self, h: np.ndarray) -> np.ndarray:
        """Clearly matching theme per note from seed hits (``hits``), else -1; keeps ``hits_``."""
        self.hits_ = h
        if h.shape[1] == 0:
            return np.full(len(h), -1, dtype=int)
        best = h.argmax(axis=1)
        top = h.max(axis=1)
        second = np.sort(h, axis=1)[:, -2] if h.shape[1] > 1 else np.zeros(len(h))
        clear = (top > 0) & (top >= self.min_hits) & (top > second)
        return np.where(clear, best, -1)
