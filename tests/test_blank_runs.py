"""trailing-whitespace finds runs of blanks with a pattern that starts with a blank (a fast scan)
instead of a lookbehind (tried at every position): it must match exactly where the old one did."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from guidelint.rules import trailing_whitespace

_OLD = re.compile(r"(?<![ \t\xa0])[ \t\xa0]+(?=\r?\n|\Z)")  # as it was written before


def _spans(pattern: re.Pattern[str], text: str, pos: int) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text, pos)]


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=" \t\xa0\r\nab\u2003\x0b", max_size=40), st.integers(min_value=0, max_value=45))
def test_the_new_pattern_matches_where_the_old_one_did(text: str, pos: int) -> None:
    assert _spans(trailing_whitespace._TRAILING, text, pos) == _spans(_OLD, text, pos)


def test_runs_are_matched_whole_from_their_first_blank() -> None:
    text = " a  \nb\t\xa0\r\nc \td\n  \n \xa0"
    assert _spans(trailing_whitespace._TRAILING, text, 0) == [(2, 4), (6, 8), (15, 17), (18, 20)]
    assert _spans(trailing_whitespace._TRAILING, text, 3) == [(6, 8), (15, 17), (18, 20)]  # not from inside a run
