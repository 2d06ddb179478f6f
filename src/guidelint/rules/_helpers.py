"""Small readers over the Document shared by several rules (no parsing here)."""
from __future__ import annotations

import bisect
import re
import unicodedata

from ..model import Document


def verbatim_span(document: Document, offset: int) -> tuple[int, int] | None:
    """The code or HTML block holding `offset`, if any."""
    spans = document.code_spans
    index = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    if index >= 0 and spans[index][0] <= offset < spans[index][1]:
        return spans[index]
    return None


def in_code(document: Document, offset: int) -> bool:
    """Inside a code or HTML block: not prose, so text rules leave it alone."""
    return verbatim_span(document, offset) is not None


def key_offset(document: Document, *path: object) -> int:
    """Where a front matter key is written (its key), or the opening `---` when it is not there."""
    front = document.front_matter
    located = front.locate(tuple(path)) if front else None
    return located.start if located else 0


def line_extent(document: Document, offset: int) -> tuple[int, int]:
    """Start and end (before the line ending) of the line holding `offset`."""
    text = document.text
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    end = len(text) if end == -1 else end
    if end > start and text[end - 1] == "\r":
        end -= 1
    return start, end


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by dashes: what a term becomes as an id (the export's too)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "guide"
