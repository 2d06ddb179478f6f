"""--fix and the file system: read-only files are refused, owner, group and mode are kept, and a guide
swapped for a FIFO or a device between the read and the write neither hangs the run nor is written."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import stat
import tempfile
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from guidelint import fixer
from guidelint.cli import main
from guidelint.fixer import WriteError, write_atomic

from conftest import SAMPLES

BROKEN = (SAMPLES / "variant-b-marketing-manager.md").read_bytes().replace(b"\n\n", b"  \n\n", 1)
FIXED = BROKEN.replace(b"  \n\n", b"\n\n", 1)
NOBODY = 65534
assert BROKEN != FIXED


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def snapshot(path) -> tuple[bytes, int, int, int, int]:
    status = os.lstat(path)
    return open(path, "rb").read(), status.st_mode, status.st_mtime_ns, status.st_uid, status.st_gid


@contextlib.contextmanager
def no_hang(seconds: int = 60) -> Iterator[None]:
    """Turn a hang (a blocking open of a FIFO) into a failure instead of a stuck test run."""
    def expire(signum, frame):
        raise AssertionError(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("mode", [0o444, 0o464, 0o400])
def test_a_file_without_its_owner_write_bit_is_not_fixed_even_by_root(tmp_path, mode) -> None:
    path = tmp_path / "guide.md"
    path.write_bytes(BROKEN)
    path.chmod(mode)
    before = snapshot(path)
    result = invoke("check", "--fix", str(path))
    assert result.exit_code == 2
    assert result.stderr == f"guidelint: error: {os.path.relpath(path)}: read-only; not fixed\n"
    assert snapshot(path) == before  # bytes, mode, mtime, owner
    assert sorted(p.name for p in tmp_path.iterdir()) == ["guide.md"]


def test_fix_keeps_owner_group_and_mode(tmp_path) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a file to another owner needs root")
    path = tmp_path / "guide.md"
    path.write_bytes(BROKEN)
    os.chown(path, 1234, 1234)
    path.chmod(0o640)
    result = invoke("check", "--fix", str(path))
    assert result.stderr == ""
    content, mode, _, uid, gid = snapshot(path)
    assert (content, stat.S_IMODE(mode), uid, gid) == (FIXED, 0o640, 1234, 1234)


def _as_nobody(args: list[str]) -> dict:
    """Run the CLI in a forked child that dropped to an unprivileged uid and gid; its exit code and stderr."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(reader)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            result = CliRunner().invoke(main, args, catch_exceptions=True)
            report = {"exit": result.exit_code, "stderr": result.stderr,
                      "exception": repr(result.exception) if not isinstance(result.exception, SystemExit) else None}
            os.write(writer, json.dumps(report).encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as stream:
        data = stream.read()
    os.waitpid(pid, 0)
    return json.loads(data)


def test_a_file_the_user_may_not_write_is_not_fixed(tmp_path) -> None:
    """In a folder anyone may write to, a file owned by someone else (mode 0644): renaming a new file over
    it would succeed (and take it from its owner); guidelint refuses instead."""
    if os.geteuid() != 0:
        pytest.skip("dropping to another uid needs root")
    invoke("check", "--fix", "--diff", str(SAMPLES))  # import everything now: the child cannot read ~root
    folder = tempfile.mkdtemp(prefix="guidelint-perm-")  # (tmp_path's parents are closed to other users)
    try:
        os.chmod(folder, 0o777)
        path = os.path.join(folder, "guide.md")
        mine = os.path.join(folder, "mine.md")
        for name, owner in ((path, 1234), (mine, NOBODY)):
            with open(name, "wb") as handle:
                handle.write(BROKEN)
            os.chown(name, owner, owner)
            os.chmod(name, 0o644)
        before = snapshot(path)
        report = _as_nobody(["check", "--fix", path, mine])
        assert report["exception"] is None
        assert report["exit"] == 2
        assert report["stderr"] == f"guidelint: error: {os.path.relpath(path)}: read-only; not fixed\n"
        assert snapshot(path) == before
        assert snapshot(mine)[0] == FIXED  # the file nobody owns was fixed, in the same run
        assert sorted(os.listdir(folder)) == ["guide.md", "mine.md"]
    finally:
        shutil.rmtree(folder)


# --- the file changes kind between the read and the write ---------------------------------------------

def _swap_to_fifo(path: str) -> None:
    os.unlink(path)
    os.mkfifo(path)


def _swap_to_device(path: str) -> None:
    os.unlink(path)
    os.symlink("/dev/zero", path)


def _swap_to_bigger(path: str) -> None:
    with open(path, "ab") as handle:
        handle.write(b"x" * 1_000_000)


@pytest.mark.parametrize("swap, message", [
    (_swap_to_fifo, "not a regular file; not written"),
    (_swap_to_device, "not a regular file; not written"),
    (_swap_to_bigger, "file changed while it was being fixed; not written"),
])
def test_write_atomic_refuses_a_file_swapped_after_the_read(tmp_path, swap, message) -> None:
    path = str(tmp_path / "guide.md")
    with open(path, "wb") as handle:
        handle.write(BROKEN)
    swap(path)
    with no_hang(), pytest.raises(WriteError) as raised:
        write_atomic(path, FIXED, expected=BROKEN)
    assert str(raised.value) == f"{path}: {message}"
    assert os.path.islink(path) or not stat.S_ISREG(os.stat(path).st_mode) or os.path.getsize(path) > len(BROKEN)


@pytest.mark.parametrize("swap, kind", [(_swap_to_fifo, stat.S_ISFIFO), (_swap_to_device, stat.S_ISCHR)])
def test_fix_run_refuses_a_guide_swapped_while_it_was_fixed(tmp_path, monkeypatch, swap, kind) -> None:
    path = tmp_path / "guide.md"
    path.write_bytes(BROKEN)
    real = fixer.fix_source

    def then_swap(linter, source, **options):  # runs between the read and the write of `process`
        result = real(linter, source, **options)
        swap(str(path))
        return result

    monkeypatch.setattr(fixer, "fix_source", then_swap)
    with no_hang():
        result = invoke("check", "--fix", str(path))
    assert result.exit_code == 2
    assert result.stderr == f"guidelint: error: {os.path.relpath(path)}: not a regular file; not written\n"
    assert kind(os.stat(path).st_mode)
