"""schemas/config.schema.json says exactly what the config reader accepts."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidelint.configfile import COLLECTION_KEYS, KEYS, read
from guidelint.configschema import config_schema
from guidelint.errors import ConfigError
from guidelint.rules import REGISTRY

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schemas" / "config.schema.json"


def test_the_published_schema_is_the_readers() -> None:
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == config_schema()
    jsonschema.Draft202012Validator.check_schema(config_schema())
    properties = config_schema()["properties"]
    assert tuple(properties) == KEYS
    assert tuple(config_schema()["$defs"]["collection"]["properties"]) == COLLECTION_KEYS
    options = config_schema()["$defs"]["options"]["properties"]
    for rule in REGISTRY.values():
        for name in (rule.slug, rule.code):
            assert (name in options) == bool(rule.options)
            if rule.options:
                assert set(options[name]["properties"]) == set(rule.options)


def _accepted_by_reader(tmp: Path, text: str) -> bool:
    path = tmp / "guidelint.toml"
    path.write_text(text, encoding="utf-8")
    try:
        read(path)
    except ConfigError:
        return False
    return True


def _toml(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)  # JSON scalars and arrays are TOML inline values


NAMES = st.sampled_from(["ALL", "markdown", "guide", "GL1", "GL10", "GL104", "date-style", "gl104", "all",
                         "nope", ""])
VALUES = st.one_of(NAMES, st.lists(NAMES, max_size=3), st.integers(-3, 3), st.booleans(),
                   st.sampled_from(["error", "warning", "info", "Error", "loud", "guide", "markdown", "blog",
                                    "*.mdx", "drafts/"]),
                   st.lists(st.sampled_from(["*.mdx", "", "a/*"]), max_size=2))
TOP = st.dictionaries(st.sampled_from(["select", "extend-select", "ignore", "fail-on", "max-file-size", "include",
                                       "extend-include", "exclude", "force-exclude", "default-kind", "colour"]),
                      VALUES, max_size=4)
OPTIONS = st.fixed_dictionaries({}, optional={
    "style": st.sampled_from(["quoted", "unquoted", "Unquoted", 3]),
    "max": st.one_of(st.integers(-5, 500), st.just("160")),
    "allow-hard-breaks": st.one_of(st.booleans(), st.just("yes")),
})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(top=TOP, rule=st.sampled_from(["date-style", "GL109", "trailing-whitespace", "GL201"]), options=OPTIONS,
       severity=st.one_of(st.none(), st.sampled_from(["error", "warn", "info"])),
       collection=st.one_of(st.none(), st.dictionaries(st.sampled_from(["include", "kind", "select", "fail-on"]),
                                                        VALUES, max_size=3)))
def test_reader_and_schema_accept_the_same_configs(tmp_path, top, rule, options, severity, collection) -> None:
    lines = [f"{key} = {_toml(value)}" for key, value in top.items()]
    table = dict(top)
    if options:
        lines.append(f"[options.{rule}]")
        lines += [f"{key} = {_toml(value)}" for key, value in options.items()]
        table["options"] = {rule: options}
    if severity is not None:
        lines += ["[severity]", f"final-newline = {_toml(severity)}"]
        table["severity"] = {"final-newline": severity}
    if collection is not None:
        lines.append("[collections.pages]")
        lines += [f"{key} = {_toml(value)}" for key, value in collection.items()]
        table["collections"] = {"pages": collection}
    by_schema = jsonschema.Draft202012Validator(config_schema()).is_valid(table)
    assert _accepted_by_reader(tmp_path, "\n".join(lines) + "\n") == by_schema, "\n".join(lines)


@pytest.mark.parametrize("text", [
    'select = ["all"]\n',  # names are written as `guidelint rules` prints them
    '[severity]\nGL002 = "Error"\n',
    'include = []\n[collections.a]\ninclude = []\n',
])
def test_schema_rejections_are_reported_at_their_line(tmp_path, text) -> None:
    path = tmp_path / "guidelint.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as raised:
        read(path)
    assert str(raised.value).startswith(f"{path}:")
    assert not jsonschema.Draft202012Validator(config_schema()).is_valid(
        {"select": ["all"]} if "all" in text else {"severity": {"GL002": "Error"}} if "Error" in text
        else {"include": [], "collections": {"a": {"include": []}}})
