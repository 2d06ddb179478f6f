"""Every rule's cases (tests/rule_cases/<slug>.yaml): one case drives the lint and the fix assertions."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from guidelint.config import Config
from guidelint.engine import Linter
from guidelint.fixer import fix_source
from guidelint.rules import BY_SLUG
from guidelint.source import decode

CASES_DIR = Path(__file__).parent / "rule_cases"


def _cases():
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            yield pytest.param(data["rule"], case, id=f"{data['rule']}: {case['name']}")


def _input(case: dict) -> str:
    if "input_repeat" in case:
        spec = case["input_repeat"]
        return spec["text"] * spec["times"] + spec.get("suffix", "")
    return case["input"]


@pytest.mark.parametrize(("slug", "case"), list(_cases()))
def test_rule_case(slug: str, case: dict) -> None:
    rule = BY_SLUG[slug]
    config = Config(select=(slug,), options={rule.code: case.get("options", {})})
    linter = Linter(config)
    text = _input(case)
    result = linter.lint_source(decode(text.encode("utf-8"), case.get("path", "case.md")))
    found = [[d.line, d.column, d.message] for d in result.diagnostics]
    assert found == case["findings"]
    assert all(d.code == rule.code and d.slug == slug for d in result.diagnostics)
    fixed = fix_source(linter, decode(text.encode("utf-8"), case.get("path", "case.md")), unsafe=case.get("unsafe", False))
    assert fixed.refused == []
    if "fixed" in case:
        assert fixed.text == case["fixed"]
        again = fix_source(linter, decode(fixed.text.encode("utf-8"), case.get("path", "case.md")), unsafe=case.get("unsafe", False))
        assert again.text == fixed.text  # idempotent
        assert not [d for d in again.remaining if d.fix and (d.fix.safe or case.get("unsafe"))]
    else:
        assert fixed.text == text  # a rule without a fix in this case changes nothing


def test_every_rule_has_a_failing_case() -> None:
    covered = set()
    for param in _cases():
        slug, case = param.values
        if case["findings"]:
            covered.add(slug)
    assert covered == {slug for slug, rule in BY_SLUG.items() if rule.corpus_key is None}  # corpus: test_corpus.py


def test_every_fixable_rule_has_a_fixed_case() -> None:
    with_fixed = {param.values[0] for param in _cases() if "fixed" in param.values[1]
                  and param.values[1]["fixed"] != _input(param.values[1])}
    assert with_fixed == {slug for slug, rule in BY_SLUG.items() if rule.fix}
