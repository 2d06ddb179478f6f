"""Leftover generator or editor instructions: "Continue with additional questions...", "[Insert ...]",
"As an AI language model", TODO, lorem ipsum.

Why: these lines were never meant for readers and are embarrassing once published. The phrases are
rules data (rules/artifacts.yaml), so a team can add its own. Code blocks, code spans, HTML blocks,
link text and image text are not prose: `[Insert Interval](https://…)` links a practice problem,
`` `https://[YOUR-SITE]/graphql` `` is an example, and neither is reported.

Bad:
    Continue with additional questions and answers, maintaining the same level of detail.
Good:
    (the line removed, or the questions actually written)

Also: chat-interface leftovers (citation tokens such as `oaicite` or `turn0search`, even inside
links, and `utm_source=chatgpt.com`), chat replies ("Would you like me to...", "I hope this helps",
"As of my last update"), truncation markers, unfilled dates (`YYYY-xx-xx`), zero-width characters,
and front matter values that were never filled in (`TBD`, `N/A`, `Lorem ipsum`...). The patterns
and placeholder values are listed below this text by `guidelint explain`.

Options: none (the patterns are rules data).
Fix (unsafe): deletes the line. Unsafe because the line may hold real text beside the artifact. No fix
for citation tokens, zero-width characters and front matter values (the line is real text).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator

import ahocorasick_rs

from ..diagnostics import Edit, Finding, Fix, Severity
from ..model import Document
from ..policy import Artifact, Policy
from ._helpers import in_code, verbatim_span
from .base import Context, Rule


def _in_mdx_comment(text: str, offset: int) -> bool:
    """Inside an MDX comment (`{/* ... */}`), which the page never shows, like an HTML comment."""
    opened = text.rfind("{/*", 0, offset)
    return opened != -1 and text.rfind("*/}", opened, offset) == -1


def _is_prose(document: Document, match: re.Match[str]) -> bool:
    if in_code(document, match.start()) or document.not_prose.holds(match.start()):
        return False
    if _in_mdx_comment(document.text, match.end() - 1):  # (a match may start before the comment opens)
        return False
    # a bracket followed by "(" or "[" is a link's text (inside emphasis the model keeps no link item)
    text = document.text
    return not (match.group().endswith("]") and text[match.end():match.end() + 1] in ("(", "["))


def check(document: Document, context: Context) -> Iterator[Finding]:
    yield from _front_matter_placeholders(document, context.policy.placeholder_values)
    text = document.text
    reported: set[int] = set()  # line starts: one finding per line, the first pattern that matches
    hits = []
    has_hint = _hint_finder(text, _hints_of(context.policy.artifacts))  # to skip patterns whose hints are absent
    for artifact in context.policy.artifacts:
        if artifact.hints and not any(has_hint(hint) for hint in artifact.hints):
            continue
        characters = _class_characters(artifact.pattern)
        if characters is not None and not any(character in text for character in characters):
            continue  # (a scan for one character is a memchr; the pattern's is a step a character)
        for match in artifact.pattern.finditer(text, document.body_start):
            line_start = text.rfind("\n", 0, match.start()) + 1
            if line_start in reported:
                continue
            if artifact.anywhere:  # links and code spans too; code blocks still not (HTML blocks are text)
                span = verbatim_span(document, match.start())
                prose = span is None or span in document.html_spans
            else:
                prose = _is_prose(document, match)
            if prose:
                reported.add(line_start)
                hits.append((line_start, match, artifact))
    for line_start, match, artifact in sorted(hits, key=lambda hit: hit[0]):
        end = text.find("\n", line_start)
        end = len(text) if end == -1 else end + 1
        shown = text[line_start:end].strip()
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        fix = Fix("delete the line", (Edit(line_start, end, ""),), safe=False) if artifact.fix else None
        yield Finding(f"{artifact.message}: {shown!r}", match.start(), match.end(), fix)


# A pattern that is one class of characters written out (`[\u200b\u2060]`), without flags that widen it
_CLASS = re.compile(r"\[((?:\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|[^\\\[\]^-])+)\]")
_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2})")


@functools.lru_cache(maxsize=64)
def _class_characters(pattern: re.Pattern[str]) -> str | None:
    """The characters a pattern matches when it is one class of characters written out (it then
    matches exactly where one of them is), else None."""
    written = _CLASS.fullmatch(pattern.pattern)
    if written is None or pattern.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    return _ESCAPE.sub(lambda escape: chr(int(escape.group()[2:], 16)), written.group(1))


# The only characters that are not ASCII whose lower case holds an ASCII letter: "İ" -> "i̇", "K" (the
# Kelvin sign) -> "k" (tests/test_hint_search.py checks this against every code point).
_LOWER_TO_ASCII = ("\u0130", "\u212a")


def _hint_finder(text: str, hints: frozenset[str]) -> Callable[[str], bool]:
    """`finder(hint)` says whether `hint in text.lower()` (at once for the hints given, found beforehand).

    The ASCII hints of two characters or more are found in one Aho-Corasick pass over the text
    (ahocorasick-rs: Rust, ~1.5 ns a byte, where pyahocorasick took ~6 a character and 27 scans more)
    instead of one scan each; a hint of one character is a memchr with `in`. The text searched is the
    lowered UTF-8 bytes: lowering a text that is not ASCII takes str.lower's Unicode path for every
    character (~0.8 M instructions a guide), bytes.lower lowers the ASCII letters only, in a table. The
    same answer: in the UTF-8, every character that is not ASCII is bytes >= 0x80, and its lower case
    in the text is not ASCII either (but for the two in _LOWER_TO_ASCII: then the text is lowered as
    str first), so an ASCII hint meets the same ASCII characters, in the same runs, in both. A hint that
    is not ASCII is looked for in str.lower() of the text, made on first need only."""
    automaton, by_index, searched_hints = _automaton(hints)
    if any(character in text for character in _LOWER_TO_ASCII):
        lowered: str | None = text.lower()
        searched = lowered.encode("utf-8")
    else:
        searched = text.encode("utf-8").lower()
        lowered = None
    found: set[str] = set()
    if automaton is not None:
        # A window at a time, each reaching the longest hint's length less one into the next (a hint
        # across the edge is in one of them), until every hint is found: the matches of one window are a
        # list (a huge file of "todo" would make millions at once).
        reach = max(map(len, by_index)) - 1
        view = memoryview(searched)
        for start in range(0, max(1, len(searched) - reach), _WINDOW):
            matches = automaton.find_matches_as_indexes(view[start:start + _WINDOW + reach], True)
            found.update([by_index[index] for index, _, _ in matches])
            if len(found) == len(by_index):
                break

    def finder(hint: str) -> bool:
        nonlocal lowered
        if hint in found:
            return True
        if hint.isascii():  # (the same answer in `searched` as in the lowered text, as above)
            return hint not in searched_hints and hint.encode("ascii") in searched
        if lowered is None:
            lowered = text.lower()
        return hint in lowered

    return finder


_WINDOW = 1 << 16  # bytes searched at a time (a guide is one window)


@functools.lru_cache(maxsize=8)
def _automaton(hints: frozenset[str]) -> tuple[ahocorasick_rs.BytesAhoCorasick | None, tuple[str, ...], frozenset[str]]:
    """The automaton of the ASCII hints of two characters or more, those hints by pattern index, and
    as a set."""
    searched = tuple(sorted(hint for hint in hints if hint.isascii() and len(hint) > 1))
    if not searched:
        return None, searched, frozenset()
    return ahocorasick_rs.BytesAhoCorasick([hint.encode("ascii") for hint in searched]), searched, frozenset(searched)


_HINTS_OF: list[tuple[tuple[Artifact, ...], frozenset[str]]] = []  # the last policy's, by identity


def _hints_of(artifacts: tuple[Artifact, ...]) -> frozenset[str]:
    """Every hint of the artifacts (kept for the last tuple seen: hashing the patterns costs more)."""
    if not _HINTS_OF or _HINTS_OF[0][0] is not artifacts:
        _HINTS_OF[:] = [(artifacts, frozenset(hint for artifact in artifacts for hint in artifact.hints))]
    return _HINTS_OF[0][1]


def _front_matter_placeholders(document: Document, placeholders: frozenset[str]) -> Iterator[Finding]:
    """String values of the front matter that were never filled in ("TBD", "N/A", "Lorem ipsum ...")."""
    front = document.front_matter
    data = document.metadata
    if front is None or not data or not placeholders:
        return
    firsts = _first_characters(placeholders)
    stack: list[tuple[tuple[object, ...], object]] = [((key,), value) for key, value in data.items()]
    found = []
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*path, key), item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, index), item) for index, item in enumerate(value))
        elif isinstance(value, str) and value.lstrip()[:1].lower()[:1] in firsts:
            # (the first character of `folded`, from the first one of the value: most values stop here)
            folded = " ".join(value.split()).lower()
            if folded in placeholders or folded.startswith("lorem ipsum"):
                place = front.locate(path, key=False)
                if place is not None:
                    name = ".".join(str(part) for part in path)
                    found.append(Finding(f"placeholder value in front matter: {name} is {value.strip()!r}",
                                         place.start, place.end))
    yield from sorted(found, key=lambda finding: finding.start)


@functools.lru_cache(maxsize=8)
def _first_characters(placeholders: frozenset[str]) -> frozenset[str]:
    """What a placeholder value (or "lorem ipsum ...") can start with, lowered: "" for a blank one."""
    return frozenset(placeholder[:1] for placeholder in placeholders) | {"l"}


def explain_data(policy: Policy) -> str:
    lines = ["Patterns (rules data, artifacts.yaml):"]
    for artifact in policy.artifacts:
        where = "anywhere but code blocks" if artifact.anywhere else "prose"
        lines.append(f"  {artifact.message} [{where}{'' if artifact.fix else ', no fix'}]: {artifact.pattern.pattern}")
    lines.append("Front matter placeholder values: " + ", ".join(sorted(policy.placeholder_values)))
    return "\n".join(lines)


RULE = Rule(code="GL203", slug="generation-artifact", severity=Severity.ERROR, check=check, doc=__doc__,
            fix="unsafe", changes=frozenset({"sections", "after", "question-other"}), deletes=True,
            explain_data=explain_data)
