"""A plain front matter scalar that YAML 1.1 and YAML 1.2 read differently.

Why: guidelint reads front matter with PyYAML, which follows YAML 1.1; the JavaScript site generators
that render these repositories (js-yaml, the `yaml` package) follow the YAML 1.2 core schema. The same
unquoted word is then two different values: `i18nReady: yes` is the boolean true for guidelint and the
string "yes" on the site, `mode: 0777` is 511 for one and 777 for the other, `time: 12:30:00` is the
number 45000 (base 60) for one and a string for the other. Keys count too (`on:`), at any depth.
Dates are left to date-style, which owns how they are written.

Bad:
    i18nReady: yes
    country: NO
    budget: 1_000
Good:
    i18nReady: true
    country: "NO"
    budget: 1000

Options: none.
Fix (safe): where the site generators read a string, double-quotes the scalar, so guidelint reads
that string too (`yes` becomes "yes", what the site always showed). Only that scalar's text changes;
comments and other quoting survive. Where they read a number (`0777` is 777 for them, `09` is 9), what
the author meant is unclear (a zip code or a number?): reported, not fixed.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from ..diagnostics import Edit, Finding, Fix, Severity
from ..model import Document
from .base import Context, Rule

_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"

# The YAML 1.2.2 core schema (section 10.3.2), in the spec's order: the first match decides.
_CORE_NULL = re.compile(r"null|Null|NULL|~|")
_CORE_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")
_CORE_INT10 = re.compile(r"[-+]?[0-9]+")
_CORE_INT8 = re.compile(r"0o[0-7]+")
_CORE_INT16 = re.compile(r"0x[0-9a-fA-F]+")
_CORE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_CORE_INF = re.compile(r"[-+]?(\.inf|\.Inf|\.INF)")
_CORE_NAN = re.compile(r"\.nan|\.NaN|\.NAN")

# What a text that a core pattern matches can start with (the empty text is null too)
_CORE_FIRST = frozenset("nN~tTfF-+.0123456789")


def core_reading(text: str) -> Any:
    """The value of a plain scalar under the YAML 1.2 core schema."""
    if _CORE_NULL.fullmatch(text):
        return None
    if _CORE_BOOL.fullmatch(text):
        return text[0] in "tT"
    if _CORE_INT10.fullmatch(text):
        try:
            return int(text)
        except ValueError:  # past Python's digit limit for int(): a JavaScript reader makes it a Number
            return float(text)
    if _CORE_INT8.fullmatch(text):
        return int(text[2:], 8)
    if _CORE_INT16.fullmatch(text):
        return int(text[2:], 16)
    if _CORE_FLOAT.fullmatch(text):
        return float(text)
    if _CORE_INF.fullmatch(text):
        return -math.inf if text[0] == "-" else math.inf
    if _CORE_NAN.fullmatch(text):
        return math.nan
    return text


def _same(a: Any, b: Any) -> bool:
    # type first: True == 1 and 1 == 1.0 in Python, not in YAML
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _clip(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:37]}..."


def _shown(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'the string "{_clip(value)}"'
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "infinity" if value > 0 else "minus infinity"
    if isinstance(value, int) and value.bit_length() > 128:  # repr() refuses past 4,300 digits
        return "a very large number"
    return _clip(repr(value))


def _plain_scalars(root: Any) -> Iterator[Any]:
    """Every plain scalar node (keys and values), in text order; iterative (the tree is at most
    yamlnodes.MAX_DEPTH deep, but no recursion is needed)."""
    import yaml

    stack: list[tuple[Any, Any]] = [(root, None)]  # (node, the top-level key node it lies under)
    found = []
    while stack:
        node, top = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            if not node.style:  # "" (C loader) or None (Python loader): plain
                found.append((node, top))
        elif isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                under = key_node if node is root else top
                stack.extend(((key_node, under), (value_node, under)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, top) for item in node.value)
    return iter(sorted(found, key=lambda pair: pair[0].start_mark.index))


def _number(value: Any) -> str | None:
    """The number as it can be written plainly, or None (infinity, an int past Python's digit limit)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        return _clip(repr(value))
    except ValueError:
        return None


def _aspect_name(key_node: Any) -> str:
    """The name the fixer's guard gives a top-level key (see fixer.signature): its text for a string
    key, else the repr of what YAML 1.1 reads (`on:` is the key True)."""
    import yaml

    if key_node.tag == _STR:
        return str(key_node.value)
    try:
        return repr(yaml.SafeLoader("").construct_object(key_node, deep=True))
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        return str(key_node.value)


def _escaped(text: str) -> str:
    """A plain scalar's text inside double quotes: backslashes and quotes escaped."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def check(document: Document, context: Context) -> Iterator[Finding]:
    import yaml  # here, not at the top: a run answered from the cache imports no YAML at all

    front = document.front_matter
    if front is None or front.doc is None or front.doc.root is None:
        return
    for node, top in _plain_scalars(front.doc.root):
        if node.tag == _TIMESTAMP:
            continue  # date-style owns dates (its house style writes them unquoted on purpose)
        text = node.value
        if node.tag == _STR and text and text[0] not in _CORE_FIRST:
            continue  # a string under both schemas: every core pattern but the empty null starts so
        try:
            ours = text if node.tag == _STR else yaml.SafeLoader("").construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            continue  # the front matter would not have loaded; front-matter-syntax reports it
        theirs = core_reading(text)
        if _same(ours, theirs):
            continue
        start = front.yaml_start + node.start_mark.index
        end = front.yaml_start + node.end_mark.index
        if document.text[start:end] != text:
            continue  # an explicit tag (`!!bool yes`) says which reading is meant
        number = None if isinstance(theirs, str) else _number(theirs)
        advice = "quote it" if isinstance(theirs, str) else "quote it for the text" + (
            f", or write {number} for the number" if number else "")
        message = (f"'{_clip(text)}' is read as {_shown(ours)} by YAML 1.1 (guidelint, PyYAML) and as "
                   f"{_shown(theirs)} by YAML 1.2 (most site generators); {advice}")
        # Quoting makes guidelint read what the site generators read: the front matter key it lies under
        # changes on purpose (a key that is itself quoted changes its name: both names are declared).
        changed = {f"meta:{_aspect_name(top)}"} if top is not None else set()
        if node is top:
            changed.add(f"meta:{text}")
        fix = None
        if isinstance(theirs, str):  # what the site reads stays; guidelint then reads it too
            fix = Fix(f'quote {_clip(text)}', (Edit(start, end, f'"{_escaped(text)}"'),),
                      changes=frozenset(changed))
        yield Finding(message, start, end, fix)


RULE = Rule(code="GL110", slug="yaml-version-ambiguity", severity=Severity.WARNING, check=check, doc=__doc__,
            fix="safe")
