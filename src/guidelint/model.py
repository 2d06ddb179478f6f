"""The Document model every rule, the fixer and the exporter read. Offsets are characters in `text`."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .source import LineIndex, Source

if TYPE_CHECKING:  # (not imported at run time: it brings in YAML, which a cached run never needs)
    from .frontmatter import FrontMatter

EMPTY_FRONT_MATTER = "front matter is empty"  # `---` then `---`: Jekyll's way to say "render this file"


@dataclass(frozen=True)
class Heading:
    """A heading: its level, plain text and character range."""

    level: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Section:
    """A section outside the questions: its heading (None for loose text), plain text and Markdown."""

    heading: Heading | None
    text: str
    markdown: str


@dataclass(slots=True)
class Entry:
    """One piece of answer text: plain text plus the Markdown it came from. (Not frozen: frozen
    dataclasses cost an object.__setattr__ per field, and the builder makes ~100 entries per guide.)"""

    text: str
    markdown: str
    start: int


@dataclass
class Example:
    """A worked example inside an answer, with its labelled parts."""

    title: str | None
    text: str
    markdown: str
    start: int
    context: list[Entry] = field(default_factory=list)
    approach: list[Entry] = field(default_factory=list)
    outcome: list[Entry] = field(default_factory=list)
    other: list[Part] = field(default_factory=list)


@dataclass
class Part:
    """A labelled part of an answer; `kind` is canonical (outcomes, pitfalls, ..., other)."""

    kind: str
    label: str | None
    start: int
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Answer:
    """A question's answer, split into its labelled parts."""

    examples: list[Example] = field(default_factory=list)
    outcomes: list[Entry] = field(default_factory=list)
    best_practices: list[Entry] = field(default_factory=list)
    pitfalls: list[Entry] = field(default_factory=list)
    follow_ups: list[Entry] = field(default_factory=list)
    other: list[Part] = field(default_factory=list)
    labels: list[tuple[str, str, int]] = field(default_factory=list)  # (label as written, kind, offset)

    def has(self, kind: str) -> bool:
        if kind == "outcomes":
            return bool(self.outcomes) or any(example.outcome for example in self.examples)
        return bool(getattr(self, kind))


@dataclass
class Group:
    """A question group heading (behavioural, technical, ...)."""

    name: str  # the heading text as written
    key: str | None  # the canonical group name, None when not an allowed group
    heading: Heading


@dataclass
class Question:
    """One question with its answer."""

    number: int | None
    number_span: tuple[int, int] | None  # where the number is written, for renumbering
    text: str
    start: int
    end: int
    style: str  # "heading" | "list"
    group: Group | None
    answer: Answer
    markdown: str = ""  # the question text as written (inline Markdown kept)


@dataclass
class Document:
    """A parsed guide: front matter, headings, questions and the spans that are not prose."""

    path: str
    source: Source
    front_matter: FrontMatter | None
    headings: list[Heading] = field(default_factory=list)
    blocks: list[Any] = field(default_factory=list)  # top-level markdown.Node blocks of the body
    code_spans: list[tuple[int, int]] = field(default_factory=list)  # code and HTML blocks: not prose
    html_spans: frozenset[tuple[int, int]] = frozenset()  # the HTML blocks among code_spans
    code_text: Any = field(default_factory=lambda: _spans())  # markdown.Spans: the text inside code blocks
    not_prose: Any = field(default_factory=lambda: _spans())  # markdown.Spans: links, images, code spans
    hard_breaks: Any = field(default_factory=lambda: _spans())  # markdown.Spans: each hard line break
    questions_heading: Heading | None = None
    groups: list[Group] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    after_questions: list[Entry] = field(default_factory=list)  # paragraphs after the last answer
    sections: list[Section] = field(default_factory=list)  # sections outside the questions
    too_deep_at: int | None = None

    @property
    def text(self) -> str:
        return self.source.text

    @property
    def body_start(self) -> int:
        return self.front_matter.end if self.front_matter else 0

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.source.text)

    @property
    def metadata(self) -> dict[str, Any] | None:
        return self.front_matter.data if self.front_matter else None


def _spans() -> Any:
    """No ranges (a Document that was never parsed as Markdown)."""
    from .markdown import Spans

    return Spans()
