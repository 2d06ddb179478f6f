"""--fix under real conditions: one refused fix does not block the others, a finding promises only the
fix --fix will make, deletions the fix means are allowed, and NaN in front matter compares equal."""
from __future__ import annotations

import dataclasses
import os

import pytest
from click.testing import CliRunner

from guidelint.cli import main
from guidelint.config import Config
from guidelint.diagnostics import Edit, Finding, Fix
from guidelint.engine import Linter
from guidelint.fixer import fix_source, guard
from guidelint.rules import REGISTRY
from guidelint.source import decode

from conftest import SAMPLES

GUIDE = (SAMPLES / "variant-a-customer-success-manager.md").read_text(encoding="utf-8")
BEST = "     - Agree on what success means before any configuration starts.\n"
assert BEST in GUIDE


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write(tmp_path, text: str, name: str = "guide.md"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


# --- a fix whose removal would change a value is not offered; the others still apply --------------------

BLOCK = GUIDE.replace("---\n", "---\nnotes: |\n  kept as written   \n  second line\n", 1).replace(
    "### Overview of Qualifications\n", "### Overview of Qualifications  \n", 1)


def test_trailing_space_in_a_yaml_block_scalar_is_reported_without_a_fix(tmp_path) -> None:
    path = write(tmp_path, BLOCK)
    result = invoke("check", "--select", "trailing-whitespace", str(path))
    shown = os.path.relpath(path)
    assert result.stdout == (
        f"{shown}:3:18: GL002 [trailing-whitespace] trailing whitespace (3 characters) inside a YAML block "
        "scalar: part of the value, not fixed\n"
        f"{shown}:23:31: GL002 [trailing-whitespace] trailing whitespace (2 characters) [*]\n"
        "Found 2 findings (2 warnings) in 1 file checked. 1 fixable with --fix.\n")


def test_fix_leaves_the_block_scalar_and_fixes_the_rest(tmp_path) -> None:
    path = write(tmp_path, BLOCK)
    result = invoke("check", "--fix", "--select", "trailing-whitespace", str(path))
    assert result.stderr == ""  # nothing was refused: nothing was offered that the guard would refuse
    assert path.read_text(encoding="utf-8") == BLOCK.replace("Qualifications  \n", "Qualifications\n")
    assert result.stdout.endswith("Found 1 finding (1 warning) in 1 file checked. Fixed 1 finding.\n")


def test_escaped_blank_in_a_double_quoted_string_is_not_fixed(linter) -> None:
    text = ('---\nterm: "Kept\\ \n  apart"\nother: "folded  \n  away"\nthird: "slash\\\\ \n  x"\n---\n\n'
            "Body\n")
    found = [(d.line, d.fix is not None) for d in linter.lint_text(text).diagnostics if d.code == "GL002"]
    assert found == [(2, False), (4, True), (6, True)]  # `\ ` before a line break is a space of the value


def test_blank_after_a_markdown_backslash_is_not_fixed(linter) -> None:
    """Deleting it would turn a backslash at the end of the line into a hard line break: the backslash is gone."""
    text = "# T\n\nA line\\ \nnext line.\n\nEscaped\\\\ \nplain.\n"
    found = [(d.line, d.message, d.fix is not None) for d in linter.lint_text(text).diagnostics if d.code == "GL002"]
    assert found == [(3, "trailing whitespace (1 character) after a backslash: deleting it would make the "
                         "backslash a line break, not fixed", False),
                     (6, "trailing whitespace (1 character)", True)]


def _with_check(monkeypatch, code: str, check) -> None:
    monkeypatch.setitem(REGISTRY, code, dataclasses.replace(REGISTRY[code], check=check))


def test_one_refused_fix_does_not_block_the_others(monkeypatch, tmp_path) -> None:
    """A rule with two good fixes and one that would eat part of an answer: the bad one is refused,
    named with its line, keeps no fix in the report, and the two others are written."""
    original = REGISTRY["GL002"].check
    text = GUIDE.replace("calm under pressure.\n", "calm under pressure.   \n", 1).replace(BEST, BEST[:-1] + "   \n")
    bad_at = text.index("Review progress weekly")

    def with_a_bad_fix(document, context):
        yield from original(document, context)
        at = document.text.find("Review progress weekly")
        if at != -1:
            yield Finding("bad", at, at, Fix("oops", (Edit(at, at + 7, ""),)))

    _with_check(monkeypatch, "GL002", with_a_bad_fix)
    path = write(tmp_path, text)
    result = invoke("check", "--fix", "--select", "GL002", str(path))
    line = text.count("\n", 0, bad_at) + 1
    shown = os.path.relpath(path)
    assert result.stderr == f"{shown}: fix refused: line {line}: trailing-whitespace: its fix would change questions\n"
    assert path.read_text(encoding="utf-8") == GUIDE  # the two trailing-whitespace fixes were made
    assert result.stdout == (f"{shown}:{line}:8: GL002 [trailing-whitespace] bad\n"  # no [*]
                             "Found 1 finding (1 warning) in 1 file checked. Fixed 2 findings.\n")


def test_fix_source_drops_the_fix_of_a_refused_finding(monkeypatch) -> None:
    def bad(document, context):
        at = document.text.find("Review progress weekly")
        yield Finding("bad", at, at, Fix("oops", (Edit(at, at + 7, "X"),)))

    _with_check(monkeypatch, "GL002", bad)
    result = fix_source(Linter(Config(select=("GL002",))), decode(GUIDE.encode(), "g.md"))
    assert result.text == GUIDE and not result.changed
    assert [(d.message, d.fix) for d in result.remaining] == [("bad", None)]
    assert result.refused == [f"line {GUIDE.count(chr(10), 0, GUIDE.index('Review progress')) + 1}: "
                              "trailing-whitespace: its fix would change questions"]


# --- a deletion the fix declares is what it means; anything else is still refused -----------------------

ARTIFACTS = GUIDE.replace(BEST, BEST + "     - TODO: write this\n     - [Insert results here]\n", 1)


def test_artifact_items_inside_an_answer_are_deleted(tmp_path) -> None:
    path = write(tmp_path, ARTIFACTS)
    result = invoke("check", "--fix", "--unsafe-fixes", str(path))
    assert result.stderr == ""
    assert path.read_text(encoding="utf-8") == GUIDE
    assert result.stdout == "All checks passed: 1 file checked. Fixed 2 findings.\n"


@pytest.mark.parametrize("replacement, extra", [
    ("", ("Review progress weekly", 7, "")),  # deletes the item and, elsewhere, a word of another entry
    ("     - A real practice.\n", None),  # "deletes" the item by writing another one in its place
    ("", ("Overview of ", 12, "")),  # deletes the item and a word of a heading
])
def test_a_deleting_fix_that_changes_anything_else_is_refused(monkeypatch, replacement, extra) -> None:
    def sloppy(document, context):
        text = document.text
        at = text.find("     - TODO: write this\n")
        if at == -1:
            return
        edits = [Edit(at, at + len("     - TODO: write this\n"), replacement)]
        if extra is not None:
            where = text.index(extra[0])
            edits.append(Edit(where, where + extra[1], extra[2]))
        yield Finding("artifact", at, at, Fix("delete the line", tuple(edits), safe=False))

    _with_check(monkeypatch, "GL203", sloppy)
    result = fix_source(Linter(Config(select=("GL203",))), decode(ARTIFACTS.encode(), "g.md"), unsafe=True)
    assert result.text == ARTIFACTS
    assert len(result.refused) == 1
    assert result.refused[0] == ("line 41: generation-artifact: its fix would change "
                                 + ("headings" if extra and extra[0].startswith("Overview") else "questions"))


# --- NaN and infinities in front matter ---------------------------------------------------------------

NAN = GUIDE.replace("---\n", "---\ndraft: .nan\nweight: -.inf\n", 1).replace(
    "### Overview of Qualifications\n", "### Overview of Qualifications  \n", 1)


def test_nan_in_front_matter_does_not_refuse_every_fix(tmp_path) -> None:
    path = write(tmp_path, NAN)
    result = invoke("check", "--fix", "--select", "trailing-whitespace", str(path))
    assert result.stderr == ""
    assert path.read_text(encoding="utf-8") == NAN.replace("Qualifications  \n", "Qualifications\n")


def test_guard_compares_nan_as_equal_to_itself_and_still_sees_a_change(linter) -> None:
    document = linter.lint_text(NAN).document
    assert guard(document, linter.lint_text(NAN).document, set()) == []
    changed = linter.lint_text(NAN.replace("draft: .nan", "draft: .inf")).document
    assert guard(document, changed, set()) == ["meta:draft"]


# --- the library reads text as the CLI reads a file -----------------------------------------------------

def test_fix_text_and_lint_text_stop_at_max_file_size_like_the_cli(tmp_path, monkeypatch) -> None:
    from guidelint import fix_text, lint_text

    text = "---\nterm: x\n---\n\n" + "A line with a trailing blank. \n" * 40
    (tmp_path / "guidelint.toml").write_text("max-file-size = 1000\n", encoding="utf-8")
    path = write(tmp_path, text)
    monkeypatch.chdir(tmp_path)
    cli = invoke("check", "--fix", "--format", "json", "guide.md")
    assert path.read_text(encoding="utf-8") == text  # the CLI did not parse it, let alone fix it
    expected = [("GL001", "file is 1,257 bytes, over the limit of 1,000 (max-file-size); not checked")]
    assert [(f["code"], f["message"]) for f in __import__("json").loads(cli.stdout)] == expected
    config = dataclasses.replace(Config(), max_file_size=1000)
    fixed = fix_text(text, config=config)
    assert not fixed.changed and [(d.code, d.message) for d in fixed.remaining] == expected
    assert [(d.code, d.message) for d in lint_text(text, config=config).diagnostics] == expected


def test_text_with_a_lone_surrogate_is_an_encoding_finding_not_a_traceback() -> None:
    from guidelint import fix_text, lint_text

    text = "---\nterm: Caf\ud800\n---\n"
    expected = [("GL001", "not valid UTF-8: byte 0xed at line 2, column 10")]
    assert [(d.code, d.message) for d in lint_text(text).diagnostics] == expected
    assert [(d.code, d.message) for d in fix_text(text, unsafe=True).remaining] == expected
