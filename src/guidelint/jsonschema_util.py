"""JSON Schema loading and validation, local files only, errors mapped to readable messages."""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True)
class SchemaError:
    path: tuple[Any, ...]  # where in the instance
    message: str
    missing_key: str | None = None  # for `required` errors: the key that is missing


def _refuse_remote(uri: str) -> Any:
    raise ConfigError(f"schema $ref {uri!r} is not a local reference; remote schemas are never fetched")


def _check_refs(schema: Any, where: str) -> None:
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                raise ConfigError(f"{where}: $ref {ref!r} is not a local reference (#/...); "
                                  "guidelint never fetches schemas")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


class Validator:
    """A Draft 2020-12 validator with format checks, built once per schema file."""

    def __init__(self, schema: dict[str, Any], where: str, *, trusted: bool = False) -> None:
        """`trusted`: a schema shipped with guidelint, checked by its tests; others are checked here."""
        import jsonschema
        from referencing import Registry

        _check_refs(schema, where)
        cls = jsonschema.Draft202012Validator
        if not trusted:
            try:
                cls.check_schema(schema)
            except jsonschema.SchemaError as error:
                location = "/".join(str(part) for part in error.absolute_path) or "(root)"
                raise ConfigError(f"{where}: not a valid JSON Schema at {location}: {error.message}") from None
        self._validator = cls(schema, format_checker=cls.FORMAT_CHECKER,
                              registry=Registry(retrieve=_refuse_remote))  # type: ignore[call-arg]

    @classmethod
    def from_file(cls, path: Path) -> Validator:
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise ConfigError(f"cannot read schema {path}: {error.strerror or error}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            line = getattr(error, "lineno", 1)
            raise ConfigError(f"{path}:{line}: schema is not valid JSON: {error}") from None
        if not isinstance(schema, dict):
            raise ConfigError(f"{path}: schema must be a JSON object")
        from .resources import data_dir

        return cls(schema, str(path), trusted=path.resolve().parent == data_dir("schemas").resolve())

    def errors(self, instance: Any) -> Iterator[SchemaError]:
        from jsonschema.exceptions import best_match

        if self._validator.is_valid(instance):  # the common case, and cheaper than collecting errors
            return
        found = sorted(self._validator.iter_errors(instance), key=lambda e: (list(map(str, e.absolute_path)), e.message))
        for error in found:
            if error.context:  # anyOf / oneOf: say what the closest branch wanted
                error = best_match(error.context)
            path = tuple(error.absolute_path)
            missing = None
            message = error.message
            if error.validator == "required":
                missing = _missing_key(error.message)
            elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
                for key in _extra_keys(error.instance, error.schema):
                    yield SchemaError(path + (key,), "unknown key (not in the schema)")
                continue
            yield SchemaError(path, message, missing)


def _extra_keys(instance: dict[str, Any], schema: Any) -> list[str]:
    import re

    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    patterns = schema.get("patternProperties", {}) if isinstance(schema, dict) else {}
    return [key for key in instance
            if key not in properties and not any(re.search(pattern, key) for pattern in patterns)]


def _missing_key(message: str) -> str | None:
    # jsonschema's message is "'key' is a required property"
    if message.startswith("'") and "' is a required property" in message:
        return message[1:message.index("' is a required property")]
    return None


def json_path(path: tuple[Any, ...]) -> str:
    text = "$"
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text
