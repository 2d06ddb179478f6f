"""--files-from FILE ('-': standard input) on check and export: paths one a line."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidelint.cli import main

from conftest import SAMPLES


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> Path:
    (tmp_path / "guidelint.toml").write_text("", encoding="utf-8")
    (tmp_path / "guides").mkdir()
    shutil.copy(SAMPLES / "variant-a-customer-success-manager.md", tmp_path / "guides" / "a.md")
    shutil.copy(SAMPLES / "variant-b-marketing-manager.md", tmp_path / "guides" / "b with space.md")
    shutil.copy(SAMPLES / "invalid" / "defects.md", tmp_path / "guides" / "defects.md")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def test_export_files_from_a_file_and_from_stdin(corpus) -> None:
    (corpus / "list.txt").write_bytes(b"guides/b with space.md\r\n\nguides/a.md\n")
    from_file = invoke("export", "--files-from", "list.txt")
    from_stdin = invoke("export", "--files-from", "-", stdin=b"guides/a.md\nguides/b with space.md")
    assert from_file.exit_code == from_stdin.exit_code == 0
    paths = [json.loads(line)["source"]["path"] for line in from_file.stdout.splitlines()]
    assert paths == ["guides/a.md", "guides/b with space.md"]  # defects.md is not listed
    assert from_file.stdout == from_stdin.stdout


def test_check_files_from_a_file_and_from_stdin(corpus) -> None:
    (corpus / "list.txt").write_text("guides/defects.md\n", encoding="utf-8")
    listed = invoke("check", "--format", "json", "--files-from", "list.txt")
    piped = invoke("check", "--format", "json", "--files-from", "-", stdin=b"guides/defects.md\n")
    assert listed.exit_code == piped.exit_code == 1
    assert listed.stdout == piped.stdout
    assert {d["path"] for d in json.loads(listed.stdout)} == {"guides/defects.md"}
    clean = invoke("check", "--files-from", "-", "guides/a.md", stdin=b"guides/b with space.md\n")
    assert clean.exit_code == 0  # paths from both the command line and the list


def test_files_from_errors_and_an_empty_list(corpus) -> None:
    missing = invoke("check", "--files-from", "nowhere.txt")
    assert missing.exit_code == 2
    assert missing.stderr == "guidelint: error: cannot read --files-from nowhere.txt: No such file or directory\n"
    gone = invoke("export", "--files-from", "-", stdin=b"guides/gone.md\n")
    assert gone.exit_code == 2 and gone.stderr == "guidelint: error: guides/gone.md: no such file or directory\n"
    for command in ("check", "export"):
        empty = invoke(command, "--files-from", "-", stdin=b"\n\n")
        assert (empty.exit_code, empty.stdout) == (0, "")
        assert empty.stderr == "guidelint: nothing to check: standard input lists no paths\n"
    both = invoke("check", "--stdin", "--files-from", "-", stdin=b"")
    assert both.exit_code == 2 and "both read standard input" in both.stderr


def test_files_from_in_a_pipe(corpus) -> None:
    """The way a user runs it: the real command, its list piped in."""
    result = subprocess.run([sys.executable, "-m", "guidelint", "export", "--files-from", "-"],
                            input=b"guides/a.md\n", capture_output=True, cwd=corpus, check=False)
    assert result.returncode == 0, result.stderr
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["source"]["path"] == "guides/a.md"
