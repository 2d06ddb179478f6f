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
Fix (safe): double-quotes the scalar, so both read the string as written; only that scalar's text
changes (comments and other quoting survive). Offered only where guidelint already reads the string
(`09`, `1e3`, `0o17`): a fix that changes what guidelint reads (`yes` to "yes") would be refused by the
fixer's guard, which cannot yet be told which front matter key a fix means to change.
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

    stack = [root]
    found = []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            if not node.style:  # "" (C loader) or None (Python loader): plain
                found.append(node)
        elif isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                stack.extend((key_node, value_node))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return iter(sorted(found, key=lambda n: n.start_mark.index))


def check(document: Document, context: Context) -> Iterator[Finding]:
    import yaml  # here, not at the top: a run answered from the cache imports no YAML at all

    front = document.front_matter
    if front is None or front.doc is None or front.doc.root is None:
        return
    for node in _plain_scalars(front.doc.root):
        if node.tag == _TIMESTAMP:
            continue  # date-style owns dates (its house style writes them unquoted on purpose)
        text = node.value
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
        message = (f"'{_clip(text)}' is read as {_shown(ours)} by YAML 1.1 (guidelint, PyYAML) and as "
                   f"{_shown(theirs)} by YAML 1.2 (most site generators); quote it")
        fix = None
        if isinstance(ours, str):  # quoting keeps what guidelint reads: the fixer's guard allows it
            fix = Fix(f'quote {_clip(text)}', (Edit(start, end, f'"{text}"'),))
        yield Finding(message, start, end, fix)


RULE = Rule(code="GL110", slug="yaml-version-ambiguity", severity=Severity.WARNING, check=check, doc=__doc__,
            fix="safe")
