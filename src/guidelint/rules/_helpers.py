"""Small readers over the Document shared by several rules (no parsing here)."""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

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


_MARKER = re.compile(r"[ \t>]*\d{1,9}[.)]([ \t]+)")


@dataclass(frozen=True)
class FallenAnswer:
    """A list question's answer written one space short of its item's content column (`10. ` needs 4):
    Markdown reads it as text after the question, not as its answer."""

    start: int  # the first line of the answer
    end: int  # just after its last line
    indent: int  # how far it is indented
    needed: int  # the item's content column
    line_starts: tuple[int, ...]  # the non-blank lines to indent further


def fallen_answer(document: Document, question: Any) -> FallenAnswer | None:
    if question.style != "list" or any(question.answer.has(kind) for kind in
                                       ("examples", "outcomes", "best_practices", "pitfalls", "follow_ups")):
        return None
    text = document.text
    line_start = text.rfind("\n", 0, question.start) + 1
    marker = _MARKER.match(text, line_start)
    if marker is None or "\t" in marker.group(1):
        return None
    needed = marker.end() - line_start
    position = text.find("\n", question.start)
    if position == -1:
        return None
    position += 1
    # past the rest of the question's own paragraph (its lines are indented to the content column)
    while position < len(text):
        end = text.find("\n", position)
        end = len(text) if end == -1 else end + 1
        line = text[position:end]
        if not line.strip() or len(line) - len(line.lstrip(" ")) < needed:
            break
        position = end
    starts: list[int] = []
    first = last = None
    indent = None
    while position < len(text):
        end = text.find("\n", position)
        end = len(text) if end == -1 else end + 1
        line = text[position:end]
        if line.strip():
            if "\t" in line[:len(line) - len(line.lstrip())]:
                break
            width = len(line) - len(line.lstrip(" "))
            if indent is None:
                if width != needed - 1 or width < 2:
                    return None
                indent = width
                first = position
            elif width < indent:
                break
            starts.append(position)
            last = end
        elif indent is None and first is None:
            pass  # blank lines between the question and its answer
        position = end
    if first is None or last is None or indent is None:
        return None
    return FallenAnswer(first, last, indent, needed, tuple(starts))
