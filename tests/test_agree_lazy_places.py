"""_agree_with_python_loader reads the scalars' places only when it needs them: load refuses and
accepts what it did when it sorted every scalar's (start, end, style, value) first."""
from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from guidelint import yamlnodes


def _before(nodes: list[Any], text: str) -> None:
    """The check as it was, over every scalar's place, sorted."""
    scalars = sorted((node.start_mark.index, node.end_mark.index, node.style or None, node.value)
                     for node in nodes)
    for start, end, style, value in scalars:
        if style == '"' and yamlnodes._SURROGATE.search(value) is not None:
            found = yamlnodes._SURROGATE_ESCAPE.search(text, start, end)
            raise yamlnodes.YamlProblem("found invalid Unicode character escape code (while parsing a quoted "
                                        "scalar)", found.start() + 2 if found else start)
    tab = text.find("\t")
    if tab != -1:
        yamlnodes._refuse_tabs(text, tab, scalars)  # (unchanged: the same scan, given the sorted places)


def _outcome(text: str) -> Any:
    try:
        doc = yamlnodes.load(text)
    except yamlnodes.YamlProblem as problem:
        return ("refused", problem.message, problem.offset)
    return ("loaded", repr(doc.data))


_SCALARS = st.sampled_from(['"a\\ud800b"', '"\\udc00"', '"ok"', '"é\\u00e9"', "'x'", "plain", "a\tb",
                            '"t\tab"', "'t\tq'", "1", "# c\t", "|\n  block\tx", "\"\\U0000d900\""])
_KEYS = st.sampled_from(["k", "k2", '"q"', "k\t"])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(_KEYS, _SCALARS, st.sampled_from(["", " # note", "\t# n"])), min_size=1, max_size=6))
def test_load_refuses_what_it_refused(entries: list[tuple[str, str, str]]) -> None:
    text = "".join(f"{key}: {value}{comment}\n" for key, value, comment in entries)
    now = _outcome(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yamlnodes, "_agree_with_python_loader", _before)
        before = _outcome(text)
    assert now == before


def test_the_first_surrogate_in_the_text_is_reported() -> None:
    text = 'a: "x\\ud800"\nb: "\\udc00"\n'
    assert _outcome(text) == ("refused", "found invalid Unicode character escape code (while parsing a quoted "
                              "scalar)", 7)
