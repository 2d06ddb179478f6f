"""The result cache's key and folders, which a checkout can carry and so are never trusted as found.

- The cache's rows carry an HMAC-SHA256 under a random key of the user's, kept outside any repository
  ($XDG_CACHE_HOME/guidelint/key, else ~/.cache/guidelint/key): a row that was planted, committed,
  edited or written under another key does not verify and is ignored (cache.py).
- Folders are opened as real folders (never through a symlink), and names below them are resolved
  relative to the folder's descriptor, so a link swapped in later changes nothing.
"""
from __future__ import annotations

import contextlib
import errno
import os
import stat

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

    def create_once(self, name: str, data: bytes) -> None:
        """Write `name` unless something (even a dangling link) already has that name."""
        try:
            descriptor = os.open(name, _CREATE, 0o644, dir_fd=self.descriptor)
        except FileExistsError:
            return
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
