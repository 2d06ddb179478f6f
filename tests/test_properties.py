"""Property-based tests: reading, parsing and fixing never raise, positions are inside the file,
and fixing twice equals fixing once, over arbitrary bytes and over mutations of the sample guides."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from guidelint.config import Config
from guidelint.engine import Linter
from guidelint.fixer import fix_source, signature
from guidelint.rules import REGISTRY
from guidelint.source import decode

from conftest import SAMPLES

LINTER = Linter(Config(select=("ALL",)))
GUIDES = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.md"))]
SNIPPETS = ["\n", "  ", "\t", "---\n", "#### 7. ", "- **Outcome:** ", "**", "\r\n", "1. ", "> ", "```\n",
            "’", "\ufeff", "tags: [a, a]\n", ": ", "&a ", "*a ", "<!-- x -->", "Continue with additional questions",
            # hostile values: YAML sets, NaN, complex keys, impossible dates, separators JSON and patch mind
            "tags: !!set {a, b}\n", "draft: .nan\n", "? a\n", "pubDate: 2025-13-45\n", "x: !!binary aGk=\n",
            "on: yes\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\r", "\xa0", "\u200b",
            "- [Insert results here]\n", "- TODO: write this\n", "[Insert Interval](https://x.y/z)", "`[YOUR-SITE]`",
            "<details>\n", "   ", "10. **Q?**\n   **Answer:**\n", "{a: [b, {c: d}]}", "\\", "\"", "'"]

# CI runs a few examples a test; GUIDELINT_PROPERTY_EXAMPLES=20000 runs the long search once.
settings.register_profile("guidelint", deadline=None,
                          max_examples=int(os.environ.get("GUIDELINT_PROPERTY_EXAMPLES", "60")),
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("guidelint")


def _check_positions(source, result) -> None:
    """Every finding starts and ends inside the file: a line that exists, a column at most one past
    that line's last character."""
    text = source.text
    lines = text.split("\n")
    for d in result.diagnostics:
        assert 1 <= d.line <= max(1, len(lines)), d
        assert 1 <= d.end_line <= max(1, len(lines)), d
        assert d.column >= 1 and (d.end_line, d.end_column) >= (d.line, d.column), d
        if text:
            assert d.column <= len(lines[d.line - 1]) + 1, d
            assert d.end_column <= len(lines[d.end_line - 1]) + 1, d


@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data) -> None:
    source = decode(data, "x.md")
    result = LINTER.lint_source(source)
    _check_positions(source, result)


@st.composite
def mutated_guides(draw):
    text = draw(st.sampled_from(GUIDES))
    for _ in range(draw(st.integers(0, 6))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if action == "insert":
            text = text[:position] + draw(st.sampled_from(SNIPPETS) | st.text(max_size=12)) + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 40)):]
        else:
            end = min(len(text), position + draw(st.integers(1, 200)))
            text = text[:end] + text[position:end] + text[end:]
    return text


@given(mutated_guides())
def test_mutated_guides_lint_and_fix_idempotently(text) -> None:
    source = decode(text.encode("utf-8", "surrogatepass"), "guide.md")
    result = LINTER.lint_source(source)
    _check_positions(source, result)
    once = fix_source(LINTER, source, unsafe=True)
    if not once.converged:
        assert once.text == source.text
        return
    twice = fix_source(LINTER, decode(once.to_bytes(), "guide.md"), unsafe=True)
    assert twice.to_bytes() == once.to_bytes()  # the file, as --fix writes it (a BOM may move into the text)
    # what no applied fix declares it changes stays (generation-artifact may delete an answer item or a
    # heading that is wholly an artifact line; answer-indentation gives a question back its answer)
    declared = {aspect for code, _ in once.applied for aspect in REGISTRY[code].changes}
    if once.changed and once.refused == [] and not any(code == "GL203" for code, _ in once.applied):
        before, after = signature(result.document), signature(LINTER.lint_source(
            decode(once.to_bytes(), "guide.md")).document)
        for aspect in {"questions", "headings"} - declared:
            assert after[aspect] == before[aspect]


@given(st.lists(st.sampled_from(SNIPPETS + ["text", "## H\n", "#### 1. Q?\n"]), max_size=40))
# found by the 20,000-example run: a deleted first line left U+FEFF first, which is a BOM once written
@example(["Continue with additional questions", "\n", "\ufeff", "\n", "- [Insert results here]\n", "---\n"])
def test_generated_guides_fix_idempotently(parts) -> None:
    text = "".join(parts)
    source = decode(text.encode("utf-8", "surrogatepass"), "g.md")
    once = fix_source(LINTER, source, unsafe=True)
    twice = fix_source(LINTER, decode(once.to_bytes(), "g.md"), unsafe=True)
    assert twice.to_bytes() == once.to_bytes()  # the file, as --fix writes it (a BOM may move into the text)


def _strict(text: str) -> object:
    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    assert not any(mark in text for mark in ("\u2028", "\u2029", "\x85")), "a raw line separator"
    return json.loads(text, parse_constant=refuse)


_EXPORT_FOLDER = Path(tempfile.mkdtemp(prefix="guidelint-properties-"))


@given(mutated_guides(), st.booleans())
def test_mutated_guides_export_strict_json(text, keep_markdown) -> None:
    from guidelint.export import ExportOptions, export_one, question_records
    from guidelint.jsontext import indented, line

    path = _EXPORT_FOLDER / "guide.md"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    for encode in (True, False):
        outcome = export_one(LINTER, str(path), ExportOptions(keep_markdown=keep_markdown, include_invalid=True,
                                                               encode=encode))
        if not outcome.exported:
            continue
        if outcome.encoded is not None:
            assert len(outcome.encoded.splitlines()) == 1
            record = _strict(outcome.encoded)
        else:
            record = outcome.record
            assert _strict(line(record)) == _strict(indented(record))
            for question in question_records(record):
                _strict(line(question))
        assert isinstance(record, dict) and record["unit"] == "guide"
