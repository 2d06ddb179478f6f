"""generation-artifact skips a pattern whose hint words are absent from the lowered text; it now
searches the lowered UTF-8 bytes instead of str.lower() of the text: the answer must be the same."""
from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from guidelint.policy import load as load_policy
from guidelint.rules import generation_artifact


def test_only_two_characters_that_are_not_ascii_lower_to_ascii() -> None:
    """The proof of _hint_finder rests on this (checked on this Python's Unicode tables)."""
    found = [chr(point) for point in range(0x80, sys.maxunicode + 1)
             if not 0xD800 <= point < 0xE000 and any(ord(c) < 0x80 for c in chr(point).lower())]
    assert tuple(found) == generation_artifact._LOWER_TO_ASCII


_HINTS = sorted({hint for artifact in load_policy().artifacts for hint in artifact.hints}
                | {"i", "k", "ki", "ik", "é", "straße", "σ", "ß", "i\u0307"})
_ALPHABET = "aAiIkKsS _-[]'’yYxX\u0130\u212a\u0307éÉßẞΣσς\u017f—\n" + "".join(sorted(set("".join(_HINTS))))


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet=_ALPHABET, max_size=8), st.sampled_from(_HINTS),
                          st.sampled_from([h.upper() for h in _HINTS])), max_size=8))
def test_the_hint_finder_answers_as_str_lower_does(pieces: list[str]) -> None:
    text = "".join(pieces)
    finder = generation_artifact._hint_finder(text, frozenset(_HINTS))
    lowered = text.lower()
    for hint in _HINTS:
        assert finder(hint) == (hint in lowered), (text, hint)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_the_hint_finder_answers_as_str_lower_does_on_any_text(text: str) -> None:
    finder = generation_artifact._hint_finder(text, frozenset(_HINTS))
    lowered = text.lower()
    for hint in _HINTS:
        assert finder(hint) == (hint in lowered), (text, hint)
