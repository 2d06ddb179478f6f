"""Spaces or tabs at the end of a line, front matter included.

Why: invisible characters make noisy diffs, and in YAML a trailing space after `avatar:` hides what the
key holds. In Markdown, exactly two trailing spaces are a hard line break, which is allowed by default.

Bad:
    **Answer:**␠
Good:
    **Answer:**

Options: `allow-hard-breaks` (default true): two spaces after text, before a non-blank line, are kept.
Fix (safe): deletes the trailing whitespace.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..diagnostics import Edit, Finding, Fix, Severity
from ..model import Document
from ._helpers import in_code, line_extent
from .base import Context, Rule


# The lookbehind starts a match only where a run of blanks starts: without it, a long run inside a line
# was tried from each of its positions (quadratic: 100,000 blanks took minutes).
_TRAILING = re.compile(r"(?<![ \t])[ \t]+(?=\r?\n|\Z)")


def _has_blank_before_newline(text: str) -> bool:
    """Substring tests in C. A scan for a two-character string visits the whole text, while a scan for
    one character (memchr) costs little: tabs and carriage returns are looked for first, since most
    files have neither."""
    if " \n" in text:
        return True
    carriage = "\r" in text
    if carriage and " \r\n" in text:
        return True
    return "\t" in text and ("\t\n" in text or (carriage and "\t\r\n" in text))


def check(document: Document, context: Context) -> Iterator[Finding]:
    allow_breaks = context.options.get("allow-hard-breaks", True)
    body_start = document.body_start
    text = document.text
    if not text.endswith((" ", "\t")) and not _has_blank_before_newline(text):
        return  # most files stop here
    for match in _TRAILING.finditer(text):  # only lines that end in blanks are looked at
        start, end = match.span()
        offset = text.rfind("\n", 0, start) + 1
        if offset >= body_start and in_code(document, offset):
            continue
        stripped = text[offset:start]
        if allow_breaks and offset >= body_start and stripped.strip() and end - start == 2 \
                and "\t" not in match.group() and _next_line_has_text(document, end):
            continue
        what = "whitespace-only line" if not stripped else "trailing whitespace"
        yield Finding(f"{what} ({end - start} character{'s' if end - start > 1 else ''})", start, end,
                      Fix("delete trailing whitespace", (Edit(start, end, ""),)))


def _next_line_has_text(document: Document, end: int) -> bool:
    text = document.text
    newline = text.find("\n", end)
    if newline == -1 or newline + 1 >= len(text):
        return False
    start, stop = line_extent(document, newline + 1)
    return bool(text[start:stop].strip())


RULE = Rule(code="GL002", slug="trailing-whitespace", severity=Severity.WARNING, check=check, doc=__doc__,
            fix="safe", options={"allow-hard-breaks": True},
            option_schema={"allow-hard-breaks": {"type": "boolean"}})
