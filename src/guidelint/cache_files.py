"""The result cache's files, which a checkout can carry and so are never trusted as found.

- Each file is sealed with an HMAC-SHA256 under a random key of the user's, kept outside any
  repository ($XDG_CACHE_HOME/guidelint/key, else ~/.cache/guidelint/key): a cache file that was
  planted, committed, edited or written under another key does not verify and is ignored.
- Files are read only when they are regular files (never through a symlink, opened without blocking:
  /dev/zero or a FIFO named like a cache file cannot hang a run) of at most FILE_LIMIT bytes.
- Folders are opened as real folders (never through a symlink), and every file is written inside them
  by a temporary file and a rename, relative to the folder's descriptor: a planted link
  (`v6/00.json -> ~/.bashrc`) is replaced, never written through.
"""
from __future__ import annotations

import contextlib
import errno
import hmac
import os
import stat
from collections.abc import Iterator

from .fileio import read_open

FILE_LIMIT = 128 * 1024 * 1024  # bytes; the largest file guidelint writes (an index of 200,000 files) is ~50 MB
KEY_SIZE = 32  # bytes of os.urandom

_READ = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
# Everything below works relative to folder descriptors; a platform without them (Windows) has no cache.
SUPPORTED = (hasattr(os, "O_NOFOLLOW") and hasattr(os, "O_DIRECTORY")
             and {os.open, os.mkdir, os.rename, os.unlink, os.stat} <= os.supports_dir_fd  # (os.replace: as os.rename)
             and {os.listdir, os.scandir} <= os.supports_fd)


class CacheUnavailable(Exception):
    """Why this run goes without the result cache (one line, for a warning)."""


# --- the key ----------------------------------------------------------------------------------------------

def key_path() -> str:
    """Where the user's cache key lives: outside every repository, in the user's own cache folder."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec: a relative value is to be ignored
        base = os.path.join(os.path.expanduser("~"), ".cache")
        if not os.path.isabs(base):
            raise CacheUnavailable("no home folder to keep the cache key in")
    return os.path.join(base, "guidelint", "key")


def user_key() -> bytes:
    """The user's cache key, created (mode 0600, atomically) on first use. CacheUnavailable when it
    cannot be read or created, or is not the user's own private file."""
    path = key_path()
    try:
        key = _read_key(path)
        if key is None:
            key = _create_key(path)
    except OSError as error:
        raise CacheUnavailable(f"cannot use the cache key {path}: {error.strerror or error}") from None
    return key


def _read_key(path: str) -> bytes | None:
    """The key in `path`; None when there is none; a fresh one when it is damaged (a wrong length)."""
    try:
        descriptor = os.open(path, _READ)
    except FileNotFoundError:
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise CacheUnavailable(f"the cache key {path} is not a regular file")
        if (hasattr(os, "geteuid") and status.st_uid != os.geteuid()) or status.st_mode & 0o077:
            raise CacheUnavailable(f"the cache key {path} is not private (another owner, or a mode other than 0600)")
        key = os.read(descriptor, KEY_SIZE + 1)
    finally:
        os.close(descriptor)
    return key if len(key) == KEY_SIZE else _create_key(path, damaged=True)


def _create_key(path: str, *, damaged: bool = False) -> bytes:
    """A new key in `path`: written whole to a private temporary file, then linked into place, so that
    a concurrent run reads no half-written key and two first runs agree on one key."""
    import tempfile

    folder = os.path.dirname(path)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    key = os.urandom(KEY_SIZE)
    descriptor, temporary = tempfile.mkstemp(prefix=".key-", dir=folder)  # mode 0600
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
        if damaged:
            os.replace(temporary, path)
            return key
        try:
            os.link(temporary, path)
        except FileExistsError:  # another run created it first: use that one
            found = _read_key(path)
            if found is None:
                raise CacheUnavailable(f"the cache key {path} keeps disappearing") from None
            return found
        return key
    finally:
        try:
            os.unlink(temporary)
        except OSError:
            pass


# --- sealed files -----------------------------------------------------------------------------------------

def seal(key: bytes, name: str, body: bytes) -> bytes:
    """A cache file: the HMAC of its body on the first line, then the body. The MAC is bound to the
    file's name in the cache, so a valid file does not verify under another name."""
    return _mac(key, name, body) + b"\n" + body


def unseal(key: bytes, name: str, data: bytes) -> bytes | None:
    """The body of a sealed file, or None when its MAC does not verify (damaged, forged, another key)."""
    head, newline, body = data.partition(b"\n")
    if not newline or not hmac.compare_digest(head, _mac(key, name, body)):
        return None
    return body


def _mac(key: bytes, name: str, body: bytes) -> bytes:
    named = hmac.digest(key, b"guidelint cache file " + name.encode("utf-8", "surrogatepass"), "sha256")
    return hmac.digest(named, body, "sha256").hex().encode("ascii")


# --- folders ----------------------------------------------------------------------------------------------

class CacheFolder:
    """A folder of the cache, held open by its descriptor: it was a real folder when opened (not a
    symlink), and every name below is resolved in it, so a link swapped in later changes nothing."""

    def __init__(self, descriptor: int, path: str) -> None:
        self.descriptor = descriptor
        self.path = path

    @classmethod
    def open(cls, path: str, *, create: bool = False) -> CacheFolder | None:
        """The folder at `path`; None when it does not exist (and `create` is false). The path leading to
        it is the user's choice; the folder itself must be a real one."""
        if not SUPPORTED:
            raise CacheUnavailable("the result cache needs O_NOFOLLOW and folder descriptors (not on this platform)")
        if create:
            with contextlib.suppress(FileExistsError):  # (a file or a link there: worded by _opened)
                os.makedirs(path, exist_ok=True)
        return cls._opened(path, None, path)

    def subfolder(self, name: str, *, create: bool = False) -> CacheFolder | None:
        if create:
            with contextlib.suppress(FileExistsError):
                os.mkdir(name, 0o755, dir_fd=self.descriptor)
        return self._opened(name, self.descriptor, os.path.join(self.path, name))

    @classmethod
    def _opened(cls, name: str, parent: int | None, path: str) -> CacheFolder | None:
        try:
            return cls(os.open(name, _FOLDER, dir_fd=parent), path)
        except FileNotFoundError:
            return None
        except OSError as error:
            if error.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                try:
                    link = stat.S_ISLNK(os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode)
                except OSError:
                    link = False
                raise CacheUnavailable(f"{path} is {'a symlink' if link else 'not a folder'}") from None
            raise CacheUnavailable(f"cannot open {path}: {error.strerror or error}") from None

    def close(self) -> None:
        if self.descriptor >= 0:
            os.close(self.descriptor)
            self.descriptor = -1

    def has_files(self, suffix: str) -> bool:
        return any(name.endswith(suffix) for name in os.listdir(self.descriptor))

    def read(self, name: str) -> bytes | None:
        """The bytes of the regular file `name` (which may be in a subfolder: "runs/x.json"), or None when it
        is missing, a symlink, not a regular file, over FILE_LIMIT or unreadable."""
        *folders, base = name.split("/")
        opened: list[CacheFolder] = []
        try:
            folder: CacheFolder | None = self
            for part in folders:
                folder = folder.subfolder(part)
                if folder is None:
                    return None
                opened.append(folder)
            return _read_regular(base, folder.descriptor)  # type: ignore[union-attr]
        except (OSError, CacheUnavailable):
            return None
        finally:
            for folder in opened:
                folder.close()

    def write(self, name: str, data: bytes) -> None:
        """Replace `name` in this folder with `data`: a temporary file renamed over it (a symlink there is
        replaced, not followed). Raises OSError; the temporary file is removed when anything fails."""
        temporary = f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        descriptor = os.open(temporary, _CREATE, 0o600, dir_fd=self.descriptor)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            os.replace(temporary, name, src_dir_fd=self.descriptor, dst_dir_fd=self.descriptor)
        except BaseException as error:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=self.descriptor)
            if isinstance(error, OSError):  # named by the file it was to replace, not the temporary one
                raise OSError(error.errno, error.strerror, os.path.join(self.path, name)) from None
            raise

    def create_once(self, name: str, data: bytes) -> None:
        """Write `name` unless something (even a dangling link) already has that name."""
        try:
            descriptor = os.open(name, _CREATE, 0o644, dir_fd=self.descriptor)
        except FileExistsError:
            return
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)

    def regular_files(self) -> Iterator[tuple[str, int]]:
        """(name, mtime in ns) of each regular file here."""
        for entry in os.scandir(self.descriptor):
            status = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(status.st_mode):
                yield entry.name, status.st_mtime_ns

    def remove(self, name: str) -> None:
        os.unlink(name, dir_fd=self.descriptor)


def _read_regular(name: str, folder: int) -> bytes | None:
    descriptor = os.open(name, _READ, dir_fd=folder)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > FILE_LIMIT:
            return None
        data = read_open(descriptor, status.st_size, FILE_LIMIT)
    finally:
        os.close(descriptor)
    return None if len(data) > FILE_LIMIT else data
