"""The file does not end with exactly one newline.

Why: POSIX tools, `cat` and diffs expect a final newline; blank lines piled at the end are noise.

Bad:
    ...last line⏎⏎⏎   or   ...last line (no newline)
Good:
    ...last line⏎

Options: none.
Fix (safe): adds the missing newline (in the file's own line ending) or removes the extra blank lines.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Edit, Finding, Fix, Severity
from ..model import Document
from .base import Context, Rule


def check(document: Document, context: Context) -> Iterator[Finding]:
    text = document.text
    if not text:
        return
    if not text.endswith("\n"):
        end = len(text)
        # (source.newline counts the "\r\n" of the whole text; without a "\r", found by a memchr, it is "\n")
        newline = document.source.newline if "\r" in text else "\n"
        yield Finding("no newline at end of file", end, end, Fix("add a final newline", (Edit(end, end, newline),)))
        return
    if len(text) > 1 and text[-2] not in "\r\n\t ":
        return  # one newline after the content: most files (and no copy of the text made to see it)
    content_end = len(text.rstrip("\r\n\t "))
    tail = text[content_end:]
    newline_count = tail.count("\n")
    if newline_count > 1 and not tail.strip(" \t\r\n"):
        first_break = text.index("\n", content_end)
        keep_end = first_break + 1
        yield Finding(f"{newline_count - 1} blank line{'s' if newline_count > 2 else ''} at end of file",
                      keep_end, len(text), Fix("remove blank lines at end of file", (Edit(keep_end, len(text), ""),)))


RULE = Rule(code="GL003", slug="final-newline", severity=Severity.WARNING, check=check, doc=__doc__, fix="safe")
