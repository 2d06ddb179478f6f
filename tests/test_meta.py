"""Keep rules, docs, cases and data in sync."""
from __future__ import annotations

import re

import pytest

from guidelint.rules import REGISTRY

DOC_SECTIONS = ("Why:", "Bad:", "Good:", "Options:", "Fix")


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_rule_documentation_has_the_fixed_shape(code) -> None:
    rule = REGISTRY[code]
    assert re.fullmatch(r"GL\d{3}", rule.code)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.slug)
    positions = [rule.doc.find(section) for section in DOC_SECTIONS]
    assert all(p > 0 for p in positions) and positions == sorted(positions), code
    fix_line = rule.doc[rule.doc.index("\nFix"):].splitlines()[1]
    if rule.fix:
        assert fix_line.startswith(f"Fix ({rule.fix}):"), code
    else:
        assert fix_line.startswith("Fix: none"), code


def test_codes_are_grouped_by_hundreds() -> None:
    groups = {code[2] for code in REGISTRY}
    assert groups == {"0", "1", "2", "3", "4"}  # 4: corpus rules (across files)
    assert len({rule.slug for rule in REGISTRY.values()}) == len(REGISTRY)


def test_rules_data_typo_is_reported_with_file_and_line(tmp_path) -> None:
    import shutil

    from guidelint import policy
    from guidelint.errors import ConfigError
    from guidelint.resources import data_dir

    folder = tmp_path / "rules"
    shutil.copytree(data_dir("rules"), folder)
    text = (folder / "structure.yaml").read_text(encoding="utf-8").replace("required_parts: [examples,",
                                                                          "required_parts: [exampels,")
    (folder / "structure.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        policy.load(folder)
    line = text[: text.index("exampels")].count("\n") + 1
    assert str(raised.value).startswith(f"{folder / 'structure.yaml'}:{line}: invalid rules data: 'exampels' is not one of")


def test_bundled_schemas_and_rules_data_are_valid() -> None:
    """guidelint trusts its own schemas and rules data at start-up (to start fast); this checks them."""
    import json

    import jsonschema

    from guidelint import policy, yamlnodes
    from guidelint.jsonschema_util import Validator
    from guidelint.resources import data_dir

    for path in sorted(data_dir("schemas").glob("*.json")):
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))
    merged = {}
    for path in sorted(data_dir("rules").glob("*.yaml")):
        merged.update(yamlnodes.load(path.read_text(encoding="utf-8")).data)
    validator = Validator(json.loads((data_dir("schemas") / "rules.schema.json").read_text(encoding="utf-8")), "rules")
    assert list(validator.errors(yamlnodes.to_json(merged))) == []
    assert policy.load(data_dir("rules")).required_parts == ("examples", "outcomes", "pitfalls", "follow_ups")
