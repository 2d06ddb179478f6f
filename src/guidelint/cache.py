"""The result cache: lint results kept between runs, keyed by what they depend on (see ResultCache)."""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from typing import Any

from . import __version__
from .cache_files import FILE_LIMIT, CacheFolder, CacheUnavailable, seal, unseal, user_key
from .diagnostics import Diagnostic, Edit, Fix, Severity
from .engine import Linter
from .fileio import TooLarge, read_limited
from .rules import REGISTRY, CorpusEntry
from .runner import FileOutcome, index_entry, stat_signature

CACHE_FORMAT = 6  # 5: each file starts with the checksum of its body; 6: with its HMAC (cache_files.py)
INDEX_LIMIT = 200_000  # files remembered by their stat in the index
SHARD_LIMIT = 2_000  # entries kept at most in each of the 256 shards
SNAPSHOT_MIN_FILES = 200  # a run over this many files also keeps a snapshot of itself (see ResultCache)
SNAPSHOTS_KEPT = 4  # the newest run snapshots kept
SNAPSHOT_SLACK = 0.01  # a snapshot out of date for at most this share of its files is not rewritten


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
    when it changed, so a one-file run reads one small shard. Each file carries the HMAC of its
    contents under the user's key (cache_files.py). Anything unreadable, damaged, forged or malformed
    is ignored: a corrupt or foreign cache costs a cold run, never a wrong answer. A cache folder that
    cannot be used costs the cache (CacheUnavailable, or `save` returns why), never the run.

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

    def __init__(self, folder: str, *, key: bytes) -> None:
        """The cache in `folder` (created when first saved). CacheUnavailable when it is there but is not
        a real folder (a file, a symlink) or cannot be opened."""
        self.folder = os.path.join(folder, f"v{CACHE_FORMAT}")
        self.root_path = folder
        self.key = key
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
        self.root = CacheFolder.open(folder)
        self.version: CacheFolder | None = None
        try:
            self.version = self.root.subfolder(f"v{CACHE_FORMAT}") if self.root is not None else None
            # nothing stored yet: nothing can hit, so files are not read and hashed here at all
            self.empty = self.version is None or not self.version.has_files(".json")
        except (OSError, CacheUnavailable):
            self.close()
            raise

    @classmethod
    def open(cls, folder: str) -> ResultCache:
        """The cache in `folder` under the user's key; CacheUnavailable (one line: why) when there is none
        this run can use."""
        try:
            return cls(folder, key=user_key())
        except OSError as error:
            raise CacheUnavailable(f"cannot open {folder}: {error.strerror or error}") from None

    def close(self) -> None:
        for folder in (self.version, self.root):
            if folder is not None:
                folder.close()

    def _read_json(self, name: str) -> dict[str, Any]:
        """A cache file's entries; {} when it is missing, damaged, forged or not this version's."""
        try:
            data = self.version.read(name) if self.version is not None else None
            body = None if data is None else unseal(self.key, f"v{CACHE_FORMAT}/{name}", data)
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

    def save(self) -> str | None:
        """Write what changed, then close the cache. Why it could not be written, or None: a cache that
        cannot be written is no cache, not an error."""
        try:
            snapshot = self._snapshot_now()
            if not self.dirty and not self.index_dirty and not snapshot:
                return None
            if self.root is None:
                self.root = CacheFolder.open(self.root_path, create=True)
                assert self.root is not None
            self.root.create_once("CACHEDIR.TAG", CACHEDIR_TAG)
            self.root.create_once(".gitignore", b"*\n")
            if self.version is None:
                self.version = self.root.subfolder(f"v{CACHE_FORMAT}", create=True)
                assert self.version is not None
            for name in sorted(self.dirty):
                self._write(self.version, f"{name}.json", self.shards[name], SHARD_LIMIT)
            if self.index_dirty and self.index is not None:
                self._write(self.version, "index.json", self.index, INDEX_LIMIT)
            if snapshot:
                self._save_snapshot(self.version)
        except CacheUnavailable as error:
            return f"result cache not saved: {error}"
        except OSError as error:
            where = f"{error.filename}: " if isinstance(error.filename, str) else f"{self.folder}: "
            return f"result cache not saved: {where}{error.strerror or error}"
        finally:
            self.close()
        return None

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

    def _save_snapshot(self, version: CacheFolder) -> None:
        """Write this run's snapshot, then keep only the newest few (of the files named like one)."""
        assert self.snapshot_name is not None
        runs = version.subfolder("runs", create=True)
        assert runs is not None
        try:
            self._write(runs, self.snapshot_name, {"signatures": self.signatures, "results": self.results})
            kept = sorted(((mtime, name) for name, mtime in runs.regular_files() if _SNAPSHOT_NAME.fullmatch(name)),
                          reverse=True)
            for _, stale in kept[SNAPSHOTS_KEPT:]:
                with contextlib.suppress(OSError):
                    runs.remove(stale)
        finally:
            runs.close()

    def _write(self, folder: CacheFolder, name: str, entries: dict[str, Any], limit: int | None = None) -> None:
        """Write cache file `name` (its name in `folder`, the last part of a name like "runs/x.json").
        One over FILE_LIMIT is not written: it would not be read."""
        if limit is not None and len(entries) > limit:  # oldest first out: dicts keep insertion order
            entries = dict(list(entries.items())[-limit:])
        data = json.dumps({"version": __version__, "entries": entries}, separators=(",", ":")).encode("utf-8")
        sealed = seal(self.key, f"v{CACHE_FORMAT}/{name}", data)
        if len(sealed) <= FILE_LIMIT:
            folder.write(name.rpartition("/")[2], sealed)


CACHEDIR_TAG = b"Signature: 8a477f597d28d172789f06886806bc55\n# guidelint result cache\n"
_SNAPSHOT_NAME = re.compile(r"[0-9a-f]{32}\.json")
