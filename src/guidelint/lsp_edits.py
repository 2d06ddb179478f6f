"""Text edits the language server offers besides the rules' own fixes: the one edit that turns a text
into its fixed form, and the suppression comment that switches one finding off. Plain data (character
offsets in the BOM-less text), no protocol types: the server converts them at its edge."""
from __future__ import annotations

import re

from .diagnostics import Diagnostic, Edit
from .model import Document
from .source import LineIndex

# Findings about the file as a whole: no line of the body can carry a directive for them.
FILE_LEVEL = frozenset({"GL001", "GL101"})
_NEXT_LINE = re.compile(r"^[ \t]*<!--\s*guidelint-disable-next-line\b.*?(\s*)-->[ \t]*\r?$")
_STARTS_BLOCK = re.compile(r"^[ \t]*(?:[-*+][ \t]|\d{1,9}[.)][ \t]|#|>|<|```|~~~|[-*_=][-*_= \t]*$)")
_NOT_PARAGRAPH = re.compile(r"^[ \t]*(?:#|<|```|~~~|[-*_=][-*_= \t]*$)")
_FILE = re.compile(r"^<!--\s*guidelint-disable-file\b.*?(\s*)-->[ \t]*\r?$")


def minimal_edit(old: str, new: str) -> Edit | None:
    """One edit that turns `old` into `new`, spanning only what differs (an editor keeps the cursor and
    folds outside it), or None when they are equal."""
    if old == new:
        return None
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    return Edit(start, end_old, new[start:end_new])


def _line(text: str, start: int) -> str:
    end = text.find("\n", start)
    return text[start:end if end != -1 else len(text)]


def suppression_edit(document: Document, diagnostic: Diagnostic, newline: str = "\n") -> Edit:
    """The edit that adds a suppression comment for `diagnostic`.

    A finding on a body line gets `<!-- guidelint-disable-next-line RULE -->` on the line before it,
    indented as that line is (so it stays inside a list item), or its rule added to such a comment
    already there. Directives are read only in the body, never in front matter (a comment there would be
    YAML) nor inside a code block, so a finding in those places, or about the whole file, gets
    `<!-- guidelint-disable-file RULE -->` as the first line of the body."""
    from .rules._helpers import verbatim_span

    text = document.text
    body_start = document.body_start
    lines = document.lines
    line = min(diagnostic.line, len(lines.starts))
    line_start = lines.line_start(line)
    span = verbatim_span(document, line_start) if document.code_spans else None
    in_code_block = span is not None and span not in document.html_spans and span[0] != line_start
    rule = diagnostic.slug
    if diagnostic.code in FILE_LEVEL or line_start < body_start or in_code_block:
        first = _line(text, body_start)
        existing = _FILE.match(first)
        if existing is not None:  # add the rule to the file directive already heading the body
            at = body_start + existing.start(1)
            return Edit(at, at, f" {rule}")
        comment = f"<!-- guidelint-disable-file {rule} -->"
        if body_start and text[body_start - 1] != "\n":  # front matter closing at the end of the text
            return Edit(body_start, body_start, newline + comment + newline)
        return Edit(body_start, body_start, comment + newline)
    if line > 1:
        previous_start = lines.line_start(line - 1)
        existing = _NEXT_LINE.match(_line(text, previous_start)) if previous_start >= body_start else None
        if existing is not None:
            at = previous_start + existing.start(1)
            return Edit(at, at, f" {rule}")
    if line > 1 and _continues(text, lines, line, body_start):
        return _around_paragraph(text, lines, line, body_start, rule, newline)
    current = _line(text, line_start)
    return Edit(line_start, line_start, f"{_indent(current)}<!-- guidelint-disable-next-line {rule} -->{newline}")


def _indent(line: str) -> str:
    return line[:len(line) - len(line.lstrip(" \t"))]


def _continues(text: str, lines: LineIndex, line: int, body_start: int) -> bool:
    """Whether `line` continues the paragraph of the line before it: a comment line put between them
    would cut the paragraph in two (an HTML comment may interrupt a paragraph), changing its text."""
    previous_start = lines.line_start(line - 1)
    if previous_start < body_start:
        return False
    previous = _line(text, previous_start)
    current = _line(text, lines.line_start(line))
    return bool(previous.strip()) and bool(current.strip()) and not _NOT_PARAGRAPH.match(previous) and \
        not _STARTS_BLOCK.match(current)


def _around_paragraph(text: str, lines: LineIndex, line: int, body_start: int, rule: str, newline: str) -> Edit:
    """`disable` before the paragraph holding `line` and `enable` after it, each on a line of its own."""
    first = line
    while first > 1 and _continues(text, lines, first, body_start):
        first -= 1
    last = line
    count = len(lines.starts)
    while last < count and _continues(text, lines, last + 1, body_start):
        last += 1
    first_start = lines.line_start(first)
    indent = _indent(_line(text, first_start))
    last_start = lines.line_start(last)
    last_end = last_start + len(_line(text, last_start).rstrip("\r"))
    # One edit over the paragraph, so that an editor applies the action as one change.
    return Edit(first_start, last_end, f"{indent}<!-- guidelint-disable {rule} -->{newline}"
                                       f"{text[first_start:last_end]}{newline}{indent}<!-- guidelint-enable {rule} -->")
