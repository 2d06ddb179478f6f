"""Build the Document model from a Source: front matter, Markdown tree, sections, groups, questions, answers.

Everything here reads the neutral `markdown.Node` tree; only `markdown.py` knows the parser.
"""
from __future__ import annotations

import re
from typing import Any

from . import frontmatter, markdown
from .markdown import Inline, Node
from .model import Answer, Document, Entry, Example, Group, Heading, Part, Question, Section
from .policy import PART_KINDS, Policy, normalize_label
from .source import Source

_LIST_NUMBER = re.compile(r"[ \t>]*(\d{1,9})[.)]")
_HEADING_GAP = re.compile(r"\d{1,4}[.)][ \t]+")
_BLANKS = re.compile(r"[ \t]*")
_MARKS = re.compile(r"#*")
_HOISTED = frozenset({"best_practices", "pitfalls", "follow_ups"})


def build(source: Source, policy: Policy) -> Document:
    """The Document for a decoded source. Never raises on content; problems become model facts."""
    text = source.text
    if source.problem is not None:  # (a text that stops at a bad byte is not parsed)
        return Document(path=source.path, source=source, front_matter=None)
    front = frontmatter.split(text)
    body_start = front.end if front else 0
    tree = markdown.parse(text[body_start:], base=body_start)
    # (the tree's parts given to the constructor: as defaults, it made empty Spans and lists to be replaced)
    document = Document(path=source.path, source=source, front_matter=front, blocks=tree.root.children,
                        code_spans=tree.code_spans, html_spans=tree.html_spans, code_text=tree.code_text,
                        not_prose=tree.not_prose, hard_breaks=tree.hard_breaks, too_deep_at=tree.too_deep_at)
    _Builder(document, policy).run()
    return document


# --- inline helpers -------------------------------------------------------------------------------------

def _past_marks(text: str, start: int) -> int:
    """Where a heading line's text starts: past its blanks, '#' marks and blanks. (A regex that did this
    and went on to the number backtracked quadratically over a long run of blanks.)"""
    position = _BLANKS.match(text, start).end()  # type: ignore[union-attr]
    position = _MARKS.match(text, position).end()  # type: ignore[union-attr]
    return _BLANKS.match(text, position).end()  # type: ignore[union-attr]


def _heading_markdown(line: str) -> str | None:
    """A question heading's text as written: after its number, without the closing '#' sequence and
    the blanks around it. None when the line does not start with a number after its marks."""
    match = _HEADING_GAP.match(line, _past_marks(line, 0))
    if match is None:
        return None
    text = line[match.end():].rstrip(" \t")
    unclosed = text.rstrip("#")
    return unclosed.rstrip(" \t") if unclosed != text else text


def _plain(run: Inline | None) -> str:
    return run.plain() if run is not None else ""


def _run_of(block: Node) -> Inline | None:
    """A paragraph's (or heading's) inline run; None when it has none."""
    children = block.children
    return children[0] if children and children[0].tag == "Inline" else None  # type: ignore[return-value]


def _item_parts(item: Node) -> tuple[Inline | None, list[Node]]:
    """An item's leading inline content (tight or loose) and the blocks after it (a read-only list)."""
    children = item.children
    if children:
        first = children[0]
        if first.tag == "Inline":
            return first, children[1:]  # type: ignore[return-value]
        if first.tag == "Paragraph":
            return _run_of(first), children[1:]
    return None, children


_LABEL_TAGS = frozenset({"Strong", "Emphasis"})
_NOTHING: list[Node] = []  # shared by every _Labelled with nothing nested; never appended to
_new = object.__new__
_BREAKS = frozenset({"SoftBreak", "HardBreak"})


# What makes the text after a label (" ".join(text.split()).lstrip(": ")) not empty: a character that
# is neither white space (str.split's and \s are the same set: tests/test_build_laziness.py) nor ':'
_CONTENT = re.compile(r"[^\s:]")


class _PendingEntry(Entry):
    """The text after a label, as an Entry whose `text` and `markdown` are made when first read: from
    its run's text (`_lead.text`) past its first `_used` characters (white space folded, a leading ':'
    dropped) and from the document text `_source[_from:_lead.end]` (stripped of blanks and a leading
    ':'); `_folded` and `_raw` are None until then (unset slots would cost an AttributeError raised on
    each first read, and _example reads the text of every example's own entry). A check reads neither
    (rules read which parts an answer has, not their text) and making them was ~1 us an entry, ~100
    entries a guide; an export or a fix reads them once. Equal to the Entry made eagerly: same text,
    Markdown and start (its `start` may be moved to the label's, as Entry's may; `_from` stays)."""

    __slots__ = ("_folded", "_raw", "_lead", "_used", "_source", "_from")
    _folded: str | None
    _raw: str | None
    _lead: Inline
    _used: int
    _source: str
    _from: int

    @property  # type: ignore[override]
    def text(self) -> str:
        folded = self._folded
        if folded is None:
            folded = self._folded = " ".join(self._lead.text[self._used:].split()).lstrip(": ")
        return folded

    @text.setter
    def text(self, value: str) -> None:  # (assignable as Entry's, so dataclasses.replace works too)
        self._folded = value

    @property  # type: ignore[override]
    def markdown(self) -> str:
        raw = self._raw
        if raw is None:
            raw = self._raw = self._source[self._from:self._lead.end].strip().lstrip(":").strip()
        return raw

    @markdown.setter
    def markdown(self, value: str) -> None:
        self._raw = value

    # As an Entry to everything outside: its repr, equality (with any Entry) and copies (pickled as one).
    def __repr__(self) -> str:
        return f"Entry(text={self.text!r}, markdown={self.markdown!r}, start={self.start!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Entry):
            return (self.text, self.markdown, self.start) == (other.text, other.markdown, other.start)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # (as Entry's: equal by value, mutable)

    def __reduce__(self) -> tuple[type[Entry], tuple[str, str, int]]:
        return Entry, (self.text, self.markdown, self.start)


class _PendingExample(Example):
    """An Example whose `text` and `markdown` are made when first read: `text` joins `_pieces` (strings,
    or Entries whose text is read then) with line breaks; `markdown` is `_rest`'s (its own entry's) or "".
    A check reads neither (rules ask which parts an answer has), and making them forced the lazy entries
    they come from: ~14 examples a guide. An export or a fix reads each once. To everything outside it
    is an Example: equal to one with the same values, with Example's repr, copied and pickled as one."""

    _pieces: list[str | Entry]
    _rest: Entry | None

    @property  # type: ignore[override]
    def text(self) -> str:
        made = self.__dict__.get("_text")
        if made is None:
            made = self.__dict__["_text"] = "\n".join(
                piece if type(piece) is str else piece.text for piece in self._pieces)  # type: ignore[union-attr]
        return made

    @text.setter
    def text(self, value: str) -> None:  # (assignable as Example's, so dataclasses.replace works too)
        self.__dict__["_text"] = value

    @property  # type: ignore[override]
    def markdown(self) -> str:
        made = self.__dict__.get("_markdown")
        if made is None:
            rest = self.__dict__.get("_rest")
            made = self.__dict__["_markdown"] = rest.markdown if rest is not None else ""
        return made

    @markdown.setter
    def markdown(self, value: str) -> None:
        self.__dict__["_markdown"] = value

    def _as_example(self) -> Example:
        return Example(self.title, self.text, self.markdown, self.start, self.context, self.approach, self.outcome,
                       self.other)

    def __repr__(self) -> str:
        return repr(self._as_example())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Example):
            return self._as_example() == (other._as_example() if isinstance(other, _PendingExample) else other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # (as Example's: equal by value, mutable)

    def __reduce__(self) -> tuple[Any, ...]:
        return Example, (self.title, self.text, self.markdown, self.start, self.context, self.approach, self.outcome,
                         self.other)


class _Labelled:
    """A list item or paragraph split into its label, the text after it and what is nested in it.

    Made by `_Builder._labelled` only, which fills in the slots without an __init__ call (~130 a guide):
    `label`, `rest` (an Entry: the text after the label), `nested` (nested list items), `blocks` (other
    nested blocks), `start` (where the label, or the text when there is none, starts) and `end` (where
    the whole piece, nested content included, ends)."""

    __slots__ = ("label", "rest", "start", "end")
    label: str | None
    rest: Entry | None
    start: int
    end: int
    # A bullet with nothing nested (most of them) has these: two stores less. A piece with nested
    # blocks is a _Nesting, whose slots of the same names hide them.
    nested: list[Node] = _NOTHING
    blocks: list[Node] = _NOTHING


class _Nesting(_Labelled):
    """A _Labelled with nested content: its own `nested` and `blocks`."""

    __slots__ = ("nested", "blocks")


class _Builder:
    def __init__(self, document: Document, policy: Policy) -> None:
        self.document = document
        self.policy = policy
        self.text = document.source.text

    # --- structure --------------------------------------------------------------------------------------

    def run(self) -> None:
        document = self.document
        policy = self.policy
        section_level: int | None = None  # the questions section's heading level, while inside it
        group: Group | None = None
        question: Question | None = None
        answer_blocks: list[Node] = []
        strays_after_last: list[Node] = []
        current_section: tuple[Heading, list[Node]] | None = None
        section_blocks: list[tuple[Heading, list[Node]]] = []

        def close_question() -> None:
            nonlocal question
            if question is not None:
                question.answer, trailing = self.answer(answer_blocks)
                question.end = answer_blocks[-1].end if answer_blocks else question.end
                strays_after_last[:] = trailing
            question = None

        def keep_strays() -> None:
            """Loose blocks between two questions belong to the earlier one's answer: kept, not dropped."""
            if strays_after_last and document.questions:
                self._attach(document.questions[-1], strays_after_last)
            strays_after_last.clear()

        for block in document.blocks:
            if block.tag == "Heading":
                close_question()
                heading = Heading(block.level, block.plain(), block.start, block.end)
                document.headings.append(heading)
                current_section = None
                if section_level is not None and heading.level <= section_level:
                    section_level, group = None, None
                if group is not None and heading.level <= group.heading.level:
                    group = None
                match = policy.question_heading.match(heading.text)
                if match:
                    keep_strays()
                    raw = _heading_markdown(self.text[block.start:block.end].split("\n", 1)[0].rstrip("\r"))
                    question = Question(
                        number=int(match.group(1)),
                        number_span=self._number_span(policy.question_heading, _past_marks(self.text, block.start),
                                                      end=block.end),
                        text=match.group(2).strip(), start=block.start, end=block.end, style="heading",
                        group=group, answer=Answer(), markdown=raw if raw is not None else match.group(2).strip())
                    document.questions.append(question)
                    answer_blocks = []
                elif section_level is None and document.questions_heading is None and \
                        policy.is_questions_heading(heading.text):
                    section_level = heading.level
                    document.questions_heading = heading
                elif section_level is not None:
                    group = Group(heading.text, policy.group_key(heading.text), heading)
                    document.groups.append(group)
                else:
                    current_section = (heading, [])
                    section_blocks.append(current_section)
                continue
            if question is not None:
                answer_blocks.append(block)
            elif section_level is not None and block.tag == "List" and block.ordered and \
                    any(self._is_list_question(item) for item in block.children):
                keep_strays()
                for item in block.children:
                    if self._is_list_question(item):
                        document.questions.append(self._list_question(item, group))
            elif current_section is not None:
                current_section[1].append(block)
            elif section_level is not None or document.questions:
                if block.tag not in ("Rule", "HtmlBlock"):
                    strays_after_last.append(block)
        close_question()
        if document.questions:  # after the last answer: paragraphs are reported, anything else is kept
            self._attach(document.questions[-1], [b for b in strays_after_last if b.tag != "Paragraph"])
        document.sections = [
            Section(heading, self._blocks_text(blocks), self._raw(blocks[0].start, blocks[-1].end) if blocks else "")
            for heading, blocks in section_blocks]
        document.after_questions = [self._entry_of(block) for block in strays_after_last
                                    if block.tag == "Paragraph"] if document.questions else []

    def _attach(self, question: Question, blocks: list[Node]) -> None:
        if blocks:
            question.answer.other.append(Part("other", None, blocks[0].start, [self._entry_of(b) for b in blocks]))

    def _number_span(self, pattern: re.Pattern[str], start: int, end: int | None = None) -> tuple[int, int] | None:
        """Where the number is written: `pattern`'s group 1, matched at `start` (within the line)."""
        if end is not None:
            newline = self.text.find("\n", start, end)
            end = newline if newline != -1 else end
            match = pattern.match(self.text[start:end].rstrip("\r#").rstrip())
            return (start + match.start(1), start + match.end(1)) if match else None
        match = pattern.match(self.text, start)
        return match.span(1) if match else None

    def _is_list_question(self, item: Node) -> bool:
        lead, rest = _item_parts(item)
        if lead is None:
            return False
        visible = [tag for tag, _, _, text in lead.items if not (tag == "Text" and not text.strip())
                   and tag not in _BREAKS]
        if len(visible) == 1 and visible[0] in _LABEL_TAGS:
            return True
        return bool(rest) and _plain(lead).endswith("?")

    def _list_question(self, item: Node, group: Group | None) -> Question:
        lead, rest = _item_parts(item)
        number_span = self._number_span(_LIST_NUMBER, item.start)
        number = int(self.text[number_span[0]:number_span[1]]) if number_span else None
        answer, trailing = self.answer(rest)
        markdown = self._raw(lead.start, lead.end) if lead is not None else ""
        question = Question(number=number, number_span=number_span, text=_plain(lead), start=item.start,
                            end=item.end, style="list", group=group, answer=answer, markdown=markdown)
        self._attach(question, trailing)
        return question

    # --- text -------------------------------------------------------------------------------------------

    def _raw(self, start: int, end: int) -> str:
        return self.text[start:end].strip()

    def _entry_of(self, block: Node) -> Entry:
        return Entry(self._blocks_text([block]), self._raw(block.start, block.end), block.start)

    def _blocks_text(self, blocks: list[Node]) -> str:
        lines: list[str] = []
        for block in blocks:
            if block.tag == "List":
                for item in block.children:
                    lead, rest = _item_parts(item)
                    line = _plain(lead)
                    nested = self._blocks_text(rest)
                    lines.append(f"{line}\n{nested}" if nested and line else line or nested)
            elif block.tag not in ("HtmlBlock", "Rule"):
                lines.append(block.plain())
        return "\n".join(line for line in lines if line)

    # --- answers ----------------------------------------------------------------------------------------

    def _labelled(self, node: Node) -> _Labelled:
        """A list item (or a paragraph: nothing nested in it) as a labelled piece: '**Label:** rest'
        (or '**Label**: rest', '*Label:* rest') split from its text. (The item's parts are found here,
        not in a helper: ~110 calls a guide.)"""
        children = node.children
        start = node.start
        lead: Inline | None = None
        blocks = _NOTHING
        if children:
            first = children[0]
            tag = first.tag
            if node.tag == "Paragraph":  # its run, if any; it starts where the paragraph does
                if tag == "Inline":
                    lead = first  # type: ignore[assignment]
            elif tag == "Inline":  # a tight item: its run, then its nested blocks
                lead = first  # type: ignore[assignment]
                blocks = children[1:]
                start = first.start
            elif tag == "Paragraph":  # a loose item: its first paragraph's run, then the other blocks
                blocks = children[1:]
                inner = first.children
                if inner and inner[0].tag == "Inline":
                    lead = inner[0]  # type: ignore[assignment]
                    start = lead.start
            else:
                blocks = children
        label: str | None = None
        rest = None
        end = start
        if lead is not None:
            # The run's head is read from its items (the first few elements), the rest from its whole
            # text: `used` characters of it and the elements before the label are the label's. (Items
            # are read once each, as locals: ~110 calls a guide, most of them '**Label**: text'.)
            items = lead.items
            count = len(items)
            first = 0
            used = 0
            item = items[0] if count else None
            while item is not None and item[0] == "Text" and not item[3].strip():
                used += len(item[3])
                first += 1
                item = items[first] if first < count else None
            if item is None:  # past the last kept item: where it ends
                rest_start = items[-1][2] if count else lead.end
            else:
                rest_start = item[1]
                if item[0] in _LABEL_TAGS:
                    inner = " ".join(item[3].split())
                    if inner.endswith(":"):
                        label = inner[:-1].strip() or None
                        used += len(item[3])
                        first += 1
                        rest_start = items[first][1] if first < count else item[2]
                    elif first + 1 < count:
                        after_kind, after_start, _, after_text = items[first + 1]
                        if after_kind == "Text" and after_text.lstrip().startswith(":"):
                            label = inner or None  # (folded: no blanks around it)
                            colon = after_text.index(":")
                            used += len(item[3]) + colon + 1
                            rest_start = after_start + colon + 1
            lead_end = lead.end
            lead_text = lead.text
            if _CONTENT.search(lead_text, used) is not None:  # its text would not be empty
                rest = _new(_PendingEntry)  # without a call to __init__: ~100 a guide
                rest.start = rest._from = rest_start
                rest._folded = rest._raw = None
                rest._lead = lead
                rest._used = used
                rest._source = self.text
            if lead_end > start:
                end = lead_end
        if not blocks:  # a bullet with nothing nested
            labelled = _new(_Labelled)  # _Labelled(...) without a call to __init__: ~130 a guide
            labelled.label = label
            labelled.rest = rest
            labelled.start = start
            labelled.end = end
            return labelled
        labelled = _new(_Nesting)
        labelled.label = label
        labelled.rest = rest
        labelled.start = start
        nested: list[Node] = []
        others: list[Node] = []
        for block in blocks:
            tag = block.tag
            if tag == "List":
                nested.extend(block.children)
            elif tag != "HtmlBlock":
                others.append(block)
            if block.end > end:
                end = block.end
        labelled.nested = nested
        labelled.blocks = others
        labelled.end = end
        return labelled

    def _whole_entry(self, labelled: _Labelled, *, with_label: bool) -> Entry | None:
        """All of a labelled piece's text as one entry (its nested items folded in)."""
        rest = labelled.rest
        if not labelled.nested and not labelled.blocks and not (with_label and labelled.label):
            # a plain bullet, the common case: its text is the entry (same text, same Markdown). Every
            # caller passes a _Labelled made for this call, so its `rest` is no one else's: reused.
            if rest is not None:
                rest.start = labelled.start
            return rest
        parts: list[str] = []
        if with_label and labelled.label:
            parts.append(f"{labelled.label}: {labelled.rest.text}" if labelled.rest else labelled.label)
        elif labelled.rest:
            parts.append(labelled.rest.text)
        nested_text = self._blocks_text(labelled.blocks)
        for item in labelled.nested:
            entry = self._whole_entry(self._labelled(item), with_label=True)
            if entry:
                parts.append(entry.text)
        if nested_text:
            parts.append(nested_text)
        if not parts:
            return None
        start = labelled.rest.start if labelled.rest and not with_label else labelled.start
        return Entry("\n".join(parts), self._raw(start, labelled.end).lstrip(":").strip(), labelled.start)

    def _entries(self, labelled: _Labelled) -> list[Entry]:
        """A list part's entries: the text after the label, then one entry a nested item."""
        entries = [labelled.rest] if labelled.rest else []
        for item in labelled.nested:
            inner = self._labelled(item)
            if not inner.nested and not inner.blocks and inner.label is None:
                entry = inner.rest  # a plain bullet: _whole_entry's first case, without the call
                if entry is not None:
                    entry.start = inner.start
                    entries.append(entry)
                continue
            entry = self._whole_entry(inner, with_label=True)
            if entry:
                entries.append(entry)
        if labelled.blocks:
            entries.extend(self._entry_of(block) for block in labelled.blocks)
        return entries

    def answer(self, blocks: list[Node]) -> tuple[Answer, list[Node]]:
        """The canonical answer of a question's blocks, and the trailing paragraphs after its last list."""
        answer = Answer()
        last_list = max((i for i, block in enumerate(blocks) if block.tag == "List"), default=-1)
        trailing = [b for b in blocks[last_list + 1:] if b.tag == "Paragraph"] if last_list >= 0 else []
        body = blocks[: last_list + 1] + [b for b in blocks[last_list + 1:] if b.tag != "Paragraph"] \
            if last_list >= 0 else blocks
        for block in body:
            if block.tag == "List":
                for item in block.children:
                    self._part(answer, self._labelled(item))
            elif block.tag == "Paragraph":
                labelled = self._labelled(block)
                if labelled.label and normalize_label(labelled.label)[0] in self.policy.answer_labels:
                    if labelled.rest:
                        answer.other.append(Part("other", None, labelled.rest.start, [labelled.rest]))
                    continue
                self._part(answer, labelled)
            elif block.tag not in ("HtmlBlock", "Rule"):
                answer.other.append(Part("other", None, block.start, [self._entry_of(block)]))
        return answer, trailing

    def _part(self, answer: Answer, labelled: _Labelled) -> None:
        label = labelled.label
        kind = "other"
        if label is not None:  # its kind: an example container, one of the policy's parts, or other
            name = normalize_label(label)[0]
            policy = self.policy
            kind = "example_container" if name in policy.example_containers else policy.part_labels.get(name, "other")
            answer.labels.append((label, kind, labelled.start))
        if kind == "example_container":
            if labelled.rest:
                answer.other.append(Part("other", label, labelled.start, [labelled.rest]))
            for item in labelled.nested:
                answer.examples.append(self._example(answer, self._labelled(item)))
        elif kind == "examples":
            answer.examples.append(self._example(answer, labelled))
        elif kind in PART_KINDS:
            if labelled.nested or labelled.blocks:
                getattr(answer, kind).extend(self._entries(labelled))
            elif labelled.rest is not None:  # a plain bullet: _entries gives its text only
                getattr(answer, kind).append(labelled.rest)
        else:
            answer.other.append(Part("other", label, labelled.start, self._entries(labelled)))

    def _example(self, answer: Answer, labelled: _Labelled) -> Example:
        rest = labelled.rest
        texts: list[str | Entry] = [rest] if rest else []  # (their text is read when the example's is)
        example = _new(_PendingExample)  # its text and Markdown made when first read (see _PendingExample)
        example.__dict__.update(title=labelled.label, start=labelled.start, context=[], approach=[], outcome=[],
                                other=[], _pieces=texts, _rest=rest if rest else None)
        example_fields = self.policy.example_fields
        part_labels = self.policy.part_labels
        for item in labelled.nested:  # (~5 an example: the policy's tables and each label read once)
            inner = self._labelled(item)
            label = inner.label  # (never "": _labelled makes an empty label None)
            field_name = kind = None
            if label is not None:
                name = normalize_label(label)[0]
                if name:
                    field_name = example_fields.get(name)
                    kind = part_labels.get(name)
                answer.labels.append((label, field_name or kind or "other", inner.start))
            if field_name:
                if not inner.nested and not inner.blocks:  # a plain bullet: _whole_entry's first case
                    entry = inner.rest
                    if entry is not None:
                        entry.start = inner.start
                else:
                    entry = self._whole_entry(inner, with_label=False)
                if entry:
                    getattr(example, field_name).append(entry)
            elif kind in _HOISTED:
                getattr(answer, kind).extend(self._entries(inner))
            elif inner.label:
                example.other.append(Part("other", inner.label, inner.start, self._entries(inner)))
            else:
                entry = self._whole_entry(inner, with_label=False)
                if entry:
                    texts.append(entry)
        if labelled.blocks:
            texts.extend(self._entry_of(block).text for block in labelled.blocks)
        return example
