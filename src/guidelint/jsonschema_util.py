"""JSON Schema loading and validation, local files only, errors mapped to readable messages."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True)
class SchemaError:
    """One schema violation: where in the instance, and what is wrong."""

    path: tuple[Any, ...]  # where in the instance
    message: str
    missing_key: str | None = None  # for `required` errors: the key that is missing


def _refuse_remote(uri: str) -> Any:
    raise ConfigError(f"schema $ref {uri!r} is not a local reference; remote schemas are never fetched")


def _objects(schema: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object inside a schema, the schema itself included."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _check_refs(schema: Any, where: str) -> None:
    for node in _objects(schema):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            raise ConfigError(f"{where}: $ref {ref!r} is not a local reference (#/...); "
                              "guidelint never fetches schemas")


_NOT_BUILT = object()


class Validator:
    """A Draft 2020-12 validator with format checks, built once per schema file.

    Two implementations of the same standard share the work: jsonschema-rs (compiled, about 1.5 us per
    guide's front matter) answers "is this valid?", which is almost always yes; the pure-Python
    jsonschema, imported only when something is wrong, explains what is wrong. The Python one is the
    authority: a document the fast one rejects gets exactly the Python one's errors (none, if they
    disagree), and tests check that nothing the Python one rejects is accepted by the fast one."""

    def __init__(self, schema: dict[str, Any], where: str, *, trusted: bool = False) -> None:
        """`trusted`: a schema shipped with guidelint, checked by its tests; others are checked here."""
        _check_refs(schema, where)
        self._schema = schema
        self._python: Any = None
        if not trusted:
            import jsonschema

            try:
                jsonschema.Draft202012Validator.check_schema(schema)
            except jsonschema.SchemaError as error:
                location = "/".join(str(part) for part in error.absolute_path) or "(root)"
                raise ConfigError(f"{where}: not a valid JSON Schema at {location}: {error.message}") from None
        # A user's schema gets the fast path only without regular expressions: Python's re and Rust's regex
        # read some patterns differently (white space in \s), and the bundled schema's one is tested on both.
        self._fast_allowed = trusted or not _has_patterns(schema)
        self._fast_built: Any = _NOT_BUILT  # built on first use: a run served from the cache never needs it

    def __getstate__(self) -> dict[str, Any]:
        """The schema and what was decided about it, without the validators built from it (neither
        pickles): a copy in another process builds its own on first use, reading no file."""
        state = dict(self.__dict__)
        state["_python"] = None
        state["_fast_built"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._fast_built = _NOT_BUILT  # (this process's sentinel, not the pickled one's)

    @property
    def _fast(self) -> Any:
        if self._fast_built is _NOT_BUILT:
            self._fast_built = _fast_validator(self._schema) if self._fast_allowed else None
        return self._fast_built

    def _explainer(self) -> Any:
        if self._python is None:
            import jsonschema
            from referencing import Registry

            cls = jsonschema.Draft202012Validator
            self._python = cls(self._schema, format_checker=cls.FORMAT_CHECKER,
                               registry=Registry(retrieve=_refuse_remote))  # type: ignore[call-arg]
        return self._python

    def _fast_says_valid(self, instance: Any) -> bool:
        """True when jsonschema-rs accepts `instance`; False when it rejects it, cannot take it, or is
        not in use (the Python validator then decides)."""
        if self._fast is None:
            return False
        try:
            return bool(self._fast.is_valid(instance))
        except Exception:  # noqa: BLE001 - a value it cannot take
            return False

    def unchecked_formats(self) -> list[str]:
        """The formats this schema names that no installed checker knows: values are not checked
        against them (JSON Schema treats a format as a note unless a checker exists)."""
        import jsonschema

        known = jsonschema.Draft202012Validator.FORMAT_CHECKER.checkers
        return sorted(name for name in _formats_in(self._schema) if name not in known)

    def is_valid(self, instance: Any) -> bool:
        return self._fast_says_valid(instance) or bool(self._explainer().is_valid(instance))

    @classmethod
    def from_file(cls, path: Path) -> Validator:
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise ConfigError(f"cannot read schema {path}: {error.strerror or error}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            line = getattr(error, "lineno", 1)
            raise ConfigError(f"{path}:{line}: schema is not valid JSON: {error}") from None
        except RecursionError:
            raise ConfigError(f"{path}: schema is nested too deeply") from None
        if not isinstance(schema, dict):
            raise ConfigError(f"{path}: schema must be a JSON object")
        from .resources import data_dir

        return cls(schema, str(path), trusted=path.resolve().parent == data_dir("schemas").resolve())

    def errors(self, instance: Any) -> Iterator[SchemaError]:
        if self._fast_says_valid(instance):  # the common case
            return
        if self._fast is None and self._explainer().is_valid(instance):
            return
        from jsonschema.exceptions import best_match

        validator = self._explainer()
        found = sorted(validator.iter_errors(instance), key=lambda e: (list(map(str, e.absolute_path)), e.message))
        for error in found:
            if error.context:  # anyOf / oneOf: say what the closest branch wanted
                error = best_match(error.context)
            path = tuple(error.absolute_path)
            missing = None
            message = error.message
            if error.validator == "required":
                missing = _missing_key(error.message)
            elif error.validator == "pattern" and isinstance(error.schema, dict) \
                    and isinstance(error.schema.get("description"), str):  # say what, not which regex
                message = f"{error.instance!r} is not {error.schema['description']}"
            elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
                for key in _extra_keys(error.instance, error.schema):
                    yield SchemaError(path + (key,), "unknown key (not in the schema)")
                continue
            yield SchemaError(path, message, missing)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _is_date(value: str) -> bool:
    """The "date" format exactly as jsonschema checks it (jsonschema-rs also takes year 0000)."""
    if not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


_MIRRORED_FORMATS = {"date": _is_date}


def _has_patterns(schema: Any) -> bool:
    return any(isinstance(node.get("pattern"), str) or isinstance(node.get("patternProperties"), dict)
               for node in _objects(schema))


def _formats_in(schema: Any) -> set[str]:
    return {node["format"] for node in _objects(schema) if isinstance(node.get("format"), str)}


def _fast_validator(schema: dict[str, Any]) -> Any:
    """jsonschema-rs for the schema, never fetching anything; None (the Python validator alone) if it
    cannot take the schema or the schema uses a format whose checks could differ between the two."""
    if not _formats_in(schema) <= _MIRRORED_FORMATS.keys():
        return None
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a declared dependency; the Python validator still works
        return None

    def refuse(uri: str) -> Any:
        raise ValueError(f"remote schema {uri!r} is never fetched")

    try:
        return jsonschema_rs.Draft202012Validator(schema, formats=_MIRRORED_FORMATS, validate_formats=True,
                                                  retriever=refuse)
    except Exception:  # noqa: BLE001 - e.g. a regex dialect it does not take: fall back to Python
        return None


def _extra_keys(instance: dict[str, Any], schema: Any) -> list[str]:
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
