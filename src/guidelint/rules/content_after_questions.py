"""Loose paragraphs after the last question's answer, with no heading of their own.

Why: a closing summary ("This guide covers key aspects of ...") or a leftover line after the last
answer is read as part of that answer by anything that consumes the guide. Give it a heading
(e.g. "## Conclusion") or remove it.

Bad:
    - **Follow-up Points:**
      - Discuss how you measure success.

    This guide covers the key aspects of the role.
Good:
    - **Follow-up Points:**
      - Discuss how you measure success.

    ## Conclusion

    This guide covers the key aspects of the role.

Options: none.
Fix: none.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Finding, Severity
from ..model import Document
from ._helpers import fallen_answer
from .base import Context, Rule


def check(document: Document, context: Context) -> Iterator[Finding]:
    fallen = [found for found in (fallen_answer(document, q) for q in document.questions[-1:]) if found]
    for entry in document.after_questions:
        if any(found.start <= entry.start < found.end for found in fallen):
            continue  # part of an answer that fell out of its question: answer-indentation says so
        shown = entry.text if len(entry.text) <= 50 else entry.text[:47] + "..."
        yield Finding(f"paragraph after the last answer, outside any section: {shown!r}", entry.start)


RULE = Rule(code="GL205", slug="content-after-questions", severity=Severity.WARNING, check=check, doc=__doc__, guide_only=True)
