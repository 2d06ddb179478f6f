"""A list question's answer indented one space short of its item's content, so that Markdown reads it
as loose text after the question instead of its answer.

Why: an item's content starts where its text starts: three spaces under `1. `, but four under `10. `.
Answers indented three spaces, right for questions 1 to 9, fall out of questions 10 and up: every part
then seems missing (question-missing-part would report four errors per question) and the "Answer:"
line becomes a stray paragraph. One finding says why instead (question-missing-part and
content-after-questions stay silent on such an answer).

Bad:
    10. **How do you forecast?**

       **Answer:**
       - **Example 1:** ...
Good:
    10. **How do you forecast?**

        **Answer:**
        - **Example 1:** ...

Options: none.
Fix (safe): indents every line of the answer by the missing space(s); nothing else changes.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Edit, Finding, Fix, Severity
from ..model import Document
from ._helpers import fallen_answer
from .base import Context, Rule


def check(document: Document, context: Context) -> Iterator[Finding]:
    for question in document.questions:
        fallen = fallen_answer(document, question)
        if fallen is None:
            continue
        missing = fallen.needed - fallen.indent
        label = f"question {question.number}" if question.number is not None else "a question"
        yield Finding(f"the answer to {label} is indented {fallen.indent} spaces; its item needs "
                      f"{fallen.needed}, so it is read as text after the question, not as its answer",
                      fallen.start, None,
                      Fix(f"indent the answer by {missing} more space{'s' if missing > 1 else ''}",
                          tuple(Edit(start, start, " " * missing) for start in fallen.line_starts)))


RULE = Rule(code="GL306", slug="answer-indentation", severity=Severity.ERROR, check=check, doc=__doc__,
            guide_only=True, fix="safe", changes=frozenset({"questions", "question-other", "after"}))
