"""Where a check run's reports go as the files arrive: the terminal (stdout, kept clear of the progress
line) and the --output-file (a temporary file beside it, renamed over it at the end, so a reader sees
the old report or the new one, never half of one)."""
from __future__ import annotations

import contextlib
import os
import sys
from typing import IO, Any

from .fileio import replacement_target
from .interrupts import deferred, forget, track, write_out

BUFFER = 1 << 16  # a pipe or a file gets the report in writes of about this size


class Terminal:
    """stdout for the report. On a terminal each file's lines are written as they come (through the
    progress line's `above`); into a pipe or a file they are gathered into larger writes."""

    def __init__(self, progress: Any = None) -> None:
        self.progress = progress
        try:
            self.tty = sys.stdout.isatty()
        except (AttributeError, ValueError):
            self.tty = False
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.tty or self.size >= BUFFER:
            self.flush()

    def flush(self) -> None:
        if not self.parts:
            return
        text = "".join(self.parts)
        self.parts = []
        self.size = 0
        if self.tty and self.progress is not None:
            with self.progress.above():
                write_out(text)
        else:
            write_out(text)


class ReportFileError(Exception):
    """--output-file could not be written (disk full, gone): one line, exit 2, the old file kept."""


class ReportFile:
    """--output-file, written as the run goes: into a temporary file in the same folder, renamed over the
    file by `close`; `abort` (or anything that ends the run first) removes it. A device or a pipe
    (/dev/stdout, a FIFO) is written in place. OSError when it cannot be made or written."""

    def __init__(self, path: str) -> None:
        self.name = path  # as given, for messages
        self.path = path
        self.temporary: str | None = None
        target = replacement_target(path)
        if target is not None:
            self.path = target
            import tempfile  # here: a run without -o (every pre-commit run) does not need it

            with deferred():  # a signal lands before the file exists or once it is tracked
                descriptor, self.temporary = tempfile.mkstemp(
                    prefix=".guidelint-", suffix=".tmp", dir=os.path.dirname(os.path.abspath(target)))
                track(self.temporary)
                os.close(descriptor)
        try:
            self.handle: IO[str] = open(self.temporary or path, "w", encoding="utf-8", newline="\n")
        except BaseException:
            self.abort()
            raise

    def write(self, text: str) -> None:
        try:
            self.handle.write(text)
        except OSError as error:
            self.abort()
            raise ReportFileError(f"cannot write {self.name}: {error.strerror or error}") from None

    def close(self) -> None:
        try:
            if self.temporary is not None:
                self.handle.flush()
                os.fsync(self.handle.fileno())
            self.handle.close()
            if self.temporary is not None:
                with deferred():  # renamed and forgotten, or neither
                    os.chmod(self.temporary, 0o644)
                    os.replace(self.temporary, self.path)
                    forget(self.temporary)
                    self.temporary = None
        except OSError as error:
            self.abort()
            raise ReportFileError(f"cannot write {self.name}: {error.strerror or error}") from None
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        with deferred():
            handle = getattr(self, "handle", None)
            if handle is not None:
                with contextlib.suppress(OSError):
                    handle.close()
            if self.temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(self.temporary)
                forget(self.temporary)
                self.temporary = None
