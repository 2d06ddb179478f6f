"""The one module that knows the Markdown parser (pyromark, i.e. pulldown-cmark).

It turns parser events into a small neutral tree of `Node`s with character offsets into the document
text. Swapping the parser means rewriting this module only: nothing else imports pyromark.
"""
from __future__ import annotations

import array
import bisect
from bisect import bisect_left
from dataclasses import dataclass, field

import pyromark

from .source import ByteMapper

MAX_DEPTH = 48  # deeper nesting is kept as text of its ancestor, not as nodes
MAX_ITEMS = 16  # top-level elements an inline run keeps as items (see Inline)

_OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH | pyromark.Options.ENABLE_TASKLISTS
_PARSER = pyromark.Markdown(options=_OPTIONS)  # settings given once: ~25% cheaper per call than the function

_NO_CHILDREN: list[Node] = []  # shared by every leaf, never appended to


class Node:
    """One block element: `tag` is pulldown-cmark's name (Paragraph, Heading, List, Item, CodeBlock, ...).

    A block's inline content is one `Inline` run per stretch of inline events (see below), so a
    Paragraph or Heading has one child, and a tight list Item has its run followed by its nested blocks.
    Rule has no children; Heading has `level` (1-6); List has `ordered` and `number` (the first item's
    number). Offsets are characters in the document text."""

    __slots__ = ("tag", "start", "end", "children")
    level = 0
    ordered = False
    number: int | None = None

    def __init__(self, tag: str, start: int, end: int, children: list[Node] | None = None) -> None:
        self.tag = tag
        self.start = start
        self.end = end
        self.children = _NO_CHILDREN if children is None else children

    def __repr__(self) -> str:
        return f"Node({self.tag!r}, {self.start}, {self.end}, children={len(self.children)})"

    def plain(self) -> str:
        """Text without markup; soft breaks become spaces and white space is folded."""
        return plain_of(self.children)


class _DetailNode(Node):
    """A Heading or List: the same as Node, with its level or numbering."""

    __slots__ = ("level", "ordered", "number")

    def __init__(self, tag: str, start: int, end: int) -> None:
        self.tag = tag  # (assigned here rather than through Node.__init__: one call less per node)
        self.start = start
        self.end = end
        self.children = []
        self.level = 0
        self.ordered = False
        self.number = None


class Inline(Node):
    """A run of inline content (tag "Inline"), from its first element's start to its last one's end.

    `items` are its first MAX_ITEMS top-level elements as (tag, start, end, text) tuples: Text, Code,
    SoftBreak, Strong, Emphasis, Link, ... Nested markup is not kept: an element's `text` is the plain
    text of everything inside it (a break is a space; HTML, footnote references and task markers add
    nothing). `text` is the run's plain text before white space is folded: the texts of all its
    elements, the ones past MAX_ITEMS included. One tuple per element instead of one object per event:
    inline events are two thirds of a guide's events; and only the first few: readers look at a run's
    head (a label, a colon after it), and a tuple for each of 50,000 elements of one line cost ~70 bytes
    of memory for every byte of the line.

    Made by `_open` and finished by `_close`, both used by `parse` only."""

    __slots__ = ("items", "text")
    items: list[tuple[str, int, int, str]]
    text: str

    def plain(self) -> str:
        return " ".join(self.text.split())


_SEPARATED = frozenset({"Item", "Paragraph", "Heading"})


def _collect(nodes: list[Node], parts: list[str]) -> None:
    for node in nodes:
        tag = node.tag
        if tag == "Inline":
            parts.append(node.text)
        elif node.children:
            if tag in _SEPARATED and parts:
                parts.append(" ")
            _collect(node.children, parts)


def plain_of(nodes: list[Node]) -> str:
    """Plain text of a run of nodes, white space folded."""
    if len(nodes) == 1 and nodes[0].tag == "Inline":
        text = nodes[0].text
    else:
        parts: list[str] = []
        _collect(nodes, parts)
        text = "".join(parts)
    return " ".join(text.split())


class Spans:
    """Character ranges added in order of their start (they may nest: a code span inside a link);
    `holds(offset)` says whether one of them holds it."""

    __slots__ = ("starts", "reach")

    def __init__(self) -> None:
        self.starts = array.array("q")
        self.reach = array.array("q")  # the furthest end of the ranges added so far

    def add(self, start: int, end: int) -> None:
        self.starts.append(start)
        self.reach.append(max(end, self.reach[-1]) if self.reach else end)

    def holds(self, offset: int) -> bool:
        index = bisect.bisect_right(self.starts, offset) - 1  # every range starting at or before offset
        return index >= 0 and self.reach[index] > offset


@dataclass
class Tree:
    """The parsed body: its root node, and where nesting first went too deep."""

    root: Node
    too_deep_at: int | None = None  # offset of the first element nested deeper than MAX_DEPTH
    code_spans: list[tuple[int, int]] = field(default_factory=list)  # code and HTML blocks, in order
    html_spans: frozenset[tuple[int, int]] = frozenset()  # which of those are HTML blocks
    # Kept whole whatever MAX_ITEMS keeps of a run (rules need every one), as arrays of offsets: 16 bytes
    # a span, where tuples in a list cost ~80 (a hostile line of 50,000 code spans)
    code_text: Spans = field(default_factory=lambda: Spans())  # the text inside code blocks
    not_prose: Spans = field(default_factory=lambda: Spans())  # links, images, code spans
    hard_breaks: Spans = field(default_factory=lambda: Spans())  # each hard line break (start, start + 1)


_INLINE_CONTAINERS = frozenset({"Emphasis", "Strong", "Strikethrough", "Link", "Image", "Superscript",
                                "Subscript"})


def _open(children: list[Node], start: int) -> Inline:
    """A new run at `start`, appended to `children` (a function, not Inline(start): a class call with an
    __init__ costs a second frame, and there are ~150 runs a guide)."""
    run = _new_node(Inline)
    run.tag = "Inline"
    run.start = run.end = start
    run.children = _NO_CHILDREN
    run.items = []
    run.text = ""
    children.append(run)
    return run


def _close(run: Inline, texts: list[str]) -> None:
    """`texts`: the pieces of text of all the run's elements, in order (run.end is kept up to date)."""
    run.text = texts[0] if len(texts) == 1 else "".join(texts)


def parse(text: str, base: int = 0) -> Tree:
    """Parse a Markdown body; `base` is the body's character offset within the document."""
    ascii_only = text.isascii()
    continuation = ByteMapper(text, base).continuation  # a character offset is base + byte - bisect(...)
    root = Node("Document", base, base + len(text), [])
    stack = [root]
    children = root.children  # of the innermost open block
    run: Inline | None = None  # the open inline run in that block
    depth = 0  # inline elements open inside the run's current top-level element
    top: tuple[str, int, int] = ("", 0, 0)  # that top-level element: tag, start, end
    texts: list[str] = []  # the open run's pieces of text
    top_text = 0  # where the top-level element's pieces start in `texts`
    skipped = 0  # depth of elements ignored past MAX_DEPTH
    too_deep_at: int | None = None
    code_spans: list[tuple[int, int]] = []
    html_spans: set[tuple[int, int]] = set()
    code_text = Spans()
    not_prose = Spans()
    hard_breaks = Spans()
    # End events are the most common, then Text, then Start: tested in that order.
    for event, span in _PARSER.events_with_range(text):
        if type(event) is not str and "End" in event:
            if skipped:
                skipped -= 1
            elif depth:
                depth -= 1
                if not depth:
                    run.end = top[2]  # type: ignore[union-attr]
                    if len(run.items) < MAX_ITEMS:  # type: ignore[union-attr]
                        run.items.append((*top, "".join(texts[top_text:])))  # type: ignore[union-attr]
            else:
                if run is not None:
                    _close(run, texts)
                    run = None
                stack.pop()
                children = stack[-1].children
            continue
        if skipped and (type(event) is str or "Start" not in event):
            continue
        if depth:  # inside an inline element: only its text counts
            piece = event.get("Text") if type(event) is not str else " "
            if piece is not None:
                texts.append(piece)
                if event == "HardBreak":
                    at = span["start"]
                    at += base if ascii_only else base - bisect_left(continuation, at)
                    hard_breaks.add(at, at + 1)
                continue
        start, end = span["start"], span["end"]
        if ascii_only:
            start += base
            end += base
        else:  # (ByteMapper's conversion, inline: a call for each of ~800 offsets a guide cost more)
            start += base - bisect_left(continuation, start)
            end += base - bisect_left(continuation, end)
        if type(event) is str:  # SoftBreak, HardBreak, Rule
            if event == "Rule":
                if run is not None:
                    _close(run, texts)
                    run = None
                children.append(Node(event, start, end))
                continue
            kind, piece = event, " "
            if event == "HardBreak":
                hard_breaks.add(start, start + 1)
        else:
            piece = event.get("Text")
            kind = "Text"
            if piece is not None and stack[-1].tag == "CodeBlock":
                code_text.add(start, end)
            if piece is None:
                value = event.get("Start", _MISSING)
                if value is _MISSING:  # Code, Html, InlineHtml, FootnoteReference, math, TaskListMarker
                    ((kind, value),) = event.items()
                    piece = value if kind == "Code" else ""
                    if kind == "Code":
                        not_prose.add(start, end)
                else:
                    if skipped or len(stack) + depth > MAX_DEPTH:
                        if too_deep_at is None:
                            too_deep_at = start
                        skipped += 1
                        continue
                    tag, detail = (value, None) if type(value) is str else next(iter(value.items()))
                    if tag in _INLINE_CONTAINERS:
                        if tag == "Link" or tag == "Image":
                            not_prose.add(start, end)
                        if not depth:
                            if run is None:
                                run = _open(children, start)
                                texts = []
                            top = (tag, start, end)
                            top_text = len(texts)
                        depth += 1
                        continue
                    if run is not None:
                        _close(run, texts)
                        run = None
                    if tag == "Heading":
                        node: Node = _DetailNode(tag, start, end)
                        node.level = int(detail["level"][1])
                    elif tag == "List":
                        node = _DetailNode(tag, start, end)
                        node.ordered = detail is not None
                        node.number = detail
                    else:
                        node = _new_node(Node)  # Node(tag, start, end, []) without a call to __init__
                        node.tag = tag
                        node.start = start
                        node.end = end
                        node.children = []
                        if tag == "CodeBlock":
                            code_spans.append((start, end))
                        elif tag == "HtmlBlock":
                            code_spans.append((start, end))
                            html_spans.add((start, end))
                    children.append(node)
                    stack.append(node)
                    children = node.children
                    continue
        # an inline leaf: Text, Code, a break, HTML, ...
        if depth:
            texts.append(piece)
        else:
            if run is None:
                run = _open(children, start)
                texts = [piece]
            else:
                texts.append(piece)
            run.end = end
            if len(run.items) < MAX_ITEMS:
                run.items.append((kind, start, end, piece))
    if run is not None:
        _close(run, texts)
    return Tree(root, too_deep_at, code_spans, frozenset(html_spans), code_text, not_prose, hard_breaks)


_MISSING = object()
_new_node = object.__new__
