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


@pytest.fixture(scope="session", autouse=True)
def _private_cache_key_home(tmp_path_factory):
    """The result cache's key lives in the user's cache folder: tests (and the guidelint processes they
    start) keep theirs in a folder of their own, never in the real ~/.cache. Session-wide, so that it is
    in os.environ before any fixture copies the environment for a subprocess."""
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache-home")))
    yield
    patch.undo()


@pytest.fixture(scope="session", autouse=True)
def _worker_pool_for_small_runs():
    """guidelint starts worker processes only for a few MB of guides (runner.POOL_MIN_BYTES); the tests'
    folders are small, and those that pass --jobs 2 mean to run workers."""
    patch = pytest.MonkeyPatch()
    patch.setenv("GUIDELINT_POOL_MIN_BYTES", "0")
    yield
    patch.undo()
