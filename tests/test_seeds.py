"""The five real documents in ../shared/seeds (skipped when absent): findings and model counts."""
from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from guidelint.cli import main
from guidelint.fixer import fix_source, signature

A, B, PLAIN_1, C, PLAIN_2 = ("000_68c4574c1ca6efdf.txt", "001_a3fd8d1dd51e942b.txt", "002_e4910ffa1fc1e21b.txt",
                             "003_b2bd7b0702564397.txt", "004_d3c21e4197c6c8b6.txt")

EXPECTED = {
    A: [(7, "date-style"), (9, "trailing-whitespace"), (12, "image-category-mismatch"), (106, "mixed-apostrophes"),
        (189, "generation-artifact"), (189, "content-after-questions"), (189, "final-newline")],
    B: [(7, "date-style"), (9, "trailing-whitespace"), (12, "image-category-mismatch"), (21, "trailing-whitespace"),
        (139, "question-group"), (161, "final-newline")],
    PLAIN_1: [(1, "front-matter-missing"), (1, "required-section"), (1, "required-section"), (160, "final-newline")],
    C: [(7, "date-style"), (9, "trailing-whitespace"), (12, "image-category-mismatch"), (25, "trailing-whitespace"),
        (27, "mixed-apostrophes"), (39, "question-missing-part"), (39, "question-missing-part"),
        (41, "trailing-whitespace"), (61, "question-missing-part"), (86, "question-missing-part"),
        (112, "question-missing-part"), (112, "question-missing-part"), (142, "question-missing-part"),
        (142, "question-missing-part"), (169, "content-after-questions"), (169, "final-newline")],
    PLAIN_2: [(1, "front-matter-missing"), (1, "required-section"), (1, "required-section"), (97, "final-newline")],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_findings(linter, seeds, name) -> None:
    result = linter.lint_path(str(seeds / name))
    assert [(d.line, d.slug) for d in result.diagnostics] == EXPECTED[name]


def test_seed_messages_name_what_is_wrong(linter, seeds) -> None:
    messages = {(d.line, d.slug): d.message for d in linter.lint_path(str(seeds / C)).diagnostics}
    assert messages[(12, "image-category-mismatch")].startswith("image url and alt do not match category 'Sales'")
    questions_1 = [d.message for d in linter.lint_path(str(seeds / C)).diagnostics if d.line == 39]
    assert questions_1 == ["question 1 has no outcome", "question 1 has no pitfalls"]
    artifact = [d for d in linter.lint_path(str(seeds / A)).diagnostics if d.slug == "generation-artifact"]
    assert artifact[0].message.startswith("leftover generation instruction: 'Continue with additional questions")


def _counts(document):
    return [(len(q.answer.examples), sum(1 for e in q.answer.examples if e.outcome), len(q.answer.outcomes),
             len(q.answer.best_practices), len(q.answer.pitfalls), len(q.answer.follow_ups))
            for q in document.questions]


def test_variant_a_model(linter, seeds) -> None:
    document = linter.lint_path(str(seeds / A)).document
    assert [q.number for q in document.questions] == list(range(1, 9))
    assert all(q.style == "list" for q in document.questions)
    assert _counts(document) == [(2, 2, 0, 2, 2, 2)] * 8
    assert [q.group.key for q in document.questions] == ["Technical"] * 2 + ["Behavioral"] * 2 + \
        ["Situational"] * 2 + ["Problem-Solving"] * 2


def test_variant_b_model(linter, seeds) -> None:
    document = linter.lint_path(str(seeds / B)).document
    assert [q.number for q in document.questions] == list(range(1, 11))
    assert _counts(document) == [(1, 1, 0, 1, 1, 1)] * 10
    for question in document.questions:
        (example,) = question.answer.examples
        assert (len(example.context), len(example.approach), len(example.outcome)) == (1, 1, 1)
    assert document.questions[0].answer.examples[0].title == "Scenario 1"
    assert [g.key for g in document.groups][-1] is None  # "Additional Questions"


def test_variant_c_model(linter, seeds) -> None:
    document = linter.lint_path(str(seeds / C)).document
    assert len(document.questions) == 5
    assert all(not q.answer.pitfalls for q in document.questions)
    assert not document.questions[0].answer.has("outcomes")
    assert all(q.answer.has("outcomes") for q in document.questions[1:])
    assert len(document.questions[0].answer.examples) == 2  # "Examples:" with two italic scenarios
    assert [p.label for p in document.questions[0].answer.other] == ["Integration Process"]


def test_plain_text_pages_have_no_questions(linter, seeds) -> None:
    for name in (PLAIN_1, PLAIN_2):
        document = linter.lint_path(str(seeds / name)).document
        assert document.front_matter is None and document.questions == []


def test_fix_unsafe_on_copies_of_seeds_keeps_every_question_and_part(linter, seeds, tmp_path) -> None:
    for name in sorted(EXPECTED):
        shutil.copyfile(seeds / name, tmp_path / name)  # (not copy: the seeds are read-only, 0444)
    before = {name: signature(linter.lint_path(str(tmp_path / name)).document) for name in EXPECTED}
    files = [str(tmp_path / name) for name in sorted(EXPECTED)]  # .txt: named explicitly
    result = CliRunner().invoke(main, ["check", "--fix", "--unsafe-fixes", "--format", "json", *files],
                                catch_exceptions=False)
    assert result.exit_code == 1  # question-missing-part etc. remain
    for name in EXPECTED:
        path = str(tmp_path / name)
        after = linter.lint_path(path)
        assert not [d for d in after.diagnostics if d.fix is not None], name
        new = signature(after.document)
        for aspect in ("questions", "numbers", "headings", "question-other"):
            assert new[aspect] == before[name][aspect], (name, aspect)
        assert fix_source(linter, linter.read(path), unsafe=True).changed is False  # idempotent on disk
    fixed_a = (tmp_path / A).read_text(encoding="utf-8")
    assert "Continue with additional questions" not in fixed_a
    assert 'url: "/images/sales-interview.jpg"' in fixed_a and "modDate: 2025-02-04\n" in fixed_a


def test_loose_paragraphs_between_questions_are_kept_in_the_earlier_answer(linter) -> None:
    text = ("## Interview Questions\n\n### Technical Questions\n\n#### 1. First?\n\n- **Example 1:** A.\n\n"
            "A note after the first answer.\n\n#### 2. Second?\n\n- **Example 1:** B.\n\nClosing words.\n")
    document = linter.lint_text(text).document
    first, second = document.questions
    assert [(p.label, [e.text for e in p.entries]) for p in first.answer.other] == [
        (None, ["A note after the first answer."])]
    assert second.answer.other == []
    assert [e.text for e in document.after_questions] == ["Closing words."]
