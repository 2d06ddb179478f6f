"""The result cache is data a checkout can carry, and the folder it lives in is not to be trusted either:
a forged cache is never believed, a cache file that is not a regular file of bounded size is never read,
a planted link is never written through, and a cache folder that cannot be used costs the cache, never
the run."""
from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidelint import cache as result_cache
from guidelint import cache_files, runner
from guidelint.cli import main

from conftest import SAMPLES

VERSION = f"v{result_cache.CACHE_FORMAT}"


def _corpus(tmp_path: Path, copies: int = 1) -> Path:
    """The sample guides (which have findings), `copies` times, with settled timestamps."""
    folder = tmp_path / "guides"
    folder.mkdir()
    for index in range(copies):
        for path in sorted(SAMPLES.glob("*.md")) + sorted((SAMPLES / "invalid").glob("*.md")):
            shutil.copy(path, folder / f"{index}-{path.name}")
    old = time.time() - 60
    for path in folder.iterdir():
        os.utime(path, (old, old))
    return folder


@pytest.fixture(autouse=True)
def _cache_on(monkeypatch):
    monkeypatch.delenv("GUIDELINT_NO_CACHE", raising=False)
    monkeypatch.setattr(runner, "RACY_NS", 0)  # file rows trusted at once (settled copies)


def check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", "--format", "json", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _database(cache_dir: Path) -> Path:
    return cache_dir / VERSION / result_cache.DATABASE


def _forge(cache_dir: Path, mac) -> int:
    """Rewrite every stored result to say that its file is clean, with `mac(key, value)` as its MAC."""
    connection = sqlite3.connect(_database(cache_dir))
    with connection:
        keys = [key for (key,) in connection.execute("SELECT key FROM result")]
        clean = b"[[],[]]"
        connection.executemany("UPDATE result SET value = ?, mac = ? WHERE key = ?",
                               [(clean, mac(key, clean), key) for key in keys])
    connection.close()
    return len(keys)


def _mac_under(key: bytes):
    """The MAC guidelint gives a result row, under cache key `key`."""
    cache = result_cache.ResultCache(str(Path("/nonexistent-guidelint-cache")), key=key)
    return cache._result_mac


# --- 1. a forged cache is not believed -----------------------------------------------------------------

def test_a_forged_cache_with_its_sha256_recomputed_is_not_believed(tmp_path) -> None:
    folder = _corpus(tmp_path)
    cache_dir = tmp_path / ".guidelint_cache"
    cold = check("--cache-dir", str(cache_dir), str(folder))
    assert cold[0] == 1 and len(json.loads(cold[1])) > 20
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold  # warm
    # what format 5 trusted: the plain SHA-256 of the content
    assert _forge(cache_dir, lambda key, value: hashlib.sha256(value).digest()) == 12
    assert check("--cache-dir", str(cache_dir), str(folder)) == check("--no-cache", str(folder)) == cold


def test_a_cache_sealed_with_another_key_is_not_believed(tmp_path) -> None:
    folder = _corpus(tmp_path)
    cache_dir = tmp_path / ".guidelint_cache"
    cold = check("--cache-dir", str(cache_dir), str(folder))
    _forge(cache_dir, _mac_under(os.urandom(cache_files.KEY_SIZE)))
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold
    # the same forgery under the user's own key is believed: what the key keeps out is real
    _forge(cache_dir, _mac_under(cache_files.user_key()))
    believed = check("--cache-dir", str(cache_dir), str(folder))
    never_cached = [d for d in json.loads(cold[1]) if d["path"].endswith(("empty.md", "latin1.md"))]
    assert json.loads(believed[1]) == never_cached and len(never_cached) < len(json.loads(cold[1]))


def test_a_row_moved_to_another_key_or_file_is_not_believed(tmp_path) -> None:
    """The MAC covers the row's key (a result) and every field (a file): a genuine result of one
    content cannot stand in for another's, nor a file's row for another file's."""
    folder = _corpus(tmp_path)
    cache_dir = tmp_path / "cache"
    cold = check("--cache-dir", str(cache_dir), str(folder))
    connection = sqlite3.connect(_database(cache_dir))
    with connection:
        rows = connection.execute("SELECT key, value, mac FROM result").fetchall()
        clean = min(rows, key=lambda row: len(row[1]))  # the result with the fewest findings
        connection.executemany("UPDATE result SET value = ?, mac = ? WHERE key = ?",
                               [(clean[1], clean[2], key) for key, _, _ in rows])
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold
    with connection:
        files = connection.execute("SELECT path, key, mac FROM file").fetchall()
        assert len(files) == 12
        connection.executemany("UPDATE file SET key = ?, mac = ? WHERE path = ?",
                               [(clean[0], files[0][2], path) for path, _, _ in files])
    connection.close()
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold


def test_the_key_is_private_and_made_once(tmp_path, monkeypatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    key = cache_files.user_key()
    path = home / ".cache" / "guidelint" / "key"
    assert path.read_bytes() == key and len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert sorted(os.listdir(path.parent)) == ["key"]  # no temporary file left
    assert cache_files.user_key() == key
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_files.key_path() == str(tmp_path / "xdg" / "guidelint" / "key")
    assert cache_files.user_key() != key


def test_a_damaged_key_is_replaced(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = tmp_path / "guidelint" / "key"
    path.parent.mkdir()
    path.write_bytes(b"short")
    path.chmod(0o600)
    key = cache_files.user_key()
    assert len(key) == 32 and path.read_bytes() == key


@pytest.mark.parametrize("problem", ["shared", "symlink", "no-folder"])
def test_without_a_usable_key_the_run_goes_on_without_the_cache(tmp_path, monkeypatch, problem) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    path = tmp_path / "xdg" / "guidelint" / "key"
    if problem == "shared":
        cache_files.user_key()
        path.chmod(0o644)
        reason = f"the cache key {path} is not private (another owner, or a mode other than 0600)"
    elif problem == "symlink":
        path.parent.mkdir(parents=True)
        path.symlink_to(tmp_path / "planted")
        (tmp_path / "planted").write_bytes(b"k" * 32)
        reason = f"cannot use the cache key {path}: Too many levels of symbolic links"
    else:
        (tmp_path / "xdg").write_text("a file where the cache home should be")
        reason = f"cannot use the cache key {path}: Not a directory"
    folder = _corpus(tmp_path)
    cache_dir = tmp_path / "cache"
    code, out, err = check("--cache-dir", str(cache_dir), str(folder))
    assert (code, out) == check("--no-cache", str(folder))[:2]
    assert err == f"guidelint: warning: result cache not used: {reason}\n"
    assert not cache_dir.exists()


# --- 2. the database is opened only as a regular file of ours --------------------------------------------

_SCRIPT = """\
from guidelint import runner
runner.RACY_NS = 0
from guidelint.cli import main
main()
"""


def _run_limited(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command, in a child with 1 GB of address space and a deadline: a reader that eats memory
    or waits on a pipe fails here instead of taking the machine with it."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    return subprocess.run([sys.executable, "-c", _SCRIPT, "check", "--format", "json", "--jobs", "1", *args],
                          capture_output=True, text=True, timeout=60, preexec_fn=limit)


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "huge-sparse", "folder", "garbage", "empty", "foreign",
                                  "symlink", "hardlink"])
def test_a_database_that_is_not_a_regular_file_of_ours_is_not_used(tmp_path, kind) -> None:
    folder = _corpus(tmp_path)
    cache_dir = tmp_path / "cache"
    cold = _run_limited("--cache-dir", str(cache_dir), str(folder))
    assert cold.returncode == 1 and cold.stderr == ""
    path = _database(cache_dir)
    path.unlink()
    victim = tmp_path / "victim.db"
    if kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "garbage":
        path.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "foreign":  # a real database, not of ours: a table named like ours, with a trigger
        connection = sqlite3.connect(path)
        connection.executescript("CREATE TABLE result(key, value, mac); CREATE TABLE log(x);"
                                 "CREATE TRIGGER t AFTER INSERT ON result BEGIN INSERT INTO log VALUES (1); END;")
        connection.close()
    elif kind in ("symlink", "hardlink"):  # to a genuine database elsewhere, neither read nor written
        connection = sqlite3.connect(victim)
        connection.execute("CREATE TABLE precious(x)")
        connection.commit()
        connection.close()
        if kind == "symlink":
            path.symlink_to(victim)
        else:  # (an unpacked archive can carry one; a git checkout cannot)
            os.link(victim, path)
    else:
        with open(path, "wb") as handle:
            handle.truncate(4 << 30)  # 4 GB that take no room: over this child's memory
    before = victim.read_bytes() if kind in ("symlink", "hardlink") else None
    warm = _run_limited("--cache-dir", str(cache_dir), str(folder))
    assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout)
    if kind == "folder":  # read as missing; it cannot be replaced
        assert warm.stderr == f"guidelint: warning: result cache not saved: {path}: Is a directory\n"
        return
    assert warm.stderr == ""
    assert path.is_file() and not path.is_symlink()
    if kind != "empty":  # (an empty file is a database with no tables yet: it is used as it is)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    if kind in ("symlink", "hardlink"):
        assert victim.read_bytes() == before
    again = _run_limited("--cache-dir", str(cache_dir), str(folder))  # from the new database
    assert (again.returncode, again.stdout, again.stderr) == (cold.returncode, cold.stdout, "")
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT count(*) FROM result").fetchone() == (12,)
    connection.close()


# --- 3. a cache folder that cannot be used costs the cache, never the run ------------------------------

def test_a_file_where_the_cache_folder_should_be(tmp_path, monkeypatch) -> None:
    folder = _corpus(tmp_path)
    monkeypatch.chdir(tmp_path)
    Path(".guidelint_cache").write_text("not a folder\n")
    expected = check("--no-cache", str(folder))
    assert expected[0] == 1 and expected[2] == ""
    code, out, err = check(str(folder))
    assert (code, out) == expected[:2]
    # the cache lives in the project root (here the working folder: no config, no git checkout)
    assert err == f"guidelint: warning: result cache not used: {tmp_path / '.guidelint_cache'} is not a folder\n"
    assert Path(".guidelint_cache").read_text() == "not a folder\n"
    monkeypatch.setenv("GUIDELINT_NO_CACHE", "1")  # the environment's --no-cache, as pre-commit users set it
    assert check(str(folder)) == expected


def test_no_cache_never_touches_the_cache_folder(tmp_path, monkeypatch) -> None:
    folder = _corpus(tmp_path)
    touched: list[str] = []
    for name in ("stat", "lstat", "open", "listdir", "scandir", "mkdir", "makedirs", "access"):
        original = getattr(os, name)

        def spy(*args, _original=original, **kwargs):
            if args and "never-touched" in str(args[0]):
                touched.append(str(args[0]))
            return _original(*args, **kwargs)

        monkeypatch.setattr(os, name, spy)
    code, _, err = check("--no-cache", "--cache-dir", str(tmp_path / "never-touched"), str(folder))
    assert (code, err, touched) == (1, "", [])
    monkeypatch.delenv("GUIDELINT_NO_CACHE", raising=False)
    check("--fix", "--cache-dir", str(tmp_path / "never-touched"), str(folder / "0-defects.md"))
    assert touched == []  # fixing does not use the cache either
    check("--cache-dir", str(tmp_path / "never-touched"), str(folder))
    assert touched  # (the spy sees a run that uses it)


def test_a_symlinked_cache_folder_is_not_used_and_its_target_not_written(tmp_path, monkeypatch) -> None:
    folder = _corpus(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".gitignore").write_text("mine\n")
    monkeypatch.chdir(tmp_path)
    os.symlink(elsewhere, ".guidelint_cache")
    code, out, err = check(str(folder))
    assert (code, out) == check("--no-cache", str(folder))[:2]
    assert err == f"guidelint: warning: result cache not used: {tmp_path / '.guidelint_cache'} is a symlink\n"
    assert sorted(os.listdir(elsewhere)) == [".gitignore"] and (elsewhere / ".gitignore").read_text() == "mine\n"


def test_a_cache_that_cannot_be_saved_warns_once(tmp_path) -> None:
    cache_dir = tmp_path / "cache"
    cache = result_cache.ResultCache.open(str(cache_dir))
    cache.store(runner.FileOutcome("a.md", cache_key="0" * 64))
    cache.store(runner.FileOutcome("b.md", cache_key="1" * 64))
    cache_dir.write_text("appeared during the run")
    assert cache.save() == f"result cache not saved: {cache_dir} is not a folder"


# --- 4. writes never follow a planted link -------------------------------------------------------------

def test_planted_links_are_replaced_never_written_through(tmp_path) -> None:
    folder = _corpus(tmp_path)
    victim = tmp_path / "bashrc"
    victim.write_bytes(b"")  # an empty file is a database to SQLite: written through a link, it would be one
    cache_dir = tmp_path / "cache"
    version = cache_dir / VERSION
    version.mkdir(parents=True)
    names = [result_cache.DATABASE + suffix for suffix in ("", "-wal", "-shm", "-journal")]
    for name in names:
        (version / name).symlink_to(victim)
    (cache_dir / "CACHEDIR.TAG").symlink_to(tmp_path / "created-through-a-link")
    cold = check("--cache-dir", str(cache_dir), str(folder))
    assert cold == (*check("--no-cache", str(folder))[:2], "")
    assert victim.read_bytes() == b""
    assert not (tmp_path / "created-through-a-link").exists()
    assert not any((version / name).is_symlink() for name in names)
    path = version / result_cache.DATABASE
    assert path.is_file() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold


def test_planted_hard_links_beside_a_good_database_are_never_written_through(tmp_path) -> None:
    """An unpacked archive can carry a companion file hard-linked to a user's file: beside the run's own
    good database, SQLite would write its journal into it. The names are dropped; the file is untouched."""
    folder = _corpus(tmp_path)
    cache_dir = tmp_path / "cache"
    cold = check("--cache-dir", str(cache_dir), str(folder))
    version = cache_dir / VERSION
    victims = []
    for suffix in ("-wal", "-journal"):
        victim = tmp_path / f"notes{suffix}.txt"
        victim.write_bytes(b"my notes\n" * 100)
        (version / (result_cache.DATABASE + suffix)).unlink(missing_ok=True)
        os.link(victim, version / (result_cache.DATABASE + suffix))
        victims.append(victim)
    (folder / "new.md").write_text((folder / sorted(os.listdir(folder))[0]).read_text() + "\nmore\n")
    again = check("--cache-dir", str(cache_dir), str(folder))  # stores one more result: a write
    assert again[0] == cold[0] and again[2] == ""
    assert all(victim.read_bytes() == b"my notes\n" * 100 for victim in victims)
    assert all(victim.stat().st_nlink == 1 for victim in victims)


# --- 5. runs at the same time ---------------------------------------------------------------------------

def test_runs_at_the_same_time_share_the_cache(tmp_path) -> None:
    """Four runs started together on one empty cache, then four on the filled one: each reports what a run
    without the cache does, none warns, and the cache they leave answers the next run."""
    folder = _corpus(tmp_path, copies=8)  # 112 files
    cache_dir = tmp_path / "cache"
    expected = check("--no-cache", str(folder))
    env = {**os.environ, "GUIDELINT_POOL_MIN_BYTES": "0"}  # (runs in worker processes too)
    env.pop("GUIDELINT_NO_CACHE", None)
    for _ in range(2):
        runs = [subprocess.Popen([sys.executable, "-c", _SCRIPT, "check", "--format", "json", "--jobs", str(jobs),
                                  "--cache-dir", str(cache_dir), str(folder)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                for jobs in (1, 2, 1, 2)]
        for run in runs:
            out, err = run.communicate(timeout=120)
            assert (run.returncode, out, err) == expected
    connection = sqlite3.connect(_database(cache_dir))
    assert connection.execute("SELECT count(*) FROM result").fetchone() == (12,)
    assert connection.execute("SELECT count(*) FROM file").fetchone() == (8 * 12,)
    connection.close()


def test_a_database_held_by_another_run_costs_the_cache_not_the_run(tmp_path, monkeypatch) -> None:
    folder = _corpus(tmp_path)
    cache_dir = tmp_path / "cache"
    cold = check("--cache-dir", str(cache_dir), str(folder))
    (folder / "0-defects.md").write_bytes((folder / "0-defects.md").read_bytes() + b"\nmore  \n")
    expected = check("--no-cache", str(folder))
    monkeypatch.setattr(result_cache, "BUSY_MS", 50)
    holder = sqlite3.connect(_database(cache_dir), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another run in the middle of writing
    try:
        code, out, err = check("--cache-dir", str(cache_dir), str(folder))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (code, out) == expected[:2] != cold[:2]
    assert err == f"guidelint: warning: result cache not saved: {_database(cache_dir)}: database is locked\n"
    assert check("--cache-dir", str(cache_dir), str(folder)) == expected  # and the next run saves it
