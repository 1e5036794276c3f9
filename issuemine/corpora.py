"""Where the plain data files live (dictionaries, stop words, lexicons, scales, codebook).

Users extend the files under the repository's ``corpora/`` or point ``ISSUEMINE_CORPORA`` at a folder
of their own; a wheel carries a copy as ``issuemine/_corpora``. Every loader takes an explicit path too.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def corpora_dir() -> Path:
    """The folder of data files: $ISSUEMINE_CORPORA, else the installed copy, else the source tree's."""
    env = os.environ.get("ISSUEMINE_CORPORA")
    if env:
        return Path(env)
    installed = _PACKAGE / "_corpora"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / "corpora"


def corpus_path(name: str) -> Path:
    """Path of one data file, e.g. ``corpus_path("stopwords.txt")``."""
    return corpora_dir() / name


def read_lines(path: str | Path) -> list[str]:
    """Non-empty, non-comment (#) lines of a UTF-8 data file, stripped."""
    out = []
    for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def read_tsv(path: str | Path) -> list[list[str]]:
    """Rows of a tab-separated data file: comments (#) and blank lines skipped, header row included."""
    return [[cell.strip() for cell in line.split("\t")] for line in read_lines(path)]


def cache_dir() -> Path:
    """Per-user cache for derived artefacts (compiled user dictionary, exported word vectors)."""
    env = os.environ.get("ISSUEMINE_CACHE")
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "issuemine"
    base.mkdir(parents=True, exist_ok=True)
    return base
