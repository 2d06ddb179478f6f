"""A description longer than a search-result snippet (160 characters by default). Off by default.

Why: the description doubles as the page's meta description; search engines cut it near 160
characters. The seeds run 400-530 characters, so this is opt-in for teams that want short ones.

Bad:
    description: "This guide equips job seekers with ... (480 characters)"
Good:
    description: "How to prepare for an Account Executive interview: questions, answers, pitfalls."

Options: `max` (default 160), `min` (default 50).
Fix: none.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Finding, Severity
from ..model import Document
from ._helpers import key_offset
from .base import Context, Rule


def check(document: Document, context: Context) -> Iterator[Finding]:
    data = document.metadata
    if not data or not isinstance(data.get("description"), str):
        return
    length = len(data["description"].strip())
    longest, shortest = int(context.options.get("max", 160)), int(context.options.get("min", 50))
    if length > longest:
        yield Finding(f"description is {length} characters, over {longest}", key_offset(document, "description"))
    elif length < shortest:
        yield Finding(f"description is {length} characters, under {shortest}", key_offset(document, "description"))


RULE = Rule(code="GL109", slug="description-length", severity=Severity.WARNING, check=check, doc=__doc__,
            enabled=False, options={"max": 160, "min": 50},
            option_schema={"max": {"type": "integer", "minimum": 1}, "min": {"type": "integer", "minimum": 0}})
