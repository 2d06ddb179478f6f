"""pyromark's UTF-8 byte offsets become character offsets through a table of continuation bytes."""
from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from guidelint import markdown, source


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="a é—’\U0001d400\n*`[]()#-1.ß", max_size=80), st.integers(min_value=0, max_value=50))
def test_every_character_boundary_maps_to_its_character(text: str, base: int) -> None:
    mapper = source.ByteMapper(text, base)
    for index in range(len(text) + 1):
        assert mapper(len(text[:index].encode("utf-8"))) == base + index


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="a é—’\U0001d400\n*`[]()#-1. ", max_size=120))
def test_node_offsets_are_those_of_the_same_text_made_ascii(text: str) -> None:
    """The tree of a text equals, offset for offset, the tree of the text with each character that is
    not ASCII replaced by one ASCII character of its kind: a letter for a letter, a comma for a
    punctuation mark (both without Markdown meaning, and emphasis is decided by that kind)."""
    plain = "".join(c if c.isascii() else "," if unicodedata.category(c).startswith("P") else "x" for c in text)

    def shape(nodes: list[markdown.Node]) -> list[tuple]:
        return [(n.tag, n.start, n.end, shape(n.children)) for n in nodes]

    assert shape(markdown.parse(text, 7).root.children) == shape(markdown.parse(plain, 7).root.children)


def test_the_table_holds_one_offset_a_continuation_byte_and_nothing_for_ascii() -> None:
    assert len(source.ByteMapper("plain text " * 1000).continuation) == 0
    body = "é " + "*a* " * 50_000 + "\n"  # one long line: a table of one entry, one bisect an offset
    assert list(source.ByteMapper(body).continuation) == [1]
    assert list(source.ByteMapper("a—b𝐀").continuation) == [2, 3, 6, 7, 8]
    tree = markdown.parse(body, base=10)
    assert tree.root.children[0].children[0].end == 10 + len(body.rstrip())
