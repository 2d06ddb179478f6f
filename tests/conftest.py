from __future__ import annotations

from pathlib import Path

import pytest

from guidelint.config import Config
from guidelint.engine import Linter

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_guides"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def linter() -> Linter:
    return Linter(Config())


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    return SEEDS


@pytest.fixture(autouse=True)
def _no_result_cache(monkeypatch):
    """Tests replace rules with monkeypatch; a cached result must never stand in for a fresh run."""
    monkeypatch.setenv("GUIDELINT_NO_CACHE", "1")
