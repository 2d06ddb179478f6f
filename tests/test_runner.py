"""Parallel runs and the result cache: same output whatever --jobs, a warm run equals a cold one,
a corrupt cache is ignored, and the cache key changes with anything that changes findings."""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidelint import cache as result_cache
from guidelint import runner
from guidelint.cache_files import seal, unseal, user_key
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


def _name(path) -> str:
    """A cache file's name in the cache, which its MAC covers: "v6/00.json", "v6/runs/….json"."""
    parts = path.parts
    return "/".join(parts[parts.index(f"v{result_cache.CACHE_FORMAT}"):])


def _stored(path) -> dict:
    """A cache file's content (its first line is the MAC of the rest)."""
    head, body = path.read_bytes().split(b"\n", 1)
    assert unseal(user_key(), _name(path), path.read_bytes()) == body, f"{path} does not match its MAC {head!r}"
    return json.loads(body)


def _store(path, content: dict) -> None:
    """Write a cache file as guidelint does, sealed with the user's key: what it holds is then checked on
    its own merits."""
    path.write_bytes(seal(user_key(), _name(path), json.dumps(content).encode("utf-8")))


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
    shards = sorted(path for path in (cache_dir / f"v{result_cache.CACHE_FORMAT}").glob("*.json") if path.name != "index.json")
    entries = {key for shard in shards for key in _stored(shard)["entries"]}
    assert len(entries) == 12  # 14 files; the empty and the Latin-1 one are never cached
    assert all(key[:2] + ".json" == shard.name for shard in shards for key in _stored(shard)["entries"])
    warm = check("--cache-dir", str(cache_dir), str(folder))
    assert warm == cold
    for shard in shards:
        shard.write_text("{not json")
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold
    for shard in shards:
        shard.write_text("[" * 100_000 + "]" * 100_000)  # too deep for the JSON decoder
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold
    for shard in shards:
        keys = [key for key in entries if key[:2] + ".json" == shard.name]
        _store(shard, {"version": "0.1.0", "entries": {key: [[1, 2, 3]] for key in keys}})
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold  # malformed rows: recomputed
    row = [1, 1, "GL999", 1, 1, "nope", 3, "m", None, "f"]
    corpus_row = ["GL002", "k", "k", 1, 1, 1, 1, "c", False]  # GL002 is no corpus rule
    for foreign in ([[row], []], [[], [corpus_row]]):
        for shard in shards:
            keys = [key for key in entries if key[:2] + ".json" == shard.name]
            _store(shard, {"version": "0.1.0", "entries": {key: foreign for key in keys}})
        assert check("--cache-dir", str(cache_dir), str(folder)) == cold  # well-formed but foreign: recomputed


def test_cache_key_depends_on_content_and_settings() -> None:
    base = Linter(Config())
    assert base.cache_key(b"a", "g.md") == Linter(Config()).cache_key(b"a", "g.md")
    assert base.cache_key(b"a", "g.md") != base.cache_key(b"b", "g.md")
    assert base.cache_key(b"a", "g.md") != Linter(Config(ignore=("GL002",))).cache_key(b"a", "g.md")
    assert base.cache_key(b"a", "g.md") != Linter(Config(options={"GL104": {"style": "quoted"}})).cache_key(b"a", "g.md")
    ignoring = Linter(Config(per_file_ignores=(("drafts/*", frozenset({"GL002"})),)))
    assert ignoring.cache_key(b"a", "drafts/g.md") != ignoring.cache_key(b"a", "g.md")


def _age(folder, seconds: int = 60) -> None:
    """Give every file an mtime in the past and let its ctime (moved by that very change) age past the
    racy window: files written just before a run are never indexed (racily clean)."""
    old = time.time() - seconds
    for path in folder.iterdir():
        os.utime(path, (old, old))
    time.sleep(RACY_S + 0.05)


RACY_S = 0.3


@pytest.fixture(autouse=True)
def _short_racy_window(monkeypatch):
    monkeypatch.setattr(runner, "RACY_NS", int(RACY_S * 1e9))


def _no_hashing(monkeypatch) -> None:
    """Any file whose result is cached must now be known without reading it (the empty and the Latin-1
    file have no cached result: they are linted every time)."""
    def refuse(self, data, path):
        if not path.endswith(("empty.md", "latin1.md")):
            raise AssertionError(f"{path} was read and hashed")
        return "not-cached"

    monkeypatch.setattr(Linter, "cache_key", refuse)


def test_unchanged_files_are_known_by_their_stat_and_never_read(tmp_path, monkeypatch) -> None:
    folder = _corpus(tmp_path, copies=1)
    _age(folder)
    cache_dir = tmp_path / "cache"
    cold = check("--cache-dir", str(cache_dir), str(folder), cache=True, monkeypatch=monkeypatch)
    index = _stored(cache_dir / f"v{result_cache.CACHE_FORMAT}" / "index.json")["entries"]
    assert sorted(os.path.basename(path) for path in index) == sorted(
        path.name for path in folder.iterdir() if path.name not in ("0-empty.md", "0-latin1.md"))
    with monkeypatch.context() as patched:
        _no_hashing(patched)
        assert check("--cache-dir", str(cache_dir), str(folder)) == cold


def test_a_change_that_keeps_size_and_mtime_is_still_seen(tmp_path, monkeypatch) -> None:
    folder = _corpus(tmp_path, copies=1)
    _age(folder)
    cache_dir = tmp_path / "cache"
    check("--cache-dir", str(cache_dir), str(folder), cache=True, monkeypatch=monkeypatch)
    guide = folder / "0-variant-b-marketing-manager.md"
    before = guide.stat()
    text = guide.read_text(encoding="utf-8")
    changed = text.replace("## Interview Questions", "## Interview Question!", 1)
    assert len(changed) == len(text) and changed != text
    guide.write_text(changed, encoding="utf-8")
    os.utime(guide, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same mtime: only ctime moved
    assert guide.stat().st_mtime_ns == before.st_mtime_ns and guide.stat().st_size == before.st_size
    warm = check("--cache-dir", str(cache_dir), str(guide))
    assert warm == check("--no-cache", str(guide))
    assert any(d["rule"] == "required-section" for d in json.loads(warm[1]))


def test_recently_written_files_are_not_indexed(tmp_path, monkeypatch) -> None:
    folder = _corpus(tmp_path, copies=1)
    old = time.time() - 60
    for path in folder.iterdir():  # an old mtime, but the ctime says "changed just now"
        os.utime(path, (old, old))
    cache_dir = tmp_path / "cache"
    check("--cache-dir", str(cache_dir), str(folder), cache=True, monkeypatch=monkeypatch)
    assert not (cache_dir / f"v{result_cache.CACHE_FORMAT}" / "index.json").exists()
    time.sleep(RACY_S + 0.05)
    check("--cache-dir", str(cache_dir), str(folder))  # results from the content cache, now indexed
    assert len(_stored(cache_dir / f"v{result_cache.CACHE_FORMAT}" / "index.json")["entries"]) == 12


def test_index_entries_belong_to_their_settings(tmp_path, monkeypatch) -> None:
    folder = _corpus(tmp_path, copies=1)
    _age(folder)
    cache_dir = tmp_path / "cache"
    check("--cache-dir", str(cache_dir), str(folder), cache=True, monkeypatch=monkeypatch)
    narrow = check("--cache-dir", str(cache_dir), "--select", "GL301", str(folder))
    assert narrow == check("--no-cache", "--select", "GL301", str(folder))
    assert {d["code"] for d in json.loads(narrow[1])} == {"GL301"}


def test_a_long_run_in_this_process_gives_the_garbage_collector_back(tmp_path) -> None:
    import gc

    folder = _corpus(tmp_path, copies=9)  # a long run: the CLI tunes the collector for it
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    assert check("--jobs", "1", "--no-cache", str(folder))[0] == 1
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen


def test_a_run_answered_from_the_cache_parses_nothing(tmp_path, monkeypatch) -> None:
    """A warm run loads neither the rules data nor the Markdown parser: it imports no YAML, no pyromark
    and no model builder (~30 ms of a warm run), and its report is the cold run's."""
    import subprocess
    import sys

    folder = tmp_path / "guides"
    folder.mkdir()
    for path in sorted(SAMPLES.glob("*.md")) + sorted((SAMPLES / "invalid").glob("*.md")):
        if path.name not in ("empty.md", "latin1.md"):  # never cached: those two are read every time
            shutil.copy(path, folder / path.name)
    cache_dir = tmp_path / "cache"
    cold = check("--cache-dir", str(cache_dir), str(folder), cache=True, monkeypatch=monkeypatch)
    script = ("import sys\nfrom guidelint.cli import main\n"
              "try:\n    main()\nfinally:\n"
              "    loaded = sorted(m for m in ('yaml', 'pyromark', 'guidelint.document') if m in sys.modules)\n"
              "    print('loaded:', loaded, file=sys.stderr)\n")
    warm = subprocess.run([sys.executable, "-c", script, "check", "--format", "json", "--cache-dir", str(cache_dir),
                           str(folder)], capture_output=True, text=True, timeout=120)
    assert (warm.returncode, warm.stdout) == cold
    assert warm.stderr.strip().splitlines()[-1] == "loaded: []"


def test_the_cache_key_digest_of_the_rules_data_is_the_policy_digest() -> None:
    from guidelint import policy

    assert policy.digest_of() == policy.load().digest


# --- run snapshots ----------------------------------------------------------------------------------------

def _snapshots(cache_dir) -> list:
    return sorted((cache_dir / f"v{result_cache.CACHE_FORMAT}" / "runs").glob("*.json"))


def _reads(monkeypatch) -> list[str]:
    """The names of the cache files read from now on."""
    names: list[str] = []
    original = result_cache.ResultCache._read_json

    def read(self, name):
        names.append(name)
        return original(self, name)

    monkeypatch.setattr(result_cache.ResultCache, "_read_json", read)
    return names


UNCACHED = ("0-empty.md", "0-latin1.md")  # never cached: linted every time


def _cached_corpus(tmp_path, monkeypatch):
    """The 13 sample guides, settled, after a first run that filled the cache: (folder, cache, output)."""
    folder = _corpus(tmp_path, copies=1)
    _age(folder)
    cache_dir = tmp_path / "cache"
    return folder, cache_dir, check("--cache-dir", str(cache_dir), str(folder), cache=True, monkeypatch=monkeypatch)


@pytest.fixture
def snapshots_for_small_runs(monkeypatch):
    monkeypatch.setattr(result_cache, "SNAPSHOT_MIN_FILES", 10)


@pytest.mark.usefixtures("snapshots_for_small_runs")
def test_an_unchanged_run_is_answered_from_its_snapshot_alone(tmp_path, monkeypatch) -> None:
    folder = _corpus(tmp_path, copies=1)  # 13 files
    _age(folder)
    cache_dir = tmp_path / "cache"
    cold = check("--cache-dir", str(cache_dir), str(folder), cache=True, monkeypatch=monkeypatch)
    (snapshot,) = _snapshots(cache_dir)
    entries = _stored(snapshot)["entries"]
    names = sorted(path.name for path in folder.iterdir())
    assert [signature is None for signature in entries["signatures"]] == [name in UNCACHED for name in names]
    assert [result is None for result in entries["results"]] == [name in UNCACHED for name in names]
    written = snapshot.stat().st_mtime_ns
    with monkeypatch.context() as patched:
        _no_hashing(patched)
        reads = _reads(patched)
        assert check("--cache-dir", str(cache_dir), str(folder)) == cold
    shards = [name for name in reads if len(name) == 7 and name[:2] != "no"]  # "xx.json"; "no": not-cached
    assert reads[0] == snapshot.relative_to(cache_dir / f"v{result_cache.CACHE_FORMAT}").as_posix()
    assert shards == []  # the 11 cached files came from the snapshot: no shard was opened
    assert _snapshots(cache_dir) == [snapshot] and snapshot.stat().st_mtime_ns == written  # not rewritten


@pytest.mark.usefixtures("snapshots_for_small_runs")
def test_a_changed_file_is_linted_again_and_the_snapshot_follows(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(result_cache, "SNAPSHOT_SLACK", 0)  # rewritten for any change
    folder, cache_dir, _ = _cached_corpus(tmp_path, monkeypatch)
    guide = folder / "0-variant-b-marketing-manager.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("## Interview Questions", "## Interview Question!", 1),
                     encoding="utf-8")
    warm = check("--cache-dir", str(cache_dir), str(folder))
    assert warm == check("--no-cache", str(folder))
    assert any(d["rule"] == "required-section" and d["path"].endswith(guide.name) for d in json.loads(warm[1]))
    (snapshot,) = _snapshots(cache_dir)
    position = sorted(path.name for path in folder.iterdir()).index(guide.name)
    assert _stored(snapshot)["entries"]["signatures"][position] is None  # just written: racy
    time.sleep(RACY_S + 0.05)
    assert check("--cache-dir", str(cache_dir), str(folder)) == warm
    stat = guide.stat()
    assert _stored(snapshot)["entries"]["signatures"][position] == [
        stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns]  # settled now: trusted next time


@pytest.mark.usefixtures("snapshots_for_small_runs")
@pytest.mark.parametrize("damage", [
    "{not json",
    "[" * 100_000 + "]" * 100_000,
    "short",  # a snapshot of another file list
    "rows",  # each result replaced by a malformed one
    "foreign",  # each result a finding of a rule this guidelint does not have
    "signatures",  # each signature a string
])
def test_a_damaged_snapshot_is_ignored(tmp_path, monkeypatch, damage) -> None:
    from guidelint import __version__

    folder, cache_dir, cold = _cached_corpus(tmp_path, monkeypatch)
    (snapshot,) = _snapshots(cache_dir)
    entries = _stored(snapshot)["entries"]
    if damage == "rows":
        entries["results"] = [[[1, 2, 3]] for _ in entries["results"]]
    elif damage == "foreign":
        entries["results"] = [[[[1, 1, "GL999", 1, 1, "nope", 3, "m", None, "f"]], []] for _ in entries["results"]]
    elif damage == "short":
        entries = {"signatures": [], "results": []}
    elif damage == "signatures":
        entries["signatures"] = ["12" for _ in entries["signatures"]]
    else:
        entries = None
    if entries is None:
        snapshot.write_text(damage)
    else:
        _store(snapshot, {"version": __version__, "entries": entries})
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold


@pytest.mark.usefixtures("snapshots_for_small_runs")
def test_a_cache_file_damaged_into_other_valid_json_is_ignored(tmp_path, monkeypatch) -> None:
    """One byte lost inside a rule name, or a digit changed, still parses: the MAC catches it."""
    folder, cache_dir, cold = _cached_corpus(tmp_path, monkeypatch)
    damaged = 0
    for path in (cache_dir / f"v{result_cache.CACHE_FORMAT}").rglob("*.json"):
        data = path.read_bytes()
        changed = data.replace(b"required-section", b"required-sectio", 1).replace(b',"GL204",1,', b',"GL204",2,', 1)
        if changed != data:
            json.loads(changed.split(b"\n", 1)[1])  # still valid JSON
            path.write_bytes(changed)
            damaged += 1
    assert damaged >= 2  # a shard and the snapshot
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold


@pytest.mark.usefixtures("snapshots_for_small_runs")
def test_each_kind_of_run_has_its_own_snapshot_and_only_the_newest_are_kept(tmp_path, monkeypatch) -> None:
    folder, cache_dir, _ = _cached_corpus(tmp_path, monkeypatch)
    for code in ("GL301", "GL302", "GL303", "GL304", "GL301"):
        narrow = check("--cache-dir", str(cache_dir), "--select", code, str(folder))
        assert narrow == check("--no-cache", "--select", code, str(folder))
        assert {d["code"] for d in json.loads(narrow[1])} <= {code}
    assert len(_snapshots(cache_dir)) == result_cache.SNAPSHOTS_KEPT == 4
    few = sorted(str(path) for path in folder.iterdir())[:9]  # under SNAPSHOT_MIN_FILES: no snapshot
    check("--cache-dir", str(cache_dir), *few)
    assert len(_snapshots(cache_dir)) == 4


@pytest.mark.usefixtures("snapshots_for_small_runs")
def test_a_snapshot_out_of_date_for_a_few_files_is_kept_and_they_are_looked_up(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(result_cache, "SNAPSHOT_SLACK", 0.1)  # 1 file of 13 is within it, 2 are not
    folder, cache_dir, _ = _cached_corpus(tmp_path, monkeypatch)
    (snapshot,) = _snapshots(cache_dir)
    written = snapshot.read_bytes()
    first, second = folder / "0-variant-a-customer-success-manager.md", folder / "0-variant-c-operations-analyst.md"
    first.write_text(first.read_text(encoding="utf-8") + "Trailing  \n", encoding="utf-8")
    warm = check("--cache-dir", str(cache_dir), str(folder))
    assert warm == check("--no-cache", str(folder))
    assert any(d["rule"] == "trailing-whitespace" and d["path"].endswith(first.name) for d in json.loads(warm[1]))
    assert snapshot.read_bytes() == written  # one stale file: kept as it was
    second.write_text(second.read_text(encoding="utf-8") + "Trailing  \n", encoding="utf-8")
    assert check("--cache-dir", str(cache_dir), str(folder)) == check("--no-cache", str(folder))
    assert snapshot.read_bytes() != written  # two: rewritten


@pytest.mark.usefixtures("snapshots_for_small_runs")
@pytest.mark.parametrize("seed", [1, 2])
def test_random_edits_settings_and_damage_never_give_a_cached_wrong_answer(tmp_path, monkeypatch, seed) -> None:
    """Thirty random steps over a folder and its cache: each run with the cache equals a run without."""
    import random

    chance = random.Random(seed)
    monkeypatch.setattr(result_cache, "SNAPSHOT_SLACK", chance.choice([0, 0.2]))
    folder = _corpus(tmp_path, copies=1)
    _age(folder)
    cache_dir = tmp_path / "cache"
    monkeypatch.delenv("GUIDELINT_NO_CACHE")
    selections = [(), ("--select", "ALL"), ("--select", "GL301,GL302")]
    for _ in range(30):
        guides = sorted(folder.iterdir())
        step = chance.choice(["append", "same", "remove", "copy", "damage", "settle", "nothing"])
        guide = chance.choice(guides)
        if step == "append":
            guide.write_bytes(guide.read_bytes() + chance.choice([b"Trailing  \n", b"## More\n", b"\n"]))
        elif step == "same":  # the same bytes again: only the timestamps move
            guide.write_bytes(guide.read_bytes())
        elif step == "remove" and len(guides) > 11:
            guide.unlink()
        elif step == "copy":
            shutil.copy(guide, folder / f"copy-{chance.randrange(10**6)}.md")
        elif step == "damage" and cache_dir.exists():
            stored = list(cache_dir.rglob("*.json"))
            if stored:
                victim = chance.choice(stored)
                data = victim.read_bytes()
                cut = chance.randrange(len(data) + 1)
                victim.write_bytes(data[:cut] + chance.choice([b"", b"]", b"x", b"{}"]) + data[cut + 1:])
        elif step == "settle":
            time.sleep(RACY_S + 0.05)
        selection = chance.choice(selections)
        warm = check("--cache-dir", str(cache_dir), *selection, str(folder))
        assert warm == check("--no-cache", *selection, str(folder)), (step, guide.name, selection)


def test_worker_processes_start_only_for_enough_text(tmp_path, monkeypatch) -> None:
    """runner.pool_pays: more than one job, two files a worker, and POOL_MIN_BYTES of guides in all
    (measured: below a few MB, two workers on 2 cores were slower than one)."""
    monkeypatch.delenv("GUIDELINT_POOL_MIN_BYTES")
    assert runner.POOL_MIN_BYTES == 6_000_000
    files = []
    for index in range(8):
        path = tmp_path / f"{index}.md"
        path.write_bytes(b"x" * 1_000)
        files.append(str(path))
    assert not runner.pool_pays(files, 2)  # 8 KB: pre-commit's few files run in the process
    assert runner.pool_pays(files, 2, min_bytes=8_000)
    assert not runner.pool_pays(files, 2, min_bytes=8_001)
    assert not runner.pool_pays(files, 1, min_bytes=0)  # one job: never
    assert not runner.pool_pays(files[:3], 2, min_bytes=0)  # fewer than two files a worker
    assert runner.pool_pays(files[:4], 2, min_bytes=0)
    assert not runner.pool_pays([*files, str(tmp_path / "gone.md")], 2, min_bytes=8_001)  # missing: 0 bytes
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * runner.POOL_MIN_BYTES)
    assert runner.pool_pays([str(big), *files[:3]], 2)
    monkeypatch.setenv("GUIDELINT_POOL_MIN_BYTES", "0")  # the tests' and bench's override
    assert runner.pool_pays(files, 2)
    monkeypatch.setenv("GUIDELINT_POOL_MIN_BYTES", "lots")  # not a number: the default
    assert not runner.pool_pays(files, 2)


def test_a_small_run_with_two_jobs_starts_no_worker(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("GUIDELINT_POOL_MIN_BYTES")
    guide = (SAMPLES / "variant-a-customer-success-manager.md").read_bytes()
    for index in range(6):
        (tmp_path / f"{index}.md").write_bytes(guide + b"\nA trailing blank.  \n")
    started = []

    def pool(work, items, **options):  # a stand-in that counts its starts and works in this process
        started.append(options["jobs"])
        return map(work, items)

    monkeypatch.setattr("guidelint.pool.ordered_map", pool)
    command = ["check", "--no-cache", "--format", "json", "--jobs", "2", str(tmp_path)]
    alone = CliRunner().invoke(main, command, catch_exceptions=False).stdout
    assert started == [] and sorted({Path(finding["path"]).name for finding in json.loads(alone)}) == \
        [f"{index}.md" for index in range(6)]
    monkeypatch.setenv("GUIDELINT_POOL_MIN_BYTES", "0")
    assert CliRunner().invoke(main, command, catch_exceptions=False).stdout == alone
    assert started == [2]
