"""Streams export records to stdout or to a file (atomically: a temporary file renamed at the end),
as JSONL, one JSON array, or Parquet in row groups, so memory stays flat however many guides there are."""
from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from typing import IO, Any

from . import jsontext
from .fileio import replacement_target
from .interrupts import deferred, forget, track

PARQUET_BATCH = 500
JSON_LINE = jsontext.line  # one JSONL record; workers use it too


class ExportWriter:
    def __init__(self, output: str | None, output_format: str, unit: str) -> None:
        self.output = output
        self.format = output_format
        self.unit = unit
        self.count = 0
        self.temporary: str | None = None
        self.batch: list[dict[str, Any]] = []
        self.parquet_writer: Any = None
        self.handle: IO[str] | None = None
        self.stream_to = output  # where the data is written: a temporary file, renamed at the end, or in place
        try:
            self._open(output, output_format)
        except BaseException:  # including a signal that waited for the temporary file to be known
            self.abort()
            raise

    def _open(self, output: str | None, output_format: str) -> None:
        if output is not None:
            target = replacement_target(output)  # None: a device or a pipe (-o /dev/null), written in place
            if target is not None:
                self.output = target
                folder = os.path.dirname(os.path.abspath(target))
                with deferred():  # a signal lands before the file exists or once it is tracked
                    descriptor, self.temporary = tempfile.mkstemp(prefix=".guidelint-", suffix=".tmp", dir=folder)
                    track(self.temporary)
                    os.close(descriptor)
                self.stream_to = self.temporary
        if output_format != "parquet":
            self.handle = open(self.stream_to, "w", encoding="utf-8", newline="\n") if self.stream_to else sys.stdout
            if output_format == "json":
                self.handle.write("[")

    def add(self, record: dict[str, Any]) -> None:
        if self.format == "parquet":
            self.batch.append(record)
            if len(self.batch) >= PARQUET_BATCH:
                self._flush_parquet()
        elif self.format == "json":
            assert self.handle is not None
            self.handle.write(("\n" if self.count == 0 else ",\n") + _indent(jsontext.indented(record)))
        else:
            self.add_line(JSON_LINE(record))
            return
        self.count += 1

    def add_line(self, encoded: str) -> None:
        """A JSONL record already encoded (by a worker)."""
        assert self.handle is not None and self.format == "jsonl"
        self.handle.write(encoded + "\n")
        self.count += 1

    def _flush_parquet(self) -> None:
        from . import parquet

        if self.parquet_writer is None:
            self.parquet_writer = parquet.writer(self.stream_to, self.unit)
        if self.batch:
            parquet.write_batch(self.parquet_writer, self.batch, self.unit)
            self.batch = []

    def close(self) -> None:
        if self.format == "parquet":
            self._flush_parquet()
            self.parquet_writer.close()
        else:
            assert self.handle is not None
            if self.format == "json":
                self.handle.write("\n]\n" if self.count else "]\n")
            if self.handle is not sys.stdout:
                self.handle.close()
            else:
                self.handle.flush()
        if self.temporary is not None and self.output is not None:
            with deferred():  # renamed and forgotten, or neither
                os.chmod(self.temporary, 0o644)
                os.replace(self.temporary, self.output)
                forget(self.temporary)
                self.temporary = None

    def abort(self) -> None:
        """Remove the temporary file, whatever state the writing ended in: closing a file whose last
        write failed (disk full, file too large) fails again, and must not keep it from going."""
        with deferred():
            if self.handle is not None and self.handle is not sys.stdout:
                with contextlib.suppress(OSError):
                    self.handle.close()
            if self.parquet_writer is not None:
                with contextlib.suppress(Exception):  # pyarrow raises its own OSError subclasses, or not
                    self.parquet_writer.close()
            if self.temporary is not None:
                with contextlib.suppress(OSError):  # gone already, or nothing more to be done
                    os.unlink(self.temporary)
                forget(self.temporary)
                self.temporary = None


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.split("\n"))
