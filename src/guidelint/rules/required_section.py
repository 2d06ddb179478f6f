"""A section every guide must have is missing (by default: the qualifications overview and the
interview questions section), found by heading text as rules/structure.yaml describes.

Why: a guide without its questions section is not a guide; plain-text pages pasted in as guides have
no headings at all and are reported here. A questions section in which no question is recognised is
reported too: the check would otherwise pass a guide that `export` then leaves out ("no questions").

Bad:
    (a body with no '## Interview Questions and Answers' heading)
Good:
    ## Overview of Qualifications
    ...
    ## Interview Questions and Answers

Options: none (sections are rules data).
Fix: none.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Finding, Severity
from ..model import Document
from .base import Context, Rule


def check(document: Document, context: Context) -> Iterator[Finding]:
    headings = document.headings
    where = document.body_start
    if where >= len(document.text) and document.text:  # no body: the last line, not the one after it
        where = document.lines.line_start(document.lines.line_count)
    for _name, pattern, message in context.policy.required_sections:
        if not any(pattern.search(heading.text) for heading in headings):
            extra = "" if headings else " (the body has no Markdown headings at all)"
            yield Finding(message + extra, where)
    section = document.questions_heading
    if section is not None and not document.questions:  # check passes, and export drops the guide
        yield Finding(f"the questions section '{section.text}' holds no question guidelint recognises "
                      "(a heading '#### 3. ...', '#### Question 3: ...' or '#### Q3. ...', or a list item "
                      "'3. **...**')", section.start, section.end)


RULE = Rule(code="GL204", slug="required-section", severity=Severity.ERROR, check=check, doc=__doc__, guide_only=True)
