"""A question group that is not in the allowed list, or a question outside any group.

Why: the site files questions under a fixed set of groups (rules/structure.yaml: Technical,
Behavioral, Situational, Problem-Solving by default); any other group heading has no place there.

Bad:
    ### Additional Questions
    #### 9. How do you stay motivated?
Good:
    ### Behavioral Questions
    #### 9. How do you stay motivated?

Options: none (the groups are rules data).
Fix: none.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Finding, Severity
from ..model import Document
from .base import Context, Rule


def check(document: Document, context: Context) -> Iterator[Finding]:
    allowed = ", ".join(dict.fromkeys(context.policy.groups.values()))
    for group in document.groups:
        if group.key is None:
            yield Finding(f"question group '{group.name}' is not one of: {allowed}", group.heading.start,
                          group.heading.end)
    for question in document.questions:
        if question.group is None:
            label = f"question {question.number}" if question.number is not None else "question"
            yield Finding(f"{label} is outside any question group", question.start)


RULE = Rule(code="GL303", slug="question-group", severity=Severity.WARNING, check=check, doc=__doc__, guide_only=True)
