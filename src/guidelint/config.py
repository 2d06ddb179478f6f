"""Settings: what one config file says, and what the rules of one file are once every layer is applied.

Layers, from weakest to strongest (README, "Configuration"): the rules' own defaults for the file's
kind; the config file's top level; the file's collection; per-file-ignores; the command line
(`--select`, `--extend-select`, `--ignore`, `--fail-on`), which applies on top of every collection; the
kind filter (guide-only rules never run on other kinds); inline suppressions in the file.

Globs are matched against a file's path relative to its project root, the folder of the config file
that governs it (`Config.root`), never against the working directory. Reading config files is
`configfile.py`'s job; finding the config of a file is `project.py`'s.
"""
from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .diagnostics import Severity
from .errors import ConfigError
from .rules import BY_SLUG, REGISTRY, Rule

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024
DEFAULT_INCLUDE = ("*.md", "*.markdown")
KINDS = ("guide", "markdown")
# Named rule groups, usable wherever rules are named: the generic Markdown and front matter rules, and
# the rules that read a guide's structure.
GROUPS = {"markdown": lambda rule: not rule.guide_only, "guide": lambda rule: rule.guide_only}
# Front matter rules a "markdown" kind runs only when its collection names a schema of its own: a plain
# page (README.md) has no front matter, and the bundled schema describes guides.
SCHEMA_RULES = frozenset({"GL101", "GL103"})


@dataclass(frozen=True)
class Overrides:
    """The command line's layer: applied on top of the config file and of every collection in it."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity | None = None
    force_exclude: bool = False


@dataclass(frozen=True)
class Collection:
    """A named set of files (globs) with its own kind, schema, rules data and rule selection."""

    name: str
    include: tuple[str, ...]
    config: Config


@dataclass(frozen=True)
class Config:
    """The effective settings of one file: rule selection, severities, options, kind and data paths."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR
    schema: Path | None = None
    rules_data: Path | None = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    include: tuple[str, ...] = DEFAULT_INCLUDE  # what folders yield
    exclude: tuple[str, ...] = ()
    force_exclude: bool = False  # exclude also files named on the command line
    kind: str = "guide"  # what the files these settings apply to hold
    default_kind: str = "guide"  # the kind of a file in no collection
    severity: Mapping[str, Severity] = field(default_factory=dict)  # by code
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # by code
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()  # (glob, codes)
    collections: tuple[Collection, ...] = ()  # the first whose globs match a file decides
    collection: str | None = None  # the collection these settings are for (None: the top level)
    file: Path | None = None  # the config file (None: defaults)
    root: Path | None = None  # the project root: globs are relative to it (None: the working folder)
    origins: Mapping[str, str] = field(default_factory=dict)  # setting -> "file:line" | "command line"
    overrides: Overrides = Overrides()

    # --- the command line -------------------------------------------------------------------------
    def with_cli(self, overrides: Overrides | None = None, **values: Any) -> Config:
        """These settings with the command line's layer on top, in every collection too. Keyword
        values are Overrides fields; None or () means 'not given'."""
        given = {key: value for key, value in values.items() if value is not None and value != ()}
        layer = replace(overrides or self.overrides, **given)
        origins = dict(self.origins)
        for key, value in vars(layer).items():
            if value not in (None, (), False):
                origins[key.replace("_", "-")] = "command line"
        fail_on = layer.fail_on or self.fail_on
        collections = tuple(replace(c, config=replace(c.config, overrides=layer, fail_on=fail_on))
                            for c in self.collections)
        return replace(self, overrides=layer, fail_on=fail_on, origins=origins, collections=collections,
                       force_exclude=self.force_exclude or layer.force_exclude)

    # --- rules --------------------------------------------------------------------------------------
    def enabled_rules(self) -> list[Rule]:
        if self.select is None:
            chosen = {code for code, rule in REGISTRY.items() if rule.enabled}
        else:
            chosen = set(resolve_rules(self.select))
        chosen |= set(resolve_rules(self.extend_select))
        chosen -= set(resolve_rules(self.ignore))
        layer = self.overrides
        if layer.select is not None:
            chosen = set(resolve_rules(layer.select))
        chosen |= set(resolve_rules(layer.extend_select))
        chosen -= set(resolve_rules(layer.ignore))
        if self.kind != "guide":
            chosen = {code for code in chosen if not REGISTRY[code].guide_only}
            if self.schema is None:
                chosen -= SCHEMA_RULES
        return [REGISTRY[code] for code in REGISTRY if code in chosen]

    def severity_of(self, rule: Rule) -> Severity:
        return self.severity.get(rule.code, rule.severity)

    def options_of(self, rule: Rule) -> dict[str, Any]:
        return {**rule.options, **self.options.get(rule.code, {})}

    # --- paths ------------------------------------------------------------------------------------
    def relative(self, path: str) -> str:
        """`path` (as given: relative to the working folder, or absolute) relative to the project root,
        with `/` separators; outside the root, the absolute path."""
        absolute = os.path.abspath(path)
        root = str(self.root) if self.root is not None else os.getcwd()
        if absolute.startswith(root) and absolute[len(root):len(root) + 1] == os.sep:
            absolute = absolute[len(root) + 1:]
        return absolute.replace(os.sep, "/")

    def ignored_for(self, path: str) -> frozenset[str]:
        """Codes that per-file-ignores switch off for `path`."""
        if not self.per_file_ignores:
            return frozenset()
        relative = self.relative(path)
        codes: set[str] = set()
        for pattern, ignored in self.per_file_ignores:
            if matches(relative, (pattern,)):
                codes |= ignored
        return frozenset(codes)

    def collection_for(self, path: str) -> Collection | None:
        if not self.collections:
            return None
        relative = self.relative(path)
        return next((c for c in self.collections if matches(relative, c.include)), None)

    def excludes(self, path: str) -> bool:
        """Whether `exclude` names this file or one of its folders."""
        return bool(self.exclude) and matches(self.relative(path), self.exclude, folders=True)

    def includes(self, path: str) -> bool:
        """Whether a file found in a folder is one to check (`include` + `extend-include`). A pattern
        without `/` matches the file name, ignoring case (`*.md` takes `NOTES.MD`)."""
        by_name, by_path = self._include_patterns
        if by_name.match(path.rsplit(os.sep, 1)[-1]):
            return True
        return bool(by_path) and matches(self.relative(path), by_path)

    @functools.cached_property
    def _include_patterns(self) -> tuple[re.Pattern[str], tuple[str, ...]]:
        """`include` as one regular expression for the name patterns (a folder walk asks once per file)
        and the patterns that name folders."""
        names = [fnmatch.translate(p) for p in self.include if "/" not in p] or ["(?!)"]
        return re.compile("|".join(names), re.IGNORECASE), tuple(p for p in self.include if "/" in p)


def matches(relative: str, patterns: Iterable[str], *, folders: bool = False) -> bool:
    """Whether a project-relative path matches a glob (`*` also crosses folders, a pattern without `/`
    also matches the file name) or, with `folders`, whether one of its folders does (so `drafts` and
    `drafts/` exclude everything below drafts/)."""
    name = relative.rsplit("/", 1)[-1]
    for pattern in patterns:
        pattern = pattern.rstrip("/") if folders else pattern
        pattern = pattern[2:] if pattern.startswith("./") else pattern
        if fnmatch.fnmatchcase(relative, pattern) or ("/" not in pattern and fnmatch.fnmatchcase(name, pattern)):
            return True
        if folders:
            parts = relative.split("/")[:-1]
            for depth in range(1, len(parts) + 1):
                folder = "/".join(parts[:depth])
                if fnmatch.fnmatchcase(folder, pattern) or ("/" not in pattern and fnmatch.fnmatchcase(parts[depth - 1], pattern)):
                    return True
    return False


def resolve_rules(names: Iterable[str]) -> list[str]:
    """Codes for rule names: a code (GL103), a slug (front-matter-schema), a code prefix (GL1), a group
    (markdown, guide) or ALL."""
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
        elif name.lower() in GROUPS:
            codes.extend(code for code, rule in REGISTRY.items() if GROUPS[name.lower()](rule))
        elif re.fullmatch(r"GL\d{0,2}", upper) and any(code.startswith(upper) for code in REGISTRY):
            codes.extend(code for code in REGISTRY if code.startswith(upper))
        else:
            raise ConfigError(f"unknown rule {name!r} (see 'guidelint rules')")
    return codes


def config_in(folder: Path) -> Path | None:
    """The config file in `folder` itself: guidelint.toml, or pyproject.toml with [tool.guidelint].
    (Walking up from a file is project.Project's job, once per folder.)"""
    candidate = folder / "guidelint.toml"
    if candidate.is_file():
        return candidate
    candidate = folder / "pyproject.toml"
    if candidate.is_file():
        try:
            text = candidate.read_text("utf-8", "replace")
        except OSError:
            return None
        if re.search(r"(?m)^\s*\[\s*tool\s*\.\s*guidelint\s*[\].]", text):
            return candidate
    return None


def project_root_without_config(start: Path) -> Path:
    """With no config file, the project is the git checkout that holds `start` (so baselines and paths
    mean the same from any folder of it), else the working folder."""
    for folder in [start, *start.parents]:
        if (folder / ".git").exists():
            return folder
    return Path.cwd()
