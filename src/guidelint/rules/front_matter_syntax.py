"""Front matter that is not a usable YAML mapping: broken YAML, unterminated, a list or scalar, empty,
duplicate keys, anchors/aliases.

Why: a YAML error makes the site build fail or silently drop values; a duplicate key keeps only the
later value, so an edit to the first one seems to do nothing.

Bad:
    ---
    term: "Account Executive
    category: Sales
    category: Finance
    ---
Good:
    ---
    term: "Account Executive"
    category: Sales
    ---

Options: `allow-empty` (default false): an empty block (`---` then `---`) is fine. Jekyll renders a
file only when it has front matter, so its sites write empty blocks on purpose.
Fix: none.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Finding, Severity
from ..model import EMPTY_FRONT_MATTER as EMPTY, Document
from .base import Context, Rule


def check(document: Document, context: Context) -> Iterator[Finding]:
    front = document.front_matter
    if front is None:
        return
    if front.error is not None:
        if front.error == EMPTY and context.options.get("allow-empty", False):
            return
        yield Finding(front.error, front.error_offset)
        return
    if front.doc is not None:
        for key, offset in front.doc.duplicate_keys:
            yield Finding(f"duplicate key {key!r}: only the later value is used", front.yaml_start + offset)


RULE = Rule(code="GL102", slug="front-matter-syntax", severity=Severity.ERROR, check=check, doc=__doc__,
            options={"allow-empty": False}, option_schema={"allow-empty": {"type": "boolean"}})
