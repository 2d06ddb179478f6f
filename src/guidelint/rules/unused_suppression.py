"""An inline suppression comment that suppresses nothing, or names a rule that does not exist.
Off by default, like ruff's unused-noqa.

Why: suppressions outlive the problems they hid; a stale one would silently hide the next real finding
on that line or section.

Bad:
    <!-- guidelint-disable-next-line trailing-whitespace -->
    A line without trailing whitespace.
Good:
    A line without trailing whitespace.

Options: none.
Fix: none (deleting a comment is left to the author).
"""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Finding, Severity
from ..model import Document
from .base import Context, Rule


def check(document: Document, context: Context) -> Iterator[Finding]:
    """The engine reports these: only it knows which suppressions were used."""
    return iter(())


RULE = Rule(code="GL005", slug="unused-suppression", severity=Severity.WARNING, check=check, doc=__doc__,
            enabled=False)
