"""The one module that knows the Markdown parser (pyromark, i.e. pulldown-cmark).

It turns parser events into a small neutral tree of `Node`s with character offsets into the document
text. Swapping the parser means rewriting this module only: nothing else imports pyromark.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pyromark

from .source import ByteMapper

MAX_DEPTH = 48  # deeper nesting is kept as text of its ancestor, not as nodes

_OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH | pyromark.Options.ENABLE_TASKLISTS

BLOCK_TAGS = frozenset({
    "Paragraph", "Heading", "BlockQuote", "CodeBlock", "HtmlBlock", "List", "Item", "Table", "TableHead",
    "TableRow", "TableCell", "FootnoteDefinition", "DefinitionList", "DefinitionListTitle",
    "DefinitionListDefinition", "MetadataBlock", "Rule",
})


@dataclass(eq=False)
class Node:
    """One element: `tag` is pulldown-cmark's name (Paragraph, Heading, List, Item, Strong, Text, ...)."""

    tag: str
    start: int
    end: int
    children: list[Node] = field(default_factory=list)
    text: str = ""  # leaves: the text (Text, Code, Html, InlineHtml)
    level: int = 0  # Heading: 1-6
    ordered: bool = False  # List
    number: int | None = None  # List: the first item's number

    @property
    def is_block(self) -> bool:
        return self.tag in BLOCK_TAGS

    def plain(self) -> str:
        """Inline content as plain text (no markup); soft breaks become spaces."""
        parts: list[str] = []
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            if node.tag in ("Text", "Code"):
                parts.append(node.text)
            elif node.tag in ("SoftBreak", "HardBreak"):
                parts.append(" ")
            elif node.tag in ("Item", "Paragraph", "Heading") and node is not self and parts:
                parts.append(" ")
            stack.extend(reversed(node.children))
        return " ".join("".join(parts).split())


@dataclass
class Tree:
    root: Node
    too_deep_at: int | None = None  # offset of the first element nested deeper than MAX_DEPTH


def _tag_of(value: object) -> tuple[str, object]:
    if isinstance(value, str):
        return value, None
    (tag, detail), = value.items()  # type: ignore[union-attr]
    return tag, detail


def parse(text: str, base: int = 0) -> Tree:
    """Parse a Markdown body; `base` is the body's character offset within the document."""
    to_char = ByteMapper(text, base)
    root = Node("Document", base, base + len(text))
    stack = [root]
    skipped = 0  # depth of elements ignored past MAX_DEPTH
    too_deep_at: int | None = None
    for event, span in pyromark.events_with_range(text, options=_OPTIONS):
        if isinstance(event, str):  # SoftBreak, HardBreak, Rule, ...
            if not skipped:
                stack[-1].children.append(Node(event, to_char(span["start"]), to_char(span["end"])))
            continue
        (kind, value), = event.items()
        if kind == "Start":
            if skipped or len(stack) > MAX_DEPTH:
                if too_deep_at is None:
                    too_deep_at = to_char(span["start"])
                skipped += 1
                continue
            tag, detail = _tag_of(value)
            node = Node(tag, to_char(span["start"]), to_char(span["end"]))
            if tag == "Heading":
                node.level = int(detail["level"][1])  # type: ignore[index]
            elif tag == "List":
                node.ordered = detail is not None
                node.number = detail  # type: ignore[assignment]
            stack[-1].children.append(node)
            stack.append(node)
        elif kind == "End":
            if skipped:
                skipped -= 1
            else:
                stack.pop()
        elif not skipped:  # Text, Code, Html, InlineHtml, FootnoteReference, math, TaskListMarker
            node = Node(kind, to_char(span["start"]), to_char(span["end"]),
                        text=value if isinstance(value, str) else "")
            stack[-1].children.append(node)
    return Tree(root, too_deep_at)
