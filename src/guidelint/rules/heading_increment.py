"""A heading more than one level below the previous heading (## then ####).

Why: skipped levels break the outline that screen readers, the table of contents and guidelint's own
question-group detection rely on.

Bad:
    ## Interview Questions
    #### Technical Questions
Good:
    ## Interview Questions
    ### Technical Questions

HTML headings (`<h3>Flags</h3>` on a line of its own) are part of the outline: a `####` after one is
fine. In `.mdx` pages, a code fence opened inside a JSX component (indented under `<Tabs>`, say) is
code to MDX even where CommonMark ends the component at a blank line: its `# comment` lines are not
headings.

Options: none.
Fix: none (changing a level can move a whole subtree).
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..diagnostics import Finding, Severity
from ..model import Document, Heading
from .base import Context, Rule

_HTML_HEADING = re.compile(r"(?m)^[ \t]*<h([1-6])(?=[\s>/])", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})(.*)")


def _outline(document: Document) -> list[tuple[int, int, Heading | None]]:
    """(offset, level, the Markdown heading or None for an HTML one) for each heading of the page, in
    order: the Markdown headings and the HTML ones, less what MDX reads as code."""
    text = document.source.text
    html: list[tuple[int, int, Heading | None]] = []
    for block in document.blocks:
        if block.tag == "HtmlBlock":
            chunk = _COMMENT.sub(_blank, text[block.start:block.end])  # a commented-out <h2> is no heading
            html.extend((block.start + m.start(), int(m.group(1)), None) for m in _HTML_HEADING.finditer(chunk))
    code = _mdx_code(text) if document.path.lower().endswith(".mdx") else []
    if not html and not code:
        return [(h.start, h.level, h) for h in document.headings]
    entries = [(h.start, h.level, h) for h in document.headings] + html
    return sorted((entry for entry in entries if not any(start <= entry[0] < end for start, end in code)),
                  key=lambda entry: entry[0])


def _blank(match: re.Match[str]) -> str:
    """A comment's text as blanks, line ends kept: what follows keeps its offset."""
    return re.sub(r"[^\n]", " ", match.group())


def _mdx_code(text: str) -> list[tuple[int, int]]:
    """The fenced code of an MDX page as MDX reads it: a fence opens at any indentation (inside a JSX
    component, whose content CommonMark would end at the first blank line) and closes at the next fence
    of its kind, at least as long, with nothing after it. Only pages with a fenced line pay for this."""
    if "```" not in text and "~~~" not in text:
        return []
    regions: list[tuple[int, int]] = []
    fence = None
    opened = offset = 0
    for line in text.split("\n"):
        match = _FENCE.fullmatch(line)
        if match is not None:
            marks, rest = match.groups()
            if fence is None and not (marks[0] == "`" and "`" in rest):
                fence, opened = marks, offset
            elif fence is not None and marks[0] == fence[0] and len(marks) >= len(fence) and not rest.strip():
                regions.append((opened, offset + len(line)))
                fence = None
        offset += len(line) + 1
    if fence is not None:
        regions.append((opened, len(text)))
    return regions


def check(document: Document, context: Context) -> Iterator[Finding]:
    previous = None
    for _, level, heading in _outline(document):
        if heading is not None and previous is not None and level > previous + 1:
            yield Finding(f"heading level {level} follows level {previous}; "
                          f"expected level {previous + 1} or less", heading.start, heading.end)
        previous = level


RULE = Rule(code="GL201", slug="heading-increment", severity=Severity.WARNING, check=check, doc=__doc__)
