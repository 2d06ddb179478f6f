"""Parallel runs and the result cache: same output whatever --jobs, a warm run equals a cold one,
a corrupt cache is ignored, and the cache key changes with anything that changes findings."""
from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from guidelint.cli import main
from guidelint.config import Config
from guidelint.engine import Linter

from conftest import SAMPLES


def _corpus(tmp_path, copies: int = 6):
    folder = tmp_path / "guides"
    folder.mkdir()
    for index in range(copies):
        for path in sorted(SAMPLES.glob("*.md")) + sorted((SAMPLES / "invalid").glob("*.md")):
            shutil.copy(path, folder / f"{index}-{path.name}")
    return folder


def check(*args: str, cache: bool = False, monkeypatch=None):
    if cache:
        monkeypatch.delenv("GUIDELINT_NO_CACHE")
    result = CliRunner().invoke(main, ["check", "--format", "json", *args], catch_exceptions=False)
    return result.exit_code, result.stdout


def test_output_identical_whatever_jobs(tmp_path) -> None:
    folder = _corpus(tmp_path)
    one = check("--jobs", "1", str(folder))
    two = check("--jobs", "2", str(folder))
    four = check("--jobs", "4", str(folder))
    assert one == two == four
    assert len(json.loads(one[1])) > 100


def test_warm_run_equals_cold_and_corrupt_cache_is_ignored(tmp_path, monkeypatch) -> None:
    folder = _corpus(tmp_path, copies=1)
    cache_dir = tmp_path / "cache"
    cold = check("--cache-dir", str(cache_dir), str(folder), cache=True, monkeypatch=monkeypatch)
    shards = sorted((cache_dir / "v2").glob("*.json"))
    entries = {key for shard in shards for key in json.loads(shard.read_text())["entries"]}
    assert len(entries) == 10  # 12 files; the empty and the Latin-1 one are never cached
    assert all(key[:2] + ".json" == shard.name for shard in shards for key in json.loads(shard.read_text())["entries"])
    warm = check("--cache-dir", str(cache_dir), str(folder))
    assert warm == cold
    for shard in shards:
        shard.write_text("{not json")
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold
    for shard in shards:
        keys = [key for key in entries if key[:2] + ".json" == shard.name]
        shard.write_text(json.dumps({"version": "0.1.0", "entries": {key: [[1, 2, 3]] for key in keys}}))
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold  # malformed rows: recomputed


def test_cache_key_depends_on_content_and_settings() -> None:
    base = Linter(Config())
    assert base.cache_key(b"a", "g.md") == Linter(Config()).cache_key(b"a", "g.md")
    assert base.cache_key(b"a", "g.md") != base.cache_key(b"b", "g.md")
    assert base.cache_key(b"a", "g.md") != Linter(Config(ignore=("GL002",))).cache_key(b"a", "g.md")
    assert base.cache_key(b"a", "g.md") != Linter(Config(options={"GL104": {"style": "quoted"}})).cache_key(b"a", "g.md")
    ignoring = Linter(Config(per_file_ignores=(("drafts/*", frozenset({"GL002"})),)))
    assert ignoring.cache_key(b"a", "drafts/g.md") != ignoring.cache_key(b"a", "g.md")
