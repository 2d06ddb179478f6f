"""Shortcuts rules take to skip work must not change a finding:

- generation-artifact skips a pattern that is one class of characters written out (the zero-width one)
  when none of its characters is in the text (a memchr each, where the pattern steps a character at a
  time);
- trailing-whitespace walks the YAML nodes (to find blanks a scalar keeps) only when the front matter
  holds a "|" or ">" (a block scalar may be there) or the blanks follow a backslash;
- final-newline takes "\\n" as the file's line ending when it holds no "\\r" (what Source.newline says);
- yaml-version-ambiguity passes over a plain string that no core-schema pattern can start with;
- mixed-apostrophes leaves out apostrophes in code by the bisect of in_code, inlined."""
from __future__ import annotations

import re
import warnings

from hypothesis import given, settings
from hypothesis import strategies as st

from guidelint.config import Config
from guidelint.engine import Linter
from guidelint.policy import load as load_policy
from guidelint.rules import generation_artifact, mixed_apostrophes, trailing_whitespace, yaml_version_ambiguity
from guidelint.rules._helpers import in_code

_ITEMS = ["a", "b", "-", "^", "]", "[", "\\", "\\u200b", "\\u2060", "\\x41", "\\xe9", "\\w", "\\d", "é", "\u200b",
          " ", ".", "|", "(?i)", "{", "K", "k"]
_CHARACTERS = "abAB-^][\\\u200b\u2060\u200céÉ .|{kK\u212a_0\n"


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_ITEMS), max_size=5), st.sampled_from(["", "(?i)", "(?x)"]),
       st.sampled_from([("[", "]"), ("[^", "]"), ("", "")]))
def test_class_characters_are_the_characters_the_pattern_matches(items: list[str], flags: str,
                                                                   brackets: tuple[str, str]) -> None:
    source = flags + brackets[0] + "".join(items) + brackets[1]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # "possible set union": "||" and "[[" in a class
            pattern = re.compile(source, re.MULTILINE)
    except re.error:
        return
    characters = generation_artifact._class_characters(pattern)
    if characters is not None:
        for character in _CHARACTERS:
            assert (pattern.fullmatch(character) is not None) == (character in characters), (source, character)
        assert pattern.fullmatch("") is None and pattern.fullmatch("aa") is None


def test_the_zero_width_pattern_is_recognised() -> None:
    zero_width = [artifact for artifact in load_policy().artifacts if artifact.message == "zero-width character"]
    assert [generation_artifact._class_characters(artifact.pattern) for artifact in zero_width] == ["\u200b\u2060"]


_PIECES = ["text", " ", "\n", "\u200b", "\u2060", "`", "```\n", "[", "](x)", "\u200c", "TODO:", "é", "# H\n"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25))
def test_generation_artifact_finds_the_same_without_the_shortcut(pieces: list[str]) -> None:
    linter = Linter(Config())
    document = linter.build(linter.source_of_text("---\ntitle: x\n---\n" + "".join(pieces)))
    rule, context = next((rule, context) for rule, context in linter.rules if rule.code == "GL203")
    found = list(rule.check(document, context))
    generation_artifact._class_characters.cache_clear()
    original = generation_artifact._class_characters
    generation_artifact._class_characters = lambda pattern: None  # every pattern scanned
    try:
        assert list(rule.check(document, context)) == found
    finally:
        generation_artifact._class_characters = original


_FRONT_PIECES = ["key: ", "value", " ", "\t", "\n", '"', "\\", "|", ">", "- ", "  ", "'", "a: |\n  x", "b: >-\n  y",
                 'c: "p \\', "#"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_FRONT_PIECES), max_size=14), st.text(alphabet=" \t\xa0", min_size=1, max_size=3))
def test_blanks_a_scalar_keeps_need_a_block_indicator_or_a_backslash(pieces: list[str], blanks: str) -> None:
    linter = Linter(Config())
    front = "".join(pieces)
    document = linter.build(linter.source_of_text(f"---\n{front}{blanks}\nend: x\n---\nbody\n"))
    text, body_start = document.text, document.body_start
    if document.front_matter is None or document.front_matter.doc is None:
        return
    spans = trailing_whitespace._value_spans(document)
    for _, start, _ in trailing_whitespace._trailing_runs(text):
        if start < body_start and trailing_whitespace._holder(spans, start, text) is not None:
            assert "|" in text[:body_start] or ">" in text[:body_start] or text[start - 1] == "\\"


def test_a_missing_final_newline_is_added_in_the_files_line_ending() -> None:
    linter = Linter(Config())
    for text, newline in (("# A\r\n\r\nb", "\r\n"), ("# A\n\nb", "\n"), ("# A\r\nb\nc\nd", "\n"), ("a\rb", "\n")):
        document = linter.build(linter.source_of_text(text))
        rule, context = next((rule, context) for rule, context in linter.rules if rule.code == "GL003")
        [finding] = list(rule.check(document, context))
        assert finding.fix is not None and finding.fix.edits[0].replacement == newline == document.source.newline


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="nN~tTfF-+.0123456789oxXeEaAiIlLsSuU \u0663é_", max_size=8))
def test_a_text_no_core_pattern_can_start_is_a_string_under_the_core_schema(text: str) -> None:
    if text and text[0] not in yaml_version_ambiguity._CORE_FIRST:
        assert yaml_version_ambiguity.core_reading(text) is text
    assert {character for character in "nN~tTfF-+.0123456789"} == set(yaml_version_ambiguity._CORE_FIRST)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a'b", "c\u2019d", "```\n", "x'y\n", "<div>\n", "</div>\n", "\n", "    e'f\n",
                                 "`g'h`", "i\u2019j\n\n"]), max_size=20))
def test_mixed_apostrophes_leaves_out_what_in_code_leaves_out(pieces: list[str]) -> None:
    linter = Linter(Config())
    document = linter.build(linter.source_of_text("".join(pieces)))
    offsets = list(range(len(document.text) + 1))
    assert mixed_apostrophes._outside_code(document, offsets) == [
        offset for offset in offsets if not in_code(document, offset)]


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=" \t\n\u2003\x85lLtTnN\u0130\u212a\u03a3\u03c3ß·ab", max_size=8))
def test_a_placeholder_value_is_first_told_by_its_first_character(value: str) -> None:
    """generation-artifact folds a front matter value only when its first character can start one."""
    folded = " ".join(value.split()).lower()
    assert value.lstrip()[:1].lower()[:1] == folded[:1]
