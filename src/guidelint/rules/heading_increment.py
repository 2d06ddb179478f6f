"""A heading more than one level below the previous heading (## then ####).

Why: skipped levels break the outline that screen readers, the table of contents and guidelint's own
question-group detection rely on.

Bad:
    ## Interview Questions
    #### Technical Questions
Good:
    ## Interview Questions
    ### Technical Questions

Options: none.
Fix: none (changing a level can move a whole subtree).
"""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Finding, Severity
from ..model import Document
from .base import Context, Rule


def check(document: Document, context: Context) -> Iterator[Finding]:
    previous = None
    for heading in document.headings:
        if previous is not None and heading.level > previous.level + 1:
            yield Finding(f"heading level {heading.level} follows level {previous.level}; "
                          f"expected level {previous.level + 1} or less", heading.start, heading.end)
        previous = heading


RULE = Rule(code="GL201", slug="heading-increment", severity=Severity.WARNING, check=check, doc=__doc__)
