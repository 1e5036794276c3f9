"""Text normalisation before tokenizing: NFKC, whitespace, then the abbreviation / 表記ゆれ map.

The map lives in ``corpora/abbreviations.tsv`` (columns ``from``, ``to``, ``note``). All spellings are
compiled into one regular expression, longest first, so at each position the longest spelling wins
(訪看ST before 訪看 and ST; a row whose ``to`` equals its ``from`` protects a spelling such as 人工呼吸器
from the shorter 呼吸器 rule). Spellings made only of ASCII letters, digits and dots match as whole words
only, so Dr, Ns, PT, OT and ST never fire inside other Latin words; katakana spellings of at most four
characters (ショート, ケアマネ) likewise only as a whole katakana word. The original text is never changed
in place: callers keep it beside the normalised one (NOTES.text stays exactly as written).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from issuemine.corpora import corpus_path, read_data_rows
from issuemine.errors import ConfigError

# Whitespace, control and zero-width characters: MeCab reads C strings (a NUL would cut the note
# short) and invisible characters split compounds.
_SPACES = re.compile("[\\s\x00-\x08\x0e-\x1b\x7f-\x9f\u200b-\u200d\u2060\ufeff]+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9.]+")
_SHORT_KATAKANA = re.compile(r"[ァ-ヺー・]{1,4}")
_LATIN = re.compile(r"[A-Za-z]")
_KATAKANA = re.compile(r"[ァ-ヺー]")
# Two typing artefacts, fixed in one pass: a dash typed for the long-vowel mark after katakana
# (キーパ―ソン, コーディネータ―: the IME's ―, ‐, –, —, −, or an ASCII hyphen between katakana), which would hide the
# word and every seed term built on it; and a space between a number and the Japanese after it (24 時間),
# which MeCab drops, so the number and its counter stay one term whose surface is the text.
_TYPING = re.compile("(?<=[ァ-ヺ])(?:[\u2010\u2013\u2014\u2015\u2212]|-(?=[ァ-ヺ]))|(?<=[0-9]) (?=[^\x00-\x7f])")


def _fix_typing(match: re.Match) -> str:
    return "" if match.group() == " " else "ー"


def load_abbreviations(path: str | Path | None = None) -> dict[str, str]:
    """Read the abbreviation map: ``{from: to}``, spellings NFKC-normalised.

    Raises ``ConfigError`` naming the file, row and column for a malformed row.
    """
    path = Path(path) if path is not None else corpus_path("abbreviations.tsv")
    mapping: dict[str, str] = {}
    for row, cells in read_data_rows(path, what="略語表", header=("from", "to")):
        if len(cells) < 2 or not cells[0] or not cells[1]:
            column = "from" if not cells[0] else "to"
            raise ConfigError("略語表の行に空欄があります(タブ区切りで from と to が必要です)。",
                              file=path, row=row, column=column)
        source = unicodedata.normalize("NFKC", cells[0])
        target = unicodedata.normalize("NFKC", cells[1])
        if source in mapping and mapping[source] != target:
            raise ConfigError("同じ略語に異なる置き換え先が書かれています。", file=path, row=row, column="from")
        mapping[source] = target
    return mapping


def _boundary(spelling: str) -> re.Pattern | None:
    """Characters that must not touch a spelling, or ``None`` when it may match anywhere."""
    if _ASCII_WORD.fullmatch(spelling):
        return _LATIN  # Dr, Ns, PT, OT, ST: whole words only (digits may follow: PT2名)
    if _SHORT_KATAKANA.fullmatch(spelling):
        return _KATAKANA  # ショート, ケアマネ: whole katakana words only, not ショートカット
    return None


def _pattern(spelling: str) -> str:
    # The left boundary is checked in Python (Normalizer._replace), not by a look-behind: every
    # alternative then starts with a literal, and the regex engine skips ahead to the few positions
    # whose character can start a spelling. That keeps normalising cheaper than tokenizing.
    boundary = _boundary(spelling)
    escaped = re.escape(spelling)
    return escaped + (f"(?!{boundary.pattern})" if boundary is not None else "")


class Normalizer:
    """Callable text normaliser: ``Normalizer()(text) -> str``.

    Steps, in order: Unicode NFKC (full-width Latin and digits to half-width, half-width kana to
    full-width), control and zero-width characters and every run of whitespace to one ASCII space,
    strip, a dash typed after katakana to the long-vowel mark ー, a space between a digit and the
    Japanese after it dropped, then the abbreviation map.
    """

    def __init__(self, abbreviations: str | Path | None = None) -> None:
        self.abbreviations = abbreviations
        self.mapping = load_abbreviations(abbreviations)
        # Identity rows only protect: they stay in the alternation, the replacement is a no-op.
        spellings = sorted(self.mapping, key=lambda s: (-len(s), s))
        self._regex = re.compile("|".join(_pattern(s) for s in spellings)) if spellings else None
        self._left = {s: b for s in spellings if (b := _boundary(s)) is not None}

    def __call__(self, text: str) -> str:
        text = unicodedata.normalize("NFKC", text)
        text = _SPACES.sub(" ", text).strip()
        text = _TYPING.sub(_fix_typing, text)
        if self._regex is not None:
            expanded = self._expand(text)
            if expanded != text:
                # an expansion can put Japanese after a digit and a space (24 ST → 24 言語聴覚士): fix that
                # spacing too, so normalising twice changes nothing
                text = _TYPING.sub(_fix_typing, expanded)
        return text

    def _expand(self, text: str) -> str:
        out: list[str] = []
        last = 0
        for match in self._regex.finditer(text):
            start, end = match.span()
            found = match.group()
            left = self._left.get(found)
            # Glued to the previous word (xDr, アショート): not this abbreviation. A neighbour that is
            # itself being replaced (訪看ST|ST) does not count, so normalising twice changes nothing.
            if left is not None and start and start != last and left.match(text, start - 1):
                continue
            out.append(text[last:start])
            out.append(self.mapping[found])
            last = end
        if not out:
            return text
        out.append(text[last:])
        return "".join(out)

    def __repr__(self) -> str:
        return f"Normalizer(abbreviations={self.abbreviations!r})"

    def __getstate__(self):
        return {"abbreviations": self.abbreviations}

    def __setstate__(self, state):
        self.__init__(state["abbreviations"])


_DEFAULT: Normalizer | None = None


def default_normalizer() -> Normalizer:
    """The normaliser built from the bundled ``corpora/abbreviations.tsv`` (built once, then reused)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Normalizer()
    return _DEFAULT


def normalize(text: str) -> str:
    """Normalise one text with the default :class:`Normalizer`."""
    return default_normalizer()(text)
