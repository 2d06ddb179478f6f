"""generation-artifact finds its hint words in one Aho-Corasick pass (ahocorasick-rs) over the folded
text: the answer must be `hint in text.lower()` for every hint, as the plain scans gave."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from guidelint.policy import load as load_policy
from guidelint.rules import generation_artifact

_POLICY_HINTS = frozenset(hint for artifact in load_policy().artifacts for hint in artifact.hints)
# overlapping and nested hints, one of one character, ones that are not ASCII, and the two characters
# that are not ASCII but lower to ASCII letters ("İ" -> "i̇", the Kelvin sign -> "k")
_HINTS = frozenset(_POLICY_HINTS | {"ab", "abc", "bc", "b", "aa", "aaa", "ki", "ik", "i\u0307", "é", "straße", "σ"})
_PIECES = sorted(_HINTS) + sorted(hint.upper() for hint in _HINTS) + [
    "\u0130", "\u212a", "\u0307", "É", "ẞ", "Σ", "ς", "ſ", "—", "’", "\n", " ", "re", "RE", "a", "A", "\U0001f600"]


def _check(text: str, hints: frozenset[str]) -> None:
    finder = generation_artifact._hint_finder(text, hints)
    lowered = text.lower()
    for hint in sorted(_HINTS | {"k", "i", "[", "xyz"}):  # (hints not given are answered too)
        assert finder(hint) == (hint in lowered), (text, hint)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=4)), max_size=12))
def test_the_automaton_answers_as_str_lower_does(pieces: list[str]) -> None:
    _check("".join(pieces), _HINTS)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.sampled_from(sorted(_HINTS)), st.booleans())
def test_a_hint_at_either_edge_of_the_text(middle: str, hint: str, upper: bool) -> None:
    written = hint.upper() if upper else hint
    for text in (written + middle, middle + written, written, written + middle + written):
        _check(text, _HINTS)


def test_every_hint_present_and_the_search_stopping_early() -> None:
    text = "é " + " ".join(sorted(_POLICY_HINTS)).upper() + " \u212a"
    finder = generation_artifact._hint_finder(text, _POLICY_HINTS)
    assert all(finder(hint) for hint in _POLICY_HINTS)
    assert not finder("absent") and not finder("zq")


def test_a_hint_inside_a_longer_word_and_none_given() -> None:
    finder = generation_artifact._hint_finder("Return the TODOs — ensure it", frozenset({"turn", "todo", "sure"}))
    assert finder("turn") and finder("todo") and finder("sure") and not finder("tbd")
    nothing = generation_artifact._hint_finder("Return", frozenset())
    assert nothing("turn") and not nothing("todo")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=4)), max_size=30), st.integers(1, 9))
def test_windows_of_any_size_find_what_one_pass_finds(pieces: list[str], window: int) -> None:
    """The text is searched a window at a time (a hint may straddle two windows, or end the text)."""
    saved = generation_artifact._WINDOW
    generation_artifact._WINDOW = window
    try:
        _check("".join(pieces), _HINTS)
    finally:
        generation_artifact._WINDOW = saved


def test_a_huge_text_of_hints_is_searched_a_window_at_a_time() -> None:
    text = "todo " * 200_000 + "x" * 70_000 + "Lorem Ipsum"  # (17 windows; the last hint in the last)
    finder = generation_artifact._hint_finder(text, frozenset({"todo", "lorem ipsum", "fixme"}))
    assert finder("todo") and finder("lorem ipsum") and not finder("fixme")
