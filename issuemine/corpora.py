"""Where the plain data files live (dictionaries, stop words, lexicons, scales, codebook).

Users extend the files under the repository's ``corpora/`` or point ``ISSUEMINE_CORPORA`` at a folder
of their own; a wheel carries a copy as ``issuemine/_corpora`` (and the sample workshops as
``issuemine/_workshops``). Every loader takes an explicit path too.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(folder: str) -> Path:
    """A folder the wheel carries as ``issuemine/_<folder>`` (pyproject's force-include), else the source
    tree's ``<folder>/`` beside the package (a clone or an editable install)."""
    installed = _PACKAGE / f"_{folder}"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / folder


def corpora_dir() -> Path:
    """The folder of data files: $ISSUEMINE_CORPORA, else the installed copy, else the source tree's."""
    env = os.environ.get("ISSUEMINE_CORPORA")
    if env:
        return Path(env)
    return _bundled("corpora")


def workshops_dir() -> Path:
    """The bundled fictional sample workshops (``workshops/`` in a clone, ``issuemine/_workshops`` in a wheel)."""
    return _bundled("workshops")


def is_source_tree() -> bool:
    """True when running from a clone (or an editable install) rather than an installed wheel."""
    return not (_PACKAGE / "_workshops").is_dir() and (_PACKAGE.parent / "pyproject.toml").is_file()


def corpus_path(name: str) -> Path:
    """Path of one data file, e.g. ``corpus_path("stopwords.txt")``."""
    return corpora_dir() / name


def read_data_rows(
    path: str | Path,
    *,
    what: str,
    header: tuple[str, ...] | None = None,
    header_optional: bool = False,
) -> list[tuple[int, list[str]]]:
    """Rows of a user-editable data file as ``(line number, cells)``: UTF-8 (BOM allowed), tab-separated.

    Blank lines and ``#`` comments are skipped, cells stripped. With ``header``, the first row must start
    with those column names (case-insensitive) and is not returned; ``header_optional`` accepts a file
    without one. ``what`` names the file in Japanese for the messages, e.g. 「略語表」. Every failure is a
    ``ConfigError`` naming the file (and the row).
    """
    from issuemine.errors import ConfigError

    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError:
        raise ConfigError(f"{what}を開けません。", file=path, hint="パスを確かめてください") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{what}が UTF-8 ではありません。", file=path,
                          hint="UTF-8 で保存し直してください") from None
    rows = [(n, [c.strip() for c in line.split("\t")])
            for n, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.lstrip().startswith("#")]
    if header is None:
        return rows
    expected = "<TAB>".join(header)
    if rows and [c.lower() for c in rows[0][1][: len(header)]] == list(header):
        return rows[1:]
    if header_optional:
        return rows
    if not rows:
        raise ConfigError(f"{what}が空です。", file=path, hint=f"見出し「{expected}」と中身を書いてください")
    raise ConfigError(f"{what}の見出し行は「{expected}」にしてください。", file=path, row=rows[0][0],
                      hint="1行目(コメントを除く)を見出しにしてください")


def read_words(path: str | Path, *, what: str) -> list[tuple[int, str]]:
    """A one-word-per-line data file as ``(line number, word)``; blank lines and ``#`` comments skipped."""
    return [(n, cells[0]) for n, cells in read_data_rows(path, what=what)]


def cache_dir() -> Path:
    """Per-user cache for derived artefacts (compiled user dictionary, exported word vectors)."""
    env = os.environ.get("ISSUEMINE_CACHE")
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "issuemine"
    base.mkdir(parents=True, exist_ok=True)
    return base
