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
from ._helpers import in_code
from .base import Context, Rule


def check(document: Document, context: Context) -> Iterator[Finding]:
    text = document.text
    reported: set[int] = set()  # line starts: one finding per line, the first pattern that matches
    hits = []
    lowered = text.lower()  # only to skip patterns whose hint words are absent
    for pattern, message, hints in context.policy.artifacts:
        if hints and not any(hint in lowered for hint in hints):
            continue
        for match in pattern.finditer(text, document.body_start):
            line_start = text.rfind("\n", 0, match.start()) + 1
            if line_start not in reported and not in_code(document, match.start()):
                reported.add(line_start)
                hits.append((line_start, match, message))
    for line_start, match, message in sorted(hits, key=lambda hit: hit[0]):
        end = text.find("\n", line_start)
        end = len(text) if end == -1 else end + 1
        shown = text[line_start:end].strip()
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        yield Finding(f"{message}: {shown!r}", match.start(), match.end(),
                      Fix("delete the line", (Edit(line_start, end, ""),), safe=False))


RULE = Rule(code="GL203", slug="generation-artifact", severity=Severity.ERROR, check=check, doc=__doc__,
            fix="unsafe", changes=frozenset({"sections", "after", "question-other"}), deletes=True)
