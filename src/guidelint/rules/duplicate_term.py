"""Two guides of one run with the same term (compared as the slug the export makes of it).

Why: the term is a guide's title and identity. Two guides with the same term are usually one topic
written twice, and they collide wherever the term becomes an id or a URL: the export renames the later
one "<slug>-2". Terms that differ only in case, spacing or punctuation count as the same.

Bad:
    guides/sales-a.md   term: "Sales Manager Interview Preparation"
    guides/sales-b.md   term: "Sales manager: interview preparation"
Good:
    guides/sales-b.md   term: "Regional Sales Manager Interview Preparation"

A corpus rule: it compares the files of one run (for pre-commit, the files being committed), and
reports every file after the first that has the term. Suppress it in a file with
`<!-- guidelint-disable-file duplicate-term -->`.

Options: none.
Fix: none (which guide should change its term is an editor's call).
"""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Finding, Severity
from ..model import Document
from ._helpers import slugify
from .base import Context, CorpusEntry, Rule


def check(document: Document, context: Context) -> Iterator[Finding]:
    return iter(())  # nothing to say about one file alone


def corpus_key(document: Document, context: Context) -> tuple[str, str, int, int] | None:
    data = document.metadata
    term = data.get("term") if isinstance(data, dict) else None
    if not isinstance(term, str) or not term.strip() or document.front_matter is None:
        return None
    located = document.front_matter.locate(("term",), key=False)
    if located is None:
        return None
    return slugify(term), " ".join(term.split()), located.start, located.end


def corpus_message(entry: CorpusEntry, first_path: str, first: CorpusEntry) -> str:
    return f"term {entry.shown!r} duplicates the term of {first_path}:{first.line} (both are {entry.key!r})"


RULE = Rule(code="GL401", slug="duplicate-term", severity=Severity.WARNING, check=check, doc=__doc__, guide_only=True,
            corpus_key=corpus_key, corpus_message=corpus_message)
