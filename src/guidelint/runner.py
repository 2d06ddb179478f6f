"""Run the per-file step over many files: in parallel worker processes, with a result cache (cache.py).

The per-file step (`process`) is a pure function of (path, file bytes, linter configuration). Results
come back in input order whatever the number of jobs, so output never depends on --jobs.
"""
from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, NamedTuple

from .diagnostics import Diagnostic
from .engine import Linter
from .rules import CorpusEntry
from .source import encode

if TYPE_CHECKING:  # the cache imports this module's FileOutcome; the runner only drives the cache
    from .cache import ResultCache

RACY_NS = 2_000_000_000  # a file changed this recently may change again within its timestamp


@dataclass(frozen=True)
class Mode:
    fix: bool = False  # write fixes
    diff: bool = False  # compute fixes, print a diff, write nothing
    unsafe: bool = False
    cache: bool = False  # lint results will be cached: compute their keys

    @property
    def fixing(self) -> bool:
        return self.fix or self.diff


@dataclass
class FileOutcome:
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # for stderr
    diff: str = ""
    fixed: int = 0
    write_failed: bool = False
    cache_key: str | None = None  # set when this result may be cached
    index_entry: list[Any] | None = None  # the file's stat signature + settings + key, when safe to index
    corpus: list[CorpusEntry] = field(default_factory=list)  # this file's part in the corpus rules


class Sent(NamedTuple):
    """A checked file's outcome as a worker process sends it in a run that keeps a cache: its findings
    and corpus entries as the JSON rows the cache stores (resultrows.encode). The parent makes the
    findings again from them (`received`) and stores the bytes as they came, where it used to unpickle
    the findings and encode them again itself. Per guide (~12 findings, 8 fixes; bench's corpus,
    in-process): the worker spends ~25 us encoding where it spent ~35 pickling, and the parent ~25-30 us
    decoding where it spent ~35 unpickling and ~40 encoding for the cache."""

    path: str
    encoded: bytes
    cache_key: str
    index_entry: list[Any] | None

    def received(self) -> FileOutcome:
        from .resultrows import decode_sent

        diagnostics, corpus = decode_sent(self.path, self.encoded)
        return FileOutcome(self.path, diagnostics, cache_key=self.cache_key, index_entry=self.index_entry,
                           corpus=corpus)


def stat_signature(path: str) -> list[int] | None:
    """What the cache index compares: size, mtime, inode and ctime (any write moves the ctime)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]


def settled(signature: list[int], now_ns: int) -> bool:
    """Whether a file's mtime and ctime are old enough to trust its stat for the index ("racily clean")."""
    return now_ns - max(signature[1], signature[3]) >= RACY_NS


def index_entry(path: str, before: list[int] | None, settings: str, key: str, now_ns: int) -> list[Any] | None:
    """What the index may remember of a file read with stat `before` and hashed to `key`: nothing unless
    its stat is still `before` (it did not change while it was read) and it is settled."""
    if before is None or stat_signature(path) != before or not settled(before, now_ns):
        return None
    return [*before, settings, key]


def unified_diff(old: str, new: str, path: str) -> str:
    """A unified diff as `diff -u` writes it, with the marker after a line that has no newline. Lines end
    at line feeds only, as patch(1) and git read them: str.splitlines also cuts at a lone carriage
    return, VT, FF, FS, GS, RS, NEL, U+2028 and U+2029, and a diff cut there does not apply."""
    import difflib

    def cut(text: str) -> list[str]:
        lines = [line + "\n" for line in text.split("\n")]
        lines[-1] = lines[-1][:-1]  # after the last \n: a line without one, or nothing
        return lines if lines[-1] else lines[:-1]

    lines = difflib.unified_diff(cut(old), cut(new), fromfile=f"a/{path}", tofile=f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def process(linter: Linter, path: str, mode: Mode) -> FileOutcome:
    linter = linter.for_path(path)
    before = stat_signature(path) if mode.cache and not mode.fixing else None
    source, data = linter.read_with_data(path)
    if not mode.fixing:
        result = linter.lint_source(source)
        cacheable = mode.cache and source.problem is None and data is not None
        key = linter.cache_key(data, path) if cacheable else None  # the bytes read: no encode(text) again
        entry = index_entry(path, before, linter.settings_key(path), key, time.time_ns()) if key else None
        return FileOutcome(path, result.diagnostics, cache_key=key, index_entry=entry, corpus=result.corpus)
    from .fixer import WriteError, fix_source, write_atomic

    outcome = FileOutcome(path)
    fixed = fix_source(linter, source, unsafe=mode.unsafe)
    outcome.messages.extend(f"{path}: fix refused: {message}" for message in fixed.refused)
    if not fixed.converged:
        outcome.messages.append(f"{path}: fixes did not converge after several rounds; file left unchanged")
    if fixed.changed and mode.diff:
        bom = "\ufeff" if source.bom else ""  # part of the first line for patch(1), which reads bytes
        outcome.diff = unified_diff(bom + source.text, bom + fixed.text, path)
    elif fixed.changed:
        try:
            write_atomic(path, fixed.to_bytes(), expected=encode(source.text, bom=source.bom))
            outcome.fixed = len(fixed.applied)
        except WriteError as error:
            outcome.messages.append(f"guidelint: error: {error}")
            outcome.write_failed = True
            unfixed = linter.lint_source(source)
            outcome.diagnostics, outcome.corpus = unfixed.diagnostics, unfixed.corpus
            return outcome
    outcome.diagnostics = fixed.remaining
    outcome.corpus = fixed.final.corpus if fixed.final is not None else []
    return outcome


def process_to_send(linter: Linter, path: str, mode: Mode) -> FileOutcome | Sent:
    """`process`, in a worker process: a result to cache goes to the parent as a Sent (see there)."""
    outcome = process(linter, path, mode)
    if outcome.cache_key is None or not _WORKER.get("in_worker"):  # (in this process: nothing to send)
        return outcome
    from .resultrows import encode

    return Sent(outcome.path, encode(outcome.diagnostics, outcome.corpus), outcome.cache_key, outcome.index_entry)


class CorpusFindings:
    """The corpus rules' findings file by file, as the run goes (corpus.Reducer), each at the severity
    of its own file's settings."""

    def __init__(self, linter: Linter) -> None:
        from .corpus import Reducer

        self.linter = linter
        self.reducer = Reducer()

    def add(self, path: str, entries: list[CorpusEntry]) -> list[Diagnostic]:
        if not entries:
            return []
        config = self.linter.for_path(path).config
        return self.reducer.findings(path, entries, config.severity_of)


def reduce_corpus(linter: Linter, parts: list[tuple[str, list[CorpusEntry]]]) -> list[Diagnostic]:
    """The corpus rules' findings of a whole run: `parts` is (path, entries) for each file, in run order;
    the result does not depend on --jobs."""
    corpus = CorpusFindings(linter)
    return [d for path, entries in parts for d in corpus.add(path, entries)]


# --- parallel ---------------------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(config: Any) -> None:
    if "linter" not in _WORKER:  # forked workers inherit the parent's linter
        _WORKER["linter"] = Linter(config)
    _WORKER["in_worker"] = True
    tune_gc()


@contextlib.contextmanager
def gc_tuned() -> Iterator[None]:
    """`tune_gc` for the duration of a block, then the caller's collector as it was (objects the caller
    froze itself stay frozen)."""
    import gc

    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    tune_gc()
    try:
        yield
    finally:
        if not frozen:
            gc.unfreeze()
        gc.set_threshold(*threshold)


def tune_gc() -> None:
    """For a long run of per-file work: what exists now (the linter, the rules) is kept out of every
    later collection, and collections run every 50,000 allocations instead of 700. The per-file objects
    are acyclic and freed by reference counting; the collector was spending ~8% of a run looking at them,
    and ~13% of a warm run's cache lookups, whose findings all stay alive until the report."""
    import gc

    from .entry import GC_THRESHOLDS

    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def _work(task: tuple[Callable[[Linter, str, Any], Any], str, Any], linter: Linter | None = None) -> Any:
    function, path, argument = task
    try:
        return function(linter if linter is not None else _WORKER["linter"], path, argument)
    except Exception as error:  # a bug: one line naming the file (a worker's own exception may not pickle)
        from .pool import WorkerError

        raise WorkerError.of(path, error) from None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run(linter: Linter, files: list[str], mode: Mode, *, jobs: int, cache: ResultCache | None = None,
        progress: Progress | None = None) -> Iterator[FileOutcome]:
    """Outcomes in the order of `files`. With a cache, each file is first found to be a hit or not; only a
    hit's key is kept until its turn comes, when its outcome is decoded (a run keeps no results)."""
    looking = cache is not None and not mode.fixing
    hits: list[str | None] = [cache.lookup(linter, path) for path in files] if looking else []  # type: ignore[union-attr]
    pending = [path for position, path in enumerate(files) if not looking or hits[position] is None]
    caching = replace(mode, cache=cache is not None)
    computed = parallel_map(process_to_send, linter, pending, caching, jobs=jobs)
    with contextlib.closing(computed):  # a run that stops early stops its workers now, not at exit
        for position, path in enumerate(files):
            key = hits[position] if looking else None
            if key is not None:
                hits[position] = None
                outcome = cache.outcome(path, key)  # type: ignore[union-attr]
                if outcome is None:  # gone from the cache since, or not ours after all: done here
                    outcome = process(linter, path, caching)
                    if outcome.cache_key is not None:
                        cache.store(outcome)  # type: ignore[union-attr]
            else:
                outcome = next(computed)
                if type(outcome) is Sent:
                    sent = outcome
                    outcome = sent.received()
                    if cache is not None:
                        cache.store(outcome, value=sent.encoded)
                elif cache is not None and outcome.cache_key is not None:
                    cache.store(outcome)
            if progress is not None:
                progress.step()
            yield outcome


# Worker processes pay for themselves only on enough work. Starting two (importing multiprocessing and
# concurrent.futures, forking, sending every result back pickled) cost 60-100 ms more than running
# in the process, and a realistic guide (8-15 KB) costs ~2-2.5 ms to check. Measured with
# bench/pool_threshold.py (realistic guides, --no-cache, 2 cores, fastest of 3 and of 5 rounds;
# 1 job / 2 jobs): 8 files (113 KB) 124 / 182 ms, 64 (0.8 MB) 216 / 277 ms, 256 (3.3 MB) 532 / 615 ms,
# 384 (4.9 MB) 772 / 886 ms, 512 (6.6 MB) 985 / 1121 ms and 1054 / 1049 ms, 768 (9.9 MB) 1716 / 1619 ms,
# 1024 (13 MB) 2050 / 1840 ms and 1851 / 1850 ms. The machine was shared (load 2 to 4 on 2 cores),
# which moves the crossover later than on an idle one; the issue's own runs found two workers slower
# up to 358 files (~4.6 MB) too. Counted in bytes, not files: the work grows with the text. (An
# export costs about twice a check per guide, so its crossover comes earlier: this is on the safe side.)
POOL_MIN_BYTES = 6_000_000


def _pool_min_bytes() -> int:
    """POOL_MIN_BYTES, or GUIDELINT_POOL_MIN_BYTES from the environment: the tests set it to 0 so that
    their small folders still run in worker processes, and bench/pool_threshold.py measures with it."""
    try:
        return int(os.environ.get("GUIDELINT_POOL_MIN_BYTES", POOL_MIN_BYTES))
    except ValueError:
        return POOL_MIN_BYTES


def pool_pays(files: list[str], jobs: int, *, min_bytes: int | None = None) -> bool:
    """Whether checking `files` in `jobs` worker processes beats doing it in this one: more than one
    job, two files a worker at least, and POOL_MIN_BYTES of text in all. Stops adding sizes as soon
    as the threshold is reached, so a large run pays a stat for only the first few hundred files."""
    threshold = _pool_min_bytes() if min_bytes is None else min_bytes
    if jobs <= 1 or len(files) < 2 * jobs:
        return False
    total = 0
    for path in files:
        if total >= threshold:
            return True
        try:
            total += os.stat(path).st_size
        except OSError:  # (reading it will report the problem; it costs nothing to check)
            continue
    return total >= threshold


def parallel_map(function: Callable[[Linter, str, Any], Any], linter: Linter, files: list[str], argument: Any, *,
                 jobs: int) -> Iterator[Any]:
    """function(linter, path, argument) for each file, in worker processes, results in input order.
    `function` must be a module-level function (it is sent to the workers by name). An exception in it
    comes out as a WorkerError naming the file. Close the iterator when stopping early (see ordered_map)."""
    if files:
        linter.prepare()
    if not pool_pays(files, jobs):  # (the CLI runs all of this inside gc_tuned)
        for path in files:
            yield _work((function, path, argument), linter)
        return
    import multiprocessing

    from .pool import ordered_map

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    if context.get_start_method() == "fork":
        _WORKER["linter"] = linter
    chunk = max(1, min(64, len(files) // (jobs * 8)))
    yield from ordered_map(_work, [(function, path, argument) for path in files], jobs=jobs, chunk=chunk,
                           context=context, initializer=_init_worker, initargs=(linter.config,))


# --- progress ---------------------------------------------------------------------------------------------

class Progress:
    """A one-line counter on stderr, shown only on a terminal and only once a run passes one second.
    Anything else written to the terminal meanwhile goes through `above`, which clears the line first
    and draws it again after, so that no message lands on the bar's line."""

    def __init__(self, total: int, *, stream: Any = None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False
        self.drawn = 0  # width of the bar on the line now (0: the line is clear)
        self.enabled = total > 1 and hasattr(self.stream, "isatty") and self.stream.isatty()

    def step(self) -> None:
        self.done += 1
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started >= 1.0 and now - self.last >= 0.1:
            self.last = now
            self.shown = True
            self._draw()

    def _draw(self) -> None:
        width = 30
        filled = width * self.done // self.total
        bar = f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} files"
        self.stream.write("\r" + bar)
        self.stream.flush()
        self.drawn = len(bar)

    def _clear(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * self.drawn + "\r")
            self.stream.flush()
            self.drawn = 0

    @contextlib.contextmanager
    def above(self) -> Iterator[None]:
        """Write something else to the terminal (stderr, or stdout on the same terminal) inside this block:
        the bar is cleared before and drawn again after."""
        was_drawn = self.drawn
        self._clear()
        try:
            yield
        finally:
            if was_drawn:
                with contextlib.suppress(ValueError):  # stdout flushed first: its text before the bar
                    sys.stdout.flush()
                self._draw()

    def close(self) -> None:
        self._clear()
