"""The front matter gives the same findings (rule, line, column, message) with libyaml (CSafeLoader)
and with the pure-Python SafeLoader that yamlnodes falls back on where libyaml is missing."""
from __future__ import annotations

import pytest
import yaml

from guidelint import yamlnodes

CASES = {
 "tab-in-comment": "term: x # a\tcomment\n# \tfull line\n",
 "tab-in-quotes": "term: \"a\tb\"\nother: 'c\td'\n",
 "tab-in-block": "term: |\n  a\tb\n",
 "tab-indent": "term: x\ntags:\n\t- a\n",
 "tab-after-colon": "term:\tx\n",
 "odd-indent": "term: x\nimage:\n   url: /a\n  alt: b\n",
 "complex-key": "? term\n: x\n? [a, b]\n: y\n",
 "complex-key-map": "? {a: 1}\n: y\n",
 "multi-doc": "term: x\n---\nother: y\n",
 "multi-doc-dots": "term: x\n...\n",
 "directive": "%YAML 1.2\n---\nterm: x\n",
 "directive-bad": "%YAML 2.0\n---\nterm: x\n",
 "tag-directive": "%TAG !e! tag:example.com,2000:\n---\nterm: !e!foo x\n",
 "unicode-escape": 'term: "caf\\u00e9 \\U0001F600"\n',
 "surrogate-escape": 'term: "\\ud800"\n',
 "invalid-escape": 'term: "a\\qb"\n',
 "long-key": "k" * 2000 + ": x\n",
 "long-key-implicit": "term: x\n" + "a" * 1100 + ": y\n",
 "anchor": "term: &a x\nother: *a\n",
 "anchor-only": "term: &a x\n",
 "local-tag": "term: !foo x\n",
 "set": "tags: !!set {b, a}\n",
 "omap": "tags: !!omap [a: 1, b: 2]\n",
 "pairs": "tags: !!pairs [a: 1, a: 2]\n",
 "binary": "term: !!binary aGVsbG8=\n",
 "bad-binary": "term: !!binary '!!!'\n",
 "bom-middle": "term: x\ufeffy\nother: \ufeffz\n",
 "bom-start-line": "term: x\n\ufeffother: z\n",
 "control-char": "term: a\x07b\n",
 "control-quoted": 'term: "a\x07b"\n',
 "del-char": "term: a\x7fb\n",
 "nel": "term: a\x85b\n",
 "nel-line": "term: x\x85other: y\n",
 "ls": "term: a\u2028b\n",
 "ls-line": "term: x\u2028other: y\n",
 "ps": "term: a\u2029b\n",
 "escapes-LPN": 'term: "a\\Lb\\Pc\\Nd\\_e"\n',
 "nan": "draft: .nan\n",
 "inf-key": ".inf: x\n",
 "bad-date": "pubDate: 2025-13-45\n",
 "bad-date2": "term: x\npubDate: 2025-02-30\n",
 "tz": "pubDate: 2025-01-02 10:00:00+02:00\n",
 "null-key": "~: x\nnull: y\n",
 "bool-keys": "true: a\nyes: b\n",
 "int-key": "1: a\n'1': b\n",
 "big-hex": "term: 0x" + "f" * 4000 + "\n",
 "big-dec": "term: " + "9" * 5000 + "\n",
 "sexagesimal": "term: 1:30\n",
 "empty-flow": "term: {}\n",
 "unclosed-flow": "term: [a, b\n",
 "tab-in-plain": "term: a\tb\n",
 "crlf": "term: x\r\nother: y\r\n",
 "cr-only": "term: x\rother: y\r",
 "private-use": "term: \ue000\n",
 "nonchar": "term: \uffff\n",
 "astral": "term: \U0001F600\n",
 "c1": "term: a\x80b\n",
 "zwsp": "term: a\u200bb\n",
 "block-scalar": "term: |\n  a\n b\n",
 "block-indent-indicator": "term: |2-\n   a\n",
 "ys": "term: !!str\n",
 "tag-uri-escape": "term: !<tag:yaml.org,2002:str> x\n",
 "unknown-std-tag": "term: !!foo x\n",
 "explicit-int-bad": "term: !!int abc\n",
 "explicit-float-bad": "term: !!float abc\n",
 "explicit-bool": "term: !!bool yes\n",
 "timestamp-tag-bad": "term: !!timestamp abc\n",
 "merge": "a: &x {b: 1}\nc:\n  <<: *x\n",
 "dup-key": "term: a\nterm: b\n",
 "empty": "",
 "only-comment": "# hi\n",
 "scalar": "hello\n",
 "deep-ish": "a: " + "[" * 70 + "]" * 70 + "\n",
 "key-no-space": "term:x\n",
 "colon-in-flow": "term: {a:1}\n",
 "quoted-key-multiline": '"a\n b": x\n',
 "trailing-backslash": 'term: "a\\\n  b"\n',
 "hex-escape": 'term: "\\x41\\x85"\n',
 "null-escape": 'term: "a\\0b"\n',
 "directive-no-doc": "%YAML 1.1\nterm: x\n",
 "reserved-directive": "%FOO bar\n---\nterm: x\n",
 "at-start": "term: @x\n",
 "backtick-start": "term: `x`\n",
 "pipe-in-flow": "term: [|]\n",
 "question-plain": "term: ?x\n",
 "very-long-line": "term: " + "a " * 3000 + "\n",
 "anchor-on-key": "&a term: x\n",
 "alias-as-key": "term: &a x\n*a : y\n",
}

_BODY = "---\n\n## Overview of Qualifications\n\nx\n\n## Interview Questions and Answers\n"


def _findings(linter, monkeypatch, loader, name: str):
    monkeypatch.setattr(yamlnodes, "SafeLoader", loader)
    monkeypatch.setattr(yamlnodes, "_C_LOADER", loader is not yaml.SafeLoader)
    result = linter.lint_text("---\n" + CASES[name] + _BODY, f"{name}.md")
    return [(d.slug, d.line, d.column, d.message) for d in result.diagnostics]


@pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="libyaml is not installed: nothing to compare")
@pytest.mark.parametrize("name", sorted(CASES))
def test_both_yaml_loaders_give_the_same_findings(linter, monkeypatch, name) -> None:
    with_libyaml = _findings(linter, monkeypatch, yaml.CSafeLoader, name)
    pure_python = _findings(linter, monkeypatch, yaml.SafeLoader, name)
    assert with_libyaml == pure_python


@pytest.mark.parametrize(("name", "expected"), [
    ("tab-after-colon", (2, 6, "invalid YAML: found character '\\t' that cannot start any token (while scanning "
                               "for the next token)")),
    ("timestamp-tag-bad", (2, 7, "invalid YAML: cannot read value: 'abc' is not a timestamp")),
    ("tab-in-comment", None), ("tab-in-quotes", None), ("tab-in-block", None),
    ("control-char", (2, 8, "invalid YAML: character U+0007 is not allowed in YAML")),
    ("bom-start-line", (3, 1, "invalid YAML: a byte order mark (U+FEFF) at the start of a line is not allowed in YAML")),
    ("invalid-escape", (2, 9, "invalid YAML: found unknown escape character 'q' (while parsing a quoted scalar)")),
    ("surrogate-escape", (2, 10, "invalid YAML: found invalid Unicode character escape code (while parsing a "
                                 "quoted scalar)")),
    ("at-start", (2, 7, "invalid YAML: found character '@' that cannot start any token (while scanning for the "
                        "next token)")),
])
@pytest.mark.parametrize("loader", ["CSafeLoader", "SafeLoader"])
def test_what_each_loader_reports(linter, monkeypatch, name, expected, loader) -> None:
    if not hasattr(yaml, loader):
        pytest.skip("libyaml is not installed")
    found = [(line, column, message) for slug, line, column, message in
             _findings(linter, monkeypatch, getattr(yaml, loader), name) if slug == "front-matter-syntax"]
    assert found == ([expected] if expected else [])
