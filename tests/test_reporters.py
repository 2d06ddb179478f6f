"""CI output formats against golden files, --output-file, --statistics, and SARIF checked by
Microsoft's sarif-multitool (installed from the npm registry when the test runs)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidelint.cli import main

from conftest import ROOT

GOLDEN = Path(__file__).parent / "golden"
INPUTS = ["sample_guides/invalid/defects.md", "sample_guides/variant-b-marketing-manager.md"]
UPDATE = os.environ.get("GUIDELINT_UPDATE_GOLDEN") == "1"


@pytest.fixture(autouse=True)
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def run(*args: str):
    return CliRunner().invoke(main, ["check", *args], catch_exceptions=False)


@pytest.mark.parametrize("fmt, name", [("github", "report.github.txt"), ("sarif", "report.sarif.json"),
                                       ("junit", "report.junit.xml")])
def test_format_matches_golden(fmt, name) -> None:
    result = run("--format", fmt, *INPUTS)
    assert result.exit_code == 1
    if UPDATE:
        (GOLDEN / name).write_text(result.stdout, encoding="utf-8")
    assert result.stdout == (GOLDEN / name).read_text(encoding="utf-8")


def test_json_report_is_json_dumps_of_each_finding() -> None:
    from guidelint.diagnostics import Diagnostic, Edit, Fix, Severity
    from guidelint.reporters import RunSummary, json_report

    tricky = 'quote " backslash \\ tab \t newline \n nul-ish \x01 caf\u00e9 \u2028 \U0001f600'
    diagnostics = [
        Diagnostic(path=f"dir/{tricky}.md", line=3, column=4, code="GL203", end_line=5, end_column=6,
                   slug="generation-artifact", severity=Severity.ERROR, message=tricky,
                   fix=Fix(f"delete {tricky}", (Edit(0, 1, ""),), safe=False)),
        Diagnostic(path="b.md", line=1, column=1, code="GL301", end_line=1, end_column=1,
                   slug="question-missing-part", severity=Severity.INFO, message="no fix"),
    ]
    expected = "[\n" + ",\n".join(json.dumps(d.to_dict(), ensure_ascii=False) for d in diagnostics) + "\n]\n"
    expected = expected.replace("\u2028", "\\u2028")  # escaped: a line break to JavaScript and splitlines()
    assert json_report(RunSummary(files=2, diagnostics=diagnostics)) == expected
    assert json.loads(expected)[0]["message"] == tricky
    assert json_report(RunSummary(files=1, diagnostics=[])) == "[]\n"


def test_github_escapes_newlines_and_separators() -> None:
    from guidelint.diagnostics import Diagnostic, Severity
    from guidelint.reporters import RunSummary, github

    d = Diagnostic(path="a,b:c.md", line=1, column=2, code="GL001", end_line=1, end_column=2, slug="file-encoding",
                   severity=Severity.INFO, message="50% done\nnext")
    assert github(RunSummary(files=1, diagnostics=[d])) == (
        "::notice file=a%2Cb%3Ac.md,line=1,col=2,endLine=1,endColumn=2,title=GL001 [file-encoding]::50%25 done%0Anext\n")


def test_output_file_gets_the_format_and_terminal_gets_text(tmp_path) -> None:
    out = tmp_path / "report.sarif"
    result = run("--format", "sarif", "--output-file", str(out), *INPUTS)
    assert result.stdout.splitlines()[-1].startswith("Found 20 findings")
    assert result.stdout.splitlines()[0].startswith("sample_guides/invalid/defects.md:5:1: GL108")
    assert json.loads(out.read_text(encoding="utf-8"))["runs"][0]["results"][0]["ruleId"] == "GL108"


def test_statistics() -> None:
    result = run("--statistics", *INPUTS)
    assert result.stdout.splitlines()[:3] == [
        "     5  GL301  question-missing-part",
        "     2  GL104  date-style  [*]",
        "     1  GL002  trailing-whitespace  [*]",
    ]


def test_sarif_passes_microsoft_sarif_multitool(tmp_path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed")
    tool_dir = tmp_path / "multitool"
    tool_dir.mkdir()
    installed = subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(tool_dir),
                                "@microsoft/sarif-multitool@5"], capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr
    tool = tool_dir / "node_modules" / ".bin" / "sarif-multitool"
    report = tmp_path / "report.sarif"
    report.write_text(run("--format", "sarif", *INPUTS).stdout, encoding="utf-8")
    broken = json.loads(report.read_text(encoding="utf-8"))
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    (tmp_path / "broken.sarif").write_text(json.dumps(broken), encoding="utf-8")

    def errors(path: Path) -> list[str]:
        log = tmp_path / (path.stem + ".validation.sarif")
        subprocess.run([str(tool), "validate", str(path), "-o", str(log)], capture_output=True, text=True,
                       timeout=300, check=True)
        results = json.loads(log.read_text(encoding="utf-8"))["runs"][0]["results"]
        return [r["ruleId"] for r in results if r.get("level") == "error"]

    assert errors(tmp_path / "broken.sarif")  # the validator does catch a broken log
    assert errors(report) == []


def test_control_characters_from_a_file_never_reach_the_reader_raw(tmp_path: Path) -> None:
    """A heading with terminal escapes (colour, window title, clear screen) is quoted by question-group
    and generation-artifact: text, GitHub and JUnit show them as \\xNN (a terminal would act on them; XML
    does not allow them), JSON keeps the characters themselves, escaped as JSON escapes them."""
    import sys
    import xml.dom.minidom

    guide = tmp_path / "a.md"
    guide.write_text("---\nterm: x\n---\n\n## Interview Questions\n\n#### \x1b[31mRED\x1b]0;t\x07 group\n\n"
                     "TODO \x1b[2J here\n", encoding="utf-8")

    def report(name: str) -> str:
        done = subprocess.run([sys.executable, "-m", "guidelint", "check", "--no-cache", "--format", name, "a.md"],
                              capture_output=True, text=True, check=False, cwd=tmp_path)
        assert done.returncode == 1, done.stderr
        return done.stdout

    for name in ("text", "github", "junit"):
        out = report(name)
        assert "\x1b" not in out and "\x07" not in out, name
        assert "question group '\\x1b[31mRED\\x1b]0;t\\x07 group' is not one of" in out, name
        assert "editor's note left in: 'TODO \\x1b[2J here'" in out, name
        if name == "junit":
            xml.dom.minidom.parseString(out)  # parses: no character XML forbids
    found = json.loads(report("json"))
    assert any(d["message"].startswith("question group '\x1b[31mRED\x1b]0;t\x07 group'") for d in found)
