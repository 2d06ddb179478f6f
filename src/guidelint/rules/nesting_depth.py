"""Markdown nested deeper than guidelint analyses (lists or quotes inside each other past the limit).

Why: no real guide nests that deep; such input is usually broken or hostile, and the content below
the limit is not seen by the question rules.

Bad:
    > > > > > > ... (dozens of levels)
Good:
    at most a few levels of nested lists

Options: none.
Fix: none.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Finding, Severity
from ..model import Document
from .base import Context, Rule


def check(document: Document, context: Context) -> Iterator[Finding]:
    if document.too_deep_at is not None:
        from ..markdown import MAX_DEPTH

        yield Finding(f"content nested more than {MAX_DEPTH} levels deep is not analysed", document.too_deep_at)


RULE = Rule(code="GL004", slug="nesting-depth", severity=Severity.WARNING, check=check, doc=__doc__)
