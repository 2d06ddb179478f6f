"""Leftover generator or editor instructions: "Continue with additional questions...", "[Insert ...]",
"As an AI language model", TODO, lorem ipsum.

Why: these lines were never meant for readers and are embarrassing once published. The phrases are
rules data (rules/artifacts.yaml), so a team can add its own. Code blocks, code spans, HTML blocks,
link text and image text are not prose: `[Insert Interval](https://…)` links a practice problem,
`` `https://[YOUR-SITE]/graphql` `` is an example, and neither is reported.

Bad:
    Continue with additional questions and answers, maintaining the same level of detail.
Good:
    (the line removed, or the questions actually written)

Options: none (the patterns are rules data).
Fix (unsafe): deletes the line. Unsafe because the line may hold real text beside the artifact.
"""
from __future__ import annotations

import re

import bisect
from collections.abc import Iterator

from ..diagnostics import Edit, Finding, Fix, Severity
from ..model import Document
from ._helpers import in_code
from .base import Context, Rule


_NOT_PROSE = frozenset({"Link", "Image", "Code"})


def _inline_not_prose(document: Document) -> list[tuple[int, int]]:
    """Spans of links, images and code spans in the body's inline runs, sorted (made only when a
    pattern matched somewhere: most guides never need it)."""
    spans: list[tuple[int, int]] = []
    stack = list(document.blocks)
    while stack:
        node = stack.pop()
        if node.tag == "Inline":
            spans.extend((start, end) for tag, start, end, _ in node.items if tag in _NOT_PROSE)
        else:
            stack.extend(node.children)
    spans.sort()
    return spans


def _in_spans(spans: list[tuple[int, int]], offset: int) -> bool:
    index = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]


def _is_prose(document: Document, match: re.Match[str], spans: list[tuple[int, int]]) -> bool:
    if in_code(document, match.start()) or _in_spans(spans, match.start()):
        return False
    # a bracket followed by "(" or "[" is a link's text (inside emphasis the model keeps no link item)
    text = document.text
    return not (match.group().endswith("]") and text[match.end():match.end() + 1] in ("(", "["))


def check(document: Document, context: Context) -> Iterator[Finding]:
    text = document.text
    reported: set[int] = set()  # line starts: one finding per line, the first pattern that matches
    hits = []
    spans: list[tuple[int, int]] | None = None
    lowered = text.lower()  # only to skip patterns whose hint words are absent
    for pattern, message, hints in context.policy.artifacts:
        if hints and not any(hint in lowered for hint in hints):
            continue
        for match in pattern.finditer(text, document.body_start):
            line_start = text.rfind("\n", 0, match.start()) + 1
            if line_start in reported:
                continue
            if spans is None:
                spans = _inline_not_prose(document)
            if _is_prose(document, match, spans):
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
