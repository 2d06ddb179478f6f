"""A file guidelint cannot read as a guide: not UTF-8 (reported at the first bad byte; UTF-16 and UTF-32
are named as such), binary (NUL bytes), empty, or over the size limit.

Why: every other rule needs text. A guide saved as Latin-1 or a picture renamed `.md` breaks the site
build far from where the mistake was made; an empty file is usually a botched save.

Bad:
    (bytes 0xE9 ... in a Latin-1 file, a PNG named guide.md, a 0-byte file)
Good:
    a UTF-8 text file, with or without a BOM

Options: none (the size limit is the `max-file-size` setting).
Fix: none; re-save the file as UTF-8.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Finding, Severity
from ..model import Document
from .base import Context, Rule


def check(document: Document, context: Context) -> Iterator[Finding]:
    problem = document.source.problem
    if problem is not None:
        yield Finding(problem.message, problem.offset)


RULE = Rule(code="GL001", slug="file-encoding", severity=Severity.ERROR, check=check, doc=__doc__,
            needs_text=False)
