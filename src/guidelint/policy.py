"""Content policy as data: the rules/ folder, validated by schemas/rules.schema.json, compiled once."""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .resources import data_dir

PART_KINDS = ("examples", "outcomes", "best_practices", "pitfalls", "follow_ups")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_TRAILING_NUMBER = re.compile(r"\s*#?\d+$")


@functools.lru_cache(maxsize=4096)
def normalize_label(label: str) -> tuple[str, int | None]:
    """'Example 2:' -> ('example', 2); case, dashes, spaces and a trailing colon do not matter."""
    text = _DASHES.sub("-", label).strip().rstrip(":").strip().casefold()
    text = " ".join(text.split())
    match = _TRAILING_NUMBER.search(text)
    number = None
    if match and match.start() > 0:
        number = int(match.group().strip().lstrip("#"))
        text = text[: match.start()]
    return text, number


@dataclass(frozen=True)
class Category:
    """A category of the image taxonomy."""

    name: str
    image_url: str | None
    image_alt: str | None
    verticals: tuple[str, ...]
    keywords: tuple[str, ...]


DEFAULT_QUESTION_HEADING = r"^(\d{1,4})[.)]\s+(\S.*)$"  # "3. Describe ..." (rules data may say more)


@dataclass(frozen=True)
class Artifact:
    """A generation-artifact pattern (rules/artifacts.yaml)."""

    pattern: re.Pattern[str]
    message: str
    hints: tuple[str, ...] = ()  # lower-case words one of which the text must hold for the pattern to run
    anywhere: bool = False  # also in link text, link targets and code spans (not in code blocks)
    fix: bool = True  # offer the unsafe fix that deletes the line


@dataclass(frozen=True)
class Policy:
    """The content policy of rules/*.yaml, compiled for the rules."""

    answer_labels: frozenset[str]
    part_labels: dict[str, str]  # normalized label -> part kind
    example_containers: frozenset[str]
    example_fields: dict[str, str]  # normalized label -> context | approach | outcome
    canonical: dict[str, str]
    questions_section: tuple[re.Pattern[str], ...]
    question_heading: re.Pattern[str]  # group 1: the number, group 2: the question
    groups: dict[str, str]  # normalized group name or alias -> canonical name
    required_sections: tuple[tuple[str, re.Pattern[str], str], ...]
    required_parts: tuple[str, ...]
    categories: dict[str, Category]
    artifacts: tuple[Artifact, ...]
    digest: str  # of the data files, for cache keys
    placeholder_values: frozenset[str] = frozenset()  # lower case: front matter values never filled in

    def group_key(self, heading_text: str) -> str | None:
        name = normalize_label(heading_text)[0]
        name = re.sub(r"\s+questions?$", "", name)
        return self.groups.get(name)

    def is_questions_heading(self, text: str) -> bool:
        return any(pattern.search(text) for pattern in self.questions_section)


def _labels(values: list[str]) -> frozenset[str]:
    return frozenset(normalize_label(value)[0] for value in values)


def _data_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise ConfigError(f"rules data folder {folder} does not exist")
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise ConfigError(f"rules data folder {folder} has no .yaml files")
    return files


def digest_of(folder: Path | None = None) -> str:
    """The digest `load` gives the policy, from the files' bytes alone (no YAML parsed): a cache key
    needs it, and a run served from the cache never loads the policy."""
    return _digest([(path, path.read_bytes()) for path in _data_files(folder or data_dir("rules"))])


def _digest(contents: list[tuple[Path, bytes]]) -> str:
    digest = hashlib.sha256()
    for path, raw in contents:
        digest.update(path.name.encode() + b"\0" + raw)
    return digest.hexdigest()[:16]


def load(folder: Path | None = None) -> Policy:
    from . import yamlnodes
    from .jsonschema_util import Validator

    folder = folder or data_dir("rules")
    contents = [(path, path.read_bytes()) for path in _data_files(folder)]
    merged: dict[str, Any] = {}
    origin: dict[str, tuple[Path, yamlnodes.YamlDoc]] = {}
    for path, raw in contents:
        try:
            text = raw.decode("utf-8")
            doc = yamlnodes.load(text)
        except UnicodeDecodeError:
            raise ConfigError(f"{path}: not valid UTF-8") from None
        except yamlnodes.YamlProblem as problem:
            line = text[: problem.offset].count("\n") + 1
            raise ConfigError(f"{path}:{line}: invalid YAML: {problem.message}") from None
        if doc.data is None:
            continue
        if not isinstance(doc.data, dict):
            raise ConfigError(f"{path}:1: a rules data file must be a mapping")
        if doc.duplicate_keys:
            key, offset = doc.duplicate_keys[0]
            raise ConfigError(f"{path}:{text[:offset].count(chr(10)) + 1}: key {key!r} appears twice")
        for key, value in doc.data.items():
            if key in merged:
                raise ConfigError(f"{path}: key {key!r} is already defined in {origin[key][0].name}")
            merged[key] = value
            origin[key] = (path, doc)
    bundled = folder.resolve() == data_dir("rules").resolve()  # shipped data is validated by the tests
    validator = None if bundled else Validator.from_file(data_dir("schemas") / "rules.schema.json")
    for error in validator.errors(yamlnodes.to_json(merged)) if validator else ():
        if error.path and error.path[0] in origin:
            path, doc = origin[error.path[0]]
            located = doc.locate(error.path)
            text = path.read_text(encoding="utf-8")
            line = text[: located.start].count("\n") + 1 if located else 1
            where = f"{path}:{line}"
        else:
            where = str(folder)
        raise ConfigError(f"{where}: invalid rules data: {error.message}")
    return _compile(merged, _digest(contents))


def _compile(data: dict[str, Any], digest: str) -> Policy:
    part_labels: dict[str, str] = {}
    for kind, labels in data["parts"].items():
        for label in labels:
            part_labels[normalize_label(label)[0]] = kind
    example_fields: dict[str, str] = {}
    for kind, labels in data["example_fields"].items():
        for label in labels:
            example_fields[normalize_label(label)[0]] = kind
    groups: dict[str, str] = {}
    for group in data["groups"]:
        for alias in [group["name"], *group.get("aliases", [])]:
            groups[normalize_label(alias)[0]] = group["name"]
    categories = {
        name: Category(name, (info.get("image") or {}).get("url"), (info.get("image") or {}).get("alt"),
                       tuple(info.get("verticals", ())), tuple(info.get("keywords", ())))
        for name, info in data["categories"].items()
    }
    return Policy(
        answer_labels=_labels(data["answer"]),
        part_labels=part_labels,
        example_containers=_labels(data["example_containers"]),
        example_fields=example_fields,
        canonical=dict(data["canonical"]),
        questions_section=tuple(re.compile(p) for p in data["questions_section"]),
        question_heading=re.compile(data.get("question_heading", DEFAULT_QUESTION_HEADING)),
        groups=groups,
        required_sections=tuple((s["name"], re.compile(s["pattern"]), s["message"])
                                for s in data["required_sections"]),
        required_parts=tuple(data["required_parts"]),
        categories=categories,
        artifacts=tuple(Artifact(re.compile(a["pattern"], re.MULTILINE), a["message"], tuple(a.get("hints", ())),
                                 a.get("scope") == "anywhere", a.get("fix", "line") == "line")
                        for a in data["artifacts"]),
        placeholder_values=frozenset(data.get("placeholder-values", ())),
        digest=digest,
    )
