"""Parallel runs and the result cache: same output whatever --jobs, a warm run equals a cold one,
a corrupt cache is ignored, and the cache key changes with anything that changes findings."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidelint import cache as result_cache
from guidelint import runner
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


def _database(cache_dir) -> Path:
    return cache_dir / f"v{result_cache.CACHE_FORMAT}" / result_cache.DATABASE


def _rows(cache_dir, table: str) -> list[tuple]:
    """A table of the cache's database, as stored (MACs and all)."""
    connection = sqlite3.connect(_database(cache_dir))
    try:
        return connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
    finally:
        connection.close()


def _store_results(cache_dir, value_of) -> int:
    """Replace each stored result by `value_of(key)` (bytes), sealed with the user's key as guidelint
    seals it: what it holds is then checked on its own merits."""
    cache = result_cache.ResultCache.open(str(cache_dir))
    try:
        keys = [row[0] for row in cache.connection.execute("SELECT key FROM result").fetchall()]
        rows = [(value_of(key), cache._result_mac(key, value_of(key)), key) for key in keys]
        cache.connection.executemany("UPDATE result SET value = ?, mac = ? WHERE key = ?", rows)
    finally:
        cache.close()
    return len(rows)


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
    assert len(_rows(cache_dir, "result")) == 12  # 14 files; the empty and the Latin-1 one are never cached
    warm = check("--cache-dir", str(cache_dir), str(folder))
    assert warm == cold
    assert _store_results(cache_dir, lambda key: b"{not json") == 12
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold
    _store_results(cache_dir, lambda key: b"[" * 100_000 + b"]" * 100_000)  # too deep for the JSON decoder
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold
    _store_results(cache_dir, lambda key: b"[[1, 2, 3]]")
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold  # malformed rows: recomputed
    row = [1, 1, "GL999", 1, 1, "nope", 3, "m", None, "f"]
    corpus_row = ["GL002", "k", "k", 1, 1, 1, 1, "c", False]  # GL002 is no corpus rule
    for foreign in ([[row], []], [[], [corpus_row]]):
        _store_results(cache_dir, lambda key, foreign=foreign: json.dumps(foreign).encode())
        assert check("--cache-dir", str(cache_dir), str(folder)) == cold  # well-formed but foreign: recomputed
    _database(cache_dir).write_bytes(b"not a database" * 1000)
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold
    assert len(_rows(cache_dir, "result")) == 12  # replaced by a good one


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
    index = [os.fsdecode(row[0]) for row in _rows(cache_dir, "file")]
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
    assert _rows(cache_dir, "file") == [] and len(_rows(cache_dir, "result")) == 12
    time.sleep(RACY_S + 0.05)
    check("--cache-dir", str(cache_dir), str(folder))  # results from the content cache, now indexed
    assert len(_rows(cache_dir, "file")) == 12


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
    script = ("import atexit, sys\nfrom guidelint.cli import main\n"  # (the command line runs atexit, then ends)
              "atexit.register(lambda: print('loaded:', sorted(m for m in ('yaml', 'pyromark', 'guidelint.document')\n"
              "                                                if m in sys.modules), file=sys.stderr))\n"
              "main()\n")
    warm = subprocess.run([sys.executable, "-c", script, "check", "--format", "json", "--cache-dir", str(cache_dir),
                           str(folder)], capture_output=True, text=True, timeout=120)
    assert (warm.returncode, warm.stdout) == cold
    assert warm.stderr.strip().splitlines()[-1] == "loaded: []"


def test_the_cache_key_digest_of_the_rules_data_is_the_policy_digest() -> None:
    from guidelint import policy

    assert policy.digest_of() == policy.load().digest


# --- the file table ---------------------------------------------------------------------------------------

UNCACHED = ("0-empty.md", "0-latin1.md")  # never cached: linted every time


def _cached_corpus(tmp_path, monkeypatch):
    """The 13 sample guides, settled, after a first run that filled the cache: (folder, cache, output)."""
    folder = _corpus(tmp_path, copies=1)
    _age(folder)
    cache_dir = tmp_path / "cache"
    return folder, cache_dir, check("--cache-dir", str(cache_dir), str(folder), cache=True, monkeypatch=monkeypatch)


def test_a_changed_file_is_linted_again_and_its_row_follows(tmp_path, monkeypatch) -> None:
    folder, cache_dir, _ = _cached_corpus(tmp_path, monkeypatch)
    guide = folder / "0-variant-b-marketing-manager.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("## Interview Questions", "## Interview Question!", 1),
                     encoding="utf-8")
    warm = check("--cache-dir", str(cache_dir), str(folder))
    assert warm == check("--no-cache", str(folder))
    assert any(d["rule"] == "required-section" and d["path"].endswith(guide.name) for d in json.loads(warm[1]))

    def row() -> tuple:
        (found,) = [row for row in _rows(cache_dir, "file") if os.fsdecode(row[0]).endswith(guide.name)]
        return found

    stat = guide.stat()
    assert list(row()[1:5]) != [stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns]  # racy: not yet
    time.sleep(RACY_S + 0.05)
    assert check("--cache-dir", str(cache_dir), str(folder)) == warm
    assert list(row()[1:5]) == [stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns]  # settled: trusted
    with monkeypatch.context() as patched:
        _no_hashing(patched)
        assert check("--cache-dir", str(cache_dir), str(folder)) == warm


@pytest.mark.parametrize("damage", ["key", "signature", "settings", "mac"])
def test_a_damaged_file_row_is_ignored(tmp_path, monkeypatch, damage) -> None:
    """A file row that does not verify is as good as none: the file is read and hashed again."""
    folder, cache_dir, cold = _cached_corpus(tmp_path, monkeypatch)
    other = next(row[6] for row in _rows(cache_dir, "file") if not os.fsdecode(row[0]).endswith("defects.md"))
    change = {"key": ("key = ?", other), "signature": ("size = size + ?", 1),
              "settings": ("settings = ?", "x"), "mac": ("mac = ?", b"0" * 32)}[damage]
    connection = sqlite3.connect(_database(cache_dir))
    with connection:
        connection.execute(f"UPDATE file SET {change[0]}", (change[1],))
    connection.close()
    hashed: list[str] = []
    original = Linter.cache_key

    def counting(self, data, path):
        hashed.append(path)
        return original(self, data, path)

    monkeypatch.setattr(Linter, "cache_key", counting)
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold
    if damage != "signature":  # (a changed stat is not trusted either, but is no forgery)
        assert len(hashed) >= 13


def test_a_result_damaged_into_other_valid_json_is_ignored(tmp_path, monkeypatch) -> None:
    """One byte lost inside a rule name, or a digit changed, still parses: the MAC catches it."""
    folder, cache_dir, cold = _cached_corpus(tmp_path, monkeypatch)
    connection = sqlite3.connect(_database(cache_dir))
    damaged = 0
    with connection:
        for key, value, _ in connection.execute("SELECT * FROM result").fetchall():
            changed = value.replace(b"required-section", b"required-sectio", 1).replace(b',"GL204",1,', b',"GL204",2,', 1)
            if changed != value:
                json.loads(changed)  # still valid JSON
                connection.execute("UPDATE result SET value = ? WHERE key = ?", (changed, key))
                damaged += 1
    connection.close()
    assert damaged >= 2
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold


@pytest.mark.parametrize("seed", [1, 2])
def test_random_edits_settings_and_damage_never_give_a_cached_wrong_answer(tmp_path, monkeypatch, seed) -> None:
    """Thirty random steps over a folder and its cache: each run with the cache equals a run without."""
    import random

    chance = random.Random(seed)
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
        elif step == "damage" and _database(cache_dir).exists():
            if True:
                victim = _database(cache_dir)
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


# --- memory -----------------------------------------------------------------------------------------------

def _generated(tmp_path, count: int) -> Path:
    import sys

    bench = str(Path(__file__).resolve().parents[1] / "bench")
    sys.path.insert(0, bench)
    try:
        from generate import generate
    finally:
        sys.path.remove(bench)
    folder = tmp_path / "generated"
    generate(folder, count)
    return folder


def _alive_during_run(monkeypatch) -> dict[str, int]:
    """Counts taken while the run's output goes by: the Diagnostics alive when the middle file comes out,
    and the lists alive when the last one does (cached results are lists until decoded)."""
    import gc

    from guidelint.diagnostics import Diagnostic

    counts: dict[str, int] = {}
    original = runner.run

    def counting(linter, files, *args, **kwargs):
        for position, outcome in enumerate(original(linter, files, *args, **kwargs)):
            if position in (len(files) // 2, len(files) - 1):
                gc.collect()
                alive = gc.get_objects()
                counts["diagnostics" if position == len(files) // 2 else "lists"] = \
                    sum(1 for thing in alive if type(thing) is (Diagnostic if position == len(files) // 2 else list))
                del alive
            yield outcome

    monkeypatch.setattr(runner, "run", counting)
    return counts


def test_a_warm_run_keeps_no_cached_results(tmp_path, monkeypatch) -> None:
    """Hits are decoded when their turn comes, not all before the run's output starts, and nothing of the
    run is kept to be written at the end: the memory of a warm run does not grow with its files."""
    folder = _generated(tmp_path, 400)
    _age(folder)
    cache_dir = tmp_path / "cache"
    cold = check("--jobs", "1", "--cache-dir", str(cache_dir), str(folder), cache=True, monkeypatch=monkeypatch)
    findings = len(json.loads(cold[1]))
    assert findings > 1000
    with monkeypatch.context() as patched:
        uncached = _alive_during_run(patched)
        assert check("--jobs", "1", "--no-cache", str(folder)) == cold
    with monkeypatch.context() as patched:
        warm = _alive_during_run(patched)
        _no_hashing(patched)  # (every file answered by the cache)
        assert check("--jobs", "1", "--cache-dir", str(cache_dir), str(folder)) == cold
    assert warm["diagnostics"] < 100 < findings
    assert warm["lists"] < uncached["lists"] + 100
