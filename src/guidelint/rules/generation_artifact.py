"""Leftover generator or editor instructions: "Continue with additional questions...", "[Insert ...]",
"As an AI language model", TODO, lorem ipsum.

Why: these lines were never meant for readers and are embarrassing once published. The phrases are
rules data (rules/artifacts.yaml), so a team can add its own.

Bad:
    Continue with additional questions and answers, maintaining the same level of detail.
Good:
    (the line removed, or the questions actually written)

Options: none (the patterns are rules data).
Fix (unsafe): deletes the line. Unsafe because the line may hold real text beside the artifact.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Edit, Finding, Fix, Severity
from ..model import Document
from ._helpers import in_code, lines
from .base import Context, Rule


def check(document: Document, context: Context) -> Iterator[Finding]:
    patterns = context.policy.artifacts
    text = document.text
    for offset, content in lines(document, document.body_start):
        if not content.strip() or in_code(document, offset):
            continue
        for pattern, message in patterns:
            match = pattern.search(content)
            if match:
                end = text.find("\n", offset)
                end = len(text) if end == -1 else end + 1
                shown = content.strip()
                shown = shown if len(shown) <= 60 else shown[:57] + "..."
                yield Finding(f"{message}: {shown!r}", offset + match.start(), offset + match.end(),
                              Fix("delete the line", (Edit(offset, end, ""),), safe=False))
                break


RULE = Rule(code="GL203", slug="generation-artifact", severity=Severity.ERROR, check=check, doc=__doc__,
            fix="unsafe", changes=frozenset({"sections", "after", "question-other"}))
