"""How a run ends early: Ctrl-C (SIGINT), SIGTERM, a reader that closed its end of the pipe.

- The parent process turns SIGINT and SIGTERM into `Interrupted`, raised wherever its main thread is,
  except inside a `deferred()` block (a file being replaced, a temporary file being made or removed,
  worker processes being forked), where the signal waits for the end of the block. So a file is never
  left half-replaced and a temporary file never lost track of.
- Worker processes ignore SIGINT: Ctrl-C reaches the whole process group, and the parent decides (it
  stops handing out work and stops its workers between two files). SIGTERM (from the pool shutting down
  a broken pool, or from `kill` of the group) ends a worker quietly, after the write it is in.
- A temporary file that outlives one block (the export's) is `track`ed: whatever ends the run, it goes.
- `main` turns what reaches the top into the exit codes of Unix tools: 128 + the signal number after one
  line on stderr, and 141 (128 + SIGPIPE, what a shell reports for `yes | head -1`) without a word when
  stdout or stderr was closed by its reader.
"""
from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)
PIPE_CLOSED = 128 + 13  # 128 + SIGPIPE (a name Windows does not have)
_MASK = getattr(signal, "pthread_sigmask", None)  # not on Windows: there the Python-level deferral alone


class Interrupted(BaseException):
    """SIGINT or SIGTERM in the parent process. A BaseException like KeyboardInterrupt, so that no
    `except Exception` swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class PipeClosed(BaseException):
    """stdout or stderr was closed by its reader (`guidelint ... | head -1`). A BaseException: it must get
    past click, which would exit 1 on its own."""


class _State:
    depth = 0  # how many deferred() blocks the main thread is in
    pending: int | None = None  # a signal that came inside one, acted on at the end of the outermost
    worker = False  # in a worker process: a signal ends the process instead of raising
    stopping = False  # the parent is already ending: later signals change nothing
    temporary: set[str] = set()  # files a run made and must remove if it ends before it renames them
    waited = 0  # in a worker: looks taken at a signal that came while it was sending a result


def _on_signal(signum: int, frame: Any) -> None:
    if _State.stopping:
        return
    if _State.depth:
        if _State.pending is None:
            _State.pending = signum
        return
    if _State.worker and hasattr(signal, "setitimer") and _sending(frame):  # see _sending
        _State.pending = signum
        _State.waited = 0
        signal.setitimer(signal.ITIMER_REAL, _RETRY)
        return
    _act(signum)


_RETRY = 0.005  # seconds: how soon a worker looks again whether it may end
# How many looks before it ends anyway: a send that does not finish in ~0.5 s has no reader (the
# executor, broken by a worker that already ended, stopped reading and waits for this one to end).
_RETRIES = 100


def _sending(frame: Any) -> bool:
    """Whether a worker is in the middle of sending a result to the parent. A worker that ends there
    leaves a message cut in two on the pipe, and the parent's executor waits for the rest forever (seen:
    one interrupted export in ~20 hung in ProcessPoolExecutor.shutdown)."""
    while frame is not None:
        code = frame.f_code
        if code.co_name in ("_sendback_result", "send_bytes", "_send_bytes", "put") and \
                ("multiprocessing" in code.co_filename or "concurrent" in code.co_filename):
            return True
        frame = frame.f_back
    return False


def _on_alarm(signum: int, frame: Any) -> None:
    """A worker's second look at a signal that came while it was sending a result."""
    pending = _State.pending
    if pending is None or _State.depth:
        return  # (a deferred block ends with _act itself)
    _State.waited += 1
    if _sending(frame) and _State.waited < _RETRIES:
        signal.setitimer(signal.ITIMER_REAL, _RETRY)
        return
    _act(pending)


def _act(signum: int) -> None:
    if _State.worker:
        os._exit(128 + signum)  # nothing to clean: the write in progress is done, the parent reports
    _State.stopping = True
    raise Interrupted(signum)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """A block SIGINT and SIGTERM do not cut in two: a signal that comes inside it takes effect at its
    end. The signals are also blocked for the calling thread, so processes forked inside inherit them
    blocked (until `enter_worker`), and library callers keep their KeyboardInterrupt out of a write."""
    previous = _MASK(signal.SIG_BLOCK, SIGNALS) if _MASK is not None else None
    _State.depth += 1
    try:
        yield
    finally:
        if previous is not None:  # a signal that waited is handled here, still deferred by the depth
            assert _MASK is not None
            _MASK(signal.SIG_SETMASK, previous)
        _State.depth -= 1
        if not _State.depth and _State.pending is not None:
            signum, _State.pending = _State.pending, None
            _act(signum)


def track(path: str) -> None:
    """`path` is a temporary file of this run: removed when the run ends, unless `forget` came first.
    Whatever cleanup the code that made it does, a signal between two of its statements cannot leave
    the file behind. Call it inside the `deferred()` block that makes the file."""
    _State.temporary.add(path)


def forget(path: str) -> None:
    """`path` was renamed into place or removed."""
    _State.temporary.discard(path)


def _remove_temporary() -> None:
    for path in sorted(_State.temporary):
        with contextlib.suppress(OSError):
            os.unlink(path)
    _State.temporary.clear()


def enter_worker() -> None:
    """First thing in a worker process: its own signal dispositions, then the signals unblocked (forked
    inside `deferred()`, it started with them blocked and with the parent's state)."""
    _State.depth, _State.pending, _State.worker, _State.stopping = 0, None, True, False
    _State.temporary = set()  # the parent's: not this process's to remove
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_signal)
    if hasattr(signal, "setitimer"):
        signal.signal(signal.SIGALRM, _on_alarm)
    if _MASK is not None:
        _MASK(signal.SIG_UNBLOCK, SIGNALS)


@contextlib.contextmanager
def closed_pipe_ends_run() -> Iterator[None]:
    """Turns an EPIPE from writing stdout or stderr into PipeClosed."""
    try:
        yield
    except OSError as error:
        if error.errno != errno.EPIPE:
            raise
        raise PipeClosed() from None


def main(entry: Callable[[], Any], *, restore: bool) -> Any:
    """Run the command line `entry` with SIGINT and SIGTERM handled as above, and end it as Unix tools
    end. A signal a run was started with ignored (`nohup`, `cmd &` in a script) stays ignored. With
    `restore` (the command line run by Python code, tests), the handlers that were there come back
    afterwards; without, a signal while the process exits is ignored: the run is over."""
    installed: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():  # signal.signal works only there
        for signum in SIGNALS:
            previous = signal.getsignal(signum)
            if previous is not signal.SIG_IGN:
                installed[signum] = previous
                signal.signal(signum, _on_signal)
    _State.stopping = False
    try:
        return entry()
    except Interrupted as stop:
        with contextlib.suppress(OSError, ValueError):
            if sys.stderr.isatty():  # below the progress line and the terminal's ^C
                sys.stderr.write("\n")
            sys.stderr.write("guidelint: interrupted\n")
            sys.stderr.flush()
        sys.exit(stop.exit_code)
    except PipeClosed:
        _discard_output()
        sys.exit(PIPE_CLOSED)
    finally:
        _State.stopping = True
        _remove_temporary()
        for signum, previous in installed.items() if restore else ():
            signal.signal(signum, previous if previous is not None else signal.SIG_DFL)


def exit_quickly(entry: Callable[[], Any]) -> None:
    """Run the command line `entry` and end the process with its exit code, skipping the interpreter's
    teardown when nothing else is running: freeing every module and running the garbage collector over
    them cost ~12 ms of a one-file run under pre-commit (~100 ms), for memory the system takes back anyway.

    What a normal exit does and a run can depend on still happens: the `atexit` functions run (worker
    pools, `weakref.finalize`, coverage), then stdout and stderr are flushed; a reader that closed its end
    is the run's 141 without a word, as elsewhere. With another thread or a child process alive (the
    language server, a pool not shut down) the process exits the normal way, which waits for them."""
    try:
        entry()
        code: Any = 0
    except SystemExit as stop:
        code = stop.code
    if not isinstance(code, int):  # what sys.exit does with None and with a message
        if code is not None:
            with contextlib.suppress(OSError, ValueError):
                print(code, file=sys.stderr)
        code = 0 if code is None else 1
    if threading.active_count() > 1 or _children_alive():
        sys.exit(code)
    run_exit_functions = getattr(__import__("atexit"), "_run_exitfuncs", None)
    if run_exit_functions is None:  # (another Python than CPython: its own exit)
        sys.exit(code)
    run_exit_functions()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            code = PIPE_CLOSED if code == 0 else code
    os._exit(code)


def _children_alive() -> bool:
    children = getattr(sys.modules.get("multiprocessing"), "active_children", None)
    return bool(children()) if children is not None else False


def _discard_output() -> None:
    """Point stdout and stderr at the null device, so that flushing them at exit (what is still buffered
    for the closed pipe) does not print 'Exception ignored ... BrokenPipeError'."""
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError, AttributeError):
                os.dup2(null, stream.fileno())
        os.close(null)


def write_out(text: str) -> None:
    """click.echo(text, nl=False) for a report of any length, except that a reader who goes away halfway
    is noticed (EPIPE, then PipeClosed): a large write to a pipe whose reader has closed comes back short
    from Python's buffered stdout and the rest is dropped without an error (CPython 3.10 to 3.13); it is
    writing that rest which fails."""
    stream = sys.stdout
    binary = getattr(stream, "buffer", None)
    if binary is None or os.linesep != "\n":  # a text-only stream, or newlines to translate: no short writes seen
        stream.write(text)
        stream.flush()
        return
    stream.flush()
    data = memoryview(text.encode(stream.encoding or "utf-8", stream.errors or "strict"))
    while data:
        data = data[binary.write(data):]
    binary.flush()
