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

from collections.abc import Iterator

from ..diagnostics import Edit, Finding, Fix, Severity
from ..model import Document
from ._helpers import in_code, lines
from .base import Context, Rule


def check(document: Document, context: Context) -> Iterator[Finding]:
    allow_breaks = context.options.get("allow-hard-breaks", True)
    body_start = document.body_start
    all_lines = list(lines(document))
    for index, (offset, content) in enumerate(all_lines):
        stripped = content.rstrip(" \t")
        if len(stripped) == len(content):
            continue
        if offset >= body_start and in_code(document, offset):
            continue
        if allow_breaks and offset >= body_start and stripped.strip() and content.endswith("  ") \
                and not content.endswith("   ") and "\t" not in content[len(stripped):] \
                and index + 1 < len(all_lines) and all_lines[index + 1][1].strip():
            continue
        start = offset + len(stripped)
        end = offset + len(content)
        what = "whitespace-only line" if not stripped else "trailing whitespace"
        yield Finding(f"{what} ({end - start} character{'s' if end - start > 1 else ''})", start, end,
                      Fix("delete trailing whitespace", (Edit(start, end, ""),)))


RULE = Rule(code="GL002", slug="trailing-whitespace", severity=Severity.WARNING, check=check, doc=__doc__,
            fix="safe", options={"allow-hard-breaks": True})
