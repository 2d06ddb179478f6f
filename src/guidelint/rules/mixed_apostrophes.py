"""Typographic (’) and straight (') apostrophes mixed in one guide's body.

Why: mixed apostrophes betray copy-paste from different sources and break exact-match search
("candidate's" does not find "candidate’s").

Bad:
    the candidate’s profile ... the client's needs
Good:
    the candidate's profile ... the client's needs

Options: none. The first use of the minority style is reported, once per file.
Fix: none (quotes inside code and quoted speech need a human eye).
"""
from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterator

from ..diagnostics import Finding, Severity
from ..model import Document
from .base import Context, Rule

# An apostrophe between two word characters. The pattern starts with the apostrophe itself (its
# lookbehind looks back over it) rather than with a lookbehind: the regex engine then finds candidates
# by a fast scan for that one character instead of trying the lookbehind at every position of the text
# (4.3 M instructions a guide before, 0.14 M after). Same matches: tests/test_apostrophe_patterns.py.
_STRAIGHT = re.compile(r"'(?<=\w')(?=\w)")
_CURLY = re.compile(r"\u2019(?<=\w\u2019)(?=\w)")


def check(document: Document, context: Context) -> Iterator[Finding]:
    text = document.text
    start = document.body_start
    if "\u2019" not in text or "'" not in text:  # the common case: one style or none
        return
    straight = _outside_code(document, [m.start() for m in _STRAIGHT.finditer(text, start)])
    curly = _outside_code(document, [m.start() for m in _CURLY.finditer(text, start)])
    if straight and curly:
        minority, name, other = (curly, "typographic (’)", "straight (')") if len(curly) <= len(straight) \
            else (straight, "straight (')", "typographic (’)")
        yield Finding(f"{len(minority)} {name} apostrophe{'s' if len(minority) > 1 else ''} among "
                      f"{len(straight) + len(curly) - len(minority)} {other} ones; use one style",
                      minority[0], minority[0] + 1)


def _outside_code(document: Document, offsets: list[int]) -> list[int]:
    """The offsets that are not in a code or HTML block (`in_code`, its bisect inlined: a guide has
    hundreds of apostrophes, and a call costs more than the bisect)."""
    spans = document.code_spans
    if not spans:
        return offsets
    kept = []
    for offset in offsets:
        index = bisect_right(spans, (offset, math.inf)) - 1
        if index < 0 or not spans[index][0] <= offset < spans[index][1]:
            kept.append(offset)
    return kept


RULE = Rule(code="GL206", slug="mixed-apostrophes", severity=Severity.WARNING, check=check, doc=__doc__)
