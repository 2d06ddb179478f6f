"""The same tag twice in `tags`, including case and spacing variants ("Sales", "sales ", "SALES").

Why: duplicate tags make duplicate tag pages and skew tag counts.

Bad:
    tags: ["Interview Prep", "Sales", "sales"]
Good:
    tags: ["Interview Prep", "Sales"]

Options: none.
Fix (safe): removes the later duplicates, keeping the first spelling and the list's style.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Edit, Finding, Fix, Severity
from ..model import Document
from ._helpers import line_extent
from .base import Context, Rule


def normalize_tag(tag: str) -> str:
    return " ".join(tag.split()).casefold()


def check(document: Document, context: Context) -> Iterator[Finding]:
    front = document.front_matter
    data = document.metadata
    if front is None or data is None or not isinstance(data.get("tags"), list):
        return
    tags = data["tags"]
    sequence = front.locate(("tags",), key=False)
    seen: dict[str, int] = {}
    for index, tag in enumerate(tags):
        if not isinstance(tag, str):
            continue
        key = normalize_tag(tag)
        if key not in seen:
            seen[key] = index
            continue
        first = tags[seen[key]]
        place = front.locate(("tags", index), key=False)
        offset = place.start if place else 0
        fix = None
        if place is not None and sequence is not None:
            if sequence.style == "flow":
                previous = front.locate(("tags", index - 1), key=False)
                if previous is not None:
                    fix = Fix(f"remove duplicate tag {tag!r}", (Edit(previous.end, place.end, ""),))
            else:
                start, end = line_extent(document, place.start)
                text = document.text
                end = text.find("\n", end) + 1 or len(text)
                fix = Fix(f"remove duplicate tag {tag!r}", (Edit(start, end, ""),))
        same = "" if tag == first else f" (as {first!r})"
        yield Finding(f"duplicate tag {tag!r}: already listed at position {seen[key] + 1}{same}", offset, None, fix)


RULE = Rule(code="GL106", slug="tags-duplicate", severity=Severity.WARNING, check=check, doc=__doc__, fix="safe",
            changes=frozenset({"meta:tags"}))
