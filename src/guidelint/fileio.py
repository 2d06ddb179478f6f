"""Reading a file within a size limit, and replacing a file atomically: the one way guidelint writes
files it does not stream."""
from __future__ import annotations

import os
import stat

from .interrupts import deferred


class TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class NotAFile(OSError):
    """A directory, a FIFO, a device: nothing guidelint reads."""


def read_limited(path: str, limit: int) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them. Raises TooLarge beyond the limit,
    NotAFile for anything but a regular file (opened without blocking: a FIFO named *.md must not hang
    the run), and OSError when it cannot be read. Reads what the file holds, not a `limit`-sized buffer
    (BufferedReader.read(n) allocates n bytes first: ~40 us a file with the 5 MB default)."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise NotAFile("is a directory, not a file")
        if not stat.S_ISREG(status.st_mode):
            raise NotAFile("is not a regular file (a pipe or a device?)")
        if status.st_size > limit:
            raise TooLarge(status.st_size)
        data = read_open(descriptor, status.st_size, limit)
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise TooLarge(len(data))
    return data


def read_open(descriptor: int, size: int, limit: int) -> bytes:
    """What an open regular file of `size` bytes (by its stat) holds, at most `limit` + 1 bytes: the file
    may grow while it is read, so reading stops one byte past the limit (the caller tells "too large")."""
    chunks = []
    total = 0
    while total <= limit:
        chunk = os.read(descriptor, min(limit + 1 - total, max(size + 1 - total, 65536)))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def replacement_target(path: str) -> str | None:
    """Where an atomic replacement of `path` must happen: the file itself, or the file a symlink points
    to (the link stays a link); None when `path` is a device, a FIFO or a socket (/dev/null,
    /dev/stdout, a pipe), which is written in place: renaming a file over /dev/null would replace the
    device with a regular file."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = stat.S_IFREG  # a new file (or a dangling link): created like a regular one
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(21, "Is a directory", path)
    if not stat.S_ISREG(mode):
        return None
    return os.path.realpath(path) if os.path.islink(path) else path


@deferred()  # Ctrl-C and SIGTERM wait for the end of a replacement: no half-done write, no temporary file left
def replace_file(path: str, data: bytes, *, mode: int = 0o644, sync: bool = True,
                 owner: tuple[int, int] | None = None) -> None:
    """Write `data` to a temporary file in `path`'s folder, flush it to disk (unless `sync` is false:
    for caches, which may be lost), then rename it over `path`, so a reader sees the old file or the
    new one, never half of one. Raises OSError; the temporary file is removed when anything fails.
    Devices and pipes (see `replacement_target`) are written in place."""
    import tempfile  # only when writing: a check run imports nothing it does not use

    target = replacement_target(path)
    if target is None:
        with open(path, "wb") as handle:
            handle.write(data)
        return
    path = target
    folder = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(prefix=".guidelint-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        if owner is not None:  # (uid, gid) of the file replaced; kept where we may (root, or our own group)
            try:
                os.chown(temporary, *owner)
            except PermissionError:
                pass
        os.chmod(temporary, mode)  # after chown, which clears setuid and setgid bits
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
