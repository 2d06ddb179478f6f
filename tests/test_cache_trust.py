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
    monkeypatch.setattr(runner, "RACY_NS", 0)  # index and snapshot entries trusted at once (settled copies)


def check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", "--format", "json", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _cache_files(cache_dir: Path) -> list[Path]:
    return sorted(path for path in (cache_dir / VERSION).rglob("*.json") if path.is_file())


def _without_findings(name: str, entries: dict) -> dict:
    """A cache file's entries rewritten to say that every file is clean."""
    if name == "index.json":
        return entries
    if "results" in entries:  # a run snapshot
        return {**entries, "results": [None if r is None else [[], []] for r in entries["results"]]}
    return {key: [[], []] for key in entries}  # a shard


def _forge(cache_dir: Path, head) -> int:
    """Rewrite every cache file so that no file has a finding, with `head(name, body)` as its first line."""
    forged = 0
    for path in _cache_files(cache_dir):
        content = json.loads(path.read_bytes().split(b"\n", 1)[1])
        content["entries"] = _without_findings(path.name, content["entries"])
        body = json.dumps(content, separators=(",", ":")).encode("utf-8")
        name = path.relative_to(cache_dir).as_posix()
        path.write_bytes(head(name, body) + b"\n" + body)
        forged += 1
    return forged


# --- 1. a forged cache is not believed -----------------------------------------------------------------

def test_a_forged_cache_with_its_sha256_recomputed_is_not_believed(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(result_cache, "SNAPSHOT_MIN_FILES", 10)  # the snapshot is forged too
    folder = _corpus(tmp_path)
    cache_dir = tmp_path / ".guidelint_cache"
    cold = check("--cache-dir", str(cache_dir), str(folder))
    assert cold[0] == 1 and len(json.loads(cold[1])) > 20
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold  # warm, from the snapshot
    # what the old format trusted: the plain SHA-256 of the body on the first line
    assert _forge(cache_dir, lambda name, body: hashlib.sha256(body).hexdigest().encode("ascii")) >= 3
    assert [p.parent.name for p in _cache_files(cache_dir)].count("runs") == 1
    assert check("--cache-dir", str(cache_dir), str(folder)) == check("--no-cache", str(folder)) == cold


def test_a_cache_sealed_with_another_key_is_not_believed(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(result_cache, "SNAPSHOT_MIN_FILES", 10)
    folder = _corpus(tmp_path)
    cache_dir = tmp_path / ".guidelint_cache"
    cold = check("--cache-dir", str(cache_dir), str(folder))
    other = os.urandom(cache_files.KEY_SIZE)
    _forge(cache_dir, lambda name, body: cache_files.seal(other, name, body).split(b"\n", 1)[0])
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold
    # the same forgery under the user's own key is believed: what the key keeps out is real
    key = cache_files.user_key()
    _forge(cache_dir, lambda name, body: cache_files.seal(key, name, body).split(b"\n", 1)[0])
    believed = check("--cache-dir", str(cache_dir), str(folder))
    never_cached = [d for d in json.loads(cold[1]) if d["path"].endswith(("empty.md", "latin1.md"))]
    assert json.loads(believed[1]) == never_cached and len(never_cached) < len(json.loads(cold[1]))


def test_a_cache_file_moved_to_another_name_is_not_believed(tmp_path, monkeypatch) -> None:
    """The MAC covers the file's name: a genuine snapshot of one run cannot stand in for another's."""
    monkeypatch.setattr(result_cache, "SNAPSHOT_MIN_FILES", 10)
    folder = _corpus(tmp_path)
    cache_dir = tmp_path / "cache"
    check("--cache-dir", str(cache_dir), "--select", "GL301", str(folder))
    (narrow,) = (cache_dir / VERSION / "runs").iterdir()
    wide = check("--cache-dir", str(cache_dir), str(folder))
    assert wide[0] == 1 and {d["code"] for d in json.loads(wide[1])} != {"GL301"}
    for snapshot in (cache_dir / VERSION / "runs").iterdir():
        if snapshot != narrow:
            os.replace(narrow, snapshot)
    assert check("--cache-dir", str(cache_dir), str(folder)) == wide


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


# --- 2. cache files are read only as bounded regular files ---------------------------------------------

_SCRIPT = """\
from guidelint import cache, runner
cache.SNAPSHOT_MIN_FILES = 10
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


@pytest.mark.parametrize("victim", ["shards", "index", "snapshot"])
@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "huge-sparse", "folder"])
def test_a_cache_file_that_is_not_a_bounded_regular_file_is_not_read(tmp_path, victim, kind) -> None:
    folder = _corpus(tmp_path)
    cache_dir = tmp_path / "cache"
    cold = _run_limited("--cache-dir", str(cache_dir), str(folder))
    assert cold.returncode == 1 and cold.stderr == ""
    version = cache_dir / VERSION
    if victim == "snapshot":
        targets = list((version / "runs").iterdir())
    else:  # without a snapshot, the index and the shards are read
        shutil.rmtree(version / "runs")
        targets = [version / "index.json"] if victim == "index" else \
            [path for path in version.glob("*.json") if path.name != "index.json"]
    assert targets
    for path in targets:
        path.unlink()
        if kind == "dev-zero":
            path.symlink_to("/dev/zero")
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "folder":
            path.mkdir()
        else:
            with open(path, "wb") as handle:
                handle.truncate(4 << 30)  # 4 GB that take no room: over any limit, and over this child's memory
    warm = _run_limited("--cache-dir", str(cache_dir), str(folder))
    assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout)
    if kind == "folder":  # read as missing; written again, but no file can be renamed over a folder
        assert warm.stderr.startswith(f"guidelint: warning: result cache not saved: {version}{os.sep}")
        assert warm.stderr.endswith(".json: Is a directory\n") and warm.stderr.count("\n") == 1
    else:
        assert warm.stderr == ""
        assert all(path.is_file() and not path.is_symlink() and path.stat().st_size < 1 << 20 for path in targets)


def test_a_cache_file_over_the_limit_is_neither_read_nor_written(tmp_path, monkeypatch) -> None:
    folder = _corpus(tmp_path)
    cache_dir = tmp_path / "cache"
    cold = check("--cache-dir", str(cache_dir), str(folder))
    largest = max(_cache_files(cache_dir), key=lambda path: path.stat().st_size)
    before = largest.read_bytes()
    monkeypatch.setattr(cache_files, "FILE_LIMIT", len(before) - 1)
    monkeypatch.setattr(result_cache, "FILE_LIMIT", len(before) - 1)
    reads: list[tuple[str, int | None]] = []
    original = cache_files._read_regular

    def read(name, folder):
        data = original(name, folder)
        reads.append((name, None if data is None else len(data)))
        return data

    monkeypatch.setattr(cache_files, "_read_regular", read)
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold
    assert sorted(reads) == sorted((path.name, None if path == largest else path.stat().st_size)
                                   for path in _cache_files(cache_dir))  # the largest refused by its size
    assert largest.read_bytes() == before  # written again it would be over the limit too: it is not


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
    cache.dirty.add("00")
    cache.shards["00"] = {}
    cache_dir.write_text("appeared during the run")
    assert cache.save() == f"result cache not saved: {cache_dir} is not a folder"


# --- 4. writes never follow a planted link -------------------------------------------------------------

def test_planted_links_are_replaced_never_written_through(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(result_cache, "SNAPSHOT_MIN_FILES", 10)
    folder = _corpus(tmp_path)
    victim = tmp_path / "bashrc"
    victim.write_bytes(b"export PATH=/usr/bin\n")
    cache_dir = tmp_path / "cache"
    version = cache_dir / VERSION
    version.mkdir(parents=True)
    names = [f"{n:02x}.json" for n in range(256)] + ["index.json"]
    for name in names:
        (version / name).symlink_to(victim)
    (cache_dir / "CACHEDIR.TAG").symlink_to(tmp_path / "created-through-a-link")
    cold = check("--cache-dir", str(cache_dir), str(folder))
    assert cold == (*check("--no-cache", str(folder))[:2], "")
    assert victim.read_bytes() == b"export PATH=/usr/bin\n"
    assert not (tmp_path / "created-through-a-link").exists()
    written = [name for name in names if not (version / name).is_symlink()]
    assert "index.json" in written and len(written) > 5  # replaced by real cache files
    assert all((version / name).is_file() and stat.S_IMODE((version / name).stat().st_mode) == 0o600
               for name in written)
    assert check("--cache-dir", str(cache_dir), str(folder)) == cold


def test_a_planted_runs_folder_link_is_not_written_into_nor_pruned(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(result_cache, "SNAPSHOT_MIN_FILES", 10)
    monkeypatch.setattr(result_cache, "SNAPSHOTS_KEPT", 0)
    folder = _corpus(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    precious = elsewhere / ("0" * 32 + ".json")  # named like a snapshot
    precious.write_text("{}")
    cache_dir = tmp_path / "cache"
    (cache_dir / VERSION).mkdir(parents=True)
    (cache_dir / VERSION / "runs").symlink_to(elsewhere)
    code, out, err = check("--cache-dir", str(cache_dir), str(folder))
    assert (code, out) == check("--no-cache", str(folder))[:2]
    assert err == f"guidelint: warning: result cache not saved: {cache_dir / VERSION / 'runs'} is a symlink\n"
    assert sorted(os.listdir(elsewhere)) == [precious.name]
