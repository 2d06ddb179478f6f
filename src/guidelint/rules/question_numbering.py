"""Question numbers that do not run 1, 2, 3, ... through the whole guide (gaps, repeats, restarts).

Why: readers and links refer to "question 7"; a repeated or skipped number makes those references
wrong. Numbering runs across groups, as in the guides. Only questions inside the guide's questions
section are numbered: a numbered heading elsewhere (`### 1. Overdeliver` in an overview, or in a
guide without a questions section) is left alone.

Bad:
    #### 1. ...
    #### 2. ...
    #### 2. ...
Good:
    #### 1. ...
    #### 2. ...
    #### 3. ...

Options: none.
Fix (safe): renumbers the questions in order; only the numbers change.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Edit, Finding, Fix, Severity
from ..model import Document
from .base import Context, Rule


def _questions_section(document: Document) -> tuple[int, int] | None:
    """Where the questions section runs: from its heading to the next heading of its level or higher."""
    heading = document.questions_heading
    if heading is None:
        return None
    end = len(document.text)
    for other in document.headings:
        if other.start > heading.start and other.level <= heading.level:
            end = other.start
            break
    return heading.start, end


def check(document: Document, context: Context) -> Iterator[Finding]:
    section = _questions_section(document)
    if section is None:
        return
    section_start, section_end = section
    seen: set[int] = set()
    for index, question in enumerate(q for q in document.questions if section_start <= q.start < section_end):
        expected = index + 1
        number = question.number
        if number is not None and number != expected:
            why = "repeats an earlier number" if number in seen else "is out of sequence"
            fix = None
            if question.number_span is not None:
                start, end = question.number_span
                fix = Fix(f"renumber {number} to {expected}", (Edit(start, end, str(expected)),))
            yield Finding(f"question number {number} {why}: expected {expected}", question.start, None, fix)
        if number is not None:
            seen.add(number)


RULE = Rule(code="GL302", slug="question-numbering", severity=Severity.ERROR, check=check, doc=__doc__, guide_only=True, fix="safe",
            changes=frozenset({"numbers"}))
