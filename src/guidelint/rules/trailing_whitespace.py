"""Spaces, tabs or no-break spaces (U+00A0) at the end of a line: front matter, prose, HTML blocks and
code fences included; only the content of code blocks is left as written.

Why: invisible characters make noisy diffs, and in YAML a trailing space after `avatar:` hides what the
key holds. In Markdown, exactly two trailing spaces inside a paragraph are a hard line break, which is
allowed by default; at the end of a paragraph, before a list or inside HTML they break nothing.

Bad:
    **Answer:**␠
Good:
    **Answer:**

Options: `allow-hard-breaks` (default true): two spaces that make a hard line break are kept.
Fix (safe): deletes the trailing whitespace, except where deleting it changes what the text says:
inside a YAML block scalar (`notes: |`) or after a backslash in a double-quoted YAML string, where the
blanks are part of the value, and after a backslash in Markdown, which would become a hard line break.
Those are reported, not fixed.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from ..diagnostics import Edit, Finding, Fix, Severity
from ..model import Document
from .base import Context, Rule


# What is reported is each run of blanks (from its first) before a line break or the end of the text:
# the matches of `(?<![ \t\xa0])[ \t\xa0]+(?=\r?\n|\Z)`. Such a pattern starts an attempt at every
# blank (thousands a guide); tests/test_blank_runs.py keeps it and checks _trailing_runs against it.
# A line break with a blank before it (before its "\r" for "\r\n"). Written line break first: the regex
# engine then jumps from one "\n" to the next (a guide has a few hundred) and looks behind only there.
_BLANK_BEFORE_BREAK = re.compile(r"\n(?:(?<=[ \t\xa0]\n)|(?<=[ \t\xa0]\r\n))")
_BLANKS = " \t\xa0"


def _trailing_runs(text: str) -> Iterator[tuple[int, int, int]]:
    """(line start, run start, run end) of each run of blanks that ends a line (before its line break
    or at the end of the text), whole from its first blank, in text order."""
    for match in _BLANK_BEFORE_BREAK.finditer(text):
        end = match.start()
        if text[end - 1] == "\r":
            end -= 1
        line_start = text.rfind("\n", 0, end) + 1
        yield line_start, line_start + len(text[line_start:end].rstrip(_BLANKS)), end
    if text.endswith((" ", "\t", "\xa0")):
        end = len(text)
        line_start = text.rfind("\n") + 1
        yield line_start, line_start + len(text[line_start:].rstrip(_BLANKS)), end


def _has_blank_before_newline(text: str) -> bool:
    """Substring tests in C. A scan for a two-character string visits the whole text, while a scan for
    one character (memchr) costs little: tabs and carriage returns are looked for first, since most
    files have neither."""
    if " \n" in text:
        return True
    carriage = "\r" in text
    if carriage and " \r\n" in text:
        return True
    if "\xa0" in text and ("\xa0\n" in text or (carriage and "\xa0\r\n" in text)):
        return True
    return "\t" in text and ("\t\n" in text or (carriage and "\t\r\n" in text))


def check(document: Document, context: Context) -> Iterator[Finding]:
    allow_breaks = context.options.get("allow-hard-breaks", True)
    body_start = document.body_start
    text = document.text
    if not text.endswith((" ", "\t", "\xa0")) and not _has_blank_before_newline(text):
        return  # most files stop here
    kept: list[tuple[int, int, str]] | None = None  # front matter scalars that keep blanks: on first need
    blocks: bool | None = None  # whether the front matter may hold a block scalar: on first need
    for offset, start, end in _trailing_runs(text):  # only lines that end in blanks are looked at
        if offset >= body_start:
            if document.code_text.holds(start):  # code block content is written as it is meant
                continue
            if allow_breaks and end - start == 2 and text[start] == text[start + 1] == " " \
                    and document.hard_breaks.holds(start):
                continue
        stripped = text[offset:start]
        what = "whitespace-only line" if not stripped else "trailing whitespace"
        message = f"{what} ({end - start} character{'s' if end - start > 1 else ''})"
        if offset >= body_start and _escapes(stripped):
            yield Finding(f"{message} after a backslash: deleting it would make the backslash a line break, "
                          "not fixed", start, end)
            continue
        if start < body_start:
            if blocks is None:
                blocks = text.find("|", 0, body_start) != -1 or text.find(">", 0, body_start) != -1
            # without a block scalar (no "|" or ">" in the front matter) the blanks are kept only after a
            # backslash: most front matter blanks are neither, and need no walk through the YAML nodes
            style = None
            if blocks or text[start - 1:start] == "\\":
                if kept is None:
                    kept = _value_spans(document)
                style = _holder(kept, start, text)
            if style is not None:
                where = ("inside a YAML block scalar" if style in "|>"
                         else "after a backslash in a quoted YAML string")
                yield Finding(f"{message} {where}: part of the value, not fixed", start, end)
                continue
        yield Finding(message, start, end, Fix("delete trailing whitespace", (Edit(start, end, ""),)))


def _value_spans(document: Document) -> list[tuple[int, int, str]]:
    """The document spans of the front matter scalars whose trailing blanks can be part of their value:
    block scalars (`|`, `>`: every blank after the indentation is content) and double-quoted ones (an
    escaped blank, `\\ `, before a line break is kept). (start, end, style), in text order."""
    import yaml

    front = document.front_matter
    root = front.doc.root if front is not None and front.doc is not None else None
    spans = []
    stack = [root] if root is not None else []
    while stack:  # (the front matter holds no aliases and is at most 64 levels deep: see yamlnodes)
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            if node.style in ("|", ">", '"'):
                spans.append((front.yaml_start + node.start_mark.index, front.yaml_start + node.end_mark.index,
                              node.style))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    spans.sort()
    return spans


def _holder(spans: list[tuple[int, int, str]], start: int, text: str) -> str | None:
    """The style of the scalar whose value holds the blanks at `start`, if any (see `_value_spans`)."""
    index = bisect.bisect_right(spans, (start, float("inf"), "")) - 1
    if index < 0 or not spans[index][0] <= start < spans[index][1]:
        return None
    style = spans[index][2]
    return style if style != '"' or _escapes(text[spans[index][0]:start]) else None


def _escapes(before: str) -> bool:
    """Whether `before` ends in an escaping backslash (an odd run of them: `\\\\` is a backslash)."""
    return (len(before) - len(before.rstrip("\\"))) % 2 == 1


RULE = Rule(code="GL002", slug="trailing-whitespace", severity=Severity.WARNING, check=check, doc=__doc__,
            fix="safe", options={"allow-hard-breaks": True},
            option_schema={"allow-hard-breaks": {"type": "boolean"}})
