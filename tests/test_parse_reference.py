"""markdown.parse against a plain reference: the same tree, offset for offset, item for item.

parse is written for speed (events tested by frequency, byte offsets converted through a moving window
of continuation bytes, a block's end converted when it ends, a run's end and items kept in locals).
The reference below does the same job the obvious way: every offset through ByteMapper, converted when
its event is read, one small step at a time. Random Markdown built from pieces that mean something to
the parser (containers, emphasis, code, links, HTML, breaks, tables, deep nesting, characters of 2, 3 and
4 bytes) must give equal trees.
"""
from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from guidelint import markdown
from guidelint.source import ByteMapper


def reference_parse(text: str, base: int = 0) -> dict[str, Any]:
    """The tree of `text` as nested tuples, built the plain way."""
    to_char = ByteMapper(text, base)
    root: dict[str, Any] = {"tag": "Document", "start": base, "end": base + len(text), "children": [], "level": 0,
                            "ordered": False, "number": None}
    stack = [root]
    run: dict[str, Any] | None = None  # the open inline run: its start, end, items and pieces of text
    inline: list[dict[str, Any]] = []  # the inline elements open in it, outermost first
    skipped = 0
    too_deep_at = None
    code_spans: list[tuple[int, int]] = []
    html_spans: set[tuple[int, int]] = set()
    code_text: list[tuple[int, int]] = []
    not_prose: list[tuple[int, int]] = []
    hard_breaks: list[tuple[int, int]] = []

    def close_run() -> None:
        nonlocal run
        if run is not None:
            run["text"] = "".join(run["pieces"])
            run = None

    def add_leaf(kind: str, start: int, end: int, piece: str) -> None:
        nonlocal run
        if inline:
            inline[0]["pieces"].append(piece)
            run["pieces"].append(piece)  # type: ignore[index]
            return
        if run is None:
            run = {"tag": "Inline", "start": start, "end": start, "items": [], "pieces": [], "children": []}
            stack[-1]["children"].append(run)
        run["pieces"].append(piece)
        run["end"] = end
        if len(run["items"]) < markdown.MAX_ITEMS:
            run["items"].append((kind, start, end, piece))

    for event, span in markdown._PARSER.events_with_range(text):
        start, end = to_char(span["start"]), to_char(span["end"])
        if isinstance(event, str):
            name, value = event, None
        else:
            ((name, value),) = event.items()
        if skipped:
            if name == "Start":
                skipped += 1
            elif name == "End":
                skipped -= 1
            continue
        if name == "Start":
            tag, detail = (value, None) if isinstance(value, str) else next(iter(value.items()))
            if len(stack) + len(inline) > markdown.MAX_DEPTH:
                too_deep_at = start if too_deep_at is None else too_deep_at
                skipped = 1
                continue
            if tag in ("Emphasis", "Strong", "Strikethrough", "Link", "Image", "Superscript", "Subscript"):
                if tag in ("Link", "Image"):
                    not_prose.append((start, end))
                if not inline:
                    if run is None:
                        run = {"tag": "Inline", "start": start, "end": start, "items": [], "pieces": [],
                               "children": []}
                        stack[-1]["children"].append(run)
                    inline.append({"tag": tag, "start": start, "end": end, "pieces": []})
                else:
                    inline.append({"tag": tag})
                continue
            close_run()
            node = {"tag": tag, "start": start, "end": end, "children": [], "level": 0, "ordered": False,
                    "number": None}
            if tag == "Heading":
                node["level"] = int(detail["level"][1])
            elif tag == "List":
                node["ordered"], node["number"] = detail is not None, detail
            elif tag in ("CodeBlock", "HtmlBlock"):
                code_spans.append((start, end))
                if tag == "HtmlBlock":
                    html_spans.add((start, end))
            stack[-1]["children"].append(node)
            stack.append(node)
        elif name == "End":
            if inline:
                element = inline.pop()
                if not inline:
                    run["end"] = element["end"]  # type: ignore[index]
                    if len(run["items"]) < markdown.MAX_ITEMS:  # type: ignore[index]
                        run["items"].append((element["tag"], element["start"], element["end"],  # type: ignore[index]
                                             "".join(element["pieces"])))
                continue
            close_run()
            stack.pop()
        elif name == "Text":
            if not inline and stack[-1]["tag"] == "CodeBlock":
                code_text.append((start, end))
            add_leaf("Text", start, end, value)
        elif name == "Rule":
            close_run()
            stack[-1]["children"].append({"tag": "Rule", "start": start, "end": end, "children": [], "level": 0,
                                          "ordered": False, "number": None})
        elif name in ("SoftBreak", "HardBreak"):
            if name == "HardBreak":
                hard_breaks.append((start, start + 1))
            add_leaf(name, start, end, " ")
        else:
            if name == "Code":
                not_prose.append((start, end))
            add_leaf(name, start, end, value if name == "Code" else "")
    close_run()

    def shape(node: dict[str, Any]) -> tuple[Any, ...]:
        if node["tag"] == "Inline":
            return ("Inline", node["start"], node["end"], node["items"], node["text"])
        return (node["tag"], node["start"], node["end"], node["level"], node["ordered"], node["number"],
                [shape(child) for child in node["children"]])

    return {"root": shape(root), "too_deep_at": too_deep_at, "code_spans": code_spans,
            "html_spans": frozenset(html_spans), "code_text": code_text, "not_prose": not_prose,
            "hard_breaks": hard_breaks}


def _spans(spans: markdown.Spans) -> list[tuple[int, int]]:
    """The ranges added, as far as Spans keeps them: starts, and each range's end where it is the reach."""
    return list(zip(spans.starts, spans.reach))


def _reaches(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    reach: list[tuple[int, int]] = []
    for start, end in ranges:
        reach.append((start, max(end, reach[-1][1]) if reach else end))
    return reach


def tree_of(text: str, base: int = 0) -> dict[str, Any]:
    tree = markdown.parse(text, base)

    def shape(node: markdown.Node) -> tuple[Any, ...]:
        if node.tag == "Inline":
            assert type(node) is markdown.Inline and node.children == []
            return ("Inline", node.start, node.end, node.items, node.text)
        return (node.tag, node.start, node.end, node.level, node.ordered, node.number,
                [shape(child) for child in node.children])

    return {"root": shape(tree.root), "too_deep_at": tree.too_deep_at, "code_spans": tree.code_spans,
            "html_spans": tree.html_spans, "code_text": _spans(tree.code_text),
            "not_prose": _spans(tree.not_prose), "hard_breaks": _spans(tree.hard_breaks)}


def expected_of(text: str, base: int = 0) -> dict[str, Any]:
    expected = reference_parse(text, base)
    for name in ("code_text", "not_prose", "hard_breaks"):
        expected[name] = _reaches(expected[name])
    return expected


PIECES = ["word", "more words", " ", "  ", "\n", "\n\n", "  \n", "\\\n", "- ", "* ", "1. ", "2) ", "   ", "    ",
          "> ", "# ", "### ", "**", "*", "_", "__", "~~", "`", "``", "[a](b)", "![i](u.png)", "[x]", "<b>", "</b>",
          "<!-- c -->", "<div>\n", "&amp;", "\\*", ":", "**Label:**", "**Label**:", "---\n", "***\n", "```\n",
          "~~~py\n", "|a|b|\n|-|-|\n|c|d|\n", "- [ ] ", "- [x] ", "[^1]", "[^1]: note\n", "é", "’", "—", "€",
          "𝐀", "漢字", "\u00a0", "\t", "\r\n", "Setext\n===\n"]

markdown_texts = st.builds(
    lambda prefix, pieces: prefix + "".join(pieces),
    st.sampled_from(["", "> " * 30, "- " * 30, "> - " * 13 + "*a " * 10, "*" * 60 + "a" + "*" * 60]),
    st.lists(st.sampled_from(PIECES), max_size=60))


@settings(max_examples=3000, deadline=None)
@given(markdown_texts, st.integers(min_value=0, max_value=30))
def test_parse_builds_the_tree_the_plain_reference_builds(text: str, base: int) -> None:
    assert tree_of(text, base) == expected_of(text, base)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="a é—’\U0001d400\n*`[]()#-1.>_ \t<!:|", max_size=150), st.integers(0, 5))
def test_parse_of_random_characters_matches_the_reference(text: str, base: int) -> None:
    assert tree_of(text, base) == expected_of(text, base)


def test_the_reference_sees_deep_nesting_and_long_runs() -> None:
    """The strategies reach the paths that matter: too deep, and more elements than MAX_ITEMS."""
    deep = "> " * 60 + "a\n"
    assert tree_of(deep)["too_deep_at"] is not None
    assert tree_of(deep) == expected_of(deep)
    long_run = "é " + "*a* `b` " * 40 + "\n"
    tree = tree_of(long_run, 3)
    assert len(tree["root"][6][0][6][0][3]) == markdown.MAX_ITEMS
    assert tree == expected_of(long_run, 3)


def test_continuation_table_is_every_continuation_byte() -> None:
    text = "a—b𝐀 é’漢" * 3
    data = text.encode("utf-8")
    assert list(ByteMapper(text).continuation) == [i for i, byte in enumerate(data) if 0x80 <= byte <= 0xBF]


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=60))  # (hypothesis makes no lone surrogates: no decoded file holds one)
def test_continuation_table_of_any_text(text: str) -> None:
    data = text.encode("utf-8")
    assert list(ByteMapper(text).continuation) == [i for i, byte in enumerate(data) if 0x80 <= byte <= 0xBF]
