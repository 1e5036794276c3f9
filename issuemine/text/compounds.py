"""The field's compounds kept whole: a MeCab user dictionary built at run time, or longest-match merging.

UniDic splits 訪問看護ステーション, 相談支援専門員, 医療的ケア児 … into pieces. The preferred way to keep them
whole is a user dictionary compiled from ``corpora/compounds.txt`` with ``fugashi.build_dictionary``
(MeCab's ``mecab-dict-index``) into ``issuemine.corpora.cache_dir()``, keyed by the hash of the compound
list and the dictionary: MeCab then emits each compound as one morpheme and merging costs nothing per
token. ``mecab-dict-index`` calls ``exit()`` on any error, so it runs in a child process; if it cannot run
(no writable cache, no subprocess), :class:`CompoundMerger` merges tokens by longest match instead.

Only compounds the base dictionary actually splits go into the user dictionary: words UniDic already keeps
whole (病院, 学校) keep their own lemma and part of speech.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

from issuemine.corpora import cache_dir, corpus_path, read_data_rows
from issuemine.errors import ConfigError

# Word cost of a compound. Low enough to beat the sum of its pieces plus connection costs, positive so
# that one long compound beats two short ones covering the same span (longest match).
COMPOUND_COST = 1000
COMPOUND_POS = ("名詞", "普通名詞", "一般")
_BUILD_VERSION = "1"  # bump to invalidate cached dictionaries built by an older version of this module


def load_compounds(path: str | Path | None = None) -> list[str]:
    """Compounds from a one-per-line file (``#`` comments), NFKC-normalised, de-duplicated, in file order."""
    path = Path(path) if path is not None else corpus_path("compounds.txt")
    out: dict[str, None] = {}
    for row, cells in read_data_rows(path, what="複合語リスト"):
        word = unicodedata.normalize("NFKC", cells[0])
        if len(cells) > 1 or any(ch.isspace() for ch in word) or "," in word or '"' in word:
            raise ConfigError("複合語に空白・タブ・カンマ・引用符は使えません。", file=path, row=row, column="1")
        out[word] = None
    return list(out)


def _csv_row(word: str) -> str:
    # 26 UniDic feature fields; left/right context ids left empty so mecab-dict-index assigns them.
    features = [*COMPOUND_POS, "*", "*", "*", "*", word, word, "*", word, "*", "混"] + ["*"] * 13
    return ",".join([word, "", "", str(COMPOUND_COST), *features])


def dictionary_key(words: list[str], dicdir: str) -> str:
    """Hash of what the compiled dictionary depends on: the CSV (words, cost, layout) and the system dictionary."""
    h = hashlib.sha256()
    h.update(_BUILD_VERSION.encode())
    h.update(str(Path(dicdir).resolve()).encode())
    version = Path(dicdir, "version")
    if version.is_file():
        h.update(version.read_bytes())
    h.update("".join(_csv_row(w) + "\n" for w in words).encode("utf-8"))
    return h.hexdigest()[:16]


def build_user_dictionary(words: list[str], dicdir: str, target: Path) -> Path:
    """Compile ``words`` into a MeCab user dictionary at ``target`` (atomically). Raises ``RuntimeError``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        csv = Path(tmp, "compounds.csv")
        csv.write_text("".join(_csv_row(w) + "\n" for w in words), encoding="utf-8")
        out = Path(tmp, "user.dic")
        q = shlex.quote
        args = f"mecab-dict-index -d {q(str(dicdir))} -u {q(str(out))} -f utf8 -t utf8 {q(str(csv))}"
        # mecab-dict-index exits the process on error: never call it in ours.
        proc = subprocess.run(
            [sys.executable, "-c", "import sys, fugashi; fugashi.build_dictionary(sys.argv[1])", args],
            capture_output=True, timeout=120,
        )
        if proc.returncode != 0 or not out.is_file():
            raise RuntimeError(f"mecab-dict-index failed ({proc.returncode})")
        os.replace(out, target)  # atomic: concurrent builders never see a half-written file
    return target


def user_dictionary(words: list[str], dicdir: str) -> Path | None:
    """Path of the cached user dictionary for ``words``, building it if needed; ``None`` if impossible."""
    if not words:
        return None
    try:
        target = cache_dir() / "userdic" / f"compounds-{dictionary_key(words, dicdir)}.dic"
        if target.is_file():
            return target
        return build_user_dictionary(words, dicdir, target)
    except (OSError, RuntimeError, subprocess.SubprocessError):
        return None


class CompoundMerger:
    """Longest-match merging of consecutive morphemes into the listed compounds (the fallback path).

    Works on surfaces only: a compound is merged when it is exactly the concatenation of consecutive
    morphemes, so 在宅医 never matches inside 在宅|医療.
    """

    def __init__(self, words: list[str]) -> None:
        self.words = frozenset(words)
        self.max_chars = max((len(w) for w in words), default=0)

    def spans(self, surfaces: list[str]) -> list[tuple[int, int]]:
        """Half-open index ranges ``(i, j)`` of morphemes to merge (only ranges of two or more)."""
        out = []
        i, n = 0, len(surfaces)
        while i < n:
            best = 0
            text = surfaces[i]
            j = i + 1
            while j < n and len(text) + len(surfaces[j]) <= self.max_chars:
                text += surfaces[j]
                j += 1
                if text in self.words:
                    best = j
            if best:
                out.append((i, best))
                i = best
            else:
                i += 1
        return out
