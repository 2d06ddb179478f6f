"""The sample guides: clean ones have no finding, each invalid one exactly its expected findings."""
from __future__ import annotations

import json

import pytest

from guidelint.config import Config
from guidelint.engine import Linter
from guidelint.rules import BY_SLUG

from conftest import SAMPLES

CLEAN = sorted(SAMPLES.glob("*.md"))
INVALID = SAMPLES / "invalid"
EXPECTED = json.loads((INVALID / "expected.json").read_text(encoding="utf-8"))


def test_three_clean_variants_exist() -> None:
    assert len(CLEAN) == 3


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_clean_guides_have_no_finding_even_with_every_rule(path) -> None:
    linter = Linter(Config(select=("ALL",), ignore=("description-length", "label-style")))
    assert linter.lint_path(str(path)).diagnostics == []


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_clean_guides_have_questions_with_all_parts(linter, path) -> None:
    document = linter.lint_path(str(path)).document
    assert len(document.questions) == 2
    for question in document.questions:
        for part in ("examples", "outcomes", "pitfalls", "follow_ups"):
            assert question.answer.has(part)


@pytest.fixture(scope="module")
def invalid_run() -> dict[str, list[list]]:
    """One `guidelint check` over the whole folder, as a user runs it (corpus rules compare its files)."""
    from click.testing import CliRunner

    from guidelint.cli import main

    result = CliRunner().invoke(main, ["check", "--no-cache", "--format", "json", str(INVALID)])
    assert result.exit_code == 1
    found: dict[str, list[list]] = {}
    for d in json.loads(result.stdout):
        found.setdefault(d["path"].replace("\\", "/").rsplit("/", 1)[-1], []).append([d["line"], d["code"], d["rule"]])
    return found


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=str)
def test_invalid_guide_findings(invalid_run, name) -> None:
    assert invalid_run.get(name, []) == EXPECTED[name]


def test_expected_covers_every_invalid_file() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in INVALID.glob("*.md"))


def test_invalid_set_triggers_every_default_rule() -> None:
    triggered = {slug for findings in EXPECTED.values() for _, _, slug in findings}
    on_by_default = {slug for slug, rule in BY_SLUG.items() if rule.enabled and slug != "nesting-depth"}
    assert on_by_default <= triggered
