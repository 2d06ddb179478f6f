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

    Made and finished by `parse` only, without an __init__ call (~150 runs a guide)."""

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


_VERBATIM = frozenset({"CodeBlock", "HtmlBlock"})
_FAR = 1 << 62  # past any byte offset


def _window(continuation: array.array[int], byte: int, base: int) -> tuple[int, int, int]:
    """The window of byte offsets around `byte` with as many continuation bytes before them as it has, as
    (low, high, shift): each offset b with low < b <= high is character offset b + shift (shift is `base`
    less that count; low and high are the continuation bytes on either side, -1 and _FAR for none)."""
    index = bisect_left(continuation, byte)
    return (continuation[index - 1] if index else -1, continuation[index] if index < len(continuation) else _FAR,
            base - index)


def parse(text: str, base: int = 0) -> Tree:
    """Parse a Markdown body; `base` is the body's character offset within the document."""
    # The events first: pyromark reads the text as UTF-8, which CPython keeps with the str, so the text's
    # encoding in ByteMapper is then a copy of those bytes, not a second encoding (~10 us a guide).
    events = _PARSER.events_with_range(text)
    continuation = ByteMapper(text, base).continuation
    # A byte offset b becomes a character offset b + shift while low < b <= high (see _window): offsets
    # come nearly in order, and a guide has a few dozen characters that are not ASCII, so most offsets
    # fall in the window of the one before and cost one comparison, where a bisect each cost ~4 times
    # as much. A text of ASCII has one window for all. A block's end is converted when it ends (its byte
    # offset waits in node.end), when the offsets read are near it, not when it starts. The test is written
    # out at each of its ~8 places, not called: a call for each of ~1,100 offsets a guide cost more than it.
    low, high, shift = -1, _FAR, base
    if continuation:
        low, high, shift = _window(continuation, 0, base)
    root = Node("Document", base, base + len(text), [])
    stack = [root]
    children = root.children  # of the innermost open block
    run: Inline | None = None  # the open inline run in that block
    items: list[tuple[str, int, int, str]] = []  # its items (run.items)
    run_end = 0  # where it ends so far (run.end, written when it closes)
    depth = 0  # inline elements open inside the run's current top-level element
    top_tag = ""  # that top-level element's tag, start and end (a byte offset)
    top_start = top_end = 0
    texts: list[str] = []  # the open run's pieces of text
    top_text = 0  # where the top-level element's pieces start in `texts`
    skipped = 0  # depth of elements ignored past MAX_DEPTH
    too_deep_at: int | None = None
    code_spans: list[tuple[int, int]] = []
    html_spans: set[tuple[int, int]] = set()
    code_text = Spans()
    not_prose = Spans()
    hard_breaks = Spans()
    max_items = MAX_ITEMS
    # Events by frequency in a guide: End, Text, Start, then the rare rest. An event is a dict, or one
    # of the strings SoftBreak, HardBreak and Rule: `"End" in event` and `"Text" in event` test a dict's
    # keys and are false for those strings (a substring test), so no type() call comes first. A run's
    # end and its items are kept in locals while it is open; `run.end` and `run.text` are written when
    # it closes (a block starts or ends, a Rule, the end of the text).
    for event, span in events:
        if "End" in event:
            if skipped:
                skipped -= 1
            elif depth:
                depth -= 1
                if not depth:
                    run_end = top_end
                    if low < run_end <= high:
                        run_end += shift
                    else:
                        low, high, shift = _window(continuation, run_end, base)
                        run_end += shift
                    if len(items) < max_items:
                        items.append((top_tag, top_start, run_end, "".join(texts[top_text:])))
            else:
                if run is not None:
                    run.end = run_end
                    run.text = "".join(texts)
                    run = None
                node = stack.pop()
                end = node.end
                if low < end <= high:
                    node.end = end + shift
                else:
                    low, high, shift = _window(continuation, end, base)
                    node.end = end + shift
                children = stack[-1].children
            continue
        if "Text" in event:
            if skipped:
                continue
            piece = event["Text"]
            if depth:  # inside an inline element: only its text counts
                texts.append(piece)
                continue
            kind = "Text"
            start = span["start"]
            if low < start <= high:
                start += shift
            else:
                low, high, shift = _window(continuation, start, base)
                start += shift
            end = span["end"]
            if low < end <= high:
                end += shift
            else:
                low, high, shift = _window(continuation, end, base)
                end += shift
            if stack[-1].tag == "CodeBlock":
                code_text.add(start, end)
        elif "Start" in event:
            if skipped:
                skipped += 1
                continue
            start = span["start"]
            if low < start <= high:
                start += shift
            else:
                low, high, shift = _window(continuation, start, base)
                start += shift
            if len(stack) + depth > MAX_DEPTH:
                if too_deep_at is None:
                    too_deep_at = start
                skipped += 1
                continue
            tag = event["Start"]
            if type(tag) is str:  # Item, Paragraph, Strong, ...
                detail = None
            else:  # Heading, List, CodeBlock, Link, ...: {name: detail}
                tag, detail = next(iter(tag.items()))
            if tag in _INLINE_CONTAINERS:
                if tag == "Link" or tag == "Image":
                    end = span["end"]
                    not_prose.add(start, end + base - bisect_left(continuation, end))
                if not depth:
                    if run is None:  # a new run (Inline(...) without a call: ~150 runs a guide)
                        run = _new_node(Inline)
                        run.tag = "Inline"
                        run.start = start
                        run.children = _NO_CHILDREN
                        run.items = items = []
                        children.append(run)
                        texts = []
                    top_tag = tag
                    top_start = start
                    top_end = span["end"]  # converted when the element ends
                    top_text = len(texts)
                depth += 1
                continue
            if run is not None:
                run.end = run_end
                run.text = "".join(texts)
                run = None
            end = span["end"]  # a byte offset, converted when the block ends
            if tag == "Heading" or tag == "List":  # (_DetailNode(...) without a call to __init__)
                node = _new_node(_DetailNode)
                node.tag = tag
                node.start = start
                node.end = end
                node.children = []
                if tag == "Heading":
                    node.level = int(detail["level"][1])
                    node.ordered = False
                    node.number = None
                else:
                    node.level = 0
                    node.ordered = detail is not None
                    node.number = detail
            else:
                node = _new_node(Node)  # Node(tag, start, end, []) without a call to __init__
                node.tag = tag
                node.start = start
                node.end = end
                node.children = []
                if tag in _VERBATIM:
                    end += base - bisect_left(continuation, end)
                    code_spans.append((start, end))
                    if tag == "HtmlBlock":
                        html_spans.add((start, end))
            children.append(node)
            stack.append(node)
            children = node.children
            continue
        elif type(event) is str:  # SoftBreak, HardBreak, Rule
            if skipped:
                continue
            if depth:
                texts.append(" ")
                if event == "HardBreak":
                    start = span["start"]
                    start += base - bisect_left(continuation, start)
                    hard_breaks.add(start, start + 1)
                continue
            start, end = span["start"], span["end"]
            start += base - bisect_left(continuation, start)
            end += base - bisect_left(continuation, end)
            if event == "Rule":
                if run is not None:
                    run.end = run_end
                    run.text = "".join(texts)
                    run = None
                children.append(Node(event, start, end))
                continue
            kind, piece = event, " "
            if event == "HardBreak":
                hard_breaks.add(start, start + 1)
        else:  # Code, Html, InlineHtml, FootnoteReference, math, TaskListMarker
            if skipped:
                continue
            start, end = span["start"], span["end"]
            start += base - bisect_left(continuation, start)
            end += base - bisect_left(continuation, end)
            ((kind, value),) = event.items()
            if kind == "Code":
                piece = value
                not_prose.add(start, end)
            else:
                piece = ""
        # an inline leaf: Text, Code, a break, HTML, ...
        if depth:
            texts.append(piece)
        else:
            if run is None:  # a new run, as above
                run = _new_node(Inline)
                run.tag = "Inline"
                run.start = start
                run.children = _NO_CHILDREN
                run.items = items = []
                children.append(run)
                texts = [piece]
            else:
                texts.append(piece)
            run_end = end
            if len(items) < max_items:
                items.append((kind, start, end, piece))
    if run is not None:
        run.end = run_end
        run.text = "".join(texts)
    return Tree(root, too_deep_at, code_spans, frozenset(html_spans), code_text, not_prose, hard_breaks)


_new_node = object.__new__
