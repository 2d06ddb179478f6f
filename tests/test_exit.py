"""How the command line ends its process (interrupts.exit_quickly): the exit code and every byte of output
as a normal exit gives them, the atexit functions run, and the interpreter's teardown skipped unless a
thread or child process is still running."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES

_PRELUDE = """
import atexit, sys, threading, time
from guidelint.interrupts import exit_quickly

class Teardown:
    def __del__(self):
        sys.stderr.write("teardown ran\\n")

kept = Teardown()  # freed only by the interpreter's teardown of this module
atexit.register(lambda: sys.stderr.write("atexit ran\\n"))
"""


def _run(body: str, stdout: int = subprocess.PIPE) -> subprocess.CompletedProcess[bytes]:
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}  # buffered, as a user's
    return subprocess.run([sys.executable, "-c", _PRELUDE + body], stdout=stdout, stderr=subprocess.PIPE,
                          env=env, check=False)


def test_the_code_the_output_and_atexit_come_through_and_the_teardown_is_skipped() -> None:
    done = _run("""
def entry():
    sys.stdout.write("x" * 200000)  # more than the buffer: flushed partly while running, the rest at exit
    sys.exit(3)
exit_quickly(entry)
""")
    assert done.returncode == 3
    assert done.stdout == b"x" * 200000
    assert done.stderr == b"atexit ran\n"


@pytest.mark.parametrize(("ending", "code", "stderr"), [
    ("pass", 0, b""), ("sys.exit()", 0, b""), ("sys.exit(None)", 0, b""),
    ("sys.exit('guidelint: bad')", 1, b"guidelint: bad\n"), ("sys.exit(130)", 130, b"")])
def test_what_sys_exit_is_given_becomes_the_same_code(ending: str, code: int, stderr: bytes) -> None:
    done = _run(f"""
def entry():
    {ending}
exit_quickly(entry)
""")
    assert done.returncode == code
    assert done.stderr == stderr + b"atexit ran\n"


def test_a_thread_still_running_gets_the_normal_exit_which_waits_for_it(tmp_path: Path) -> None:
    marker = tmp_path / "thread-finished"
    done = _run(f"""
def late():
    time.sleep(0.3)
    open({str(marker)!r}, "w").close()
exit_quickly(lambda: threading.Thread(target=late).start())
""")
    assert done.returncode == 0
    assert marker.exists()
    assert done.stderr == b"atexit ran\nteardown ran\n"  # the normal exit: teardown included


def test_a_reader_that_closed_the_pipe_is_exit_141_without_a_word() -> None:
    read, write = os.pipe()
    os.close(read)
    try:
        done = _run("""
exit_quickly(lambda: sys.stdout.write("report\\n"))  # buffered: the flush at exit meets the closed pipe
""", stdout=write)
    finally:
        os.close(write)
    assert done.returncode == 141
    assert done.stderr == b"atexit ran\n"


def test_the_command_line_report_arrives_whole_through_a_pipe(tmp_path: Path) -> None:
    """The real command: a report far larger than a pipe's buffer, read to its end."""
    for number in range(40):
        (tmp_path / f"guide-{number}.md").write_bytes(
            (SAMPLES / "variant-a-customer-success-manager.md").read_bytes() + b"trailing   \n" * 50)
    command = [sys.executable, "-m", "guidelint", "check", "--no-cache", "--format", "json", str(tmp_path)]
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    done = subprocess.run(command, capture_output=True, env=env, check=False)
    assert done.returncode == 0  # (trailing whitespace is a warning)
    import json

    findings = json.loads(done.stdout)
    assert sum(1 for finding in findings if finding["code"] == "GL002") == 40 * 50


def test_a_run_ended_by_a_closed_pipe_closes_the_result_cache(tmp_path: Path) -> None:
    """The cache database is closed when the run ends early: its WAL companions go with the connection."""
    guides = tmp_path / "guides"
    guides.mkdir()
    for number in range(300):  # a report longer than a pipe's buffer: the run ends before the last result
        (guides / f"guide-{number}.md").write_bytes(
            (SAMPLES / "variant-a-customer-success-manager.md").read_bytes() + b"trailing   \n")
    cache = tmp_path / "cache"
    command = [sys.executable, "-m", "guidelint", "check", "--cache-dir", str(cache), str(guides)]
    env = {name: value for name, value in os.environ.items() if name != "GUIDELINT_NO_CACHE"}
    subprocess.run(command, capture_output=True, env=env, check=True)  # fills the cache
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(command, stdout=write, stderr=subprocess.PIPE, env=env, check=False)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (141, b"")
    folder = next(cache.glob("v*"))
    assert sorted(path.name for path in folder.iterdir()) == ["results.db"]
