"""YAML with positions: compose a node tree with PyYAML's C safe loader and keep every key's place.

Shared by the front matter parser and the rules-data loader, so both report a line for every problem.
"""
from __future__ import annotations

import base64
import bisect
import datetime as _dt
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # the C loader is a hard requirement of speed, but keep working where libyaml is missing
    from yaml import CSafeLoader as SafeLoader
    _C_LOADER = True
except ImportError:  # pragma: no cover
    from yaml import SafeLoader  # type: ignore[assignment]
    _C_LOADER = False

MAX_NODES = 20_000
MAX_DEPTH = 64  # collections inside collections; every reader of the data may recurse this deep


class YamlProblem(Exception):
    """A YAML text that cannot be used; offset is a character offset into the YAML text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class Located:
    """A node's place: character offsets into the YAML text and its scalar style."""

    start: int
    end: int
    style: str | None = None  # None plain, "'" or '"' quoted, "|" or ">" block, "flow"/"block" collections


@dataclass
class YamlDoc:
    """Loaded YAML: the data, its node tree (for positions) and the keys given twice."""

    data: Any
    root: Any  # yaml.Node
    duplicate_keys: list[tuple[str, int]] = field(default_factory=list)
    # mapping node id -> its pairs by key text (see _keys); the nodes live as long as `root`
    _index: dict[int, dict[str, tuple[Any, Any]]] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        """Copies and pickles start with an empty index: its keys are the ids of this tree's nodes."""
        state = self.__dict__.copy()
        state["_index"] = {}
        return state

    def locate(self, path: tuple[Any, ...], *, key: bool = True, shift: int = 0) -> Located | None:
        """Where the node at `path` is; for a mapping entry, its key (key=True) or its value. `shift` is
        added to both offsets (the YAML text's offset in a document)."""
        node = self.root
        found = node  # the node whose place is the answer when the path stops here
        for part in path:
            if isinstance(node, yaml.MappingNode):
                pair = self._keys(node).get(str(part))
                if pair is None:
                    return _place(found, shift)
                found = pair[0] if key else pair[1]
                node = pair[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = found = node.value[part]
            else:
                return _place(found, shift)
        return _place(found if key and path else node, shift)

    def _keys(self, node: Any) -> dict[str, tuple[Any, Any]]:
        """A mapping node's (key node, value node) pairs by key text, the first of each kept (what a search
        in order finds); made at the first look into the mapping: a guide's rules ask ~8 places."""
        index = self._index.get(id(node))
        if index is None:
            index = {}
            for pair in node.value:
                key_node = pair[0]
                if isinstance(key_node, yaml.ScalarNode) and key_node.value not in index:
                    index[key_node.value] = pair
            self._index[id(node)] = index
        return index

    def entry(self, name: str) -> tuple[Any, Any] | None:
        """The (key node, value node) pair of a top-level key, or None."""
        if isinstance(self.root, yaml.MappingNode):
            for key_node, value_node in self.root.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == name:
                    return key_node, value_node
        return None


def _place(node: Any, shift: int = 0) -> Located:
    if isinstance(node, yaml.ScalarNode):
        style = node.style or None  # the C loader says "" for plain scalars, the Python one None
    else:
        style = "flow" if getattr(node, "flow_style", False) else "block"
    return Located(node.start_mark.index + shift, node.end_mark.index + shift, style)


def _mark_offset(error: yaml.YAMLError, text: str) -> int:
    problem = getattr(error, "problem_mark", None)
    context = getattr(error, "context_mark", None)
    # "unexpected end of stream" points past the end: where the unclosed thing began says more
    if context is not None and (problem is None or not text[problem.index:].strip()):
        return context.index
    if problem is not None and str(getattr(error, "problem", "")).startswith(_UNKNOWN_ESCAPE + " '"):
        return problem.index - 1  # the Python loader's place: the character after the backslash
    return problem.index if problem is not None else 0


_TOO_DEEP = f"YAML is nested more than {MAX_DEPTH} levels deep"


# libyaml and the pure-Python loader word the same errors differently: the findings must not depend on
# which one is installed. Python's wording (first) becomes libyaml's (second).
_SAME_ERROR = [(re.compile(pattern), wording) for pattern, wording in (
    (r"^mapping values are not allowed here$", "mapping values are not allowed in this context"),
    (r"^expected '<document start>', but found .*$", "did not find expected <document start>"),
    (r"^expected ',' or '\]', but got .*$", "did not find expected ',' or ']'"),
    (r"^expected ',' or '}', but got .*$", "did not find expected ',' or '}'"),
    (r"^found incompatible YAML document \(version 1\.\* is required\)$", "found incompatible YAML document"),
)]
_BLOCK_END = re.compile(r"^expected <block end>, but found .*$")
_TOKEN_START = "that cannot start any token"
_UNKNOWN_ESCAPE = "found unknown escape character"


def _describe(error: yaml.YAMLError, text: str = "") -> str:
    problem = getattr(error, "problem", None)
    if problem and "maximum nesting depth" in problem:  # libyaml 0.2.5+ stops at 1,000 levels itself
        return _TOO_DEEP
    context = getattr(error, "context", None)
    if problem:
        for pattern, wording in _SAME_ERROR:
            problem = pattern.sub(wording, problem)
        if _BLOCK_END.match(problem):
            problem = "did not find expected key" if context == "while parsing a block mapping" else \
                "did not find expected '-' indicator"
        if problem == f"found character {_TOKEN_START}":  # libyaml does not say which: the text does
            mark = getattr(error, "problem_mark", None)
            if mark is not None and mark.index < len(text):
                problem = f"found character {text[mark.index]!r} {_TOKEN_START}"
        if problem.startswith(_UNKNOWN_ESCAPE):  # Python names the character and points at it, libyaml
            context = "while parsing a quoted scalar"  # points at the backslash: the name, at the backslash
            mark = getattr(error, "problem_mark", None)
            if problem == _UNKNOWN_ESCAPE and mark is not None and mark.index + 1 < len(text):
                problem = f"{_UNKNOWN_ESCAPE} {text[mark.index + 1]!r}"
    if problem and context:
        return f"{problem} ({context})"
    return problem or context or str(error).splitlines()[0]


def _check_tree(root: Any) -> tuple[list[tuple[str, int]], list[Any]]:
    """Refuse aliases (alias bombs), oversized and too deeply nested trees; collect duplicate keys, and
    every scalar node for `_agree_with_python_loader` (collected here: one walk of the tree where there
    were two). Iterative, no recursion."""
    seen: set[int] = set()
    duplicates: list[tuple[str, int]] = []
    scalars: list[Any] = []
    stack = [(root, 1)]  # with the depth of the collection a node is or would be
    count = 0
    scalar_node, mapping_node, sequence_node = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode
    while stack:
        node, depth = stack.pop()
        is_scalar = isinstance(node, scalar_node)
        if depth > MAX_DEPTH and not is_scalar:
            raise YamlProblem(_TOO_DEEP, node.start_mark.index)
        if id(node) in seen:
            raise YamlProblem("anchors and aliases are not allowed here", node.start_mark.index)
        seen.add(id(node))
        count += 1
        if count > MAX_NODES:
            raise YamlProblem(f"YAML has more than {MAX_NODES:,} nodes", node.start_mark.index)
        if is_scalar:
            scalars.append(node)
        elif isinstance(node, mapping_node):
            keys: set[str] = set()
            for key_node, value_node in node.value:
                if isinstance(key_node, scalar_node):
                    if key_node.value == "<<":
                        raise YamlProblem("merge keys (<<) are not allowed here", key_node.start_mark.index)
                    if key_node.value in keys:
                        duplicates.append((key_node.value, key_node.start_mark.index))
                    keys.add(key_node.value)
                stack.append((key_node, depth + 1))
                stack.append((value_node, depth + 1))
        elif isinstance(node, sequence_node):
            stack.extend((item, depth + 1) for item in node.value)
    return duplicates, scalars


# What YAML allows (both loaders agree on the set, not on how they report the rest: the pure-Python one
# raised from its constructor, outside any handler). A byte order mark at the start of a line is
# skipped by libyaml and kept by the Python loader: refused too, being invisible and never meant.
# The set is written as what is refused (C0 and C1 controls but tab, line feed, carriage return and
# NEL; DEL; surrogates; U+FFFE and U+FFFF), not as the complement of what is allowed: the same
# characters (tests/test_yamlnodes.py checks every code point), but compiling the complement walks
# every allowed code point below U+10000 in Python, 1.8 ms of every start against 0.2 ms.
_NOT_YAML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]|(?:^|(?<=[\n\r]))\ufeff")


_DIRECTIVE = re.compile(r"\A(?:[ \t]*(?:#[^\n]*)?\n)*%")


def _refuse_characters(text: str) -> None:
    # Every character _NOT_YAML refuses is one Python calls not printable (a control, a surrogate, a
    # noncharacter, the BOM: tests/test_yamlnodes.py checks every code point), so a text that is all
    # printable but its tabs and line ends has none: two C scans, where the search costs ~20 us a guide.
    found = None if text.replace("\n", "").replace("\t", "").replace("\r", "").isprintable() else \
        _NOT_YAML.search(text)
    if found is not None:
        character = found.group()
        what = "a byte order mark (U+FEFF) at the start of a line" if character == "\ufeff" else \
            f"character U+{ord(character):04X}"
        raise YamlProblem(f"{what} is not allowed in YAML", found.start())
    directive = _DIRECTIVE.match(text)
    if directive is not None:  # (the two loaders fail on it in two different places)
        raise YamlProblem("a directive (%YAML, %TAG) needs a '---' line after it, and that line closes the "
                          "front matter", directive.end() - 1)


_QUOTED = frozenset({"'", '"', "|", ">"})
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # one scan in C, not a generator step per character


def _agree_with_python_loader(nodes: list[Any], text: str) -> None:
    """What libyaml accepts and the pure-Python loader refuses, refused here with the Python loader's
    words and place: a tab outside quotes, block scalars and comments. And what the Python loader
    accepts and libyaml refuses: an escaped surrogate (\\ud800) in a double-quoted string. `nodes`:
    every scalar node of the tree, in any order (see _check_tree). Their places are read only when a
    double-quoted one holds a surrogate (the first in the text is reported) or the text has a tab:
    a guide has neither, and reading ~35 places and sorting them cost a quarter of the walk."""
    wrong = [node for node in nodes if node.style == '"' and not node.value.isascii()
             and _SURROGATE.search(node.value) is not None]  # (a surrogate is not ASCII)
    if wrong:
        node = min(wrong, key=lambda node: node.start_mark.index)  # (no two scalars start at one place)
        start, end = node.start_mark.index, node.end_mark.index
        found = _SURROGATE_ESCAPE.search(text, start, end)
        raise YamlProblem("found invalid Unicode character escape code (while parsing a quoted scalar)",
                          found.start() + 2 if found else start)
    tab = text.find("\t")
    if tab == -1:
        return
    scalars = sorted((node.start_mark.index, node.end_mark.index, node.style or None, node.value)
                     for node in nodes)
    _refuse_tabs(text, tab, scalars)


def _refuse_tabs(text: str, tab: int, scalars: list[tuple[int, int, str | None, str]]) -> None:
    """A tab, from the first one at `tab`, outside quoted and block scalars (`scalars`: every scalar's
    (start, end, style, value), sorted) and before a line's comment: refused as the Python loader does."""
    starts = [scalar[0] for scalar in scalars]

    def style_at(offset: int) -> Any:  # the style of the scalar holding `offset` ("" for none)
        index = bisect.bisect_right(starts, offset) - 1
        return scalars[index][2] if index >= 0 and offset < scalars[index][1] else ""

    comments: dict[int, int] = {}  # line start -> where its comment starts (past the line when none)
    while tab != -1:
        line_start = text.rfind("\n", 0, tab) + 1
        if line_start not in comments:
            line_end = text.find("\n", tab)
            line_end = len(text) if line_end == -1 else line_end
            mark = text.find("#", line_start, line_end)
            while mark != -1 and not ((mark == line_start or text[mark - 1] in " \t") and style_at(mark) == ""):
                mark = text.find("#", mark + 1, line_end)
            comments[line_start] = line_end if mark == -1 else mark
        if style_at(tab) not in _QUOTED and tab < comments[line_start]:
            raise YamlProblem("found character '\\t' that cannot start any token (while scanning for the next "
                              "token)", tab)
        tab = text.find("\t", tab + 1)


_SHALLOW = 4096  # a text this short cannot nest deep enough to hurt the composer


def _refuse_deep_nesting(text: str) -> None:
    """PyYAML's C composer recurses once per nesting level, and ~30,000 levels ("[[[[...") overflow the
    C stack: a crash, not an exception. Its event parser does not recurse, so a long text is measured
    with events first. The walk owns every error it meets: a syntax error, or libyaml's own depth limit
    (which newer libyaml hits before our 65th level is read), is reported here, once, where it is."""
    parser = SafeLoader(text)
    depth = 0
    try:
        while True:
            event = parser.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlProblem(_TOO_DEEP, event.start_mark.index)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as error:
        raise YamlProblem(_describe(error, text), _mark_offset(error, text)) from None
    finally:
        parser.dispose()


def load(text: str) -> YamlDoc:
    """Compose and construct one YAML document safely; raises YamlProblem with an offset."""
    _refuse_characters(text)
    if len(text) > _SHALLOW or not _C_LOADER:  # the pure-Python composer recurses in Python: always walk
        _refuse_deep_nesting(text)
    loader = SafeLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as error:
            raise YamlProblem(_describe(error, text), _mark_offset(error, text)) from None
        if root is None:
            return YamlDoc(None, None)
        duplicates, scalars = _check_tree(root)
        _agree_with_python_loader(scalars, text)
        try:
            data = _construct(root, loader)
        except yaml.YAMLError as error:
            raise YamlProblem(_describe(error, text), _mark_offset(error, text)) from None
        except (ValueError, TypeError, OverflowError, AttributeError) as error:  # e.g. a date 2025-02-30
            where = _unreadable_scalar(root, SafeLoader(""))
            if isinstance(error, AttributeError):  # PyYAML's own slip: `!!timestamp abc` fails on a None
                tag = str(where.tag).rsplit(":", 1)[-1]
                message = f"{str(where.value)[:40]!r} is not a {tag}"
            else:
                message = str(error)
            raise YamlProblem(f"cannot read value: {message}", where.start_mark.index) from None
        return YamlDoc(data, root, duplicates)
    finally:
        loader.dispose()


def _unreadable_scalar(root: Any, loader: Any) -> Any:
    """The first scalar (in text order) that PyYAML cannot turn into a value, or `root` when each one
    alone can be: its error names no node, and the finding belongs at the value, not at the top."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            try:
                loader.construct_object(node)
            except (ValueError, TypeError, OverflowError, AttributeError, yaml.YAMLError):
                return node
        elif isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in reversed(node.value) for part in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return root


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


def _construct(node: Any, loader: Any) -> Any:
    """The same data as PyYAML's safe constructor, faster for what front matter is made of: string
    scalars and plain mappings and sequences are built here (PyYAML's generic path costs ~40% of a
    guide's YAML time); every other node goes to PyYAML itself. Runs after `_check_tree`: no aliases,
    no merge keys, at most MAX_DEPTH levels."""
    kind = type(node)
    tag = node.tag
    if kind is yaml.ScalarNode and tag == _STR:
        return node.value
    if kind is yaml.MappingNode and tag == _MAP and all(key.tag == _STR for key, _ in node.value):
        return {key.value: _construct(value, loader) for key, value in node.value}
    if kind is yaml.SequenceNode and tag == _SEQ:
        return [_construct(item, loader) for item in node.value]
    return loader.construct_object(node, deep=True)


# What a YAML value becomes in JSON (the schema's input and the export's metadata), for every type
# PyYAML's safe loader makes. Deterministic: nothing depends on hash order or the machine.
#   str, bool, null, int, finite float      themselves
#   date, datetime (with or without a zone) ISO 8601 text: 2025-02-04, 2025-02-04T10:00:00+02:00
#   !!set                                   a list, sorted: null, false, true, numbers, text
#   !!omap, !!pairs                         a list of [key, value] lists
#   !!binary                                base64 text
#   .nan, .inf, -.inf                       null (JSON has no such numbers)
#   an int of more than _MAX_DIGITS digits  null (too long to write as text)
#   a key that is not a string              its JSON text: true, null, 1, 2025-02-04
# The lossy ones (a set, binary data, null for a number, two keys that become one) are also reported by
# `json_problems`, which front-matter-schema turns into findings.
_MAX_DIGITS = 4000  # CPython refuses to write an int of more than 4,300 digits as text
_MAX_BITS = int(_MAX_DIGITS * 3.3219)


def _is_json_number(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return value.bit_length() <= _MAX_BITS  # an int


def _json_key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, (int, float)) and not isinstance(key, bool) and not _is_json_number(key):
        if isinstance(key, int):
            return hex(key)
        return ".nan" if math.isnan(key) else (".inf" if key > 0 else "-.inf")
    if key is None or isinstance(key, (bool, int, float)):
        value = to_json(key)
        return json.dumps(value) if not isinstance(value, str) else value
    return to_json(key) if isinstance(key, (_dt.date, bytes)) else str(key)


def _set_order(item: Any) -> tuple[int, Any]:
    """null, false and true, numbers, text (each in its own order); anything else by its JSON text."""
    if item is None:
        return (0, 0)
    if isinstance(item, bool):
        return (1, item)
    if isinstance(item, (int, float)):
        return (2, item)
    if isinstance(item, str):
        return (3, item)
    return (4, json.dumps(item, sort_keys=True, ensure_ascii=True))


def to_json(value: Any) -> Any:
    """YAML data as JSON data, as the table above says."""
    if isinstance(value, str) or value is None or isinstance(value, bool):
        return value
    if isinstance(value, dict):
        return {_json_key(key): to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    if isinstance(value, (int, float)):
        return value if _is_json_number(value) else None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted((to_json(item) for item in value), key=_set_order)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return str(value)  # (the safe loader makes nothing else)


_KEPT = frozenset({str, bool, type(None), _dt.date, _dt.datetime})  # types to_json keeps without a problem


def _plainly_json(value: Any) -> bool:
    """True when `json_problems` has nothing to say about `value`: dicts with string keys only (no two
    can become one JSON key), lists, and values of _KEPT, finite floats and ints short enough. One quick
    walk without paths or messages, as front matter nearly always is (the walk with them cost ~4 times
    as much); False leaves the answer to that walk."""
    stack = [value]
    pop, push, kept, limit = stack.pop, stack.extend, _KEPT, _MAX_BITS
    while stack:
        item = pop()
        kind = type(item)
        if kind in kept:
            continue
        if kind is dict:
            for key in item:
                if type(key) is not str:
                    return False
            push(item.values())
        elif kind is list:
            push(item)
        elif kind is int:
            if item.bit_length() > limit:
                return False
        elif kind is not float or not math.isfinite(item):
            return False  # a set, bytes, a tuple, a subclass, NaN or infinity
    return True


def json_problems(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], str]]:
    """Where `to_json` cannot keep a value as it is, with why: (path of JSON keys and indexes, message)."""
    return [] if _plainly_json(value) else _json_problems_walk(value, path)


def _json_problems_walk(value: Any, path: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], str]]:
    problems: list[tuple[tuple[Any, ...], str]] = []
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            seen: dict[str, Any] = {}
            for key, child in item.items():
                name = _json_key(key)
                if name in seen:
                    problems.append((where + (name,), f"key {key!r} and key {seen[name]!r} are the same JSON key "
                                                      f"{json.dumps(name, ensure_ascii=False)}; only the later "
                                                      "value is kept"))
                seen[name] = key
                stack.append((child, where + (name,)))
        elif isinstance(item, (list, tuple)):
            stack.extend((child, where + (index,)) for index, child in enumerate(item))
        elif isinstance(item, float) and not _is_json_number(item):
            written = ".nan" if math.isnan(item) else (".inf" if item > 0 else "-.inf")
            problems.append((where, f"{written} is not a JSON number (JSON has no NaN or infinity); "
                                    "it is exported as null"))
        elif isinstance(item, int) and not isinstance(item, bool) and not _is_json_number(item):
            problems.append((where, f"an integer of more than {_MAX_DIGITS:,} digits cannot be exported; "
                                    "it is exported as null"))
        elif isinstance(item, (set, frozenset)):
            problems.append((where, "a YAML set (!!set) is not JSON; it is exported as a sorted list"))
        elif isinstance(item, bytes):
            problems.append((where, "binary data (!!binary) is not JSON; it is exported as base64 text"))
    problems.sort(key=lambda problem: [str(part) for part in problem[0]])
    return problems
