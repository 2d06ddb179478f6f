"""Run the per-file step over many files: in parallel worker processes, with a result cache.

The per-file step (`process`) is a pure function of (path, file bytes, linter configuration). Results
come back in input order whatever the number of jobs, so output never depends on --jobs.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from . import __version__
from .diagnostics import Diagnostic, Edit, Fix, Severity
from .engine import Linter, fingerprint_of
from .rules import REGISTRY, CorpusEntry
from .fileio import TooLarge, read_limited, replace_file
from .source import encode

CACHE_FORMAT = 5  # 5: each file starts with the checksum of its body
INDEX_LIMIT = 200_000  # files remembered by their stat in the index
RACY_NS = 2_000_000_000  # a file changed this recently may change again within its timestamp
SHARD_LIMIT = 2_000  # entries kept at most in each of the 256 shards
SNAPSHOT_MIN_FILES = 200  # a run over this many files also keeps a snapshot of itself (see ResultCache)
SNAPSHOTS_KEPT = 4  # the newest run snapshots kept
SNAPSHOT_SLACK = 0.01  # a snapshot out of date for at most this share of its files is not rewritten


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
    """A unified diff as `diff -u` writes it, with the marker after a line that has no newline."""
    import difflib

    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 fromfile=f"a/{path}", tofile=f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def process(linter: Linter, path: str, mode: Mode) -> FileOutcome:
    linter = linter.for_path(path)
    before = stat_signature(path) if mode.cache and not mode.fixing else None
    source = linter.read(path)
    if not mode.fixing:
        result = linter.lint_source(source)
        cacheable = mode.cache and source.problem is None
        key = linter.cache_key(encode(source.text, bom=source.bom), path) if cacheable else None
        entry = index_entry(path, before, linter.settings_key(path), key, time.time_ns()) if key else None
        return FileOutcome(path, result.diagnostics, cache_key=key, index_entry=entry, corpus=result.corpus)
    from .fixer import WriteError, fix_source, write_atomic

    outcome = FileOutcome(path)
    fixed = fix_source(linter, source, unsafe=mode.unsafe)
    outcome.messages.extend(f"{path}: fix refused: {message}" for message in fixed.refused)
    if not fixed.converged:
        outcome.messages.append(f"{path}: fixes did not converge after several rounds; file left unchanged")
    if fixed.changed and mode.diff:
        outcome.diff = unified_diff(source.text, fixed.text, path)
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


def reduce_corpus(linter: Linter, parts: list[tuple[str, list[CorpusEntry]]]) -> list[Diagnostic]:
    """The corpus rules' findings: per rule, every file whose key an earlier file (in run order) has.
    `parts` is (path, entries) for each file, in run order; the result does not depend on --jobs."""
    first: dict[tuple[str, str], tuple[str, CorpusEntry]] = {}
    found: list[Diagnostic] = []
    for path, entries in parts:
        for entry in entries:
            earlier = first.setdefault((entry.code, entry.key), (path, entry))
            if earlier[1] is entry or entry.suppressed:
                continue
            rule = REGISTRY[entry.code]
            assert rule.corpus_message is not None
            message = rule.corpus_message(entry, earlier[0], earlier[1])
            severity = linter.for_path(path).config.severity_of(rule)
            found.append(Diagnostic(path, entry.line, entry.column, entry.code, entry.end_line, entry.end_column,
                                    rule.slug, severity, message, None,
                                    fingerprint_of(entry.code, message, entry.content)))
    return found


# --- parallel ---------------------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(config: Any) -> None:
    if "linter" not in _WORKER:  # forked workers inherit the parent's linter
        _WORKER["linter"] = Linter(config)
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

    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


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
    """Outcomes in the order of `files`."""
    pending: list[str] = []
    ready: dict[str, FileOutcome] = {}
    looking = cache is not None and not mode.fixing
    if looking:
        cache.begin(linter, files)  # type: ignore[union-attr]
    for position, path in enumerate(files):
        hit = cache.lookup(linter, path, position) if looking else None  # type: ignore[union-attr]
        if hit is not None:
            ready[path] = hit
        else:
            pending.append(path)
    computed = parallel_map(process, linter, pending, replace(mode, cache=cache is not None), jobs=jobs)
    with contextlib.closing(computed):  # a run that stops early stops its workers now, not at exit
        for position, path in enumerate(files):
            outcome = ready.pop(path, None)
            if outcome is None:
                outcome = next(computed)
                if cache is not None and outcome.cache_key is not None:
                    cache.store(outcome, position if looking else None)
            if progress is not None:
                progress.step()
            yield outcome


def parallel_map(function: Callable[[Linter, str, Any], Any], linter: Linter, files: list[str], argument: Any, *,
                 jobs: int) -> Iterator[Any]:
    """function(linter, path, argument) for each file, in worker processes, results in input order.
    `function` must be a module-level function (it is sent to the workers by name). An exception in it
    comes out as a WorkerError naming the file. Close the iterator when stopping early (see ordered_map)."""
    if files:
        linter.prepare()
    if jobs <= 1 or len(files) < 2 * jobs:  # (the CLI runs all of this inside gc_tuned)
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


# --- cache ------------------------------------------------------------------------------------------------

def _encode_diagnostic(d: Diagnostic) -> list[Any]:
    fix = None if d.fix is None else [d.fix.description, d.fix.safe, [[e.start, e.end, e.replacement] for e in d.fix.edits]]
    return [d.line, d.column, d.code, d.end_line, d.end_column, d.slug, int(d.severity), d.message, fix,
            d.fingerprint]


_SEVERITY = {int(severity): severity for severity in Severity}


def _decode_diagnostic(path: str, row: list[Any]) -> Diagnostic:
    """A cached finding; KeyError for a rule this guidelint does not have (not our cache entry)."""
    line, column, code, end_line, end_column, slug, severity, message, fix, print_ = row
    REGISTRY[code]  # noqa: B018 - the lookup is the check
    decoded_fix = None if fix is None else Fix(fix[0], tuple([Edit(*edit) for edit in fix[2]]), bool(fix[1]))
    # positional, in field order: a warm run makes one per cached finding
    return Diagnostic(path, line, column, code, end_line, end_column, slug, _SEVERITY[severity], message,
                      decoded_fix, print_)


class ResultCache:
    """Lint results keyed by file content + configuration + schema + rules data + guidelint version.

    256 JSON shards by the key's first two hex digits, each read on first use and replaced atomically
    when it changed, so a one-file run reads one small shard. Each file carries the checksum of its
    contents. Anything unreadable, damaged or malformed is ignored: a corrupt or foreign cache costs a
    cold run, never a wrong answer.

    An index maps each file (absolute path) to its stat signature (size, mtime, inode, ctime) and the key
    of the content it had, so a run over unchanged files reads no file at all. An entry is recorded only
    when the content was hashed in this run, its stat did not change while it was read, its mtime and
    ctime are at least two seconds old (a file written within its timestamps' resolution could change
    unseen: git's "racily clean" problem) and the linted content has that same key.

    A run over SNAPSHOT_MIN_FILES files or more also keeps a snapshot of itself in `runs/`: for each file
    in run order, its trusted stat signature and its cached result. The snapshot is named by everything
    the run's results depend on besides the files' content (the working folder, the file list and each
    file's settings key), so the next identical run reads one file instead of the index and 256 shards,
    and answers each file whose stat is unchanged from it. Any file it cannot answer goes through the
    index and shards as before."""

    def __init__(self, folder: str) -> None:
        self.folder = os.path.join(folder, f"v{CACHE_FORMAT}")
        self.root = folder
        self.shards: dict[str, dict[str, list[Any]]] = {}
        self.dirty: set[str] = set()
        self.started_ns = time.time_ns()
        self.cwd = os.path.join(os.getcwd(), "")
        self.index: dict[str, list[Any]] | None = None
        self.index_dirty = False
        self.pending: dict[str, tuple[str, list[Any], str]] = {}  # path -> (absolute, index entry, its key)
        self.snapshot_name: str | None = None  # this run's snapshot, when it keeps one
        self.snapshot: tuple[list[Any], list[Any]] | None = None  # the one found: signatures, results
        # this run, per position: each file's trusted stat signature and its cached result (or None)
        self.signatures: list[list[int] | None] = []
        self.results: list[list[Any] | None] = []
        try:  # nothing stored yet: nothing can hit, so files are not read and hashed here at all
            self.empty = not any(name.endswith(".json") for name in os.listdir(self.folder))
        except OSError:
            self.empty = True

    def _read_json(self, name: str) -> dict[str, Any]:
        """A cache file's entries; {} when it is missing, damaged or not this version's."""
        try:
            with open(os.path.join(self.folder, name), "rb") as handle:
                data = handle.read()
            body = checked(data)
            if body is None:
                return {}
            content = json.loads(body)
            if isinstance(content, dict) and content.get("version") == __version__ and \
                    isinstance(content.get("entries"), dict):
                return content["entries"]
        except (OSError, ValueError, RecursionError):
            pass
        return {}

    def _shard(self, key: str) -> dict[str, list[Any]]:
        name = key[:2]
        shard = self.shards.get(name)
        if shard is None:
            shard = self.shards[name] = self._read_json(f"{name}.json")
        return shard

    def _absolute(self, path: str) -> str:
        return path if os.path.isabs(path) else self.cwd + path  # (os.path.join is slower)

    def _loaded_index(self) -> dict[str, list[Any]]:
        if self.index is None:
            self.index = self._read_json("index.json")
        return self.index

    def _key_of(self, linter: Linter, path: str) -> tuple[str, list[int] | None] | None:
        """The content key of `path`, from the index when its stat is unchanged, else by hashing it; and
        the file's stat signature when it may be trusted next time (see `index_entry`)."""
        settings = linter.settings_key(path)
        signature = stat_signature(path)
        if signature is None:
            return None
        absolute = self._absolute(path)
        entry = self._loaded_index().get(absolute)
        if type(entry) is list and len(entry) == 6 and entry[:4] == signature and entry[4] == settings:
            return str(entry[5]), signature  # (already indexed as it is: nothing to remember)
        try:
            data = read_limited(path, linter.config.max_file_size)
        except (OSError, TooLarge):
            return None
        key = linter.cache_key(data, path)
        entry = index_entry(path, signature, settings, key, self.started_ns)
        if entry is not None:
            self.pending[path] = (absolute, entry, key)
        return key, signature if entry is not None else None

    def begin(self, linter: Linter, files: list[str]) -> None:
        """Before a run's lookups: find the snapshot of this same run, if one was kept."""
        self.signatures = [None] * len(files)
        self.results = [None] * len(files)
        if len(files) < SNAPSHOT_MIN_FILES:
            return
        identity = json.dumps([__version__, self.cwd, files, linter.settings_keys(files)]).encode("utf-8", "surrogatepass")
        self.snapshot_name = f"runs/{hashlib.sha256(identity).hexdigest()[:32]}.json"
        if self.empty:
            return
        found = self._read_json(self.snapshot_name)
        signatures, results = found.get("signatures"), found.get("results")
        if type(signatures) is list and type(results) is list and len(signatures) == len(results) == len(files):
            self.snapshot = signatures, results

    def lookup(self, linter: Linter, path: str, position: int | None = None) -> FileOutcome | None:
        """The cached outcome of `path`, or None. `position` is its place in the run (see `begin`)."""
        if self.snapshot is not None and position is not None:
            signature = self.snapshot[0][position]
            if type(signature) is list and signature == stat_signature(path):
                cached = self.snapshot[1][position]
                outcome = self._decoded(path, cached)
                if outcome is not None:
                    self._saw(position, signature, cached)
                    return outcome
        if self.empty:
            return None
        linter = linter.for_path(path)
        known = self._key_of(linter, path)
        if known is None:
            return None
        key, signature = known
        cached = self._shard(key).get(key)
        outcome = self._decoded(path, cached)
        if outcome is None:
            return None
        self._remember(path, key)
        if position is not None and signature is not None:
            self._saw(position, signature, cached)
        return outcome

    def _saw(self, position: int, signature: list[int], result: list[Any]) -> None:
        self.signatures[position] = signature
        self.results[position] = result

    @staticmethod
    def _decoded(path: str, cached: Any) -> FileOutcome | None:
        """A cached result as an outcome; None when it is malformed or not ours."""
        if type(cached) is not list or len(cached) != 2:
            return None
        try:
            rows, corpus = cached
            diagnostics = [_decode_diagnostic(path, row) for row in rows]
            entries = [CorpusEntry.from_row(row) for row in corpus] if corpus else []
            if any(REGISTRY[entry.code].corpus_message is None for entry in entries):
                return None  # not a corpus rule here: not our cache entry
        except (TypeError, ValueError, KeyError):
            return None  # malformed, or a rule this guidelint does not have
        return FileOutcome(path, diagnostics, corpus=entries)

    def _remember(self, path: str, key: str) -> None:
        pending = self.pending.pop(path, None)
        if pending is not None and pending[2] == key:
            absolute, entry, _ = pending
            index = self._loaded_index()
            if index.get(absolute) != entry:
                index[absolute] = entry
                self.index_dirty = True

    def store(self, outcome: FileOutcome, position: int | None = None) -> None:
        assert outcome.cache_key is not None
        result = [[_encode_diagnostic(d) for d in outcome.diagnostics], [entry.to_row() for entry in outcome.corpus]]
        self._shard(outcome.cache_key)[outcome.cache_key] = result
        self.dirty.add(outcome.cache_key[:2])
        if outcome.index_entry is not None:  # the worker saw the file stay put while it read it
            self.pending[outcome.path] = (self._absolute(outcome.path), outcome.index_entry, outcome.cache_key)
            if position is not None:
                self._saw(position, outcome.index_entry[:4], result)
        self._remember(outcome.path, outcome.cache_key)

    def save(self) -> None:
        snapshot = self._snapshot_now()
        if not self.dirty and not self.index_dirty and not snapshot:
            return
        try:
            os.makedirs(self.folder, exist_ok=True)
            tag = os.path.join(self.root, "CACHEDIR.TAG")
            if not os.path.exists(tag):
                with open(tag, "w", encoding="ascii") as handle:
                    handle.write("Signature: 8a477f597d28d172789f06886806bc55\n# guidelint result cache\n")
                with open(os.path.join(self.root, ".gitignore"), "w", encoding="ascii") as handle:
                    handle.write("*\n")
            for name in sorted(self.dirty):
                self._write(f"{name}.json", self.shards[name], SHARD_LIMIT)
            if self.index_dirty and self.index is not None:
                self._write("index.json", self.index, INDEX_LIMIT)
            if snapshot:
                self._save_snapshot()
        except OSError:
            pass  # a cache that cannot be written is no cache, not an error

    def _snapshot_now(self) -> bool:
        """Whether to write this run's snapshot (null for a file it could not trust): when the one found
        is missing or out of date for more than SNAPSHOT_SLACK of the files. (A file it is out of date
        for is looked up in the index and shards: rewriting the whole snapshot for a few changed files
        cost more.)"""
        if self.snapshot_name is None:
            return False
        if self.snapshot is None:
            return True
        old_signatures, old_results = self.snapshot
        stale = sum(1 for new, old, new_result, old_result
                    in zip(self.signatures, old_signatures, self.results, old_results)
                    if new != old or (new_result is not old_result and new_result != old_result))
        return stale > SNAPSHOT_SLACK * len(self.signatures)

    def _save_snapshot(self) -> None:
        """Write this run's snapshot, then keep only the newest few."""
        assert self.snapshot_name is not None
        runs = os.path.join(self.folder, "runs")
        os.makedirs(runs, exist_ok=True)
        self._write(self.snapshot_name, {"signatures": self.signatures, "results": self.results})
        kept = sorted(((entry.stat().st_mtime_ns, entry.path) for entry in os.scandir(runs)
                       if entry.name.endswith(".json")), reverse=True)
        for _, stale in kept[SNAPSHOTS_KEPT:]:
            with contextlib.suppress(OSError):
                os.unlink(stale)

    def _write(self, name: str, entries: dict[str, Any], limit: int | None = None) -> None:
        if limit is not None and len(entries) > limit:  # oldest first out: dicts keep insertion order
            entries = dict(list(entries.items())[-limit:])
        data = json.dumps({"version": __version__, "entries": entries}, separators=(",", ":"))
        replace_file(os.path.join(self.folder, name), with_checksum(data.encode("utf-8")), mode=0o600, sync=False)


def with_checksum(body: bytes) -> bytes:
    """A cache file: the SHA-256 of its JSON body on the first line, then the body."""
    return hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body


def checked(data: bytes) -> bytes | None:
    """The JSON body of a cache file, or None when it does not match its checksum. A damaged file that
    is still valid JSON (a byte lost inside a message, a digit changed) would otherwise be a wrong
    answer; hashing 5 MB takes ~5 ms."""
    head, newline, body = data.partition(b"\n")
    if not newline or hashlib.sha256(body).hexdigest().encode("ascii") != head:
        return None
    return body


# --- progress ---------------------------------------------------------------------------------------------

class Progress:
    """A one-line counter on stderr, shown only on a terminal and only once a run passes one second."""

    def __init__(self, total: int, *, stream: Any = None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False
        self.enabled = total > 1 and hasattr(self.stream, "isatty") and self.stream.isatty()

    def step(self) -> None:
        self.done += 1
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started >= 1.0 and now - self.last >= 0.1:
            self.last = now
            self.shown = True
            width = 30
            filled = width * self.done // self.total
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} files")
            self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()
