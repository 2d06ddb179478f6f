"""An answer label spelled differently from the canonical spelling (off by default).

Why: every spelling in rules/labels.yaml is understood, but a team that wants one house spelling
("Pitfalls to Avoid", not "Pitfall to Avoid" or "Pitfalls") can turn this on. It would fire on most
existing guides, so it is opt-in.

Bad:
    - **Pitfall to Avoid**: ...
Good:
    - **Pitfalls to Avoid:** ...

Options: none (the canonical spellings are `canonical` in rules/labels.yaml).
Fix: none.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Finding, Severity
from ..model import Document
from ..policy import normalize_label
from .base import Context, Rule


def check(document: Document, context: Context) -> Iterator[Finding]:
    canonical = context.policy.canonical
    for question in document.questions:
        for label, kind, offset in question.answer.labels:
            wanted = canonical.get(kind)
            if wanted and normalize_label(label)[0] != normalize_label(wanted)[0]:
                yield Finding(f"label '{label}' is spelled '{wanted}' in house style", offset)


RULE = Rule(code="GL305", slug="label-style", severity=Severity.INFO, check=check, doc=__doc__, guide_only=True, enabled=False)
