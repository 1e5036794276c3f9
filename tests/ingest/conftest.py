"""Fixtures for the ingest tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from .samples import FIXTURES


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
