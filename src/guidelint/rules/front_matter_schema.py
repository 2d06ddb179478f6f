"""A front matter value that breaks the JSON Schema (schemas/guide.schema.json by default).

Why: the schema is the contract with the site: required keys, strings that are not empty, ISO dates,
`{url, alt}` objects for avatar and image, a non-empty list of unique tags, no unknown keys. The
schema checks the front matter as JSON: a value JSON cannot hold as it is (.nan, .inf, a !!set,
!!binary data, keys such as 1 and '1' that become one JSON key) is reported here too, with what the
export writes instead.

Bad:
    pubDate: "Feb 4, 2025"
    image: /images/sales-interview.jpg
Good:
    pubDate: 2025-02-04
    image:
      url: /images/sales-interview.jpg
      alt: Sales Interview

Options: `yaml` (default "1.1"): which reading of the front matter the schema checks. "1.1" is what
guidelint (PyYAML) reads; "1.2" is the YAML 1.2 core schema the JavaScript site generators read, where
an unquoted `yes` is the string "yes", not true, and `0777` is 777 (see yaml-version-ambiguity). The
schema file itself is the `schema` setting.
Fix: none.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..diagnostics import Finding, Severity
from ..jsonschema_util import json_path
from ..model import Document
from .base import Context, Rule


def check(document: Document, context: Context) -> Iterator[Finding]:
    front = document.front_matter
    data = document.metadata
    if front is None or data is None:
        return
    from ..yamlnodes import json_problems, to_json

    for path, message in json_problems(data):  # values JSON cannot hold as they are: the schema sees them changed
        located = front.locate(path)
        yield Finding(f"{json_path(path)}: {message}", located.start if located else 0)
    if context.options.get("yaml", "1.1") == "1.2" and front.doc is not None and front.doc.root is not None:
        data = _as_yaml_12(front.doc.root, data)
    for error in context.schema.errors(to_json(data)):
        if error.missing_key is not None:
            parent = front.locate(error.path) if error.path else None
            where = json_path(error.path + (error.missing_key,))
            yield Finding(f"{where}: missing required key {error.missing_key!r}", parent.start if parent else 0)
            continue
        located = front.locate(error.path)
        yield Finding(f"{json_path(error.path)}: {error.message}", located.start if located else 0)


def _as_yaml_12(node: Any, value: Any) -> Any:
    """`value` (as YAML 1.1 read it from `node`) with every plain scalar read as YAML 1.2 reads it.
    Mapping entries are matched by their written key; a key that is not a string is left as it is."""
    import yaml

    from .yaml_version_ambiguity import core_reading

    if isinstance(node, yaml.ScalarNode):
        if node.style or node.tag not in _IMPLICIT:
            return value  # quoted, block or explicitly tagged: read alike
        return core_reading(node.value)
    if isinstance(node, yaml.MappingNode) and isinstance(value, dict):
        read = dict(value)
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _STR else None
            if key is not None and key in read:
                read[key] = _as_yaml_12(value_node, read[key])
        return read
    if isinstance(node, yaml.SequenceNode) and isinstance(value, list) and len(node.value) == len(value):
        return [_as_yaml_12(item_node, item) for item_node, item in zip(node.value, value)]
    return value


_STR = "tag:yaml.org,2002:str"
# the tags an unquoted scalar gets from the resolver (not from a `!!tag` written in the text)
_IMPLICIT = frozenset({_STR, "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                       "tag:yaml.org,2002:null"})


RULE = Rule(code="GL103", slug="front-matter-schema", severity=Severity.ERROR, check=check, doc=__doc__,
            options={"yaml": "1.1"}, option_schema={"yaml": {"enum": ["1.1", "1.2"]}})
