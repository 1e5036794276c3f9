from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

HERE = Path(__file__).resolve().parent


def load_labelled() -> pd.DataFrame:
    """The hand-labelled notes as a NOTES-like frame (note_id L001…, text, zones, kind)."""
    rows = [line.split("\t") for line in (HERE / "labelled_notes.tsv").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    df = pd.DataFrame(rows[1:], columns=rows[0])
    df.insert(0, "note_id", [f"L{i:03d}" for i in range(1, len(df) + 1)])
    return df


def notes_frame(texts: list[str], prefix: str = "N") -> pd.DataFrame:
    return pd.DataFrame({"note_id": [f"{prefix}{i:03d}" for i in range(len(texts))], "text": texts})


@pytest.fixture(scope="session")
def labelled() -> pd.DataFrame:
    return load_labelled()


@pytest.fixture(scope="session")
def labelled_placed(labelled):
    from issuemine.diagram import place_notes

    return place_notes(labelled)


@pytest.fixture(scope="session")
def make_notes():
    return notes_frame


@pytest.fixture(scope="session")
def heldout() -> pd.DataFrame:
    """Notes written after the lexicon was frozen (never used to tune it)."""
    rows = [line.split("\t") for line in (HERE / "heldout_notes.tsv").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    df = pd.DataFrame(rows[1:], columns=rows[0])
    df.insert(0, "note_id", [f"Q{i:03d}" for i in range(1, len(df) + 1)])
    return df
