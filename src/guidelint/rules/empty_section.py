"""A heading with no content before the next heading of the same or a higher level.

Why: an empty section is a placeholder that was never filled, or content that was deleted by mistake.
An HTML block is content (a `<table>`, `<details>`, an MDX component such as `<CardGrid>`); an HTML
comment alone, or a thematic break, is not.

Bad:
    ### Behavioral Questions
    ### Situational Questions
Good:
    ### Behavioral Questions
    #### 3. Tell me about a time ...

Options: none.
Fix: none.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..diagnostics import Finding, Severity
from ..model import Document
from .base import Context, Rule

_COMMENTS = re.compile(r"\s*(?:<!--.*?-->\s*)*", re.DOTALL)


def _is_content(block: Any, text: str) -> bool:
    if block.tag == "Rule":
        return False
    if block.tag == "HtmlBlock":  # only comments (a suppression, a note to editors) are not content
        return _COMMENTS.fullmatch(text, block.start, block.end) is None
    return True


def check(document: Document, context: Context) -> Iterator[Finding]:
    blocks = document.blocks
    count = len(blocks)
    for index, block in enumerate(blocks):
        if block.tag != "Heading":
            continue
        empty = True
        for next_index in range(index + 1, count):  # (a slice here copied the rest for every heading)
            following = blocks[next_index]
            if following.tag == "Heading":
                empty = following.level <= block.level
                break
            if _is_content(following, document.text):
                empty = False
                break
        if empty:
            yield Finding(f"section '{block.plain()}' is empty", block.start, block.end)


RULE = Rule(code="GL202", slug="empty-section", severity=Severity.WARNING, check=check, doc=__doc__)
