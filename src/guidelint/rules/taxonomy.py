"""Rules that check category and vertical against the taxonomy in rules/taxonomy.yaml."""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Finding, Severity
from ..model import Document
from ._helpers import key_offset
from .base import Context, Rule

CATEGORY_DOC = """A category that the taxonomy does not list.

Why: the site builds one listing page per category; an unknown category (often a typo such as
"Saless") makes an orphan page and no hero image can be checked.

Bad:
    category: "Saless"
Good:
    category: "Sales"

Options: none (the categories are rules data).
Fix: none.
"""

VERTICAL_DOC = """A vertical that the taxonomy does not list for the guide's category.

Why: verticals are a controlled list per category; a free-form vertical splits the listing pages.

Bad:
    category: "Finance"
    vertical: "Enterprise"
Good:
    category: "Finance"
    vertical: "Equipment Financing"

Options: none (the verticals are rules data).
Fix: none.
"""


def check_category(document: Document, context: Context) -> Iterator[Finding]:
    data = document.metadata
    if not data or not isinstance(data.get("category"), str):
        return
    category = data["category"].strip()
    categories = context.policy.categories
    if category not in categories:
        known = ", ".join(sorted(categories))
        yield Finding(f"unknown category {category!r}; the taxonomy has: {known}", key_offset(document, "category"))


def check_vertical(document: Document, context: Context) -> Iterator[Finding]:
    data = document.metadata
    if not data or not isinstance(data.get("category"), str) or not isinstance(data.get("vertical"), str):
        return
    info = context.policy.categories.get(data["category"].strip())
    if info is None or not info.verticals:
        return
    if data["vertical"].strip() not in info.verticals:
        yield Finding(f"vertical {data['vertical']!r} is not listed for category {info.name!r} "
                      f"(listed: {', '.join(info.verticals)})", key_offset(document, "vertical"))


CATEGORY_RULE = Rule(code="GL107", slug="category-unknown", severity=Severity.WARNING, check=check_category, guide_only=True,
                     doc=CATEGORY_DOC)
VERTICAL_RULE = Rule(code="GL108", slug="vertical-unknown", severity=Severity.WARNING, check=check_vertical, guide_only=True,
                     doc=VERTICAL_DOC)
