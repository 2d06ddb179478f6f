"""json_problems answers plain front matter from one quick walk: it says nothing only where the full
walk (paths and messages) says nothing, and always gives what the full walk gives."""
from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings, strategies as st

from guidelint import yamlnodes

_LEAVES = st.one_of(
    st.text(max_size=5), st.booleans(), st.none(), st.integers(min_value=-(10**6), max_value=10**6),
    st.just(10**4001), st.just(-(10**4001)), st.floats(allow_nan=True, allow_infinity=True),
    st.dates(), st.datetimes(), st.just(b"\x00bin"), st.frozensets(st.integers(0, 3), max_size=3).map(set),
)
_KEYS = st.one_of(st.text(max_size=3), st.integers(0, 3), st.booleans(), st.none(), st.floats(), st.dates())
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.lists(inner, max_size=3).map(tuple),
                            st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=20)


@settings(max_examples=600, deadline=None)
@given(_VALUES)
def test_json_problems_is_the_full_walk(value: Any) -> None:
    walked = yamlnodes._json_problems_walk(value, ())
    assert yamlnodes.json_problems(value) == walked
    if yamlnodes._plainly_json(value):
        assert walked == []


def test_plain_front_matter_takes_the_quick_walk() -> None:
    data = {"title": "T", "tags": ["a", "b"], "pubDate": dt.date(2025, 2, 4), "draft": False, "n": 3,
            "ratio": 0.5, "image": {"url": "/x.png", "alt": None}}
    assert yamlnodes._plainly_json(data)
    assert yamlnodes.json_problems(data) == []


def test_what_the_quick_walk_leaves_to_the_full_one() -> None:
    assert not yamlnodes._plainly_json({1: "a", "1": "b"})
    assert yamlnodes.json_problems({1: "a", "1": "b"}) == [
        (("1",), "key '1' and key 1 are the same JSON key \"1\"; only the later value is kept")]
    assert yamlnodes.json_problems({"x": [float("nan")]}) == [
        (("x", 0), ".nan is not a JSON number (JSON has no NaN or infinity); it is exported as null")]
    assert not yamlnodes._plainly_json({"s": {1, 2}})
    assert not yamlnodes._plainly_json(["a", 10**4001])
    assert not yamlnodes._plainly_json(("a",))
