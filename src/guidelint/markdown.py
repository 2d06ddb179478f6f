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
_PARSER = pyromark.Markdown(options=_OPTIONS)  # settings given once: ~25% cheaper per call than the function

BLOCK_TAGS = frozenset({
    "Paragraph", "Heading", "BlockQuote", "CodeBlock", "HtmlBlock", "List", "Item", "Table", "TableHead",
    "TableRow", "TableCell", "FootnoteDefinition", "DefinitionList", "DefinitionListTitle",
    "DefinitionListDefinition", "MetadataBlock", "Rule",
})


_NO_CHILDREN: list[Node] = []  # shared by every leaf, never appended to


class Node:
    """One element: `tag` is pulldown-cmark's name (Paragraph, Heading, List, Item, Strong, Text, ...).

    Leaves (Text, Code, Html, InlineHtml) carry `text` and share one empty `children` list; Heading has
    `level` (1-6); List has `ordered` and `number` (the first item's number). Offsets are characters in
    the document text."""

    __slots__ = ("tag", "start", "end", "children", "text")
    level = 0
    ordered = False
    number: int | None = None

    def __init__(self, tag: str, start: int, end: int, children: list[Node] | None = None, text: str = "") -> None:
        self.tag = tag
        self.start = start
        self.end = end
        self.children = _NO_CHILDREN if children is None else children
        self.text = text

    def __repr__(self) -> str:
        return f"Node({self.tag!r}, {self.start}, {self.end}, children={len(self.children)})"

    @property
    def is_block(self) -> bool:
        return self.tag in BLOCK_TAGS

    def plain(self) -> str:
        """Inline content as plain text (no markup); soft breaks become spaces."""
        return plain_of(self.children)


class _DetailNode(Node):
    """A Heading or List: the same as Node, with its level or numbering."""

    __slots__ = ("level", "ordered", "number")

    def __init__(self, tag: str, start: int, end: int) -> None:
        Node.__init__(self, tag, start, end, [])
        self.level = 0
        self.ordered = False
        self.number = None


_SEPARATED = frozenset({"Item", "Paragraph", "Heading"})


def _collect(nodes: list[Node], parts: list[str]) -> None:
    for node in nodes:
        tag = node.tag
        if tag == "Text" or tag == "Code":
            parts.append(node.text)
        elif tag == "SoftBreak" or tag == "HardBreak":
            parts.append(" ")
        elif node.children:
            if tag in _SEPARATED and parts:
                parts.append(" ")
            _collect(node.children, parts)


def plain_of(nodes: list[Node]) -> str:
    """Plain text of a run of nodes, white space folded."""
    if len(nodes) == 1 and nodes[0].tag == "Text":
        text = nodes[0].text
    else:
        parts: list[str] = []
        _collect(nodes, parts)
        text = "".join(parts)
    return " ".join(text.split())


@dataclass
class Tree:
    root: Node
    too_deep_at: int | None = None  # offset of the first element nested deeper than MAX_DEPTH
    code_spans: list[tuple[int, int]] = field(default_factory=list)  # code and HTML blocks, in order
    html_spans: frozenset[tuple[int, int]] = frozenset()  # which of those are HTML blocks


def _tag_of(value: object) -> tuple[str, object]:
    if isinstance(value, str):
        return value, None
    (tag, detail), = value.items()  # type: ignore[union-attr]
    return tag, detail


def parse(text: str, base: int = 0) -> Tree:
    """Parse a Markdown body; `base` is the body's character offset within the document."""
    ascii_only = text.isascii()
    to_char = ByteMapper(text, base)
    root = Node("Document", base, base + len(text), [])
    stack = [root]
    children = root.children  # of the innermost open element
    skipped = 0  # depth of elements ignored past MAX_DEPTH
    too_deep_at: int | None = None
    code_spans: list[tuple[int, int]] = []
    html_spans: set[tuple[int, int]] = set()
    # End events are the most common, then Text, then Start: tested in that order.
    for event, span in _PARSER.events_with_range(text):
        if type(event) is str:  # SoftBreak, HardBreak, Rule
            if not skipped:
                start, end = span["start"], span["end"]
                if ascii_only:
                    children.append(Node(event, start + base, end + base))
                else:
                    children.append(Node(event, to_char(start), to_char(end)))
            continue
        if "End" in event:
            if skipped:
                skipped -= 1
            else:
                stack.pop()
                children = stack[-1].children
            continue
        if skipped and "Start" not in event:
            continue
        start, end = span["start"], span["end"]
        if ascii_only:
            start += base
            end += base
        else:
            start, end = to_char(start), to_char(end)
        leaf = event.get("Text")
        if leaf is not None:
            children.append(Node("Text", start, end, None, leaf))
            continue
        value = event.get("Start", _MISSING)
        if value is not _MISSING:
            if skipped or len(stack) > MAX_DEPTH:
                if too_deep_at is None:
                    too_deep_at = start
                skipped += 1
                continue
            if type(value) is str:
                node = Node(value, start, end, [])
                if value == "HtmlBlock":
                    code_spans.append((start, end))
                    html_spans.add((start, end))
            else:
                ((tag, detail),) = value.items()
                if tag == "Heading":
                    node = _DetailNode(tag, start, end)
                    node.level = int(detail["level"][1])
                elif tag == "List":
                    node = _DetailNode(tag, start, end)
                    node.ordered = detail is not None
                    node.number = detail
                else:
                    node = Node(tag, start, end, [])
                    if tag == "CodeBlock":
                        code_spans.append((start, end))
            children.append(node)
            stack.append(node)
            children = node.children
        else:  # Code, Html, InlineHtml, FootnoteReference, math, TaskListMarker
            ((kind, value),) = event.items()
            children.append(Node(kind, start, end, None, value if isinstance(value, str) else ""))
    return Tree(root, too_deep_at, code_spans, frozenset(html_spans))


_MISSING = object()
