"""The check run reports file by file as results arrive: the same bytes as the report made from every
finding of the run sorted at the end (what guidelint did before), in every format, with corpus findings
and baselines; and the run does not keep its findings until the end."""
from __future__ import annotations

import gc
import os
import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidelint.cli import main

from conftest import ROOT

GOLDEN = Path(__file__).parent / "golden"
FORMATS = ["text", "json", "github", "sarif", "junit"]


@pytest.fixture(autouse=True)
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


def check(*args: str):
    return CliRunner().invoke(main, ["check", *args], catch_exceptions=False)


@pytest.mark.parametrize("name", ["text", "json", "github", "sarif", "statistics"])
def test_sample_guides_report_as_before(name) -> None:
    """Goldens written by guidelint before reports were streamed (JUnit changed since: see test_terminal)."""
    args = ["--statistics"] if name == "statistics" else ["--format", name]
    result = check(*args, "sample_guides")
    assert result.stdout == (GOLDEN / f"sample_guides.{name}.txt").read_text(encoding="utf-8")


def _whole_run_report(paths: list[str], name: str, baseline_file: str | None = None) -> str:
    """The report as made before streaming: every outcome of the run gathered, the corpus findings added,
    all sorted, filtered by the baseline, then formatted at once."""
    from guidelint import baseline
    from guidelint.cli import _build_project, _project_path
    from guidelint.reporters import RunSummary, report
    from guidelint.runner import Mode, reduce_corpus, run

    project = _build_project(None)
    files = project.select_files(paths).files
    diagnostics, corpus = [], []
    for outcome in run(project, files, Mode(), jobs=2):
        diagnostics.extend(outcome.diagnostics)
        if outcome.corpus:
            corpus.append((outcome.path, outcome.corpus))
    diagnostics.extend(reduce_corpus(project, corpus))
    diagnostics.sort()
    hidden = 0
    if baseline_file:
        diagnostics, hidden = baseline.filter_new(diagnostics, baseline.load(baseline_file), key=_project_path(project))
    rules = {rule.code: rule for path in files for rule in project.for_path(path).config.enabled_rules()}
    summary = RunSummary(files=len(files), diagnostics=diagnostics, paths=tuple(files), rules=tuple(rules.values()),
                         baselined=hidden, unsafe_fixable=sum(1 for d in diagnostics if d.fix and not d.fix.safe),
                         fail_on=lambda path: project.config_for(path).fail_on)
    return report(name, summary)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Generated guides, with copies in two folders so the corpus rules (duplicate terms, slugs...) find
    files that repeat an earlier one."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    folder = tmp_path_factory.mktemp("stream") / "guides"
    generate(folder, 60)
    for copy in ("a-copies", "z-copies"):
        (folder / copy).mkdir()
        for name in ("guide-00003.md", "guide-00017.md", "guide-00042.md"):
            shutil.copy(folder / name, folder / copy / name)
    return folder


@pytest.mark.parametrize("name", FORMATS)
def test_streamed_report_is_the_whole_run_report(corpus, name) -> None:
    result = check("--format", name, "--jobs", "2", str(corpus))
    assert "GL401" in result.stdout or name == "junit"  # corpus findings are in it
    assert result.stdout == _whole_run_report([str(corpus)], name)


@pytest.mark.parametrize("name", ["text", "sarif", "junit"])
def test_streamed_report_with_a_baseline(corpus, tmp_path, name) -> None:
    recorded = tmp_path / "baseline.json"
    # a baseline of half the files, and of the copies' corpus findings
    half = sorted(str(p) for p in corpus.glob("guide-0000*.md")) + [str(corpus / "a-copies"), str(corpus / "z-copies")]
    assert check("--write-baseline", str(recorded), *half).exit_code == 0
    result = check("--format", name, "--baseline", str(recorded), str(corpus))
    assert result.stdout == _whole_run_report([str(corpus)], name, str(recorded))
    if name == "text":
        assert " known in the baseline, not shown." in result.stdout


def test_seeds_report_as_the_whole_run(seeds) -> None:
    paths = sorted(str(path) for path in seeds.iterdir() if path.is_file())
    for name in FORMATS:
        assert check("--format", name, *paths).stdout == _whole_run_report(paths, name)


def test_sarif_text_is_json_dumps_of_the_log(corpus) -> None:
    from guidelint import jsontext

    for args in (["--select", "GL001"], []):  # no results, many
        text = check("--format", "sarif", *args, str(corpus)).stdout
        assert text == jsontext.indented(json.loads(text)) + "\n"


def test_the_run_does_not_keep_its_findings(corpus, monkeypatch) -> None:
    """At the end of the report, the Diagnostics alive are a file's worth, not the run's."""
    from guidelint import reporters
    from guidelint.diagnostics import Diagnostic

    alive: list[int] = []
    end = reporters.JsonReport.end

    def counting_end(self, totals):
        gc.collect()
        alive.append(sum(1 for thing in gc.get_objects() if type(thing) is Diagnostic))
        alive.append(totals.findings)
        end(self, totals)

    monkeypatch.setattr(reporters.JsonReport, "end", counting_end)
    result = check("--format", "json", "--jobs", "1", str(corpus))
    assert len(json.loads(result.stdout)) == alive[1] > 500
    assert alive[0] < 100


def test_output_file_is_replaced_whole(corpus, tmp_path) -> None:
    out = tmp_path / "report.json"
    out.write_text("old\n", encoding="utf-8")
    check("--format", "json", "-o", str(out), str(corpus))
    assert out.read_text(encoding="utf-8") == _whole_run_report([str(corpus)], "json")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
@pytest.mark.parametrize("paths", [["sample_guides"], ["corpus"]])
def test_output_file_that_cannot_take_the_report_is_one_line(corpus, paths) -> None:
    """Disk full while the report is written (a large one fails in the middle of the run, a small one
    when it is flushed at the end): one line, exit 2, no traceback."""
    paths = [str(corpus) if path == "corpus" else path for path in paths]
    result = check("--format", "json", "-o", "/dev/full", *paths)
    assert result.exit_code == 2
    assert result.stderr == "guidelint: error: cannot write /dev/full: No space left on device\n"
