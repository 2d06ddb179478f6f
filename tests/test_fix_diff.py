"""--diff prints a patch that patch(1) and `git apply` apply, giving the bytes --fix writes: lines end
at line feeds only, whatever other line-breaking characters the text holds, and a BOM is part of line 1."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from guidelint.cli import main

BREAKERS = ["\u2028", "\u2029", "\u0085", "\v", "\f", "\x1c", "\x1d", "\x1e", "\r"]
TOOLS = [tool for tool in ("patch", "git") if shutil.which(tool)]


def guide(breaker: str) -> str:
    """Fixable lines (trailing blanks, then a missing final newline) around lines holding `breaker`."""
    return (f"---\nterm: \"Odd{breaker}lines\"  \n---\n\n# Title{breaker}here  \n\n"
            f"Some{breaker}text.   \n\nmore{breaker}\n\nlast line  ")


def apply(tool: str, folder, patch: bytes) -> None:
    command = ["patch", "-p1", "--batch", "--silent"] if tool == "patch" else ["git", "apply", "-p1", "-"]
    done = subprocess.run(command, cwd=folder, input=patch, capture_output=True)
    assert done.returncode == 0, (done.stdout + done.stderr).decode("utf-8", "replace")


@pytest.mark.skipif(not TOOLS, reason="neither patch nor git is installed")
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["plain", "bom"])
@pytest.mark.parametrize("breaker", BREAKERS, ids=[f"U+{ord(c):04X}" for c in BREAKERS])
def test_diff_applies_and_equals_fix(tmp_path, monkeypatch, breaker, bom) -> None:
    data = bom + guide(breaker).encode("utf-8")
    for name in ("fixed", *TOOLS):
        (tmp_path / name).mkdir()
        (tmp_path / name / "guide.md").write_bytes(data)
    monkeypatch.chdir(tmp_path / "fixed")
    runner = CliRunner()
    diff = runner.invoke(main, ["check", "--diff", "--select", "trailing-whitespace,final-newline", "guide.md"],
                         catch_exceptions=False)
    assert diff.stdout_bytes.startswith(b"--- a/guide.md\n+++ b/guide.md\n@@ ")
    runner.invoke(main, ["fix", "--select", "trailing-whitespace,final-newline", "guide.md"], catch_exceptions=False)
    fixed = (tmp_path / "fixed" / "guide.md").read_bytes()
    assert fixed == bom + guide(breaker).replace("   \n", "\n").replace("  \n", "\n").replace(
        "last line  ", "last line\n").encode("utf-8")
    for tool in TOOLS:
        os.chdir(tmp_path / tool)
        apply(tool, tmp_path / tool, diff.stdout_bytes)
        assert (tmp_path / tool / "guide.md").read_bytes() == fixed, tool
