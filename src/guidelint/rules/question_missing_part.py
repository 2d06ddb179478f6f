"""A question whose answer lacks a required part: examples, an outcome, pitfalls or follow-up points
(the list is `required_parts` in rules/structure.yaml). One finding per missing part.

Why: the guides promise every answer the same shape; a reader skimming for pitfalls should find them
under every question. An outcome counts whether it belongs to an example or stands alone.
Labels are matched through their synonyms in rules/labels.yaml ("Results" is an outcome,
"Pitfall to Avoid" a pitfall), so only a truly missing part is reported.

Bad:
    #### 4. How do you prioritize accounts?
    **Answer:**
    - **Example 1:** ...
      - **Outcome:** ...
    - **Follow-up Points:**
      - ...
Good:
    the same, plus
    - **Pitfalls to Avoid:**
      - Treating every account the same.

Options: none (the required parts are rules data).
Fix: none: content cannot be invented.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Finding, Severity
from ..model import Document
from ._helpers import fallen_answer
from .base import Context, Rule

PART_NAMES = {
    "examples": "examples",
    "outcomes": "outcome",
    "best_practices": "best practices",
    "pitfalls": "pitfalls",
    "follow_ups": "follow-up points",
}


def check(document: Document, context: Context) -> Iterator[Finding]:
    for question in document.questions:
        if fallen_answer(document, question) is not None:
            continue  # answer-indentation says why its parts seem missing
        label = f"question {question.number}" if question.number is not None else "question"
        for part in context.policy.required_parts:
            if not question.answer.has(part):
                yield Finding(f"{label} has no {PART_NAMES[part]}", question.start)


RULE = Rule(code="GL301", slug="question-missing-part", severity=Severity.ERROR, check=check, doc=__doc__, guide_only=True)
