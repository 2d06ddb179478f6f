"""YamlDoc.locate through its per-mapping index gives what the search in order over the pairs gave."""
from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from guidelint import frontmatter, yamlnodes


def _reference_place(node: Any) -> yamlnodes.Located:
    if isinstance(node, yaml.ScalarNode):
        style = node.style or None
    else:
        style = "flow" if getattr(node, "flow_style", False) else "block"
    return yamlnodes.Located(node.start_mark.index, node.end_mark.index, style)


def _reference_locate(root: Any, path: tuple[Any, ...], key: bool) -> yamlnodes.Located:
    """The search before the index: the first pair whose key matches, in order, at every level."""
    node = root
    found = _reference_place(node)
    for part in path:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                    found = _reference_place(key_node) if key else _reference_place(value_node)
                    node = value_node
                    break
            else:
                return found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            found = _reference_place(node)
        else:
            return found
    if not key or not path:
        return _reference_place(node)
    return found


_NAMES = st.sampled_from(["a", "b", "tags", "1", "x y"])
_SCALARS = st.sampled_from(["v", "'q'", '"d"', "1", "2025-01-02", "[]", "{}"])


def _yaml(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return _SCALARS
    inner = _yaml(depth - 1)
    mapping = st.lists(st.tuples(_NAMES, inner), min_size=1, max_size=4).map(  # repeated keys allowed
        lambda pairs: "{" + ", ".join(f"{name}: {value}" for name, value in pairs) + "}")
    sequence = st.lists(inner, min_size=1, max_size=4).map(lambda items: "[" + ", ".join(items) + "]")
    return st.one_of(_SCALARS, mapping, sequence)


_PARTS = st.one_of(_NAMES, st.integers(min_value=-3, max_value=4), st.just(1.5))


@settings(max_examples=400, deadline=None)
@given(_yaml(3), st.lists(st.lists(_PARTS, max_size=4).map(tuple), min_size=1, max_size=6), st.booleans())
def test_locate_is_the_search_in_order(text: str, paths: list[tuple[Any, ...]], key: bool) -> None:
    root = yaml.compose(text, Loader=yamlnodes.SafeLoader)
    doc = yamlnodes.YamlDoc(None, root)
    for path in paths:  # several paths into one document: the index made by the first is reused
        try:
            expected = _reference_locate(root, path, key)
        except IndexError:  # a negative index past the start of a sequence: both fail alike
            with pytest.raises(IndexError):
                doc.locate(path, key=key)
            continue
        assert doc.locate(path, key=key) == expected
        shifted = doc.locate(path, key=key, shift=7)
        assert shifted == yamlnodes.Located(expected.start + 7, expected.end + 7, expected.style)


def test_front_matter_locate_with_a_repeated_key() -> None:
    text = "---\ntitle: A\ntags: [x, y]\ntitle: B\n---\nbody\n"
    front = frontmatter.split(text)
    assert front is not None
    assert front.locate(("title",)) == yamlnodes.Located(4, 9, None)  # the first 'title', as before
    assert front.locate(("title",), key=False) == yamlnodes.Located(11, 12, None)
    assert front.locate(("tags", 1), key=False) == yamlnodes.Located(23, 24, None)
    assert front.locate(("tags", 5), key=False) == yamlnodes.Located(19, 25, "flow")
    assert front.locate(("missing", "x")) == yamlnodes.Located(4, 35, "block")


def test_a_copied_or_pickled_document_starts_with_an_empty_index() -> None:
    """The index is keyed by the ids of this tree's nodes: a copy has other nodes."""
    import copy
    import pickle

    from guidelint import yamlnodes

    doc = yamlnodes.load("a:\n  b: 1\nc: 2\n")
    first = doc.locate(("a", "b"))
    assert doc._index
    for other in (copy.deepcopy(doc), pickle.loads(pickle.dumps(doc)), copy.copy(doc)):
        assert other._index == {}
        place = other.locate(("a", "b"))
        assert (place.start, place.end) == (first.start, first.end)
