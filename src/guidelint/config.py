"""Configuration: `[tool.guidelint]` in pyproject.toml or a guidelint.toml, found by walking up."""
from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .diagnostics import Severity
from .discover import matches
from .errors import ConfigError
from .rules import BY_SLUG, REGISTRY, Rule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024
KEYS = ("select", "extend-select", "ignore", "fail-on", "schema", "rules-data", "max-file-size", "exclude",
        "severity", "options", "per-file-ignores", "collections")
COLLECTION_KEYS = ("include", "select", "extend-select", "ignore", "schema", "rules-data", "severity", "options")
_FIELD_OF_KEY = {"select": "select", "extend-select": "extend_select", "ignore": "ignore", "schema": "schema",
                 "rules-data": "rules_data", "severity": "severity", "options": "options"}


@dataclass(frozen=True)
class Collection:
    """A named set of files (globs) with its own schema, rules data and rule selection."""

    name: str
    include: tuple[str, ...]
    config: Config


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR
    schema: Path | None = None
    rules_data: Path | None = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    exclude: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)  # by code
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # by code
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()  # (glob, codes)
    collections: tuple[Collection, ...] = ()  # the first whose globs match a file decides; else this config
    file: Path | None = None  # where it came from
    origins: Mapping[str, str] = field(default_factory=dict)  # setting -> "default" | file | "command line"

    def with_cli(self, **values: Any) -> Config:
        """Command-line values override the file's; None means 'not given'."""
        given = {key: value for key, value in values.items() if value is not None and value != ()}
        origins = dict(self.origins)
        for key in given:
            origins[key.replace("_", "-")] = "command line"
        return replace(self, **given, origins=origins)

    def enabled_rules(self) -> list[Rule]:
        if self.select is None:
            chosen = {code for code, rule in REGISTRY.items() if rule.enabled}
        else:
            chosen = set(resolve_rules(self.select))
        chosen |= set(resolve_rules(self.extend_select))
        chosen -= set(resolve_rules(self.ignore))
        return [REGISTRY[code] for code in REGISTRY if code in chosen]

    def ignored_for(self, path: str) -> frozenset[str]:
        """Codes that per-file-ignores switch off for this (display) path."""
        codes: set[str] = set()
        for pattern, ignored in self.per_file_ignores:
            if matches(path, (pattern,)):
                codes |= ignored
        return frozenset(codes)

    def collection_for(self, path: str) -> Collection | None:
        return next((c for c in self.collections if matches(path, c.include)), None)

    def severity_of(self, rule: Rule) -> Severity:
        return self.severity.get(rule.code, rule.severity)

    def options_of(self, rule: Rule) -> dict[str, Any]:
        return {**rule.options, **self.options.get(rule.code, {})}


def resolve_rules(names: Iterable[str]) -> list[str]:
    """Codes for rule names: a code (GL103), a slug (front-matter-schema), a code prefix (GL1) or ALL."""
    codes: list[str] = []
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        upper = name.upper()
        if upper == "ALL":
            codes.extend(REGISTRY)
        elif upper in REGISTRY:
            codes.append(upper)
        elif name.lower() in BY_SLUG:
            codes.append(BY_SLUG[name.lower()].code)
        elif re.fullmatch(r"GL\d{0,2}", upper) and any(code.startswith(upper) for code in REGISTRY):
            codes.extend(code for code in REGISTRY if code.startswith(upper))
        else:
            raise ConfigError(f"unknown rule {name!r} (see 'guidelint rules')")
    return codes


def find_config(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        candidate = folder / "guidelint.toml"
        if candidate.is_file():
            return candidate
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and re.search(r"(?m)^\s*\[tool\.guidelint[\].]", candidate.read_text("utf-8", "replace")):
            return candidate
    return None


def _line_of(text: str, key: str, section: tuple[str, ...] = ()) -> int:
    """The line where `key` is set: inside the table `section` (say ("collections", "drafts"), written
    [collections.drafts] or [tool.guidelint.collections.drafts]) when that table has a header, else the
    first line that sets a key of that name."""
    start, end = 0, len(text)
    if section:
        dotted = r"\s*\.\s*".join(rf'"?{re.escape(part)}"?' for part in section)
        header = re.search(rf"(?m)^\s*\[\s*(?:tool\s*\.\s*guidelint\s*\.\s*)?{dotted}\s*\]\s*(?:#.*)?$", text)
        if header:
            start = header.end()
            following = re.compile(r"(?m)^\s*\[").search(text, start)
            end = following.start() if following else len(text)
    pattern = re.compile(rf'(?m)^\s*"?{re.escape(key)}"?\s*=')
    match = pattern.search(text, start, end) or (pattern.search(text) if section else None)
    return text[: match.start()].count("\n") + 1 if match else 1


def load(path: Path | None = None, *, start: Path | None = None) -> Config:
    """The effective file configuration (defaults when no file is found)."""
    path = path or find_config(start or Path.cwd())
    if path is None:
        return Config()
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
    return parse(table, path, text)


def parse(table: Mapping[str, Any], path: Path, text: str = "", *, allowed: tuple[str, ...] = KEYS,
          where: str | None = None, section: tuple[str, ...] = ()) -> Config:
    where = where or path.name
    origin = str(path)

    def fail(key: str, message: str, within: tuple[str, ...] = ()) -> ConfigError:
        return ConfigError(f"{path}:{_line_of(text, key, section + within)}: {message}")

    for key in table:
        if key not in allowed:
            raise fail(key, f"unknown key {key!r} in {where} (known: {', '.join(allowed)})")

    def names(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise fail(key, f"{key!r} must be a list of rule codes or slugs")
        try:
            resolve_rules(value)
        except ConfigError as error:
            raise fail(key, str(error)) from None
        return tuple(value)

    base = path.parent
    values: dict[str, Any] = {}
    if "select" in table:
        values["select"] = names("select")
    values["extend_select"] = names("extend-select")
    values["ignore"] = names("ignore")
    try:
        if "fail-on" in table:
            values["fail_on"] = Severity.parse(str(table["fail-on"]))
        severities = {}
        for name, level in dict(table.get("severity", {})).items():
            for code in resolve_rules([name]):
                severities[code] = Severity.parse(str(level))
        values["severity"] = severities
    except (ValueError, ConfigError) as error:
        raise fail("severity" if "severity" in table else "fail-on", str(error)) from None
    options: dict[str, dict[str, Any]] = {}
    for name, rule_options in dict(table.get("options", {})).items():
        try:
            (code,) = resolve_rules([name])
        except (ConfigError, ValueError):
            raise fail(name, f"options: {name!r} is not one rule") from None
        rule = REGISTRY[code]
        if not isinstance(rule_options, dict):
            raise fail(name, f"options for {rule.slug} must be a table")
        for option in rule_options:
            if option not in rule.options:
                known = ", ".join(rule.options) or "none"
                raise fail(option, f"unknown option {option!r} for rule {rule.slug} (known: {known})",
                           ("options", name))
        options[code] = dict(rule_options)
    values["options"] = options
    for key, attribute in (("schema", "schema"), ("rules-data", "rules_data")):
        if key in table:
            if not isinstance(table[key], str):
                raise fail(key, f"{key!r} must be a path")
            values[attribute] = (base / table[key]).resolve()
    if "max-file-size" in table:
        size = table["max-file-size"]
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            raise fail("max-file-size", "'max-file-size' must be a positive number of bytes")
        values["max_file_size"] = size
    if "per-file-ignores" in table:
        table_value = table["per-file-ignores"]
        if not isinstance(table_value, dict):
            raise fail("per-file-ignores", "'per-file-ignores' must be a table of glob = [rules]")
        pairs = []
        for pattern, rule_names in table_value.items():
            if isinstance(rule_names, str):
                rule_names = [rule_names]
            try:
                pairs.append((pattern, frozenset(resolve_rules(rule_names))))
            except (ConfigError, TypeError, AttributeError) as error:
                raise fail(pattern, f"per-file-ignores: {error}") from None
        values["per_file_ignores"] = tuple(pairs)
    if "exclude" in table:
        exclude = table["exclude"]
        if not isinstance(exclude, list) or not all(isinstance(item, str) for item in exclude):
            raise fail("exclude", "'exclude' must be a list of glob patterns")
        values["exclude"] = tuple(exclude)
    origins = {key: origin for key in table}
    config = Config(**values, file=path, origins=origins)
    if "collections" in table:
        collections = []
        for name, sub_table in dict(table["collections"]).items():
            if not isinstance(sub_table, dict):
                raise fail(name, f"collection {name!r} must be a table")
            include = sub_table.get("include")
            if not isinstance(include, list) or not include or not all(isinstance(p, str) for p in include):
                raise fail(name, f"collection {name!r} needs 'include', a list of glob patterns")
            own = {key: value for key, value in sub_table.items() if key != "include"}
            child = parse(own, path, text, allowed=COLLECTION_KEYS, where=f"collection {name!r}",
                          section=section + ("collections", name))
            overrides = {_FIELD_OF_KEY[key]: getattr(child, _FIELD_OF_KEY[key]) for key in own}
            collections.append(Collection(name, tuple(include), replace(config, **overrides)))
        config = replace(config, collections=tuple(collections))
    return config
