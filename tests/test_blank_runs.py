"""trailing-whitespace finds the runs of blanks that end a line by jumping from line break to line break
(`_trailing_runs`) instead of with a pattern that starts an attempt at every blank: it must find exactly
the runs that pattern matched (kept here as the definition), with their lines' starts."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from guidelint.rules import trailing_whitespace

_DEFINITION = re.compile(r"(?<![ \t\xa0])[ \t\xa0]+(?=\r?\n|\Z)")  # as it was written first


def _expected(text: str) -> list[tuple[int, int, int]]:
    return [(text.rfind("\n", 0, match.start()) + 1, *match.span()) for match in _DEFINITION.finditer(text)]


@settings(max_examples=5000, deadline=None)
@given(st.text(alphabet=" \t\xa0\r\nab\u2003\x0b\x0c\u2028\x85", max_size=40))
def test_the_runs_are_the_matches_of_the_definition(text: str) -> None:
    assert list(trailing_whitespace._trailing_runs(text)) == _expected(text)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_the_runs_are_the_matches_of_the_definition_on_any_text(text: str) -> None:
    assert list(trailing_whitespace._trailing_runs(text)) == _expected(text)


def test_runs_are_found_whole_from_their_first_blank() -> None:
    text = " a  \nb\t\xa0\r\nc \td\n  \n \xa0"
    assert list(trailing_whitespace._trailing_runs(text)) == [(0, 2, 4), (5, 6, 8), (15, 15, 17), (18, 18, 20)]
    assert list(trailing_whitespace._trailing_runs("\r\n \r\n\r \n x\r\r\n \r")) == [(2, 2, 3), (5, 6, 7)]
