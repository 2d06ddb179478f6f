"""The front matter loader builds the same data as PyYAML's safe constructor, which it short-cuts."""
from __future__ import annotations

import pytest
import yaml

from guidelint import frontmatter, yamlnodes

from conftest import SAMPLES

TRICKY = [
    "a: 1\nb: 2.5\nc: true\nd: null\ne: 2025-01-02\nf: 2025-01-02 10:00:00\ng: '1'\nh: [1, 'x', ~]\n",
    "a: |\n  block\n  text\nb: >\n  folded\n  text\n",
    "a: .inf\nb: -.nan\nc: 0x1F\nd: 0o17\ne: 1_000\n",
    "1: a\n2: b\n",  # keys that are not strings
    "a: {1: x, y: 2}\n",
    "=: x\n",  # the 'value' key tag
    "a: !!binary aGVsbG8=\nb: !!set {x, y}\nc: !!omap [x: 1]\nd: !!pairs [b: 1]\n",
    "a: !!str 12\nb: !!int '12'\nc: !!null ''\nd: [!!float 1]\ne: !!map {b: c}\nf: !!seq [b]\n",
    "a: !!timestamp 2001-12-14t21:59:43.10-05:00\n",
    "'a': \"b\"\nc: 'it''s'\n",
    "avatar:\n  url: /a.png\n  alt: A\ntags: [x, y, z]\n",
]
REFUSED = ["? [a]\n: 1\n", "a: !foo x\n", "a: !!python/object:os.system x\n", "a: 2025-02-30\n"]


def _pyyaml(text: str):  # noqa: ANN202
    loader = yaml.CSafeLoader(text)
    try:
        return loader.construct_document(loader.get_single_node())
    finally:
        loader.dispose()


def _sample_front_matters() -> list[str]:
    found = []
    for path in sorted(SAMPLES.rglob("*.md")):
        front = frontmatter.split(path.read_text(encoding="utf-8", errors="replace"))
        if front is not None and front.doc is not None and front.doc.root is not None:  # loads cleanly
            found.append(front.yaml_text)
    return found


@pytest.mark.parametrize("text", TRICKY + _sample_front_matters())
def test_same_data_as_pyyaml(text: str) -> None:
    expected = _pyyaml(text)
    data = yamlnodes.load(text).data
    assert data == expected or repr(data) == repr(expected)  # (NaN is not equal to itself)
    assert type(data) is type(expected)


@pytest.mark.parametrize("text", REFUSED)
def test_what_pyyaml_refuses_is_refused(text: str) -> None:
    with pytest.raises(yaml.YAMLError if "2025" not in text else ValueError):
        _pyyaml(text)
    with pytest.raises(yamlnodes.YamlProblem):
        yamlnodes.load(text)


def test_refused_characters_are_exactly_those_yaml_does_not_allow() -> None:
    """_NOT_YAML names the refused characters; YAML 1.1/1.2 names the allowed ones. Every code point,
    checked against the set as the YAML spec writes it (the complement of the printable set)."""
    import re

    printable_complement = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
    differing = [code for code in range(0x110000) if code != 0xFEFF and
                 bool(yamlnodes._NOT_YAML.match(chr(code))) != bool(printable_complement.match(chr(code)))]
    assert differing == []
    # a byte order mark only at the start of a line
    assert yamlnodes._NOT_YAML.search("a: \ufeffb\n") is None
    assert [m.start() for m in yamlnodes._NOT_YAML.finditer("\ufeffa\n\ufeffb\r\ufeffc")] == [0, 3, 6]


def test_surrogate_search_is_the_character_range() -> None:
    """_SURROGATE finds a character exactly when one is in U+D800..U+DFFF (every code point), and an
    escaped surrogate in a double-quoted scalar is still refused."""
    assert [code for code in range(0x110000)
            if (yamlnodes._SURROGATE.search(f"ab{chr(code)}c") is not None) != (0xD800 <= code <= 0xDFFF)] == []
    with pytest.raises(yamlnodes.YamlProblem, match="invalid Unicode character escape"):
        yamlnodes.load('a: "x\\ud800y"\n')
    assert yamlnodes.load('a: "x\\u00e9y"\n').data == {"a": "x\u00e9y"}
