"""yamlnodes' fast paths against the plain way they replaced: the same problems, at the same places."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from guidelint import yamlnodes


def test_every_refused_character_is_one_python_does_not_print() -> None:
    """_refuse_characters skips its search when the text, less tabs and line ends, is printable: sound
    only if no character _NOT_YAML refuses is printable (every code point), nor a tab or a line end."""
    refused = [code for code in range(0x110000) if yamlnodes._NOT_YAML.match(chr(code))]
    assert len(refused) > 2000  # (controls, surrogates, U+FFFE, U+FFFF, a BOM at the start)
    assert [code for code in refused if chr(code).isprintable() or chr(code) in "\t\n\r"] == []
    assert not "\ufeff".isprintable()  # the BOM, refused at the start of a line


def _plain_problem(text: str) -> tuple[str, int] | None:
    """What the search alone said (the code before the fast path)."""
    found = yamlnodes._NOT_YAML.search(text)
    if found is None:
        return None
    character = found.group()
    what = "a byte order mark (U+FEFF) at the start of a line" if character == "\ufeff" else \
        f"character U+{ord(character):04X}"
    return f"{what} is not allowed in YAML", found.start()


def _problem(text: str) -> tuple[str, int] | None:
    try:
        yamlnodes._refuse_characters(text)
    except yamlnodes.YamlProblem as problem:
        if problem.message.startswith("a directive"):
            return None
        return problem.message, problem.offset
    return None


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("a: -\n\r\t\x85\xa0é’\ufeff\x00\x1b\x7f\x9f\ufffe\uffff\u2028 #'\"")),
               max_size=40))
def test_refused_characters_are_found_as_the_search_alone_finds_them(text: str) -> None:
    assert _problem(text) == _plain_problem(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_refused_or_not_as_the_search_alone_says(text: str) -> None:
    assert _problem(text) == _plain_problem(text)


YAML_TEXTS = [
    "a: 1\nb: [x, y]\nc: {d: e}\n",
    "a: 1\na: 2\nb:\n  c: 3\n  c: 4\n",  # duplicate keys, at two levels
    "x: &a [1]\ny: *a\n",  # an alias
    "<<: {a: 1}\n",  # a merge key
    "a: \"\\ud800\"\n",  # an escaped surrogate
    "a: b\tc\n",  # a tab inside a plain scalar
    "a: 'b\tc'\n# c\td\n",  # tabs in quotes and in a comment
    "a:\n" + "".join(f"  k{i}:\n  - v\n  - '{i}'\n  - \"q\"\n  - |\n    block\n" for i in range(3)),
    "[" * 70 + "]" * 70,  # too deep
]


def test_load_reports_what_it_reported_with_two_walks() -> None:
    """_check_tree now also collects the scalars _agree_with_python_loader reads: the same outcome for
    texts that reach each check (values, duplicates, or the problem and its offset: each as the code
    with two walks gave it)."""
    outcomes = []
    for text in YAML_TEXTS:
        try:
            doc = yamlnodes.load(text)
            outcomes.append(("ok", doc.data, doc.duplicate_keys))
        except yamlnodes.YamlProblem as problem:
            outcomes.append(("problem", problem.message, problem.offset))
    assert outcomes == [
        ("ok", {"a": 1, "b": ["x", "y"], "c": {"d": "e"}}, []),
        ("ok", {"a": 2, "b": {"c": 4}}, [("a", 5), ("c", 22)]),
        ("problem", "anchors and aliases are not allowed here", 3),
        ("problem", "merge keys (<<) are not allowed here", 0),
        ("problem", "found invalid Unicode character escape code (while parsing a quoted scalar)", 6),
        ("problem", "found character '\\t' that cannot start any token (while scanning for the next token)", 4),
        ("ok", {"a": "b\tc"}, []),
        ("ok", {"a": {f"k{i}": ["v", str(i), "q", "block\n"] for i in range(3)}}, []),
        ("problem", yamlnodes._TOO_DEEP, 64),
    ]


def _closing_line_by_lines(text: str) -> tuple[int, int] | None:
    """Where the front matter's closing line is, found as split found it before: line by line."""
    first_end = text.find("\n") + 1 or len(text)
    if text[:first_end].rstrip() != "---":
        return None
    position = first_end
    while position < len(text):
        end = text.find("\n", position) + 1 or len(text)
        if text[position:end].rstrip() in ("---", "..."):
            return position, end
        position = end
    return None


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["---", "...", "--- ", "---\r", "... \t", "----", "-- -", "..", "a: 1", "", " ---",
                                 "---\u2028", "x---", "-", "\u00a0"]), max_size=12),
       st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_split_finds_the_closing_line_the_line_by_line_search_finds(lines: list[str], newline: str,
                                                                     final: bool) -> None:
    from guidelint import frontmatter

    text = newline.join(["---", *lines]) + (newline if final else "")
    expected = _closing_line_by_lines(text)
    front = frontmatter.split(text)
    assert front is not None
    if expected is None:
        assert not front.terminated and front.end == len(text)
    else:
        assert front.terminated is True and (front.yaml_start, front.yaml_start + len(front.yaml_text),
                                             front.end) == (text.find("\n") + 1, *expected)
