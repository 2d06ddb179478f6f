"""The file has no YAML front matter block (`---` on the first line, then YAML, then `---`).

Why: the site reads term, category, dates and images from the front matter; without it a file is not
a guide. Plain-text pages pasted into the content folder show up here first.

Bad:
    Account Executive Job Description
    - Manage accounts ...
Good:
    ---
    term: "Account Executive Interview Preparation"
    ...
    ---

Options: none.
Fix: none; the values cannot be guessed.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Finding, Severity
from ..model import Document
from .base import Context, Rule


def check(document: Document, context: Context) -> Iterator[Finding]:
    if document.front_matter is None:
        first = document.text.split("\n", 1)[0].strip()
        hint = " (the first line must be '---')" if first.startswith("-") else ""
        yield Finding(f"no YAML front matter{hint}")


RULE = Rule(code="GL101", slug="front-matter-missing", severity=Severity.ERROR, check=check, doc=__doc__)
