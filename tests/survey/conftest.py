"""Fixtures of the survey tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def sample_path() -> Path:
    return Path(__file__).resolve().parents[2] / "workshops" / "sample" / "questionnaire.csv"
