"""The mixed-apostrophes rule finds apostrophes with patterns that start with the apostrophe (a fast
scan) instead of a lookbehind (tried at every position): they must match exactly where the old ones did."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from guidelint.rules import mixed_apostrophes

# the patterns as they were written before (a lookbehind first)
_OLD_STRAIGHT = re.compile(r"(?<=\w)'(?=\w)")
_OLD_CURLY = re.compile(r"(?<=\w)\u2019(?=\w)")

# word and non-word characters of every kind that matters to \w: ASCII letters and digits, the
# underscore, accented and non-Latin letters, combining marks, digits of other scripts, spaces,
# punctuation, the two apostrophes and their look-alikes
_ALPHABET = "aZ09_ éÜñß—–“”‘’'`´…€ \n\t.-,\u0301\u0663\u4e2d\u0416\U0001d400\u00b2\u02bc"


def _starts(pattern: re.Pattern[str], text: str, pos: int) -> list[int]:
    return [match.start() for match in pattern.finditer(text, pos)]


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60), st.integers(min_value=0, max_value=70))
def test_new_patterns_match_where_the_old_ones_did(text: str, pos: int) -> None:
    assert _starts(mixed_apostrophes._STRAIGHT, text, pos) == _starts(_OLD_STRAIGHT, text, pos)
    assert _starts(mixed_apostrophes._CURLY, text, pos) == _starts(_OLD_CURLY, text, pos)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40), st.integers(min_value=0, max_value=50))
def test_new_patterns_match_where_the_old_ones_did_on_any_text(text: str, pos: int) -> None:
    assert _starts(mixed_apostrophes._STRAIGHT, text, pos) == _starts(_OLD_STRAIGHT, text, pos)
    assert _starts(mixed_apostrophes._CURLY, text, pos) == _starts(_OLD_CURLY, text, pos)


def test_the_patterns_match_between_word_characters_only() -> None:
    text = "the client's and the team’s, 'quoted' and ’quoted’ but l'été and Ñ’ñ"
    assert _starts(mixed_apostrophes._STRAIGHT, text, 0) == [10, 56]
    assert _starts(mixed_apostrophes._CURLY, text, 0) == [25, 66]
    assert _starts(mixed_apostrophes._STRAIGHT, text, 11) == [56]  # the search starts where asked

