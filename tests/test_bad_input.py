"""Nasty inputs: each gives findings or a one-line error and a defined exit code, never a traceback."""
from __future__ import annotations

import json
import os
import zlib
import struct

import pytest
from click.testing import CliRunner

from guidelint.cli import main

GUIDE_HEAD = "---\nterm: x\n---\n\n"


def _png() -> bytes:
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b"")


NASTY = {
    "latin1.md": ("---\nterm: Caf\xe9\n---\n".encode("latin-1"), [(2, "file-encoding", "not valid UTF-8: byte 0xe9 at line 2, column 10")]),
    "utf16-le.md": ("---\nterm: Café\n---\n".encode("utf-16"), [(1, "file-encoding", "UTF-16 is not supported; save as UTF-8")]),
    "utf16-be-no-nul.md": (b"\xfe\xff" + "面试".encode("utf-16-be"), [(1, "file-encoding", "UTF-16 is not supported; save as UTF-8")]),
    "utf32.md": ("---\n".encode("utf-32"), [(1, "file-encoding", "UTF-32 is not supported; save as UTF-8")]),
    "picture.md": (_png(), [(1, "file-encoding", "binary file (contains NUL bytes); not checked")]),
    "empty.md": (b"", [(1, "file-encoding", "empty file")]),
    "dashes.md": (b"---", [(1, "front-matter-syntax", "front matter is not terminated: no closing '---' line")]),
    "scalar.md": (b"---\n42\n---\n", [(2, "front-matter-syntax", "front matter must be a mapping of keys to values, not a int")]),
    "list.md": (b"---\n- a\n- b\n---\n", [(2, "front-matter-syntax", "front matter must be a mapping of keys to values, not a list")]),
    "dupes.md": (b"---\na: 1\na: 2\n---\n", [(3, "front-matter-syntax", "duplicate key 'a': only the later value is used")]),
    "bomb.md": (("---\na: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)) + "---\n").encode(),
        [(2, "front-matter-syntax", "invalid YAML: anchors and aliases are not allowed here")]),
    "deep.md": (("---\nterm: x\nsteps: " + "[" * 3000 + "]" * 3000 + "\n---\n").encode(),
                [(3, "front-matter-syntax", "invalid YAML: YAML is nested more than 64 levels deep")]),
    # under 4,096 characters the composer reads it directly, and libyaml's own limit (1,000) speaks first
    "deep-short.md": (("---\nterm: x\nsteps: " + "[" * 1500 + "]" * 1500 + "\n---\n").encode(),
                      [(3, "front-matter-syntax", "invalid YAML: YAML is nested more than 64 levels deep")]),
    # a long text with a syntax error: the depth walk meets it first and reports it once, where it is
    "long-broken.md": (("---\nterm: x\nnotes: '" + "a" * 5000 + "\nbad: [\n---\n").encode(),
                       [(3, "front-matter-syntax", "invalid YAML: found unexpected end of stream (while scanning a quoted scalar)")]),
    "deeper.md": (("---\nterm: x\nsteps: " + "{a: " * 100_000 + "}" * 100_000 + "\n---\n").encode(),
                  [(3, "front-matter-syntax", "invalid YAML: YAML is nested more than 64 levels deep")]),
    "bad-date.md": (b"---\npubDate: 2025-02-30\n---\n", [(2, "front-matter-syntax", "invalid YAML: cannot read value: day is out of range for month")]),
    "bad-date-later.md": (b"---\nterm: x\ntags: [a]\npubDate: 2025-13-45\n---\n", [(4, "front-matter-syntax", "invalid YAML: cannot read value: month must be in 1..12")]),
    "yaml-types.md": (b"---\nterm: x\ntags: !!set {b, a}\ndraft: .nan\nblob: !!binary aGVsbG8=\npubDate: 2025-01-02 10:00:00+02:00\n"
                      b"modDate: 2025-01-03\npairs: !!omap [x: 1]\nkeys: {1: a, ~: b, .inf: c}\n---\n", []),
    "bom-crlf.md": (b"\xef\xbb\xbf---\r\nterm: x\r\n---\r\n", []),
}


@pytest.mark.parametrize("name", sorted(NASTY))
def test_nasty_file(tmp_path, name) -> None:
    data, expected = NASTY[name]
    path = tmp_path / name
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["check", "--format", "json", "--select",
                                       "file-encoding,front-matter-syntax", str(path)], catch_exceptions=False)
    found = [(f["line"], f["rule"], f["message"]) for f in json.loads(result.output)]
    assert found == expected
    assert path.read_bytes() == data  # never changed


def test_every_rule_survives_every_nasty_file(tmp_path) -> None:
    for name, (data, _) in NASTY.items():
        (tmp_path / name).write_bytes(data)
    result = CliRunner().invoke(main, ["check", "--select", "ALL", "--fix", "--unsafe-fixes", str(tmp_path)],
                                catch_exceptions=False)
    assert result.exit_code == 1
    changed = {"dashes.md": b"---\n"}  # only the final-newline fix applies; nothing else is touched
    for name, (data, _) in NASTY.items():
        assert (tmp_path / name).read_bytes() == changed.get(name, data), name


def test_huge_file_is_refused_quickly(tmp_path) -> None:
    path = tmp_path / "huge.md"
    with open(path, "wb") as handle:
        handle.write(GUIDE_HEAD.encode())
        handle.write(b"- item\n" * (50 * 1024 * 1024 // 7))
    result = CliRunner().invoke(main, ["check", "--format", "json", str(path)], catch_exceptions=False)
    (finding,) = json.loads(result.output)
    assert finding["rule"] == "file-encoding" and finding["line"] == 1
    assert finding["message"].endswith("over the limit of 5,242,880 (max-file-size); not checked")


def test_deeply_nested_lists_and_quotes(linter) -> None:
    nested = "".join("  " * depth + "- level\n" for depth in range(300)) + ">" * 5000 + " deep\n"
    result = linter.lint_text(GUIDE_HEAD + nested)
    assert "nesting-depth" in {d.slug for d in result.diagnostics}


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_directory_symlink_loop(tmp_path) -> None:
    (tmp_path / "guides").mkdir()
    (tmp_path / "guides" / "a.md").write_text("x\n")
    os.symlink(tmp_path / "guides", tmp_path / "guides" / "loop")
    result = CliRunner().invoke(main, ["check", "--format", "json", "--select", "front-matter-missing",
                                       str(tmp_path)], catch_exceptions=False)
    assert [f["rule"] for f in json.loads(result.output)] == ["front-matter-missing"]


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root reads everything")
def test_unreadable_file(tmp_path) -> None:
    path = tmp_path / "secret.md"
    path.write_text("x\n")
    path.chmod(0)
    result = CliRunner().invoke(main, ["check", "--format", "json", str(path)], catch_exceptions=False)
    assert json.loads(result.output)[0]["message"] == "cannot read file: Permission denied"


def test_config_nested_too_deeply_is_a_config_error(tmp_path, monkeypatch) -> None:
    (tmp_path / "guidelint.toml").write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    (tmp_path / "g.md").write_text("x\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "g.md"], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr == f"guidelint: error: {tmp_path / 'guidelint.toml'}: invalid TOML: nested too deeply\n"


@pytest.mark.parametrize("kind", ["schema", "baseline"])
def test_json_nested_too_deeply_is_a_config_error(tmp_path, monkeypatch, kind) -> None:
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "g.md").write_text("x\n")
    monkeypatch.chdir(tmp_path)
    if kind == "schema":
        (tmp_path / "guidelint.toml").write_text('schema = "deep.json"\n')
        args, message = ["check", "g.md"], (f"{tmp_path / 'guidelint.toml'}:1: schema: "
                                                f"{tmp_path / 'deep.json'}: schema is nested too deeply")
    else:
        args, message = ["check", "--baseline", "deep.json", "g.md"], "deep.json: baseline is not valid JSON: nested too deeply"
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr == f"guidelint: error: {message}\n"


def test_schema_ref_to_a_url_is_refused_without_fetching(tmp_path, monkeypatch) -> None:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$ref": "https://schemas.example.invalid/guide.json"}
    (tmp_path / "remote.schema.json").write_text(json.dumps(schema))
    (tmp_path / "guidelint.toml").write_text('schema = "remote.schema.json"\n')
    (tmp_path / "g.md").write_text("x\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "g.md"], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr == (f"guidelint: error: {tmp_path / 'guidelint.toml'}:1: schema: "
                             f"{tmp_path / 'remote.schema.json'}: $ref "
                             "'https://schemas.example.invalid/guide.json' is not a local reference (#/...); "
                             "guidelint never fetches schemas\n")


def test_file_that_vanishes_before_it_is_read(linter, tmp_path) -> None:
    path = tmp_path / "gone.md"
    path.write_text("x\n")
    path.unlink()
    result = linter.lint_path(str(path))
    assert [(d.line, d.slug, d.message) for d in result.diagnostics] == [
        (1, "file-encoding", "cannot read file: No such file or directory")]


def test_yaml_alias_bomb_is_refused_before_expansion(linter) -> None:
    levels = "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]\n" for i in range(1, 12))
    text = "---\nl0: &l0 [lol]\n" + levels + "---\n"
    result = linter.lint_text(text)  # 10**11 nodes if expanded: refused at the first alias instead
    assert [d.slug for d in result.diagnostics if d.severity.label == "error"][0] == "front-matter-syntax"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_like_a_guide_is_reported_not_waited_for(tmp_path) -> None:
    """Opening a FIFO for reading blocks until a writer comes: guidelint opens without blocking."""
    import subprocess
    import sys

    os.mkfifo(tmp_path / "pipe.md")
    result = subprocess.run([sys.executable, "-m", "guidelint", "check", "--no-cache", str(tmp_path / "pipe.md")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "pipe.md:1:1: GL001 [file-encoding] is not a regular file (a pipe or a device?)" in result.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("command", [["check", "--output-file"], ["export", "-o"]])
def test_reports_to_a_pipe_are_written_into_it_not_renamed_over_it(tmp_path, command) -> None:
    """-o /dev/null or a FIFO: a temporary file renamed over it would replace the device with a file."""
    import stat
    import threading

    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    guide = os.path.join(os.path.dirname(__file__), "..", "sample_guides", "variant-b-marketing-manager.md")
    result = CliRunner().invoke(main, [*command, str(fifo), "--no-cache" if command[0] == "check" else "--jobs",
                                       *([] if command[0] == "check" else ["1"]), guide], catch_exceptions=False)
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received and (b"All checks passed" in received[0] or b'"unit": "guide"' in received[0])
    assert [p.name for p in tmp_path.iterdir()] == ["out.fifo"]  # no temporary file left behind


def test_fixing_a_symlinked_guide_changes_its_target_and_keeps_the_link(tmp_path) -> None:
    target = tmp_path / "real.md"
    target.write_text("---\ntags: [a, a]\n---\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    CliRunner().invoke(main, ["check", "--fix", "--no-cache", str(link)], catch_exceptions=False)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8") == "---\ntags: [a]\n---\n"


# Each of these took minutes to hours before (a regex tried from every position of a long run, or
# from every opening, backtracking each time: quadratic). One megabyte each: linear code finishes in
# about a second here, quadratic code would take an hour or more; the timeout only turns a hang into a
# failure.
_HOSTILE_BODY = {
    "blanks-inside-a-line": "a" + " " * 1_000_000 + "b\nend \n",
    "blanks-in-an-unclosed-directive": "<!-- guidelint-disable" + " " * 1_000_000 + "\n",
    "directives-never-closed": "<!-- guidelint-disable x" * 40_000 + "\n",
    "directives-closed-once-after-a-gt": "<!-- guidelint-disable x" * 40_000 + ">-->\n",
    "blanks-in-a-question-heading": "#### 1. a" + " " * 1_000_000 + "b\n",
    "blanks-before-a-bold-number": "####" + " " * 1_000_000 + "**1.** x\n",
    "placeholders-never-closed": "[insert " * 120_000 + "\n",
    # findings x directives, and a slice of the rest of the document for every heading
    "a-directive-for-every-finding": "<!-- guidelint-disable-next-line GL002 -->\nx \n\n" * 20_000,
    "thousands-of-empty-sections": "### Section\n" * 40_000,
    # one non-ASCII character, then one long line of inline elements: every element's byte offset was
    # converted by decoding its line from the start (24 s for 800 KB), and each kept a tuple (95x memory)
    "emphasis-in-one-line": "é " + "*a* " * 250_000 + "\n",
    "code-spans-in-one-line": "é " + "`x` " * 250_000 + "\n",
    "links-in-one-line": "é " + "[l](u) " * 140_000 + "\n",
    "table-rows": "| é | b |\n|---|---|\n" + "| *a* | `c` |\n" * 70_000,
    "list-of-links": "é\n\n" + "- [l](u) *a* `x`\n" * 60_000,
}
_HOSTILE_FILE = {  # a finding for every item of one very long line: each fingerprint read the whole line
    "duplicate-tags-in-one-flow-list": "---\nterm: x\ntags: [" + ", ".join(f"t{i % 50}" for i in range(19_000)) + "]\n---\n",
}


@pytest.mark.parametrize("name", sorted(_HOSTILE_BODY) + sorted(_HOSTILE_FILE))
def test_hostile_text_is_checked_in_linear_time(tmp_path, name) -> None:
    import subprocess
    import sys

    path = tmp_path / f"{name}.md"
    text = _HOSTILE_FILE.get(name) or GUIDE_HEAD + "## Interview Questions\n\n" + _HOSTILE_BODY[name]
    path.write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", "from guidelint.cli import main; main()", "check", "--no-cache",
                           "--select", "ALL", "--format", "json", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr  # findings, no traceback
    found = {(d["rule"], d["line"]) for d in json.loads(done.stdout)}
    if name == "blanks-inside-a-line":
        assert ("trailing-whitespace", 8) in found and ("trailing-whitespace", 7) not in found
    if name == "duplicate-tags-in-one-flow-list":
        assert sum(1 for d in json.loads(done.stdout) if d["rule"] == "tags-duplicate") == 18_950
    if name == "a-directive-for-every-finding":
        assert not any(rule == "trailing-whitespace" for rule, _ in found)  # every one suppressed
    if name == "blanks-in-a-question-heading":
        assert ("question-missing-part", 7) in found  # the heading is still read as question 1


def test_thousands_of_fixes_are_applied_in_linear_time(tmp_path) -> None:
    """20,000 trailing blanks and 18,950 duplicate tags: every fix used to be checked against every
    fix taken before it, and the text was rebuilt once per edit (minutes before; ~1 s now)."""
    import subprocess
    import sys

    blanks = tmp_path / "blanks.md"
    blanks.write_text(GUIDE_HEAD + "## Interview Questions\n\n" + "x \n" * 20_000, encoding="utf-8")
    tags = tmp_path / "tags.md"
    tags.write_text(_HOSTILE_FILE["duplicate-tags-in-one-flow-list"], encoding="utf-8")
    subprocess.run([sys.executable, "-c", "from guidelint.cli import main; main()", "fix", "--no-cache",
                    str(blanks), str(tags)], capture_output=True, text=True, timeout=120)
    assert blanks.read_text(encoding="utf-8") == GUIDE_HEAD + "## Interview Questions\n\n" + "x\n" * 20_000
    assert tags.read_text(encoding="utf-8").splitlines()[2] == "tags: [" + ", ".join(f"t{i}" for i in range(50)) + "]"


def test_two_runs_fixing_the_same_files_at_once_leave_every_file_whole(tmp_path) -> None:
    """Two `guidelint fix` processes over the same 120 guides at the same time. A file one of them
    changed after the other read it is refused by the other with a one-line message; every file ends
    as exactly one run alone would leave it (no file truncated or half-written), and no temporary file
    is left behind."""
    import shutil
    import subprocess
    import sys

    from conftest import SAMPLES

    sources = [SAMPLES / "invalid" / "defects.md", *sorted(SAMPLES.glob("*.md"))]
    shared, alone = tmp_path / "shared", tmp_path / "alone"
    for folder in (shared, alone):
        folder.mkdir()
        for index in range(30):
            for source in sources:
                shutil.copy(source, folder / f"{index}-{source.name}")
    command = [sys.executable, "-m", "guidelint", "fix", "--no-cache", "--exit-zero", "--jobs", "2"]
    single = subprocess.run([*command, str(alone)], capture_output=True, text=True, timeout=300, check=True)
    expected = {line.replace(str(alone), str(shared)) for line in single.stderr.splitlines()}
    first, second = (subprocess.Popen([*command, str(shared)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      text=True) for _ in range(2))
    errors = [run.communicate(timeout=300)[1] for run in (first, second)]
    assert {first.returncode, second.returncode} <= {0, 2}  # 2: a write was refused, and said so
    for message in "".join(errors).splitlines():
        assert message in expected or message.endswith("file changed while it was being fixed; not written"), message
    for path in sorted(alone.iterdir()):
        assert (shared / path.name).read_bytes() == path.read_bytes(), path.name
    assert sorted(path.name for path in shared.iterdir()) == sorted(path.name for path in alone.iterdir())
    assert any((alone / name).read_bytes() != source.read_bytes()
               for name, source in ((f"0-{source.name}", source) for source in sources))  # fixes happened


_LONG_LINE_ITEMS = {"emphasis": "*a* ", "code-spans": "`x` ", "links": "[l](u) "}


def _long_line_guide(item: str) -> str:
    return GUIDE_HEAD + "## Interview Questions\n\n" + "é " + item * (1_000_000 // len(item)) + "\n"


@pytest.mark.parametrize("shape", sorted(_LONG_LINE_ITEMS))
def test_one_long_line_of_inline_elements_takes_memory_in_proportion(linter, shape) -> None:
    """1 MB on one line: the elements past a run's first few are not kept one tuple each (95x the file
    before, ~23x now: the offsets and texts a check needs)."""
    import tracemalloc

    linter.lint_text(GUIDE_HEAD + "é *a*\n")  # lazy imports and caches, outside the measure
    text = _long_line_guide(_LONG_LINE_ITEMS[shape])
    tracemalloc.start()
    try:
        result = linter.lint_text(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * len(text.encode("utf-8")), peak
    assert any(d.slug == "trailing-whitespace" and d.line == 7 for d in result.diagnostics)


def test_byte_offsets_on_one_long_line_are_converted_in_linear_work(monkeypatch) -> None:
    """pyromark's byte offsets become character offsets: each conversion used to decode its line from
    the start (quadratic on one long line). Counted in bytes decoded, not in seconds."""
    from guidelint import source

    decoded = [0]

    class Counting(bytes):
        def __getitem__(self, key):  # type: ignore[override]
            part = super().__getitem__(key)
            if isinstance(key, slice):
                decoded[0] += len(part)
            return part

    original = source.ByteMapper.__init__

    def counting_init(self, text, base=0):
        original(self, text, base)
        if not self.ascii:
            self.data = Counting(self.data)

    monkeypatch.setattr(source.ByteMapper, "__init__", counting_init)
    from guidelint import markdown

    body = "é " + "*a* " * 50_000 + "\n"
    tree = markdown.parse(body, base=10)
    run = tree.root.children[0].children[0]
    assert run.end == 10 + len(body.rstrip())  # offsets are still right, in characters
    assert decoded[0] < 300 * 200_000, decoded[0]  # ~150 bytes a conversion at most; was ~100,000


@pytest.mark.parametrize(("data", "line", "column", "message"), [
    # the column counts characters: 'é' is one
    (b"---\nterm: x\n---\n\n## A\n\nhello\ncaf\xc3\xa9 ok \xe1 bad\n", 8, 9,
     "not valid UTF-8: byte 0xe1 at line 8, column 9"),
    (b"\xef\xbb\xbf# T\n\nabc \xff\n", 3, 5, "not valid UTF-8: byte 0xff at line 3, column 5"),  # after a BOM
])
def test_a_bad_byte_is_reported_where_it_is(linter, tmp_path, data, line, column, message) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(data)
    (finding,) = linter.lint_path(str(path)).diagnostics
    assert (finding.slug, finding.line, finding.column, finding.message) == ("file-encoding", line, column, message)


@pytest.mark.parametrize(("text", "line", "column"), [
    ("---\nterm: x\ndates:\n  - 2025-01-01\n  - {when: 2025-13-45}\n---\n", 5, 12),
    ("---\nterm: x\npubDate: 2025-02-30  # a comment\n---\n", 3, 10),
])
def test_an_impossible_date_is_reported_at_its_value(linter, text, line, column) -> None:
    (finding,) = [d for d in linter.lint_text(text).diagnostics if d.slug == "front-matter-syntax"]
    assert (finding.line, finding.column) == (line, column)
    assert finding.message.startswith("invalid YAML: cannot read value: ")


@pytest.mark.parametrize("text", ["---\nterm: x\n---\n", "---\nterm: x\n---", "---\nterm: x\n---\n\n\n"])
def test_every_position_is_inside_the_file(linter, text) -> None:
    """A guide with no body: required-section pointed at the line after the last one."""
    result = linter.lint_text(text)
    last_line = result.document.lines.line_count
    assert any(d.slug == "required-section" for d in result.diagnostics)
    for d in result.diagnostics:
        assert 1 <= d.line <= last_line and 1 <= d.end_line <= last_line, d
