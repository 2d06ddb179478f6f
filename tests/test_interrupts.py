"""Safe under real conditions: Ctrl-C and SIGTERM in the middle of a run, a reader that closes the pipe,
an exception or a death in a worker process, a full disk. Real subprocesses of the installed `guidelint`
command, real signals, ~2,000 guides.

A trial waits for a real sign that the run is where the trial wants it (worker processes started,
guides being rewritten, the export's temporary file growing), then sends the signal. Only the timing is
ever tried again (when the run finished before the signal reached it); the assertions never are.
"""
from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SAMPLES

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals, /proc and process groups")

GUIDELINT = Path(sys.executable).with_name("guidelint")
COUNT = 2000
OLD_EXPORT = b'{"an": "export from an earlier run"}\n'
TIMING_ATTEMPTS = 5
HANG = 180  # seconds: far beyond any run here; reaching it means the run hung


def _corpus_texts() -> dict[str, bytes]:
    """COUNT guides: the sample guides under varied names and folders, most with defects --fix removes
    (trailing spaces on some lines, a missing final newline)."""
    samples = sorted(SAMPLES.glob("*.md"))
    assert len(samples) >= 3
    texts = {}
    for number in range(COUNT):
        sample = samples[number % len(samples)]
        lines = sample.read_text(encoding="utf-8").split("\n")
        if number % 4:
            lines = [line + "  " if index % 5 == 3 and line else line for index, line in enumerate(lines)]
        text = "\n".join(lines)
        if number % 3 == 1:
            text = text.rstrip("\n")
        name = f"team-{number % 7}/{sample.stem.split('-', 2)[-1]}-{number:04d}{'-draft' if number % 5 == 0 else ''}.md"
        texts[name] = text.encode("utf-8")
    return texts


def _write(folder: Path, texts: dict[str, bytes]) -> None:
    for name, data in texts.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _read(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*.md")}


@dataclasses.dataclass(frozen=True)
class Corpus:
    originals: dict[str, bytes]
    fixed: dict[str, bytes]  # what an uninterrupted `check --fix` makes of each guide


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Corpus:
    if not GUIDELINT.exists():
        pytest.skip(f"the guidelint command is not installed next to {sys.executable}")
    originals = _corpus_texts()
    folder = tmp_path_factory.mktemp("fixed") / "guides"
    _write(folder, originals)
    done = subprocess.run([str(GUIDELINT), "check", "--fix", "--no-cache", "--jobs", "2", str(folder)],
                          capture_output=True, timeout=HANG)
    assert done.returncode in (0, 1), done.stderr
    fixed = _read(folder)
    assert set(fixed) == set(originals)
    changed = sum(fixed[name] != originals[name] for name in originals)
    assert changed == sum(1 for number in range(COUNT) if number % 4 or number % 3 == 1)
    return Corpus(originals, fixed)


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            return [int(part) for part in handle.read().split()]
    except OSError:
        return []


def _running(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie waiting to be reaped has ended)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _temporary_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.name.startswith(".guidelint-")]


@dataclasses.dataclass
class Ended:
    returncode: int
    stderr: str
    workers: list[int]


def _interrupt(args: list[str], *, signum: int, group: bool, ready: Callable[[subprocess.Popen[bytes]], bool],
               prepare: Callable[[], None], finished: Callable[[Ended], bool]) -> Ended:
    """Run `guidelint ARGS`, wait until `ready` says the run is at the wanted moment, send `signum` to
    its process group (what Ctrl-C in a terminal does) or to it alone (`kill PID`). The timing is tried
    again when the run ended before the signal could stop it (`finished`); nothing else is."""
    for _ in range(TIMING_ATTEMPTS):
        prepare()
        process = subprocess.Popen([str(GUIDELINT), *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   start_new_session=True)
        workers: set[int] = set()
        try:
            while process.poll() is None and not ready(process):
                workers.update(_children(process.pid))
                time.sleep(0.002)
            workers.update(_children(process.pid))
            if process.poll() is None:
                if group:
                    os.killpg(process.pid, signum)
                else:
                    process.send_signal(signum)
            _, stderr = process.communicate(timeout=HANG)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"guidelint {' '.join(args)} hung after signal {signum}")
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        ended = Ended(process.returncode, stderr.decode("utf-8", "replace"), sorted(workers))
        if not finished(ended):
            return ended
    pytest.fail(f"guidelint {' '.join(args)} finished before the signal in {TIMING_ATTEMPTS} tries")


def _assert_interrupted(ended: Ended, signum: int, root: Path) -> None:
    assert ended.stderr == "guidelint: interrupted\n"  # no traceback, no "Aborted!", nothing from a worker
    assert ended.returncode == 128 + signum
    assert _temporary_files(root) == []
    for _ in range(500):  # the workers were joined before the parent exited; allow the reaper a moment
        if not any(_running(pid) for pid in ended.workers):
            break
        time.sleep(0.01)
    assert [pid for pid in ended.workers if _running(pid)] == []


def _changed(folder: Path, corpus: Corpus) -> int:
    count = 0
    for name, data in corpus.originals.items():
        try:
            if (folder / name).stat().st_size != len(data):
                count += 1
        except FileNotFoundError:
            count += 1
    return count


# --- Ctrl-C and SIGTERM ---------------------------------------------------------------------------------

FIX_TRIALS = [
    # (signal, to the process group, jobs, files rewritten before the signal; 0: as soon as workers run)
    pytest.param(signal.SIGINT, True, 2, 0, id="sigint-group-early"),
    pytest.param(signal.SIGINT, True, 2, 1, id="sigint-group-while-fixing"),
    pytest.param(signal.SIGTERM, True, 2, COUNT // 3, id="sigterm-group-mid-run"),
    pytest.param(signal.SIGTERM, False, 2, 1, id="sigterm-parent-while-fixing"),
    pytest.param(signal.SIGINT, False, 1, 1, id="sigint-one-process-while-fixing"),
]


@pytest.mark.parametrize(("signum", "group", "jobs", "after"), FIX_TRIALS)
def test_an_interrupted_fix_leaves_each_guide_as_it_was_or_fixed(corpus, tmp_path, signum, group, jobs,
                                                                   after) -> None:
    folder = tmp_path / "guides"

    def prepare() -> None:
        shutil.rmtree(folder, ignore_errors=True)
        _write(folder, corpus.originals)

    def ready(process: subprocess.Popen[bytes]) -> bool:
        if after == 0:
            return bool(_children(process.pid))
        return _changed(folder, corpus) >= after

    def finished(ended: Ended) -> bool:
        return ended.returncode in (0, 1) and _read(folder) == corpus.fixed

    ended = _interrupt(["check", "--fix", "--no-cache", "--jobs", str(jobs), str(folder)], signum=signum,
                       group=group, ready=ready, prepare=prepare, finished=finished)
    _assert_interrupted(ended, signum, tmp_path)
    after_run = _read(folder)
    assert set(after_run) == set(corpus.originals)
    half_done = [name for name, data in after_run.items() if data not in (corpus.originals[name], corpus.fixed[name])]
    assert half_done == []
    assert after_run != corpus.fixed  # the signal stopped the run: some guide was left for later


EXPORT_TRIALS = [
    # (signal, to the process group, format, moment: "workers" started or the temporary file "writing")
    pytest.param(signal.SIGINT, True, "jsonl", "workers", id="sigint-group-early"),
    pytest.param(signal.SIGINT, True, "jsonl", "writing", id="sigint-group-writing"),
    pytest.param(signal.SIGTERM, True, "json", "writing", id="sigterm-group-writing-json"),
    pytest.param(signal.SIGTERM, False, "parquet", "workers", id="sigterm-parent-parquet"),
]


@pytest.mark.parametrize(("signum", "group", "output_format", "moment"), EXPORT_TRIALS)
def test_an_interrupted_export_leaves_its_target_as_it_was(corpus, tmp_path, signum, group, output_format,
                                                           moment) -> None:
    if output_format == "parquet":
        pytest.importorskip("pyarrow")
    folder = tmp_path / "guides"
    _write(folder, corpus.originals)
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"data.{output_format}"

    def prepare() -> None:
        target.write_bytes(OLD_EXPORT)

    def ready(process: subprocess.Popen[bytes]) -> bool:
        if moment == "workers":
            return bool(_children(process.pid))
        return any(path.stat().st_size > 0 for path in _temporary_files(out))

    def finished(ended: Ended) -> bool:
        return ended.returncode == 0 and target.read_bytes() != OLD_EXPORT

    ended = _interrupt(["export", "--format", output_format, "--jobs", "2", "-o", str(target), str(folder)],
                       signum=signum, group=group, ready=ready, prepare=prepare, finished=finished)
    _assert_interrupted(ended, signum, tmp_path)
    assert target.read_bytes() == OLD_EXPORT
    assert _read(folder) == corpus.originals


@pytest.mark.parametrize(("signum", "group"), [pytest.param(signal.SIGINT, True, id="sigint-group"),
                                               pytest.param(signal.SIGTERM, False, id="sigterm-parent")])
def test_an_interrupted_check_ends_with_one_line(corpus, tmp_path, signum, group) -> None:
    folder = tmp_path / "guides"
    _write(folder, corpus.originals)
    cache = tmp_path / "cache"

    def ready(process: subprocess.Popen[bytes]) -> bool:
        return bool(_children(process.pid))

    def finished(ended: Ended) -> bool:
        return ended.returncode in (0, 1)

    ended = _interrupt(["check", "--jobs", "2", "--cache-dir", str(cache), str(folder)], signum=signum,
                       group=group, ready=ready, prepare=lambda: None, finished=finished)
    _assert_interrupted(ended, signum, tmp_path)
    assert _read(folder) == corpus.originals


# --- a reader that closes the pipe ----------------------------------------------------------------------

@pytest.mark.parametrize("args", [pytest.param(["check", "--no-cache"], id="check"),
                                  pytest.param(["export"], id="export"),
                                  pytest.param(["export", "--format", "json"], id="export-json")])
def test_a_closed_pipe_ends_the_run_quietly_with_141(corpus, tmp_path, args) -> None:
    """`guidelint ... | head -1`: the first line gets through, then nothing on stderr, exit 141 (what a
    shell reports for a tool ended by SIGPIPE), and the workers stop."""
    folder = tmp_path / "guides"
    _write(folder, dict(list(corpus.originals.items())[:600]))  # ~140 KB of findings: more than a pipe holds
    process = subprocess.Popen([str(GUIDELINT), *args, "--jobs", "2", str(folder)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    try:
        stderr = process.stderr.read()
        process.wait(timeout=HANG)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("hung after its reader closed the pipe")
    assert first.strip()
    assert stderr == b""
    assert process.returncode == 141


# --- errors in worker processes --------------------------------------------------------------------------

FAILING_MODULE = '''
from guidelint.yamlnodes import YamlProblem


def fail_on_bad(linter, path, argument):
    """A per-file step that raises on one file: an exception that pickles but does not unpickle
    (YamlProblem takes two arguments), which left multiprocessing.Pool waiting for ever."""
    if path.endswith("bad.md"):
        raise YamlProblem("nested too deep", 7)
    return path
'''


def test_an_exception_in_a_worker_is_a_worker_error_not_a_hang(tmp_path) -> None:
    (tmp_path / "failing.py").write_text(FAILING_MODULE, encoding="utf-8")
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        from failing import fail_on_bad
        from guidelint.config import Config
        from guidelint.engine import Linter
        from guidelint.runner import parallel_map

        files = [f"g{{number}}.md" for number in range(400)]
        files[300] = "bad.md"
        for jobs in (1, 2):
            try:
                list(parallel_map(fail_on_bad, Linter(Config()), files, None, jobs=jobs))
            except Exception as error:
                print(jobs, type(error).__name__, error)
    """)
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=HANG)
    except subprocess.TimeoutExpired:
        pytest.fail("parallel_map hung after an exception in a worker")
    assert done.stderr == ""
    assert done.stdout.splitlines() == [
        "1 WorkerError bad.md: internal error: YamlProblem: nested too deep",
        "2 WorkerError bad.md: internal error: YamlProblem: nested too deep",
    ]


def test_an_export_whose_worker_fails_ends_with_one_line_and_exit_2(corpus, tmp_path) -> None:
    """The per-file step of the export raising on one guide (in a worker process): one error line, exit
    2, no hang, the target as it was, no temporary file."""
    folder = tmp_path / "guides"
    _write(folder, dict(list(corpus.originals.items())[:300]))
    bad = folder / "team-3" / "bad.md"
    bad.write_bytes(corpus.originals["team-0/customer-success-manager-0000-draft.md"])
    out = tmp_path / "out"
    out.mkdir()
    target = out / "data.jsonl"
    target.write_bytes(OLD_EXPORT)
    script = textwrap.dedent("""
        from guidelint import export
        from guidelint.cli import main
        from guidelint.yamlnodes import YamlProblem

        real = export.export_one

        def export_one(linter, path, options):
            if path.endswith("bad.md"):
                raise YamlProblem("nested too deep", 7)
            return real(linter, path, options)

        # sent to the workers by name: this one, which they inherit (forked)
        export_one.__module__, export_one.__qualname__ = "guidelint.export", "export_one"
        export.export_one = export_one
        main()
    """)
    try:
        done = subprocess.run([sys.executable, "-c", script, "export", "--jobs", "2", "-o", str(target), "guides"],
                              capture_output=True, text=True, timeout=HANG, cwd=tmp_path)
    except subprocess.TimeoutExpired:
        pytest.fail("export hung after an exception in a worker")
    assert done.stderr == "guidelint: error: guides/team-3/bad.md: internal error: YamlProblem: nested too deep\n"
    assert done.returncode == 2
    assert target.read_bytes() == OLD_EXPORT
    assert _temporary_files(tmp_path) == []


def test_a_worker_killed_mid_run_is_an_error_not_a_hang(corpus, tmp_path) -> None:
    folder = tmp_path / "guides"
    _write(folder, corpus.originals)
    for _ in range(TIMING_ATTEMPTS):
        process = subprocess.Popen([str(GUIDELINT), "check", "--no-cache", "--jobs", "2", str(folder)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        try:
            workers: list[int] = []
            while process.poll() is None and not workers:
                workers = _children(process.pid)
                time.sleep(0.002)
            if workers:
                os.kill(workers[0], signal.SIGKILL)
            _, stderr = process.communicate(timeout=HANG)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail("check hung after a worker was killed")
        if process.returncode not in (0, 1):  # 0 or 1: the run ended before its workers were seen
            break
    assert stderr.decode() == ("guidelint: error: a worker process ended unexpectedly (killed, or out of "
                               "memory?)\n")
    assert process.returncode == 2


# --- a full disk -----------------------------------------------------------------------------------------

@pytest.fixture(params=["tmpfs", "file-size-limit"])
def small_disk(request, tmp_path):
    """A folder where writing fails after a KB or a few: a 16 KB tmpfs (ENOSPC) when this process may mount
    one, and always a file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored: EFBIG) set in the child."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if request.param == "tmpfs":
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(folder)],
                                 capture_output=True)
        if mounted.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
        try:
            yield folder, None, "No space left on device"
        finally:
            subprocess.run(["umount", str(folder)], check=True)
    else:
        def limit() -> None:
            import resource

            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

        yield folder, limit, "File too large"


@pytest.mark.parametrize("output_format", ["json", "jsonl", "parquet"])
def test_export_on_a_full_disk_is_an_error_and_leaves_the_old_file(corpus, tmp_path, small_disk,
                                                                   output_format) -> None:
    if output_format == "parquet":
        pytest.importorskip("pyarrow")
    disk, limit, strerror = small_disk
    folder = tmp_path / "guides"
    _write(folder, dict(list(corpus.originals.items())[:200]))
    target = disk / f"data.{output_format}"
    target.write_bytes(OLD_EXPORT)
    done = subprocess.run([str(GUIDELINT), "export", "--format", output_format, "-o", str(target), str(folder)],
                          capture_output=True, text=True, timeout=HANG, preexec_fn=limit)
    assert done.returncode == 2
    assert done.stderr.startswith(f"guidelint: error: cannot write {target}: ")
    assert strerror in done.stderr and done.stderr.count("\n") == 1
    assert target.read_bytes() == OLD_EXPORT
    assert sorted(path.name for path in disk.iterdir()) == [target.name]


def test_fix_on_a_full_disk_is_an_error_and_leaves_the_guide(corpus, small_disk) -> None:
    disk, limit, strerror = small_disk
    name = next(name for name, data in corpus.originals.items() if corpus.fixed[name] != data)
    original = corpus.originals[name]
    guide = disk / "guide.md"
    guide.write_bytes(original)
    if limit is None:  # the tmpfs: fill what is left of it
        with open(disk / "filler", "wb", buffering=0) as handle, pytest.raises(OSError):
            while True:
                handle.write(b"\0" * 4096)
    done = subprocess.run([str(GUIDELINT), "check", "--fix", "--no-cache", "guide.md"], capture_output=True,
                          text=True, timeout=HANG, preexec_fn=limit, cwd=disk)
    assert done.returncode == 2
    assert done.stderr == f"guidelint: error: guide.md: {strerror}; not written\n"
    assert guide.read_bytes() == original
    assert sorted(path.name for path in disk.iterdir()) == sorted(["guide.md"] + (["filler"] if limit is None else []))


# --- the pieces, in this process -------------------------------------------------------------------------

def test_a_signal_inside_a_deferred_block_takes_effect_at_its_end(capsys) -> None:
    from guidelint import interrupts

    steps = []

    def run() -> None:
        with interrupts.deferred():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # time for the signal to arrive: it must wait for the end of the block
            steps.append("block finished")
        steps.append("after the block")

    with pytest.raises(SystemExit) as ended:
        interrupts.main(run, restore=True)
    assert ended.value.code == 130
    assert steps == ["block finished"]
    assert capsys.readouterr().err == "guidelint: interrupted\n"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_export_temporary_file_goes_whatever_ends_the_run(tmp_path, capsys) -> None:
    """The export's temporary file is removed even when the run ends between two statements of its
    cleanup (here: before any)."""
    from guidelint import interrupts
    from guidelint.export_writer import ExportWriter

    target = tmp_path / "data.jsonl"
    target.write_bytes(OLD_EXPORT)

    def run() -> None:
        writer = ExportWriter(str(target), "jsonl", "guide")
        writer.add({"id": "x"})
        assert len(_temporary_files(tmp_path)) == 1
        raise interrupts.Interrupted(signal.SIGTERM)

    with pytest.raises(SystemExit) as ended:
        interrupts.main(run, restore=True)
    assert ended.value.code == 143
    assert _temporary_files(tmp_path) == []
    assert target.read_bytes() == OLD_EXPORT
