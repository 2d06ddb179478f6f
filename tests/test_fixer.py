"""--fix, --diff, --fix-only: what is written, what is kept byte for byte, and what is refused."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess

from click.testing import CliRunner

from guidelint.cli import main
from guidelint.config import Config
from guidelint.diagnostics import Edit, Fix
from guidelint.engine import Linter
from guidelint.fixer import WriteError, apply_edits, fix_source, write_atomic
from guidelint.source import decode

from conftest import SAMPLES

DEFECTS = SAMPLES / "invalid" / "defects.md"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_fix_keeps_crlf_bom_and_mode(tmp_path) -> None:
    original = DEFECTS.read_text(encoding="utf-8").replace("\n", "\r\n")
    path = tmp_path / "guide.md"
    path.write_bytes(b"\xef\xbb\xbf" + original.encode("utf-8"))
    path.chmod(0o640)
    result = invoke("check", "--fix", "--format", "json", str(path))
    assert result.exit_code == 1
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    assert text.count("\r\n") == text.count("\n")  # every line ending is still CRLF
    assert text.endswith("same structure as above.\r\nTrailing text without newline\r\n")
    assert 'author: "Test Author"\r\n' in text and 'modDate: 2025-02-01\r\n' in text
    assert 'tags: ["Interview Prep", "Sales", "Negotiation"]\r\n' in text
    assert "#### 2. How do you qualify a large opportunity?" in text
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["guide.md"]  # no temporary file left behind


def test_fix_is_idempotent_and_leaves_only_unfixable(tmp_path) -> None:
    path = tmp_path / "guide.md"
    shutil.copy(DEFECTS, path)
    invoke("fix", "--unsafe-fixes", str(path))
    once = path.read_bytes()
    second = invoke("fix", "--unsafe-fixes", str(path))
    assert path.read_bytes() == once
    assert "Fixed" not in second.output
    assert "fixable" not in second.output.splitlines()[-1]


def test_diff_prints_and_writes_nothing(tmp_path) -> None:
    path = tmp_path / "guide.md"
    path.write_text('---\ntags: ["A", "a"]\npubDate: "2025-01-01"\n---\n\nend  \n', encoding="utf-8")
    before = path.read_bytes()
    result = invoke("check", "--diff", str(path))
    assert result.exit_code == 1
    display = os.path.relpath(path)
    assert result.output == (
        f"--- a/{display}\n+++ b/{display}\n@@ -1,6 +1,6 @@\n ---\n"
        '-tags: ["A", "a"]\n-pubDate: "2025-01-01"\n+tags: ["A"]\n+pubDate: 2025-01-01\n ---\n \n-end  \n+end\n'
    )
    assert path.read_bytes() == before
    assert invoke("check", "--diff", str(SAMPLES / "variant-a-customer-success-manager.md")).exit_code == 0


def test_unsafe_fixes_are_counted_but_not_applied_without_flag(tmp_path) -> None:
    path = tmp_path / "guide.md"
    shutil.copy(DEFECTS, path)
    result = invoke("check", "--fix", str(path))
    last = result.output.splitlines()[-1]
    assert last.endswith("Fixed 5 findings. 2 more with --fix --unsafe-fixes.")
    assert "Continue with additional questions" in path.read_text(encoding="utf-8")


def test_fix_only_reports_nothing(tmp_path) -> None:
    path = tmp_path / "guide.md"
    shutil.copy(DEFECTS, path)
    result = invoke("check", "--fix-only", str(path))
    assert result.exit_code == 0
    assert result.stdout == ""


def test_apply_edits_skips_overlapping_fixes() -> None:
    first = Fix("a", (Edit(0, 3, "X"),))
    overlapping = Fix("b", (Edit(2, 5, "Y"),))
    later = Fix("c", (Edit(6, 7, "Z"),))
    text, taken = apply_edits("abcdefgh", [("GL1", overlapping), ("GL0", first), ("GL2", later)])
    assert text == "XdefZh"
    assert [fix.description for _, fix in taken] == ["a", "c"]


def test_guard_refuses_a_fix_that_changes_content(monkeypatch) -> None:
    import dataclasses

    from guidelint.diagnostics import Finding
    from guidelint.rules import REGISTRY

    def bad_check(document, context):  # a broken fix: deletes a word of a pitfall
        start = document.text.find("Waiting for the customer")
        if start != -1:
            yield Finding("bad", start, start, Fix("oops", (Edit(start, start + 8, ""),)))

    monkeypatch.setitem(REGISTRY, "GL002", dataclasses.replace(REGISTRY["GL002"], check=bad_check))
    linter = Linter(Config(select=("GL002",)))
    source = decode(DEFECTS.read_bytes(), "defects.md")
    result = fix_source(linter, source)
    assert result.text == source.text
    assert result.refused == ["line 54: trailing-whitespace: its fix would change questions"]


def test_write_refuses_when_file_changed_meanwhile(tmp_path) -> None:
    path = tmp_path / "guide.md"
    path.write_bytes(b"new content\n")
    try:
        write_atomic(str(path), b"fixed\n", expected=b"old content\n")
    except WriteError as error:
        assert "file changed while it was being fixed; not written" in str(error)
    else:
        raise AssertionError("expected WriteError")
    assert path.read_bytes() == b"new content\n"


def test_fixes_that_never_settle_are_reported_and_not_written(tmp_path, monkeypatch) -> None:
    import dataclasses

    from guidelint.diagnostics import Finding
    from guidelint.rules import REGISTRY

    def flip_flop(document, context):  # each round adds one more trailing newline-free "x": never stable
        end = len(document.text)
        yield Finding("grow", end, end, Fix("append", (Edit(end, end, " "),)))

    monkeypatch.setitem(REGISTRY, "GL002", dataclasses.replace(REGISTRY["GL002"], check=flip_flop))
    path = tmp_path / "guide.md"
    path.write_text("text\n", encoding="utf-8")
    result = invoke("check", "--fix", "--select", "GL002", str(path))
    assert "fixes did not converge after several rounds; file left unchanged" in result.stderr
    assert path.read_text(encoding="utf-8") == "text\n"


def test_refused_fix_is_named_on_stderr(tmp_path, monkeypatch) -> None:
    import dataclasses

    from guidelint.diagnostics import Finding
    from guidelint.rules import REGISTRY

    def eats_a_heading(document, context):
        start = document.text.find("## Overview")
        if start != -1:
            yield Finding("bad", start, start, Fix("oops", (Edit(start, start + 3, ""),)))

    monkeypatch.setitem(REGISTRY, "GL002", dataclasses.replace(REGISTRY["GL002"], check=eats_a_heading))
    path = tmp_path / "guide.md"
    shutil.copy(DEFECTS, path)
    before = path.read_bytes()
    result = invoke("check", "--fix", "--select", "GL002", str(path))
    assert f"{os.path.relpath(path)}: fix refused: line 18: trailing-whitespace: its fix would change headings, sections" in result.stderr
    assert path.read_bytes() == before


def test_schema_that_cannot_be_read_is_a_usage_error(tmp_path, monkeypatch) -> None:
    (tmp_path / "guidelint.toml").write_text('schema = "missing.json"\n')
    (tmp_path / "g.md").write_text("x\n")
    monkeypatch.chdir(tmp_path)
    result = invoke("check", "g.md")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"guidelint: error: {tmp_path / 'guidelint.toml'}:1: schema: "
                                    f"cannot read schema {tmp_path / 'missing.json'}:")


def test_diff_marks_a_missing_final_newline_like_diff_u(tmp_path) -> None:
    path = tmp_path / "guide.md"
    path.write_text("# Title\n\nlast line", encoding="utf-8")
    result = invoke("check", "--diff", "--select", "final-newline", str(path))
    display = os.path.relpath(path)
    assert result.stdout == (f"--- a/{display}\n+++ b/{display}\n@@ -1,3 +1,3 @@\n # Title\n \n"
                             "-last line\n\\ No newline at end of file\n+last line\n")
    if shutil.which("patch") is None:
        return  # the exact text above is the check; patch(1) applying it is a bonus where installed
    applied = subprocess.run(["patch", "--dry-run", "-p1", "-d", str(tmp_path)], input=result.stdout.replace(
        f"a/{display}", "a/guide.md").replace(f"b/{display}", "b/guide.md"), capture_output=True, text=True)
    assert applied.returncode == 0, applied.stdout + applied.stderr
