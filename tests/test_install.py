"""What a pip user gets: the bundled sample and corpora found from an installed layout, the one-time setup."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import issuemine.corpora as corpora

ROOT = Path(__file__).resolve().parent.parent


def test_source_tree_layout_finds_the_repository_folders():
    assert corpora.workshops_dir() == ROOT / "workshops"
    assert (corpora.workshops_dir() / "sample" / "notes.csv").is_file()
    assert corpora.is_source_tree()


def test_installed_layout_prefers_the_packaged_copies(tmp_path, monkeypatch):
    pkg = tmp_path / "site-packages" / "issuemine"
    shutil.copytree(ROOT / "workshops", pkg / "_workshops")
    shutil.copytree(ROOT / "corpora", pkg / "_corpora")
    monkeypatch.setattr(corpora, "_PACKAGE", pkg)
    monkeypatch.delenv("ISSUEMINE_CORPORA", raising=False)
    assert corpora.workshops_dir() == pkg / "_workshops"
    assert corpora.corpora_dir() == pkg / "_corpora"
    assert not corpora.is_source_tree()
    monkeypatch.chdir(tmp_path)
    from issuemine.cli.commands import demo

    assert demo.sample_dir() == pkg / "_workshops" / "sample"
    assert demo.default_out() == tmp_path / "reports" / "sample"  # never inside site-packages


def test_pyproject_ships_the_sample_and_the_corpora_in_the_wheel():
    import tomllib

    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    inc = cfg["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert inc == {"corpora": "issuemine/_corpora", "workshops": "issuemine/_workshops"}


@pytest.mark.slow
def test_setup_prepares_every_cache_and_is_cheap_the_second_time(tmp_path):
    env = dict(os.environ, ISSUEMINE_CACHE=str(tmp_path / "cache"), NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    first = subprocess.run([sys.executable, "-m", "issuemine", "setup"], capture_output=True, text=True, env=env,
                           cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "準備 3/3" in first.stdout and "準備ができました" in first.stdout
    assert list((tmp_path / "cache" / "userdic").glob("*.dic")), "no user dictionary compiled"
    assert list((tmp_path / "numba").rglob("*.nbi")), "umap's numba code was not cached"
    from issuemine.themes.vectors import ja_ginza_vocab_dir

    if ja_ginza_vocab_dir() is not None:
        assert (tmp_path / "cache" / "chive-ja_ginza-5.3.0.npz").is_file()
    second = subprocess.run([sys.executable, "-m", "issuemine", "setup"], capture_output=True, text=True, env=env,
                            cwd=tmp_path)
    assert second.returncode == 0
    assert "キャッシュから読み込みました" in second.stdout or ja_ginza_vocab_dir() is None
