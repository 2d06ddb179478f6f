"""Replacing a file atomically: the one way guidelint writes files it does not stream."""
from __future__ import annotations

import os


def replace_file(path: str, data: bytes, *, mode: int = 0o644, sync: bool = True) -> None:
    """Write `data` to a temporary file in `path`'s folder, flush it to disk (unless `sync` is false:
    for caches, which may be lost), then rename it over `path`, so a reader sees the old file or the
    new one, never half of one. Raises OSError; the temporary file is removed when anything fails."""
    import tempfile  # only when writing: a check run imports nothing it does not use

    folder = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(prefix=".guidelint-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
