"""The check command on a terminal: colour (--color, NO_COLOR, FORCE_COLOR), --quiet, -o, the progress
line kept clear of other output, --statistics in JSON, JUnit failures by fail-on."""
from __future__ import annotations

import dataclasses
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidelint.cli import main

from conftest import ROOT, SAMPLES

DEFECTS = "sample_guides/invalid/defects.md"
DUPLICATE = "sample_guides/invalid/duplicate-term.md"  # one warning: GL401, its term is defects.md's
CLEAN = "sample_guides/variant-a-customer-success-manager.md"
GUIDELINT = Path(sys.executable).with_name("guidelint")

BOLD, CYAN, GREEN, RED, RESET = "\x1b[1m", "\x1b[36m", "\x1b[32m", "\x1b[31m", "\x1b[0m"
WARNING_CODE = "\x1b[1;33m"


@pytest.fixture(autouse=True)
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, ["check", *args], catch_exceptions=False, env=env)


# --- colour ---------------------------------------------------------------------------------------------

FIRST_LINE = "sample_guides/invalid/defects.md:5:1: GL108 [vertical-unknown] "


def test_color_always_styles_path_position_code_mark_and_summary() -> None:
    result = run("--color", "always", DEFECTS)
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{BOLD}sample_guides/invalid/defects.md{RESET}:{CYAN}5:1{RESET}: "
                               f"{WARNING_CODE}GL108{RESET} [vertical-unknown] ")
    fixable = [line for line in lines if "GL002" in line][0]
    assert fixable.endswith(f" {GREEN}[*]{RESET}")
    assert lines[-1].startswith(f"{BOLD}Found 20 findings (")
    assert result.exit_code == 1


def test_no_colour_in_a_pipe_or_with_never() -> None:
    for args in ((), ("--color", "never"), ("--color", "auto")):
        result = run(*args, DEFECTS)
        assert "\x1b" not in result.stdout
        assert result.stdout.startswith(FIRST_LINE)


@pytest.mark.parametrize(("env", "flag", "coloured"), [
    ({"FORCE_COLOR": "1"}, None, True),
    ({"FORCE_COLOR": ""}, None, False),  # empty: not set
    ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, None, False),  # the user's "no" first
    ({"NO_COLOR": ""}, "always", True),
    ({"NO_COLOR": "1"}, "always", True),  # --color beats the environment
    ({"FORCE_COLOR": "1"}, "never", False),
])
def test_color_environment(env, flag, coloured) -> None:
    result = run(*(["--color", flag] if flag else []), DEFECTS, env=env)
    assert ("\x1b[" in result.stdout) is coloured


def test_wanted_on_a_terminal_and_off_elsewhere() -> None:
    from guidelint.colour import wanted

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert wanted("auto", Tty(), {}) is True
    assert wanted("auto", Tty(), {"NO_COLOR": "x"}) is False
    assert wanted("auto", Tty(), {"TERM": "dumb"}) is False
    assert wanted("auto", io.StringIO(), {}) is False
    assert wanted("auto", io.StringIO(), {"FORCE_COLOR": "1"}) is True


@pytest.mark.parametrize("fmt", ["json", "github", "sarif", "junit"])
def test_machine_formats_never_coloured(fmt) -> None:
    result = run("--color", "always", "--format", fmt, DEFECTS, env={"FORCE_COLOR": "1"})
    assert "\x1b" not in result.stdout and result.stdout


def test_output_file_is_never_coloured_the_terminal_is(tmp_path) -> None:
    out = tmp_path / "report.txt"
    result = run("--color", "always", "-o", str(out), DEFECTS)
    assert "\x1b" not in out.read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8").startswith(FIRST_LINE)
    assert result.stdout.startswith(BOLD)


def test_statistics_text_coloured_json_not() -> None:
    result = run("--color", "always", "--statistics", DEFECTS)
    assert result.stdout.splitlines()[0].startswith(f"     5  {BOLD}GL301{RESET}  question-missing-part")
    assert "\x1b" not in run("--color", "always", "--statistics", "--format", "json", DEFECTS).stdout


def test_diff_coloured(tmp_path) -> None:
    guide = tmp_path / "g.md"
    shutil.copy(SAMPLES / "invalid" / "defects.md", guide)
    shown = os.path.relpath(guide)
    result = run("--diff", "--color", "always", "--select", "GL002", str(guide))
    lines = result.stdout.split("\n")
    assert lines[0] == f"{BOLD}--- a/{shown}{RESET}" and lines[1] == f"{BOLD}+++ b/{shown}{RESET}"
    assert lines[2].startswith(CYAN + "@@ ")
    assert any(line.startswith(RED + "-") for line in lines)
    assert any(line.startswith(GREEN + "+") for line in lines)
    plain = run("--diff", "--select", "GL002", str(guide)).stdout
    assert "\x1b" not in plain and plain.startswith(f"--- a/{shown}\n")


# --- --quiet, -o ------------------------------------------------------------------------------------------

def test_quiet_prints_the_summary_line_only() -> None:
    result = run("-q", DEFECTS)
    assert result.stdout.splitlines() == [run(DEFECTS).stdout.splitlines()[-1]]
    assert result.exit_code == 1


def test_quiet_prints_nothing_when_clean() -> None:
    result = run("--quiet", CLEAN)
    assert (result.stdout, result.stderr, result.exit_code) == ("", "", 0)
    assert run("--quiet", "--exit-zero", DEFECTS).exit_code == 0


def test_quiet_with_output_file_keeps_the_report_in_the_file(tmp_path) -> None:
    out = tmp_path / "report.sarif"
    result = run("-q", "--format", "sarif", "-o", str(out), DEFECTS)
    assert result.stdout.startswith("Found 20 findings") and len(result.stdout.splitlines()) == 1
    assert len(json.loads(out.read_text(encoding="utf-8"))["runs"][0]["results"]) == 20
    clean = run("-q", "--format", "sarif", "-o", str(out), CLEAN)
    assert clean.stdout == "" and json.loads(out.read_text(encoding="utf-8"))["runs"][0]["results"] == []


def test_quiet_keeps_what_was_asked_for() -> None:
    """--statistics and machine formats on stdout are the output asked for: --quiet leaves them whole
    (except the text table's run with nothing to count)."""
    assert run("-q", "--statistics", DEFECTS).stdout == run("--statistics", DEFECTS).stdout
    assert run("-q", "--statistics", CLEAN).stdout == ""
    assert run("-q", "--format", "json", DEFECTS).stdout == run("--format", "json", DEFECTS).stdout
    assert run("-q", "--statistics", "--format", "json", CLEAN).stdout == "[]\n"


def test_quiet_fix_says_what_it_fixed(tmp_path) -> None:
    guide = tmp_path / "g.md"
    shutil.copy(SAMPLES / "invalid" / "defects.md", guide)
    result = run("--fix", "-q", "--select", "GL002", str(guide))
    assert result.stdout == "All checks passed: 1 file checked. Fixed 1 finding.\n"


def test_fix_command_takes_short_output_file(tmp_path) -> None:
    guide = tmp_path / "g.md"
    shutil.copy(SAMPLES / "invalid" / "defects.md", guide)
    out = tmp_path / "remaining.json"
    result = CliRunner().invoke(main, ["fix", "-o", str(out), "--format", "json", str(guide)], catch_exceptions=False)
    assert result.exit_code == 1
    assert {row["code"] for row in json.loads(out.read_text(encoding="utf-8"))} >= {"GL301", "GL108"}


def test_output_file_in_a_missing_folder_is_a_usage_error(tmp_path) -> None:
    result = run("-o", str(tmp_path / "no" / "r.txt"), DEFECTS)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"guidelint: error: cannot write {tmp_path / 'no' / 'r.txt'}: ")
    assert result.stdout == ""


# --- --statistics --format json ---------------------------------------------------------------------------

def test_statistics_json() -> None:
    result = run("--statistics", "--format", "json", DEFECTS, "sample_guides/variant-b-marketing-manager.md")
    rows = json.loads(result.stdout)
    assert rows[:3] == [
        {"code": "GL301", "rule": "question-missing-part", "count": 5, "fixable": 0},
        {"code": "GL104", "rule": "date-style", "count": 2, "fixable": 1},
        {"code": "GL002", "rule": "trailing-whitespace", "count": 1, "fixable": 1},
    ]
    assert sum(row["count"] for row in rows) == 20
    assert result.exit_code == 1


def test_statistics_with_a_format_it_cannot_print(tmp_path) -> None:
    result = run("--statistics", "--format", "sarif", DEFECTS)
    assert result.exit_code == 2
    assert result.stderr == ("guidelint: error: --statistics prints text or json, not sarif (a sarif report can go "
                             "to --output-file beside it)\n")
    out = tmp_path / "r.sarif"
    beside = run("--statistics", "--format", "sarif", "-o", str(out), DEFECTS)
    assert beside.stdout.splitlines()[0] == "     5  GL301  question-missing-part"
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == "2.1.0"


# --- JUnit and fail-on ------------------------------------------------------------------------------------

def _junit_cases(text: str) -> dict[str, str]:
    import xml.etree.ElementTree as ET

    root = ET.fromstring(text)
    return {case.get("name"): ("failure" if case.find("failure") is not None else
                               "system-out" if case.find("system-out") is not None else "pass")
            for case in root.iter("testcase")}


def test_junit_file_with_only_warnings_is_not_a_failure() -> None:
    result = run("--format", "junit", DEFECTS, DUPLICATE, CLEAN)
    assert _junit_cases(result.stdout) == {DEFECTS: "failure", DUPLICATE: "system-out", CLEAN: "pass"}
    assert 'tests="3" failures="1"' in result.stdout
    assert "<system-out>2:7: GL401 [duplicate-term] warning: term " in result.stdout
    strict = run("--format", "junit", "--fail-on", "warning", DEFECTS, DUPLICATE, CLEAN)
    assert _junit_cases(strict.stdout) == {DEFECTS: "failure", DUPLICATE: "failure", CLEAN: "pass"}
    assert 'tests="3" failures="2"' in strict.stdout


def test_junit_follows_each_files_configured_fail_on(tmp_path, monkeypatch) -> None:
    for name in ("strict", "lenient"):
        (tmp_path / name).mkdir()
        shutil.copy(SAMPLES / "invalid" / "defects.md", tmp_path / name / "a.md")
        shutil.copy(SAMPLES / "invalid" / "duplicate-term.md", tmp_path / name / "b.md")
    (tmp_path / "strict" / "guidelint.toml").write_text('fail-on = "warning"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("--format", "junit", "--select", "GL401", "strict", "lenient")
    # lenient/a.md is the first of the term; lenient/b.md and both strict files repeat it (warnings)
    assert _junit_cases(result.stdout) == {"lenient/a.md": "pass", "lenient/b.md": "system-out",
                                           "strict/a.md": "failure", "strict/b.md": "failure"}
    assert result.exit_code == 1  # strict's warnings fail the run as they fail its test cases


# --- the progress line ------------------------------------------------------------------------------------

class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_clears_its_line_for_other_output_and_draws_it_again() -> None:
    from guidelint.runner import Progress

    stream = FakeTty()
    progress = Progress(4, stream=stream)
    progress.started -= 10  # shown after one second: the second is over
    progress.step()
    bar = "[#######.......................] 1/4 files"
    assert stream.getvalue() == "\r" + bar
    with progress.above():
        stream.write("g.md: fix refused: line 3\n")
    assert stream.getvalue() == "\r" + bar + "\r" + " " * len(bar) + "\r" + "g.md: fix refused: line 3\n" + "\r" + bar
    progress.close()
    assert stream.getvalue().endswith("\r" + bar + "\r" + " " * len(bar) + "\r")
    with progress.above():  # nothing drawn: nothing cleared, nothing drawn after
        stream.write("x\n")
    assert stream.getvalue().endswith("\rx\n")


def _shown_progress() -> type:
    """runner.Progress as on a terminal, past its first second: the bar is drawn at every step."""
    from guidelint import runner

    class Shown(runner.Progress):
        def __init__(self, total: int, **kwargs) -> None:
            super().__init__(total, stream=sys.stderr)
            self.enabled = True
            self.started -= 10

    return Shown


def test_cli_messages_never_land_on_the_progress_line(tmp_path, monkeypatch) -> None:
    from guidelint import runner
    from guidelint.diagnostics import Edit, Finding, Fix
    from guidelint.rules import REGISTRY

    def eats_a_heading(document, context):
        start = document.text.find("## Overview")
        if start != -1:
            yield Finding("bad", start, start, Fix("oops", (Edit(start, start + 3, ""),)))

    monkeypatch.setattr(runner, "Progress", _shown_progress())
    monkeypatch.setitem(REGISTRY, "GL002", dataclasses.replace(REGISTRY["GL002"], check=eats_a_heading))
    for name in ("a.md", "b.md", "c.md"):
        shutil.copy(SAMPLES / "invalid" / "defects.md", tmp_path / name)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--fix", "--jobs", "1", "--select", "GL002", "."],
                                catch_exceptions=False)
    bar = "[##########....................] 1/3 files"
    message = "a.md: fix refused: line 18: trailing-whitespace: its fix would change headings, sections\n"
    assert result.stderr.startswith("\r" + bar + "\r" + " " * len(bar) + "\r" + message + "\r" + bar)
    for line in result.stderr.split("\n"):  # every message starts its own line
        assert "files" not in line.rpartition("\r")[2] or line.rpartition("\r")[2].startswith("[")


# --- a real terminal-less run, as a user types it ---------------------------------------------------------

def _guidelint(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    if not GUIDELINT.exists():
        pytest.skip(f"the guidelint command is not installed next to {sys.executable}")
    environ = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    environ.update(env or {})
    return subprocess.run([str(GUIDELINT), "check", *args], capture_output=True, cwd=ROOT, env=environ, timeout=120)


def test_installed_command_in_a_pipe() -> None:
    plain = _guidelint(DEFECTS)
    assert plain.stdout.startswith(FIRST_LINE.encode()) and b"\x1b" not in plain.stdout
    forced = _guidelint(DEFECTS, env={"FORCE_COLOR": "1"})
    assert forced.stdout.startswith(BOLD.encode())
    assert _guidelint(DEFECTS, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout == plain.stdout


def test_diff_colours_removed_lines_that_look_like_headers() -> None:
    from guidelint.colour import Palette

    diff = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n--- old\n+++ new\n same\n\\ No newline at end of file\n"
    assert Palette().diff(diff).split("\n") == [
        f"{BOLD}--- a/x{RESET}", f"{BOLD}+++ b/x{RESET}", f"{CYAN}@@ -1 +1 @@{RESET}", f"{RED}--- old{RESET}",
        f"{GREEN}+++ new{RESET}", " same", "\\ No newline at end of file", ""]
    assert Palette.plain().diff(diff) == diff


def test_export_skip_messages_never_land_on_the_progress_line(tmp_path, monkeypatch) -> None:
    """The local export's "skipped" lines clear the bar first, as check's messages do."""
    from guidelint import runner

    monkeypatch.setattr(runner, "Progress", _shown_progress())
    shutil.copy(SAMPLES / "variant-b-marketing-manager.md", tmp_path / "a.md")
    (tmp_path / "b.md").write_text("no front matter\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["export", "--jobs", "1", "-o", "out.jsonl", "."], catch_exceptions=False)
    bar = "[###############...............] 1/2 files"
    cleared = "\r" + " " * len(bar) + "\r"
    assert result.stderr.startswith("\r" + bar + cleared + "b.md: skipped (not a guide: no front matter)\n")
    assert result.exit_code == 1
