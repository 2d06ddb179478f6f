"""Reading one config file: `[tool.guidelint]` in pyproject.toml or the top level of guidelint.toml.

Every problem is a ConfigError that names the file and the line of the offending key, and is found
before any guide is read: unknown keys and rule options, values of the wrong type or out of range, a
schema or rules-data folder that is missing or invalid, an `extend` chain that loops.
"""
from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from .config import KINDS, Collection, Config, resolve_rules
from .diagnostics import Severity
from .errors import ConfigError
from .rules import REGISTRY

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

KEYS = ("extend", "select", "extend-select", "ignore", "fail-on", "schema", "rules-data", "max-file-size",
        "include", "extend-include", "exclude", "force-exclude", "default-kind", "severity", "options",
        "per-file-ignores", "collections")
COLLECTION_KEYS = ("include", "kind", "select", "extend-select", "ignore", "schema", "rules-data", "severity",
                   "options")
MAX_EXTENDS = 10


def read(path: Path, *, chain: tuple[Path, ...] = ()) -> Config:
    """The Config in `path` (with what it extends), its root the file's folder."""
    path = path.absolute()
    if path.resolve() in chain:
        raise ConfigError(f"{path}: 'extend' loops back to this file")
    if len(chain) > MAX_EXTENDS:
        raise ConfigError(f"{path}: 'extend' goes more than {MAX_EXTENDS} files deep")
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as error:
        raise ConfigError(f"cannot read config {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: config is not UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("guidelint", {})
    else:
        table = data.get("tool", {}).get("guidelint", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}:1: [tool.guidelint] must be a table")
    reader = _Reader(path, text)
    parent = None
    if "extend" in table:
        base = table["extend"]
        if not isinstance(base, str):
            raise reader.fail("extend", "'extend' must be the path of another config file")
        base_path = (path.parent / base)
        if not base_path.is_file():
            raise reader.fail("extend", f"'extend': {base_path} does not exist")
        parent = read(base_path, chain=(*chain, path.resolve()))
    config = reader.parse(table, parent)
    reader.check_against_schema(table)
    return config


class _Reader:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text

    def fail(self, key: str, message: str, section: tuple[str, ...] = ()) -> ConfigError:
        return ConfigError(f"{self.path}:{line_of(self.text, key, section)}: {message}")

    def origin(self, key: str, section: tuple[str, ...] = ()) -> str:
        return f"{self.path}:{line_of(self.text, key, section)}"

    def check_against_schema(self, table: Mapping[str, Any]) -> None:
        """What the specific checks let through must still fit schemas/config.schema.json (so editors
        that check a config with it and guidelint agree)."""
        import jsonschema_rs

        error = next(iter(_schema_validator(jsonschema_rs).iter_errors(json_safe(table))), None)
        if error is not None:
            where = [str(part) for part in error.instance_path]
            keys = [part for part in where if not part.isdigit()]
            key = keys[-1] if keys else "tool"
            raise self.fail(key, f"{'.'.join(where) or 'config'}: {error.message}", tuple(keys[:-1]))

    # --- values -----------------------------------------------------------------------------------
    def rule_names(self, table: Mapping[str, Any], key: str, section: tuple[str, ...]) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(key, f"{key!r} must be a list of rule codes, slugs or groups", section)
        try:
            resolve_rules(value)
        except ConfigError as error:
            raise self.fail(key, str(error), section) from None
        return tuple(value)

    def globs(self, table: Mapping[str, Any], key: str, section: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            raise self.fail(key, f"{key!r} must be a list of glob patterns", section)
        return tuple(value)

    def path_value(self, table: Mapping[str, Any], key: str, section: tuple[str, ...]) -> Path:
        value = table[key]
        if not isinstance(value, str) or not value:
            raise self.fail(key, f"{key!r} must be a path", section)
        resolved = (self.path.parent / value).resolve()
        try:
            if key == "schema":
                check_schema(resolved)
            else:
                from . import policy

                policy.load(resolved)
        except ConfigError as error:
            raise self.fail(key, f"{key}: {error}", section) from None
        return resolved

    def severities(self, table: Mapping[str, Any], section: tuple[str, ...]) -> dict[str, Severity]:
        value = table.get("severity", {})
        if not isinstance(value, dict):
            raise self.fail("severity", "'severity' must be a table of rule = level", section)
        found: dict[str, Severity] = {}
        for name, level in value.items():
            try:
                for code in resolve_rules([name]):
                    found[code] = Severity.parse(str(level)) if isinstance(level, str) else _no_level(level)
            except (ValueError, ConfigError) as error:
                raise self.fail(name, f"severity: {error}", (*section, "severity")) from None
        return found

    def options(self, table: Mapping[str, Any], section: tuple[str, ...]) -> dict[str, dict[str, Any]]:
        value = table.get("options", {})
        if not isinstance(value, dict):
            raise self.fail("options", "'options' must be a table of rule tables", section)
        found: dict[str, dict[str, Any]] = {}
        for name, rule_options in value.items():
            try:
                (code,) = resolve_rules([name])
            except (ConfigError, ValueError):
                raise self.fail(name, f"options: {name!r} is not one rule", (*section, "options")) from None
            rule = REGISTRY[code]
            where = (*section, "options", name)
            if not isinstance(rule_options, dict):
                raise self.fail(name, f"options for {rule.slug} must be a table", (*section, "options"))
            for option, option_value in rule_options.items():
                if option not in rule.options:
                    known = ", ".join(rule.options) or "none"
                    raise self.fail(option, f"unknown option {option!r} for rule {rule.slug} (known: {known})",
                                    where)
                problem = option_problem(rule.option_schema.get(option, {}), option_value)
                if problem:
                    raise self.fail(option, f"{rule.slug}: option {option!r} {problem}", where)
            found[code] = dict(rule_options)
        return found

    # --- tables -----------------------------------------------------------------------------------
    def parse(self, table: Mapping[str, Any], parent: Config | None) -> Config:
        # the root first: collections are copies of the top level and match globs against it too
        base = replace(parent or Config(), root=self.path.parent, file=self.path)
        for key in table:
            if key not in KEYS:
                raise self.fail(key, f"unknown key {key!r} in {self.path.name} (known: {', '.join(KEYS)})")
        values: dict[str, Any] = {}
        origins = dict(base.origins)
        for key in table:
            origins[key] = self.origin(key)
        if "extend-include" in table:
            origins["include"] = self.origin("extend-include")
        if "select" in table:
            values["select"] = self.rule_names(table, "select", ())
        for key, attribute in (("extend-select", "extend_select"), ("ignore", "ignore")):
            if key in table:
                values[attribute] = self.rule_names(table, key, ())
        if "fail-on" in table:
            try:
                values["fail_on"] = Severity.parse(str(table["fail-on"]))
            except ValueError as error:
                raise self.fail("fail-on", f"'fail-on': {error}") from None
        if "severity" in table:
            values["severity"] = {**base.severity, **self.severities(table, ())}
        if "options" in table:
            values["options"] = _merged_options(base.options, self.options(table, ()))
        for key, attribute in (("schema", "schema"), ("rules-data", "rules_data")):
            if key in table:
                values[attribute] = self.path_value(table, key, ())
        if "max-file-size" in table:
            size = table["max-file-size"]
            if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
                raise self.fail("max-file-size", "'max-file-size' must be a positive number of bytes")
            values["max_file_size"] = size
        include = self.globs(table, "include") if "include" in table else base.include
        if "extend-include" in table:
            include = (*include, *self.globs(table, "extend-include"))
        values["include"] = include
        if "exclude" in table:
            values["exclude"] = self.globs(table, "exclude")
        if "force-exclude" in table:
            if not isinstance(table["force-exclude"], bool):
                raise self.fail("force-exclude", "'force-exclude' must be true or false")
            values["force_exclude"] = table["force-exclude"]
        if "default-kind" in table:
            values["default_kind"] = values["kind"] = self.kind(table, "default-kind", ())
        if "per-file-ignores" in table:
            values["per_file_ignores"] = self.per_file_ignores(table["per-file-ignores"])
        config = replace(base, **values, origins=origins, collections=())
        collections = {c.name: c for c in base.collections}
        if "collections" in table:
            if not isinstance(table["collections"], dict):
                raise self.fail("collections", "'collections' must be a table of collection tables")
            for name, sub_table in table["collections"].items():
                collections[name] = self.collection(name, sub_table, config)
        return replace(config, collections=tuple(collections.values()))

    def kind(self, table: Mapping[str, Any], key: str, section: tuple[str, ...]) -> str:
        value = table[key]
        if value not in KINDS:
            raise self.fail(key, f"{key!r} must be one of {', '.join(map(repr, KINDS))}, not {value!r}", section)
        return str(value)

    def per_file_ignores(self, value: Any) -> tuple[tuple[str, frozenset[str]], ...]:
        if not isinstance(value, dict):
            raise self.fail("per-file-ignores", "'per-file-ignores' must be a table of glob = [rules]")
        pairs = []
        for pattern, rule_names in value.items():
            if isinstance(rule_names, str):
                rule_names = [rule_names]
            try:
                if not isinstance(rule_names, list) or not all(isinstance(n, str) for n in rule_names):
                    raise ConfigError("a glob's value must be a list of rules")
                pairs.append((pattern, frozenset(resolve_rules(rule_names))))
            except ConfigError as error:
                raise self.fail(pattern, f"per-file-ignores: {error}", ("per-file-ignores",)) from None
        return tuple(pairs)

    def collection(self, name: str, table: Any, top: Config) -> Collection:
        section = ("collections", name)
        if not isinstance(table, dict):
            raise self.fail(name, f"collection {name!r} must be a table", ("collections",))
        for key in table:
            if key not in COLLECTION_KEYS:
                raise self.fail(key, f"unknown key {key!r} in collection {name!r} "
                                     f"(known: {', '.join(COLLECTION_KEYS)})", section)
        if "include" not in table:
            raise self.fail(name, f"collection {name!r} needs 'include', a list of glob patterns", ("collections",))
        include = self.globs(table, "include", section)
        if not include:
            raise self.fail("include", f"collection {name!r} needs at least one 'include' glob", section)
        values: dict[str, Any] = {"collection": name, "kind": self.kind(table, "kind", section) if "kind" in table
                                  else "guide"}
        if "select" in table:  # its own selection: the top level's select, extend-select and ignore do not apply
            values["select"] = self.rule_names(table, "select", section)
            values["extend_select"] = self.rule_names(table, "extend-select", section)
            values["ignore"] = self.rule_names(table, "ignore", section)
        else:
            values["extend_select"] = (*top.extend_select, *self.rule_names(table, "extend-select", section))
            values["ignore"] = (*top.ignore, *self.rule_names(table, "ignore", section))
        for key, attribute in (("schema", "schema"), ("rules-data", "rules_data")):
            if key in table:
                values[attribute] = self.path_value(table, key, section)
        if "severity" in table:
            values["severity"] = {**top.severity, **self.severities(table, section)}
        if "options" in table:
            values["options"] = _merged_options(top.options, self.options(table, section))
        origins = dict(top.origins)
        for key in table:
            if key != "include":  # the collection's globs, not the folders' include
                origins[key] = f"collection {name}: {self.origin(key, section)}"
        return Collection(name, include, replace(top, **values, origins=origins, collections=()))


def _no_level(level: Any) -> Severity:
    raise ValueError(f"a severity must be error, warning, info or off, not {level!r}")


def _merged_options(base: Mapping[str, Mapping[str, Any]], own: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    merged = {code: dict(values) for code, values in base.items()}
    for code, values in own.items():
        merged[code] = {**merged.get(code, {}), **values}
    return merged


def option_problem(schema: Mapping[str, Any], value: Any) -> str | None:
    """What is wrong with an option's value by its rule's schema fragment, or None."""
    if not schema:
        return None
    from jsonschema import Draft202012Validator

    error = next(iter(Draft202012Validator(dict(schema)).iter_errors(value)), None)
    if error is None:
        return None
    if "enum" in schema:
        return f"must be one of {', '.join(json.dumps(v) for v in schema['enum'])}, not {json.dumps(value)}"
    return f"is {json.dumps(value)}: {error.message}"


def check_schema(path: Path) -> None:
    """A schema file that is readable JSON and a valid JSON Schema (Draft 2020-12), or ConfigError. A
    format no checker knows is a warning, once per schema and format, before any file is read."""
    from .jsonschema_util import Validator

    for name in Validator.from_file(path).unchecked_formats():
        warn_once(f"{path}: format {name!r} cannot be checked (no checker for it is installed); "
                  "values are not checked against it")


_WARNED: set[str] = set()


def warn_once(message: str) -> None:
    """A configuration warning (the CLI prints it as `guidelint: warning: ...`)."""
    import warnings

    if message not in _WARNED:
        _WARNED.add(message)
        warnings.warn(ConfigWarning(message), stacklevel=2)


class ConfigWarning(UserWarning):
    """Something in the configuration that works, but not as the user may think."""


def line_of(text: str, key: str, section: tuple[str, ...] = ()) -> int:
    """The line where `key` is set: inside the table `section` (say ("collections", "drafts"), written
    [collections.drafts] or [tool.guidelint.collections.drafts]) when that table has a header, else
    the first line that sets a key of that name; a table key (`[...severity]`) is found by its header."""
    start, end = 0, len(text)
    if section:
        dotted = r"\s*\.\s*".join(rf'"?{re.escape(part)}"?' for part in section)
        header = re.search(rf"(?m)^[ \t]*\[\s*(?:tool\s*\.\s*guidelint\s*\.\s*)?{dotted}\s*\]\s*(?:#.*)?$", text)
        if header:
            start = header.end()
            following = re.compile(r"(?m)^[ \t]*\[").search(text, start)
            end = following.start() if following else len(text)
    pattern = re.compile(rf'(?m)^[ \t]*"?{re.escape(key)}"?[ \t]*=|[{{,]\s*"?{re.escape(key)}"?\s*=')
    match = pattern.search(text, start, end) or (pattern.search(text) if section else None)
    if match is None:  # a table of its own: [tool.guidelint.severity], [collections.x.options]
        dotted = r"\s*\.\s*".join(rf'"?{re.escape(part)}"?' for part in (*section, key))
        match = re.search(rf"(?m)^[ \t]*\[\s*(?:tool\s*\.\s*guidelint\s*\.\s*)?{dotted}\s*\]", text)
    return text[: match.start()].count("\n") + 1 if match else 1



_VALIDATOR: list[Any] = []


def _schema_validator(jsonschema_rs: Any) -> Any:
    if not _VALIDATOR:
        from .configschema import config_schema

        _VALIDATOR.append(jsonschema_rs.validator_for(config_schema()))
    return _VALIDATOR[0]


def json_safe(value: Any) -> Any:
    """TOML values as JSON values (dates and times become strings) for the schema check."""
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_safe(item) for item in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
