"""Corpus rules: files of one run compared through small per-file summaries (duplicate-term)."""
from __future__ import annotations

import json
import os
import time

import pytest
from click.testing import CliRunner

from guidelint import runner
from guidelint.cli import main
from guidelint.rules import BY_SLUG

from conftest import SAMPLES

GUIDE = (SAMPLES / "variant-b-marketing-manager.md").read_text(encoding="utf-8")
TERM = 'term: "B2B Marketing Manager Interview Preparation"'


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # paths in messages are as discovery shows them: g/a.md


def _guides(folder, terms: dict[str, str], extra: dict[str, str] | None = None):
    folder.mkdir(exist_ok=True)
    assert TERM in GUIDE
    for name, term in terms.items():
        text = GUIDE.replace(TERM, f"term: {json.dumps(term)}")
        (folder / name).write_text(text + (extra or {}).get(name, ""), encoding="utf-8")
    return folder


def check(*args: str) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(main, ["check", "--format", "json", *args], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def _gl401(found: list[dict]) -> list[tuple[str, int, int, str]]:
    return [(os.path.basename(d["path"]), d["line"], d["column"], d["message"]) for d in found if d["code"] == "GL401"]


def test_every_corpus_rule_is_tested_here() -> None:
    assert sorted(slug for slug, rule in BY_SLUG.items() if rule.corpus_key is not None) == ["duplicate-term"]


def test_later_files_with_the_same_slug_are_reported_against_the_first(tmp_path) -> None:
    _guides(tmp_path / "g", {"a.md": "Sales Manager Interview Prep", "b.md": "Other Guide",
                             "c.md": "sales manager: interview prep", "d.md": "Sales  Manager Interview Prep"})
    code, found = check("--no-cache", "g")
    first = "g/a.md:2"
    assert _gl401(found) == [
        ("c.md", 2, 7, (f"term 'sales manager: interview prep' duplicates the term of {first} "
                        "(both are 'sales-manager-interview-prep')")),
        ("d.md", 2, 7, (f"term 'Sales Manager Interview Prep' duplicates the term of {first} "
                        "(both are 'sales-manager-interview-prep')")),
    ]
    assert code == 0  # a warning: fail-on is error by default
    assert check("--no-cache", "--fail-on", "warning", "g")[0] == 1


def test_a_single_file_or_distinct_terms_have_no_finding(tmp_path) -> None:
    folder = _guides(tmp_path / "g", {"a.md": "One", "b.md": "Two"})
    assert _gl401(check("--no-cache", str(folder))[1]) == []
    assert _gl401(check("--no-cache", str(folder / "a.md"), str(folder / "a.md"))[1]) == []


def test_the_same_whatever_jobs_and_from_the_cache(tmp_path, monkeypatch) -> None:
    terms = {f"{i:02d}.md": f"Guide {i % 4}" for i in range(12)}
    folder = _guides(tmp_path / "g", terms)
    cold = check("--no-cache", "--jobs", "1", str(folder))
    assert len(_gl401(cold[1])) == 8
    assert check("--no-cache", "--jobs", "2", str(folder)) == cold
    monkeypatch.setattr(runner, "RACY_NS", 0)
    monkeypatch.delenv("GUIDELINT_NO_CACHE")
    cache = str(tmp_path / "cache")
    assert check("--cache-dir", cache, str(folder)) == cold
    assert check("--cache-dir", cache, str(folder)) == cold  # every file from the cache: entries kept there
    time.sleep(0.01)
    (folder / "05.md").write_text(GUIDE.replace(TERM, 'term: "Unique"'), encoding="utf-8")
    warm = check("--cache-dir", cache, str(folder))
    assert warm == check("--no-cache", str(folder)) and len(_gl401(warm[1])) == 7


def test_a_suppressed_file_still_counts_but_is_not_reported(tmp_path) -> None:
    folder = _guides(tmp_path / "g", {"a.md": "Same", "b.md": "Same", "c.md": "Same"},
                     extra={"a.md": "\n<!-- guidelint-disable-file duplicate-term -->\n",
                            "b.md": "\n<!-- guidelint-disable-file GL4 -->\n"})
    found = check("--no-cache", "--extend-select", "unused-suppression", str(folder))[1]
    assert [(name, line) for name, line, _, _ in _gl401(found)] == [("c.md", 2)]
    assert "g/a.md:2" in _gl401(found)[0][3]
    assert [d for d in found if d["code"] == "GL005"] == []  # both directives count as used


def test_per_file_ignores_take_a_file_out_of_the_comparison(tmp_path) -> None:
    folder = _guides(tmp_path / "g", {"a.md": "Same", "b.md": "Same"})
    (tmp_path / "guidelint.toml").write_text('[per-file-ignores]\n"**/a.md" = ["duplicate-term"]\n', encoding="utf-8")
    found = check("--no-cache", "--config", str(tmp_path / "guidelint.toml"), str(folder))[1]
    assert _gl401(found) == []


def test_fix_runs_report_corpus_findings_too(tmp_path) -> None:
    folder = _guides(tmp_path / "g", {"a.md": "Same", "b.md": "Same"}, extra={"b.md": "trailing   \n"})
    result = CliRunner().invoke(main, ["check", "--fix", "--format", "json", str(folder)], catch_exceptions=False)
    found = json.loads(result.stdout)
    assert [d["code"] for d in found] == ["GL401"]
    assert not (folder / "b.md").read_text(encoding="utf-8").endswith("   \n")


def test_a_baseline_keeps_a_known_duplicate_quiet(tmp_path) -> None:
    folder = _guides(tmp_path / "g", {"a.md": "Same", "b.md": "Same"})
    baseline = tmp_path / "baseline.json"
    CliRunner().invoke(main, ["check", "--no-cache", "--write-baseline", str(baseline), str(folder)],
                       catch_exceptions=False)
    assert _gl401(check("--no-cache", "--baseline", str(baseline), str(folder))[1]) == []
    _guides(folder, {"c.md": "Same"})
    assert [name for name, *_ in _gl401(check("--no-cache", "--baseline", str(baseline), str(folder))[1])] == ["c.md"]


@pytest.mark.parametrize("text", [
    '---\nterm: "Same"\n---\n',
    '\ufeff---\r\nauthor: x\r\nterm: >-\r\n  Folded\r\n  term\r\n---\r\n',
    '---\nterm: "Caf\u00e9 \U0001F600 guide"\ncategory: x\n---\n# Body\n',
])
def test_corpus_entry_positions_agree_with_the_line_index(text) -> None:
    from guidelint.config import Config
    from guidelint.engine import Linter

    result = Linter(Config(select=("duplicate-term",))).lint_text(text, "x.md")
    (entry,) = result.corpus
    located = result.document.front_matter.locate(("term",), key=False)
    lines = result.document.lines
    assert (entry.line, entry.column) == lines.position(located.start)
    assert (entry.end_line, entry.end_column) == lines.position(located.end)
    start = lines.line_start(entry.line)
    end = result.document.text.find("\n", start)
    assert entry.content == result.document.text[start:end].strip()
