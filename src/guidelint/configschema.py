"""The JSON Schema of guidelint's configuration, built from what the config reader accepts.

schemas/config.schema.json is `config_schema()` written out, for editors (taplo, Even Better TOML,
SchemaStore); tests/test_config_schema.py keeps the file, this function and the reader in agreement.
"""
from __future__ import annotations

from typing import Any

from .config import GROUPS, KINDS
from .configfile import COLLECTION_KEYS, KEYS
from .rules import REGISTRY


def rule_names_accepted() -> list[str]:
    """Every way a config may name rules: ALL, a group, a code, a slug, a code prefix."""
    prefixes = sorted({code[:length] for code in REGISTRY for length in (2, 3, 4)})
    return ["ALL", *GROUPS, *prefixes, *REGISTRY, *(rule.slug for rule in REGISTRY.values())]


def config_schema() -> dict[str, Any]:
    """The JSON Schema of a guidelint.toml (or of [tool.guidelint]), built from what `read` accepts:
    schemas/config.schema.json is this, written out (a meta-test keeps the two equal), and `read`
    checks every config against it after its own, more specific checks."""
    def ref(name: str, description: str | None = None) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{name}", **({"description": description} if description else {})}

    definitions = {
        "rule-name": {"enum": rule_names_accepted()},
        "rule-names": {"anyOf": [ref("rule-name"), {"type": "array", "items": ref("rule-name")}]},
        "globs": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "level": {"enum": ["error", "warning", "info"]},
        "kind": {"enum": list(KINDS)},
        "path": {"type": "string", "minLength": 1},
        "severity": {"type": "object", "propertyNames": ref("rule-name"), "additionalProperties": ref("level")},
        "options": {"type": "object", "additionalProperties": False, "properties": {
            name: {"type": "object", "additionalProperties": False,
                   "properties": {option: dict(rule.option_schema.get(option, {})) for option in rule.options}}
            for rule in REGISTRY.values() if rule.options for name in (rule.slug, rule.code)}},
    }
    shared = {
        "select": ref("rule-names", "Only these rules: codes, slugs, code prefixes, groups, ALL."),
        "extend-select": ref("rule-names", "Rules to add to the selection."),
        "ignore": ref("rule-names", "Rules to leave out."),
        "schema": ref("path", "JSON Schema of the front matter (relative to this file)."),
        "rules-data": ref("path", "Folder of rules data, *.yaml (relative to this file)."),
        "severity": ref("severity", "Severity per rule."),
        "options": ref("options", "Rule options, per rule."),
    }
    definitions["collection"] = {"type": "object", "additionalProperties": False, "required": ["include"],
                                 "properties": {
        "include": {**ref("globs", "Globs, relative to the config's folder."), "minItems": 1},
        "kind": ref("kind", "What the collection holds (default: guide)."), **shared}}
    top = {
        "extend": ref("path", "A config file to inherit from."),
        **{key: shared[key] for key in ("select", "extend-select", "ignore")},
        "fail-on": ref("level", "Lowest severity that fails the run."),
        "schema": shared["schema"], "rules-data": shared["rules-data"],
        "max-file-size": {"type": "integer", "minimum": 1, "description": "Larger files are not parsed."},
        "include": ref("globs", "What folders yield (default: *.md, *.markdown)."),
        "extend-include": ref("globs", "More globs for folders to yield (e.g. *.mdx)."),
        "exclude": ref("globs", "Files and folders to skip."),
        "force-exclude": {"type": "boolean", "description": "Exclude files named on the command line too."},
        "default-kind": ref("kind", "The kind of a file in no collection (default: guide)."),
        "severity": shared["severity"], "options": shared["options"],
        "per-file-ignores": {"type": "object", "additionalProperties": ref("rule-names"),
                             "description": "Glob = rules switched off for those files."},
        "collections": {"type": "object", "additionalProperties": ref("collection"),
                        "description": "Named sets of files with their own kind, schema and rules."},
    }
    assert tuple(top) == KEYS and ("include", "kind", *shared) == COLLECTION_KEYS
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://guidelint.invalid/config.schema.json", "title": "guidelint configuration",
            "type": "object", "additionalProperties": False, "properties": top, "$defs": definitions}
