"""The same question twice in one guide (compared case-, space- and punctuation-insensitively).

Why: a repeated question is a copy-paste slip and wastes the reader's time.

Bad:
    #### 2. How do you build a pipeline?
    ...
    #### 7. How do you build a pipeline
Good:
    each question asked once

Options: none.
Fix: none (which copy to keep, with which answer, is an editor's call).
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..diagnostics import Finding, Severity
from ..model import Document
from .base import Context, Rule

_NOISE = re.compile(r"[^\w\s]")


def normalize_question(text: str) -> str:
    return " ".join(_NOISE.sub(" ", text.casefold().replace("\u2019", "'")).split())


def check(document: Document, context: Context) -> Iterator[Finding]:
    first: dict[str, int] = {}
    for question in document.questions:
        key = normalize_question(question.text)
        if not key:
            continue
        if key in first:  # (the line index is built only when there is something to report)
            yield Finding(f"duplicate of the question on line {document.lines.line_of(first[key])}", question.start)
        else:
            first[key] = question.start


RULE = Rule(code="GL304", slug="duplicate-question", severity=Severity.WARNING, check=check, doc=__doc__, guide_only=True)
