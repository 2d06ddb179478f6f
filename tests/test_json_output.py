"""Every JSON output is strict JSON (RFC 8259), one JSONL record a line, and the same on every run,
whatever YAML value the front matter holds."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from guidelint.cli import main

GUIDE = """---
term: Hostile Values
tags: !!set {b, 10, a, null, 2}
draft: .nan
ratio: -.inf
big: 0x@BIG@
blob: !!binary aGVsbG8=
when: 2025-01-02 10:00:00+02:00
plain_day: 2025-01-02
ordered: !!omap [x: 1, y: 2]
pairs: !!pairs [x: 1, x: 2]
keys: {1: a, false: b, ~: c, 2025-01-02: d, .nan: e}
clash: {1: a, '1': b}
escapes: "a\\Lb\\Pc\\Nd"
---

## Interview Questions and Answers

### 1. What is it?

- **Example:** line\u2028separated and next\u0085line
"""


def _strict(text: str):
    def refuse(constant: str):
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def guide(tmp_path):
    path = tmp_path / "hostile.md"
    path.write_text(GUIDE.replace("@BIG@", "f" * 4000), encoding="utf-8")
    return path


EXPECTED_EXTRA = {
    "draft": None, "ratio": None, "big": None, "blob": "aGVsbG8=", "when": "2025-01-02T10:00:00+02:00",
    "plain_day": "2025-01-02", "ordered": [["x", 1], ["y", 2]], "pairs": [["x", 1], ["x", 2]],
    "keys": {"1": "a", "false": "b", "null": "c", "2025-01-02": "d", ".nan": "e"}, "clash": {"1": "b"},
    "escapes": "a\u2028b\u2029c\x85d",
}


@pytest.mark.parametrize("output_format", ["jsonl", "json"])
def test_every_yaml_value_exports_as_strict_json(guide, output_format) -> None:
    result = CliRunner().invoke(main, ["export", "--include-invalid", "--keep-markdown", "--format", output_format,
                                       str(guide)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    output = result.stdout
    for character in ("\u2028", "\u2029", "\x85"):
        assert character not in output  # escaped: no line splitter breaks a record there
    if output_format == "jsonl":
        assert len(output.splitlines()) == 1
        (record,) = [_strict(line) for line in output.splitlines()]
    else:
        (record,) = _strict(output)
    metadata = record["metadata"]
    assert metadata["tags"] == [None, 2, 10, "a", "b"]  # null, numbers, text: the same order on every run
    assert metadata["extra"] == EXPECTED_EXTRA
    assert "line\u2028separated and next\x85line" in record["questions"][0]["examples"][0]["text"]


def test_values_json_cannot_hold_are_reported(guide) -> None:
    result = CliRunner().invoke(main, ["check", "--format", "json", "--select", "front-matter-schema", str(guide)],
                                catch_exceptions=False)
    found = {(d["line"], d["message"]) for d in _strict(result.output)}
    assert {
        (3, "$.tags: a YAML set (!!set) is not JSON; it is exported as a sorted list"),
        (4, "$.draft: .nan is not a JSON number (JSON has no NaN or infinity); it is exported as null"),
        (5, "$.ratio: -.inf is not a JSON number (JSON has no NaN or infinity); it is exported as null"),
        (6, "$.big: an integer of more than 4,000 digits cannot be exported; it is exported as null"),
        (7, "$.blob: binary data (!!binary) is not JSON; it is exported as base64 text"),
        (13, "$.clash.1: key '1' and key 1 are the same JSON key \"1\"; only the later value is kept"),
    } <= found


@pytest.mark.parametrize("reporter", ["json", "sarif"])
def test_reports_escape_line_separators(tmp_path, reporter) -> None:
    """A file name is the likeliest carrier (a message folds white space)."""
    path = tmp_path / "a\u2028b\x85.md"
    path.write_text("---\nterm: x\n---\n\n## Section\n\n## Other\n\nText.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--format", reporter, "--select", "empty-section", str(path)],
                                catch_exceptions=False)
    assert "\u2028" not in result.output and "\x85" not in result.output
    report = _strict(result.output)
    paths = [d["path"] for d in report] if reporter == "json" else \
        [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in report["runs"][0]["results"]]
    assert [p.rsplit("/", 1)[-1] for p in paths] == ["a\u2028b\x85.md"]


def test_messages_and_exports_are_the_same_whatever_the_hash_seed(guide) -> None:
    """A set's order followed the string hash, which changes with every process (PYTHONHASHSEED)."""
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        environment = {**os.environ, "PYTHONHASHSEED": seed, "GUIDELINT_NO_CACHE": "1"}
        runs = [subprocess.run([sys.executable, "-m", "guidelint", *command, str(guide)], capture_output=True,
                               text=True, env=environment, timeout=120).stdout
                for command in (["check", "--format", "json", "--select", "ALL"], ["export", "--include-invalid"])]
        outputs.add(tuple(runs))
    assert len(outputs) == 1
