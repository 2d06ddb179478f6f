"""The command line through click's runner, plus real runs of the installed entry point."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from guidelint.cli import main

from conftest import SAMPLES

DEFECTS = str(SAMPLES / "invalid" / "defects.md")
CLEAN = str(SAMPLES / "variant-b-marketing-manager.md")


def run(*args: str, cwd=None):
    if cwd is None:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    old = os.getcwd()
    os.chdir(cwd)  # CliRunner has no cwd of its own; restored below whatever happens
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def test_clean_file_exits_zero_with_summary() -> None:
    result = run("check", CLEAN)
    assert result.exit_code == 0
    assert result.output == "All checks passed: 1 file checked.\n"


def test_text_output_lines_and_summary() -> None:
    result = run("check", "--select", "question-numbering,trailing-whitespace", DEFECTS)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    path = os.path.relpath(DEFECTS)
    assert lines == [
        f"{path}:8:22: GL002 [trailing-whitespace] trailing whitespace (1 character) [*]",
        f"{path}:38:1: GL302 [question-numbering] question number 3 is out of sequence: expected 2 [*]",
        "Found 2 findings (1 error, 1 warning) in 1 file checked. 2 fixable with --fix.",
    ]


def test_json_output_shape() -> None:
    result = run("check", "--format", "json", "--select", "GL302", DEFECTS)
    (finding,) = json.loads(result.output)
    assert finding == {
        "path": os.path.relpath(DEFECTS), "line": 38, "column": 1, "end_line": 38, "end_column": 1,
        "code": "GL302", "rule": "question-numbering", "severity": "error",
        "message": "question number 3 is out of sequence: expected 2", "fixable": True,
        "fix": {"description": "renumber 3 to 2", "applicability": "safe"},
    }


def test_warnings_do_not_fail_by_default_but_fail_on_warning_does() -> None:
    assert run("check", "--select", "trailing-whitespace", DEFECTS).exit_code == 0
    assert run("check", "--select", "trailing-whitespace", "--fail-on", "warning", DEFECTS).exit_code == 1
    assert run("check", "--exit-zero", DEFECTS).exit_code == 0


def test_ignore_by_slug_and_code_prefix() -> None:
    result = run("check", "--format", "json", "--ignore", "GL1,GL2,GL0", DEFECTS)
    assert {f["code"][:3] for f in json.loads(result.output)} == {"GL3"}


@pytest.mark.parametrize("args, message", [
    (("check", "--select", "no-such-rule", CLEAN), "guidelint: error: unknown rule 'no-such-rule' (see 'guidelint rules')\n"),
    (("check", "does/not/exist.md"), "guidelint: error: does/not/exist.md: no such file or directory\n"),
])
def test_usage_errors_exit_2(args, message) -> None:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr == message


def test_config_file_unknown_key_is_an_error_with_line(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent("""\
        [project]
        name = "x"

        [tool.guidelint]
        ignore = ["label-style"]
        colour = "always"
        """))
    result = run("check", ".", cwd=tmp_path)
    assert result.exit_code == 2
    assert "pyproject.toml:6: unknown key 'colour' in pyproject.toml" in result.output


@pytest.mark.parametrize("prefix", ["", "tool.guidelint."])
def test_config_errors_in_a_table_point_at_that_tables_line(tmp_path, prefix) -> None:
    """The same key in two tables: the error names the line in the table where it is wrong."""
    text = textwrap.dedent(f"""\
        [{prefix}collections.drafts]
        include = ["drafts/*"]
        select = ["question-missing-part"]

        [{prefix}collections.archive]
        include = ["archive/*"]
        select = ["no-such-rule"]

        [{prefix}options.GL104]
        style = "quoted"

        [{prefix}options.GL302]
        style = "x"
        """)
    name = "pyproject.toml" if prefix else "guidelint.toml"
    head = "[project]\nname = 'x'\n\n" if prefix else ""
    offset = head.count("\n")
    (tmp_path / name).write_text(head + text)
    result = run("check", ".", cwd=tmp_path)
    assert result.exit_code == 2
    assert f"{name}:{13 + offset}: unknown option 'style' for rule question-numbering" in result.output, result.output
    (tmp_path / name).write_text(head + text.replace('style = "x"', ''))
    result = run("check", ".", cwd=tmp_path)
    assert result.exit_code == 2
    assert f"{name}:{7 + offset}: " in result.output and "no-such-rule" in result.output, result.output


def test_config_selects_severity_and_options(tmp_path) -> None:
    shutil.copy(DEFECTS, tmp_path / "guide.md")
    (tmp_path / "guidelint.toml").write_text(textwrap.dedent("""\
        select = ["date-style", "trailing-whitespace"]
        [severity]
        trailing-whitespace = "error"
        [options.date-style]
        style = "quoted"
        """))
    result = run("check", "--format", "json", ".", cwd=tmp_path)
    found = [(f["line"], f["rule"], f["severity"]) for f in json.loads(result.output)]
    assert found == [(6, "date-style", "warning"), (7, "date-style", "warning"), (8, "trailing-whitespace", "error")]
    assert result.exit_code == 1


def test_config_unknown_rule_option(tmp_path) -> None:
    (tmp_path / "guidelint.toml").write_text('[options.date-style]\nstyl = "quoted"\n')
    result = run("config", cwd=tmp_path)
    assert result.exit_code == 2
    assert "guidelint.toml:2: unknown option 'styl' for rule date-style (known: style)" in result.output


def test_config_command_shows_origins(tmp_path) -> None:
    (tmp_path / "guidelint.toml").write_text('ignore = ["GL206"]\n')
    result = run("config", cwd=tmp_path)
    assert result.exit_code == 0
    assert f'ignore = ["GL206"]  # {tmp_path / "guidelint.toml"}' in result.output
    assert 'fail-on = "error"  # default' in result.output


def test_rules_and_explain() -> None:
    listing = json.loads(run("rules", "--format", "json").output)
    assert {"code": "GL106", "rule": "tags-duplicate", "severity": "warning", "fix": "safe", "enabled": True,
            "summary": 'The same tag twice in `tags`, including case and spacing variants ("Sales", "sales ", "SALES").'} in listing
    text = run("explain", "question-missing-part").output
    assert text.startswith("GL301 [question-missing-part]  severity: error  fix: none  default: on\n")
    assert "Bad:" in text and "Good:" in text
    assert run("explain", "GL3").exit_code == 2


def test_folder_discovery_md_and_markdown_only(tmp_path) -> None:
    (tmp_path / "a.md").write_text("x\n")
    (tmp_path / "b.markdown").write_text("x\n")
    (tmp_path / "c.txt").write_text("x\n")
    (tmp_path / "d.md").mkdir()  # a directory named like a guide
    result = run("check", "--format", "json", "--select", "front-matter-missing", ".", cwd=tmp_path)
    assert sorted(f["path"] for f in json.loads(result.output)) == ["a.md", "b.markdown"]


def _guidelint() -> str:
    found = shutil.which("guidelint", path=os.path.dirname(sys.executable))
    if found is None:
        pytest.skip("guidelint entry point is not installed")
    return found


def test_installed_entry_point_runs_on_sample_guides() -> None:
    completed = subprocess.run([_guidelint(), "check", str(SAMPLES)], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 1
    assert completed.stdout.splitlines()[-1].startswith("Found ")
    assert "Traceback" not in completed.stderr


def test_installed_entry_point_help_documents_exit_codes() -> None:
    completed = subprocess.run([_guidelint(), "check", "--help"], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0
    assert "2  usage or configuration error" in completed.stdout


def test_config_is_found_by_walking_up(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.guidelint]\nselect = ["final-newline"]\n')
    sub = tmp_path / "guides" / "sales"
    sub.mkdir(parents=True)
    (sub / "g.md").write_text("no newline  ")
    result = run("check", "--format", "json", "g.md", cwd=sub)
    assert [f["rule"] for f in json.loads(result.stdout)] == ["final-newline"]


def test_unwritable_output_file_and_baseline_are_usage_errors(tmp_path) -> None:
    missing = tmp_path / "no-such-folder"
    for option in ("--output-file", "--write-baseline"):
        result = run("check", option, str(missing / "out.json"), CLEAN)
        assert result.exit_code == 2
        assert result.stderr.startswith("guidelint: error: cannot write ")
        assert result.stderr.endswith("No such file or directory\n")
    for fmt in ("jsonl", "parquet"):
        result = run("export", "--format", fmt, "-o", str(missing / "out.data"), CLEAN)
        assert result.exit_code == 2, result.output
        assert result.stderr == f"guidelint: error: cannot write {missing / 'out.data'}: No such file or directory\n"
    assert not missing.exists()
