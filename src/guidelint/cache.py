"""The result cache: lint results kept between runs, keyed by what they depend on (see ResultCache)."""
from __future__ import annotations

import contextlib
import hmac
import os
import stat
import time
from typing import TYPE_CHECKING, Any

from . import __version__, resultrows
from .cache_files import CacheFolder, CacheUnavailable, user_key
from .engine import Linter
from .fileio import TooLarge, read_limited
from .runner import FileOutcome, index_entry, stat_signature

if TYPE_CHECKING:
    import sqlite3

CACHE_FORMAT = 7  # 6: HMAC-sealed JSON shards, index and run snapshots; 7: one SQLite database, a MAC per row
DATABASE = "results.db"
RESULT_LIMIT = 500_000  # results kept at most (the oldest written go first)
FILE_LIMIT_ROWS = 200_000  # files remembered by their stat at most
BATCH = 500  # rows written in one transaction, as the run goes
BUSY_MS = 10_000  # how long a run waits for another run's write to finish before it goes without the cache

_TABLES = {
    "result": "CREATE TABLE result(key TEXT PRIMARY KEY, value BLOB NOT NULL, mac BLOB NOT NULL)",
    "file": "CREATE TABLE file(path BLOB PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, "
            "ino INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, settings TEXT NOT NULL, key TEXT NOT NULL, "
            "mac BLOB NOT NULL)",
}
# what a database of ours holds, as sqlite_master lists it (the two primary keys' automatic indexes)
_SCHEMA = sorted([("table", "result", _TABLES["result"]), ("table", "file", _TABLES["file"]),
                  ("index", "sqlite_autoindex_result_1", None), ("index", "sqlite_autoindex_file_1", None)])
# companion files SQLite makes beside a database; a planted link under one of these names is removed
_COMPANIONS = ("-wal", "-shm", "-journal")


def _own_file(status: os.stat_result) -> bool:
    """A regular file with no other name: a hard link planted in an unpacked archive could be a user's
    file, which SQLite would write into."""
    return stat.S_ISREG(status.st_mode) and status.st_nlink == 1


class ResultCache:
    """Lint results keyed by file content + configuration + schema + rules data + guidelint version.

    One SQLite database (the standard library's sqlite3: a well-tested store that reads only the pages a
    lookup needs, so memory does not grow with the cache or the run), `v7/results.db`, of two tables:
    - result(key, value, mac): the result of linting content with that key (cache_key), as JSON rows
      (resultrows.py);
    - file(path, size, mtime_ns, ino, ctime_ns, settings, key, mac): each file (absolute path) by its stat
      signature, its settings key and the key of the content it had, so a run over unchanged files reads
      no file at all. A file is recorded only when its content was hashed in this run, its stat did not
      change while it was read, its mtime and ctime are at least two seconds old (a file written within
      its timestamps' resolution could change unseen: git's "racily clean" problem) and the linted
      content has that same key.

    The database is data a checkout can carry: every row carries the HMAC of its fields under the user's
    key (cache_files.py), bound to this guidelint version, and a row that does not verify is ignored. The
    database is opened only when it is a regular file (not a link, FIFO or device), with SQLite's
    defensive settings, and only when its schema is exactly ours; anything unreadable, damaged, forged or
    malformed costs a cold run, never a wrong answer, and is replaced when results are written.
    A cache folder or database that cannot be used (a file or a link instead of a folder, another run
    holding the database past BUSY_MS) costs the cache (CacheUnavailable, or `save` returns why), never
    the run.

    Results are written in batches of BATCH as they arrive, so nothing of the run is kept here."""

    def __init__(self, folder: str, *, key: bytes) -> None:
        """The cache in `folder` (created when first written). CacheUnavailable when it is there but is not
        a real folder (a file, a symlink) or cannot be opened."""
        self.folder = os.path.join(folder, f"v{CACHE_FORMAT}")
        self.root_path = folder
        # rows of another version or format do not verify (nor do rows written under another key)
        self.row_key = hmac.digest(key, f"guidelint cache rows v{CACHE_FORMAT} {__version__}".encode(), "sha256")
        self.started_ns = time.time_ns()
        self.cwd = os.path.join(os.getcwd(), "")
        self.results: list[tuple[str, bytes, bytes]] = []  # to write: key, value, mac
        self.files: list[tuple[Any, ...]] = []  # to write: file rows
        self.connection: sqlite3.Connection | None = None
        self.found: tuple[int, int] | None = None  # (device, inode) of a database file found unusable
        self.problem: str | None = None  # why results stopped being written, for `save`
        self.initialised = False  # whether this run made sure the tables are there
        self.wrote = False  # whether this run wrote rows (then `save` prunes)
        self.root = CacheFolder.open(folder)
        self.version: CacheFolder | None = None
        try:
            self.version = self.root.subfolder(f"v{CACHE_FORMAT}") if self.root is not None else None
            if self.version is not None:
                self.connection = self._connect_found()
            # nothing stored yet: nothing can hit, so files are not read and hashed here at all
            self.empty = self.connection is None or self._query_one("SELECT 1 FROM result LIMIT 1", ()) is None
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
        if self.connection is not None:
            with contextlib.suppress(Exception):
                self.connection.close()
            self.connection = None
        for folder in (self.version, self.root):
            if folder is not None:
                folder.close()

    # --- the database -----------------------------------------------------------------------------------

    def _connect_found(self) -> sqlite3.Connection | None:
        """The database already in the version folder, or None when there is none or it is not one of
        ours that can be read (then it is remembered, to be replaced when results are written)."""
        assert self.version is not None
        try:
            status = os.stat(DATABASE, dir_fd=self.version.descriptor, follow_symlinks=False)
        except FileNotFoundError:
            return None
        self.found = (status.st_dev, status.st_ino)
        if not _own_file(status) or not self._companions_regular():
            return None
        connection = None
        try:
            connection = self._connect()
            found = sorted(connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall())
            if found and found != _SCHEMA:  # (none at all: one being made by another run, or left empty)
                connection.close()
                return None
        except Exception:  # sqlite3.Error (not a database, damaged, locked), and whatever else it raises
            if connection is not None:
                with contextlib.suppress(Exception):
                    connection.close()
            return None
        self.found = None
        return connection

    def _companions_regular(self) -> bool:
        """Whether each companion file SQLite would open beside the database is missing or a regular file."""
        assert self.version is not None
        for suffix in _COMPANIONS:
            try:
                status = os.stat(DATABASE + suffix, dir_fd=self.version.descriptor, follow_symlinks=False)
            except FileNotFoundError:
                continue
            if not _own_file(status):
                return False
        return True

    def _connect(self) -> sqlite3.Connection:
        import sqlite3

        connection = sqlite3.connect(os.path.join(self.folder, DATABASE), timeout=BUSY_MS / 1000,
                                     isolation_level=None)
        try:
            defensive = getattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE", None)
            if defensive is not None and hasattr(connection, "setconfig"):  # Python 3.12+
                connection.setconfig(defensive, True)
            for pragma in ("trusted_schema=OFF", "cell_size_check=ON", "mmap_size=0", "synchronous=NORMAL"):
                connection.execute(f"PRAGMA {pragma}")
        except BaseException:
            connection.close()
            raise
        return connection

    def _create(self) -> sqlite3.Connection:
        """The database, made when the cache has none that can be used: a file found unusable (garbage,
        a link, a FIFO) is removed first (a link is removed, never followed). Raises OSError,
        CacheUnavailable or sqlite3.Error."""
        if self.root is None:
            self.root = CacheFolder.open(self.root_path, create=True)
            assert self.root is not None
        self.root.create_once("CACHEDIR.TAG", CACHEDIR_TAG)
        self.root.create_once(".gitignore", b"*\n")
        if self.version is None:
            self.version = self.root.subfolder(f"v{CACHE_FORMAT}", create=True)
            assert self.version is not None
        descriptor = self.version.descriptor
        if self.found is not None:
            with contextlib.suppress(FileNotFoundError):
                status = os.stat(DATABASE, dir_fd=descriptor, follow_symlinks=False)
                if (status.st_dev, status.st_ino) == self.found:  # (not one another run has made since)
                    try:
                        os.unlink(DATABASE, dir_fd=descriptor)
                    except IsADirectoryError:
                        raise OSError(21, os.strerror(21), os.path.join(self.folder, DATABASE)) from None
            self.found = None
        for suffix in _COMPANIONS:  # a planted link there would be written through by SQLite
            with contextlib.suppress(FileNotFoundError):
                status = os.stat(DATABASE + suffix, dir_fd=descriptor, follow_symlinks=False)
                if not _own_file(status):  # (unlinking a hard link leaves the file it shares untouched)
                    os.unlink(DATABASE + suffix, dir_fd=descriptor)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
        try:
            os.close(os.open(DATABASE, flags, 0o600, dir_fd=descriptor))
        except FileExistsError:  # another run made it meanwhile: use it, when it is a regular file
            status = os.stat(DATABASE, dir_fd=descriptor, follow_symlinks=False)
            if not _own_file(status):
                raise OSError(17, "not a regular file", os.path.join(self.folder, DATABASE)) from None
        return self._connect()

    def _initialise(self, connection: sqlite3.Connection) -> None:
        """Make the tables when they are not there yet (a new or empty database); CacheUnavailable when
        the database holds anything else."""
        with contextlib.suppress(Exception):  # (WAL lets runs read while another writes; not everywhere)
            connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("BEGIN IMMEDIATE")
        try:
            for sql in _TABLES.values():
                connection.execute(sql.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))
            connection.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):
                connection.execute("ROLLBACK")
            raise
        found = sorted(connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall())
        if found != _SCHEMA:
            raise CacheUnavailable(f"{os.path.join(self.folder, DATABASE)} is not guidelint's")

    def _query_one(self, sql: str, parameters: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """One row, or None: also when the database cannot be read (then it is not used again)."""
        if self.connection is None:
            return None
        try:
            return self.connection.execute(sql, parameters).fetchone()
        except Exception as error:  # sqlite3.Error: damaged, or locked past BUSY_MS
            self._damaged(error)
            return None

    def _damaged(self, error: Exception) -> None:
        """After `error` from the database: when it says the file is damaged or not a database (not merely
        busy or without our tables yet), stop using it; it is replaced when results are written."""
        import sqlite3

        if self.connection is None or not isinstance(error, sqlite3.DatabaseError) \
                or isinstance(error, sqlite3.OperationalError):
            return
        with contextlib.suppress(Exception):
            self.connection.close()
        self.connection = None
        self.initialised = False
        if self.version is not None:
            with contextlib.suppress(OSError):
                status = os.stat(DATABASE, dir_fd=self.version.descriptor, follow_symlinks=False)
                self.found = (status.st_dev, status.st_ino)

    # --- rows -------------------------------------------------------------------------------------------

    def _result_mac(self, key: str, value: bytes) -> bytes:
        return hmac.digest(self.row_key, b"result\0" + key.encode("ascii", "replace") + b"\0" + value, "sha256")

    def _file_mac(self, path: bytes, size: int, mtime: int, ino: int, ctime: int, settings: str, key: str) -> bytes:
        fields = f"\0{size}\0{mtime}\0{ino}\0{ctime}\0{settings}\0{key}".encode("utf-8", "surrogatepass")
        return hmac.digest(self.row_key, b"file\0" + path + fields, "sha256")

    def _absolute(self, path: str) -> bytes:
        absolute = path if os.path.isabs(path) else self.cwd + path  # (os.path.join is slower)
        return os.fsencode(absolute)

    def _cached_value(self, key: str) -> bytes | None:
        """The stored result of content `key` when its MAC verifies."""
        row = self._query_one("SELECT value, mac FROM result WHERE key = ?", (key,))
        if row is None or type(row[0]) is not bytes or type(row[1]) is not bytes:
            return None
        return row[0] if hmac.compare_digest(row[1], self._result_mac(key, row[0])) else None

    def _indexed_key(self, absolute: bytes, signature: list[int], settings: str) -> str | None:
        """The content key the file table has for this file as it is (same stat, same settings), if any."""
        row = self._query_one("SELECT size, mtime_ns, ino, ctime_ns, settings, key, mac FROM file WHERE path = ?",
                              (absolute,))
        if row is None or list(row[:4]) != signature or row[4] != settings or type(row[5]) is not str \
                or type(row[6]) is not bytes:
            return None
        return row[5] if hmac.compare_digest(row[6], self._file_mac(absolute, *signature, settings, row[5])) else None

    def lookup(self, linter: Linter, path: str) -> str | None:
        """The key of `path`'s cached result when the cache has one (its outcome: `outcome`), or None."""
        if self.empty:
            return None
        linter = linter.for_path(path)
        settings = linter.settings_key(path)
        signature = stat_signature(path)
        if signature is None:
            return None
        absolute = self._absolute(path)
        key = self._indexed_key(absolute, signature, settings)
        entry = None
        if key is None:
            try:
                data = read_limited(path, linter.config.max_file_size)
            except (OSError, TooLarge):
                return None
            key = linter.cache_key(data, path)
            entry = index_entry(path, signature, settings, key, self.started_ns)
        if self._cached_value(key) is None:
            return None
        if entry is not None:
            self._remember(absolute, entry)
        return key

    def outcome(self, path: str, key: str) -> FileOutcome | None:
        """The cached outcome of `path`, whose result has content key `key` (from `lookup`); None when it is
        no longer there or is not ours after all."""
        value = self._cached_value(key)
        decoded = None if value is None else resultrows.decode(path, value)
        if decoded is None:
            return None
        return FileOutcome(path, decoded[0], corpus=decoded[1])

    def _remember(self, absolute: bytes, entry: list[Any]) -> None:
        size, mtime, ino, ctime, settings, key = entry
        self.files.append((absolute, size, mtime, ino, ctime, settings, key,
                           self._file_mac(absolute, size, mtime, ino, ctime, settings, key)))
        if len(self.files) >= BATCH:
            self._flush()

    def store(self, outcome: FileOutcome, *, value: bytes | None = None) -> None:
        """Keep `outcome`'s result: `value` is its encoding when a worker process made it (runner.Sent)."""
        key = outcome.cache_key
        assert key is not None
        if value is None:
            value = resultrows.encode(outcome.diagnostics, outcome.corpus)
        self.results.append((key, value, self._result_mac(key, value)))
        if outcome.index_entry is not None:  # the worker saw the file stay put while it read it
            self._remember(self._absolute(outcome.path), outcome.index_entry)
        if len(self.results) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        """Write the rows gathered so far in one transaction. When that fails, the rest of the run writes
        nothing (`save` says why)."""
        results, files = self.results, self.files
        self.results, self.files = [], []
        if self.problem is not None or not (results or files):
            return
        try:
            if self.connection is None:
                self.connection = self._create()
            connection = self.connection
            if not self.initialised:
                self._initialise(connection)
                self.initialised = True
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.executemany("INSERT OR REPLACE INTO result VALUES (?, ?, ?)", results)
                connection.executemany("INSERT OR REPLACE INTO file VALUES (?, ?, ?, ?, ?, ?, ?, ?)", files)
                connection.execute("COMMIT")
                self.wrote = True
            except BaseException:
                with contextlib.suppress(Exception):
                    connection.execute("ROLLBACK")
                raise
        except CacheUnavailable as error:
            self.problem = str(error)
        except OSError as error:
            where = f"{error.filename}: " if isinstance(error.filename, str) else f"{self.folder}: "
            self.problem = f"{where}{error.strerror or error}"
        except Exception as error:  # sqlite3.Error: locked past BUSY_MS, disk full, damaged
            self._damaged(error)  # (replaced by the next run that writes)
            self.problem = f"{os.path.join(self.folder, DATABASE)}: {error}"

    def _prune(self) -> None:
        """Keep at most RESULT_LIMIT results and FILE_LIMIT_ROWS files: the oldest written go."""
        assert self.connection is not None
        for table, limit in (("result", RESULT_LIMIT), ("file", FILE_LIMIT_ROWS)):
            newest = self.connection.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0]  # noqa: S608
            if newest is not None and newest > limit:
                self.connection.execute(f"DELETE FROM {table} WHERE rowid <= ?", (newest - limit,))  # noqa: S608

    def save(self) -> str | None:
        """Write what is left, then close the cache. Why it could not be written, or None: a cache that
        cannot be written is no cache, not an error."""
        try:
            self._flush()
            if self.wrote and self.problem is None and self.connection is not None:
                with contextlib.suppress(Exception):  # (another run may hold it: pruning can wait)
                    self._prune()
        finally:
            self.close()
        return None if self.problem is None else f"result cache not saved: {self.problem}"


CACHEDIR_TAG = b"Signature: 8a477f597d28d172789f06886806bc55\n# guidelint result cache\n"
