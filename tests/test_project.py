"""The project model: a repository with guides beside other content gives the same findings however
guidelint is pointed at it (from the root, a subfolder, absolute paths, --config, pre-commit, stdin,
the library)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidelint import lint_text
from guidelint.cli import main

from conftest import SAMPLES

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTICLE_SCHEMA = {"type": "object", "required": ["title", "author"],
                  "properties": {"title": {"type": "string"}, "author": {"type": "string"}}}
CONFIG = """\
extend-include = ["*.mdx"]
exclude = ["drafts/", "README.md", "CONTRIBUTING.md"]
default-kind = "markdown"

[per-file-ignores]
"guides/bad.md" = ["mixed-apostrophes"]

[collections.guides]
include = ["guides/**"]

[collections.articles]
include = ["articles/**"]
kind = "markdown"
schema = "schemas/article.schema.json"
"""


def make_repository(root: Path) -> Path:
    """guides/ (a bad and a clean guide), articles/ (own schema, plain kind), docs/*.mdx, README.md,
    CONTRIBUTING.md, an excluded drafts/, per-file-ignores, and docs/legacy/ with its own config."""
    for folder in ("guides", "articles", "docs/legacy", "drafts", "schemas"):
        (root / folder).mkdir(parents=True)
    shutil.copy(SAMPLES / "invalid" / "defects.md", root / "guides" / "bad.md")
    shutil.copy(SAMPLES / "variant-b-marketing-manager.md", root / "guides" / "clean.md")
    (root / "articles" / "hello.md").write_text("---\ntitle: Hello\n---\n\n# Hello\n\nSome text \n")
    (root / "schemas" / "article.schema.json").write_text(json.dumps(ARTICLE_SCHEMA))
    (root / "docs" / "page.mdx").write_text("# Docs\n\n## Empty\n\n## Setup\n\nRun it. \n")
    (root / "docs" / "legacy" / "old.md").write_text("no newline \n\n## Empty\n")
    (root / "docs" / "legacy" / "guidelint.toml").write_text(
        'select = ["final-newline", "trailing-whitespace"]\ndefault-kind = "markdown"\n')
    for name in ("README.md", "CONTRIBUTING.md"):
        (root / name).write_text("# About\n\nPlain text, no front matter. \n")
    (root / "drafts" / "wip.md").write_text("TODO: write this\n")
    (root / "guidelint.toml").write_text(CONFIG)
    return root


# (relative path, line, rule) of every finding a correct run gives on that repository
EXPECTED = {
    ("articles/hello.md", 1, "front-matter-schema"), ("articles/hello.md", 7, "trailing-whitespace"),
    ("docs/page.mdx", 3, "empty-section"), ("docs/page.mdx", 7, "trailing-whitespace"),
    ("docs/legacy/old.md", 1, "trailing-whitespace"),
}


def findings(output: str, cwd: Path) -> set[tuple[str, int, int, str, str]]:
    """(absolute path, line, column, rule, message) of every finding in a JSON report."""
    return {(str((cwd / f["path"]).resolve()), f["line"], f["column"], f["rule"], f["message"])
            for f in json.loads(output)}


def text_findings(output: str, cwd: Path) -> set[tuple[str, int, int, str, str]]:
    found = set()
    for line in output.splitlines():
        match = re.match(r"(.+?):(\d+):(\d+): GL\d+ \[([a-z-]+)\] (.*?)(?: \[\*\])?$", line)
        if match:
            found.add((str((cwd / match[1]).resolve()), int(match[2]), int(match[3]), match[4], match[5]))
    return found


def run(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "guidelint", *args], cwd=cwd, capture_output=True, text=True,
                          input=stdin, timeout=120, env={**os.environ, "GUIDELINT_NO_CACHE": "1"})


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> Path:
    return make_repository(tmp_path_factory.mktemp("project") / "repo")


@pytest.fixture(scope="module")
def from_root(repository) -> set[tuple[str, int, int, str, str]]:
    completed = run("check", "--format", "json", ".", cwd=repository)
    assert completed.returncode == 1, completed.stderr
    return findings(completed.stdout, repository)


def test_from_the_root_each_kind_gets_its_rules(repository, from_root) -> None:
    relative = {(str(Path(path).relative_to(repository.resolve())), line, rule) for path, line, _, rule, _ in from_root}
    assert {item for item in relative if not item[0].startswith("guides/")} == EXPECTED
    guide_rules = {rule for path, _, rule in relative if path == "guides/bad.md"}
    assert {"question-missing-part", "image-category-mismatch", "date-style"} <= guide_rules
    assert "mixed-apostrophes" not in guide_rules  # per-file-ignores
    assert not any(path.startswith(("README", "CONTRIBUTING", "drafts", "guides/clean")) for path, _, _ in relative)


def test_the_same_findings_from_a_subfolder_and_with_absolute_paths(repository, from_root) -> None:
    completed = run("check", "--format", "json", "..", cwd=repository / "articles")
    assert findings(completed.stdout, repository / "articles") == from_root
    completed = run("check", "--format", "json", str(repository), cwd=repository.parent)
    assert findings(completed.stdout, repository.parent) == from_root
    # one file named from inside its folder: its collection is found through its own config
    completed = run("check", "--format", "json", "hello.md", cwd=repository / "articles")
    assert {(line, rule) for _, line, _, rule, _ in findings(completed.stdout, repository / "articles")} == \
        {(1, "front-matter-schema"), (7, "trailing-whitespace")}


def test_the_same_findings_with_config_from_another_folder(repository, from_root, tmp_path) -> None:
    completed = run("check", "--format", "json", "--config", str(repository / "guidelint.toml"), str(repository),
                    cwd=tmp_path)
    found = findings(completed.stdout, tmp_path)
    legacy = str(repository.resolve() / "docs" / "legacy")
    # --config is the config of every file (as ruff's): the nested config of docs/legacy/ does not apply
    assert {f for f in found if not f[0].startswith(legacy)} == {f for f in from_root if not f[0].startswith(legacy)}
    assert {(f[1], f[3]) for f in found if f[0].startswith(legacy)} == {(1, "trailing-whitespace"), (3, "empty-section")}


def test_the_same_findings_through_stdin_and_the_library(repository, from_root) -> None:
    checked = sorted({path for path, *_ in from_root} | {str(repository.resolve() / "guides" / "clean.md")})
    through_stdin: set[tuple[str, int, int, str, str]] = set()
    through_library: set[tuple[str, int, int, str, str]] = set()
    for path in checked:
        text = Path(path).read_text(encoding="utf-8")
        relative = os.path.relpath(path, repository)
        completed = run("check", "--stdin", "--stdin-filename", relative, "--format", "json", cwd=repository,
                        stdin=text)
        through_stdin |= {(path, *rest) for _, *rest in findings(completed.stdout, repository)}
        result = lint_text(text, path=path)
        through_library |= {(path, d.line, d.column, d.slug, d.message) for d in result.diagnostics}
    assert through_stdin == from_root
    assert through_library == from_root


def test_stdin_fix_prints_the_fixed_text(repository) -> None:
    text = (repository / "articles" / "hello.md").read_text()
    completed = run("check", "--fix", "--stdin-filename", "articles/hello.md", "-", cwd=repository, stdin=text)
    assert completed.stdout == text.replace("Some text \n", "Some text\n")
    assert "GL103 [front-matter-schema]" in completed.stderr  # the report goes to stderr
    assert completed.returncode == 1


@pytest.mark.parametrize("option", [["-o", "report.json"], ["--statistics"], ["--baseline", "known.json"],
                                    ["--write-baseline", "known.json"]])
def test_stdin_refuses_what_only_files_can_do(repository, option) -> None:
    """With --stdin the report goes to standard output: an option that puts it elsewhere, or reads or
    writes a baseline, is a usage error, not silently dropped (it was: -o wrote nothing, exit 1)."""
    text = (repository / "articles" / "hello.md").read_text()
    completed = run("check", "--stdin-filename", "articles/hello.md", *option, "-", cwd=repository, stdin=text)
    assert completed.returncode == 2
    assert completed.stderr == (f"guidelint: error: --stdin prints its report on standard output: "
                                f"{'--output-file' if option[0] == '-o' else option[0]} works on files only\n")
    assert not (repository / option[-1]).exists()


@pytest.mark.precommit
def test_pre_commit_try_repo(repository, from_root, tmp_path) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(repository, checkout)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=checkout, check=True)
    subprocess.run(["git", "add", "-A"], cwd=checkout, check=True)
    subprocess.run([*git, "commit", "-qm", "content"], cwd=checkout, check=True)
    pre_commit = [str(Path(sys.executable).parent / "pre-commit"), "try-repo", str(REPO_ROOT), "guidelint"]
    # a commit of README.md and CONTRIBUTING.md alone passes: the hook excludes them (--force-exclude)
    completed = subprocess.run([*pre_commit, "--files", "README.md", "CONTRIBUTING.md", "drafts/wip.md"],
                               cwd=checkout, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    completed = subprocess.run([*pre_commit, "--all-files", "--verbose"], cwd=checkout, capture_output=True,
                               text=True, timeout=600)
    assert completed.returncode == 1
    moved = {(path.replace(str(checkout.resolve()), str(repository.resolve())), *rest)
             for path, *rest in text_findings(completed.stdout, checkout)}
    assert moved == from_root


# --- each mistake of the old model, one test each -------------------------------------------------------

def invoke(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_globs_are_relative_to_the_config_not_the_working_folder(repository, monkeypatch) -> None:
    monkeypatch.chdir(repository / "articles")
    result = invoke("check", "--no-cache", "--format", "json", "hello.md")
    assert [f["rule"] for f in json.loads(result.stdout)] == ["front-matter-schema", "trailing-whitespace"]


def test_exclude_applies_to_named_files_with_force_exclude(repository, monkeypatch) -> None:
    monkeypatch.chdir(repository)
    named = invoke("check", "--no-cache", "--format", "json", "README.md")
    assert named.exit_code == 0 and [f["line"] for f in json.loads(named.stdout)] == [3]  # named: checked
    forced = invoke("check", "--no-cache", "--force-exclude", "README.md", "drafts/wip.md")
    assert forced.exit_code == 0
    assert forced.stdout == ""
    assert forced.stderr == "guidelint: nothing to check in README.md drafts/wip.md: 2 files excluded by configuration\n"


def test_command_line_selection_applies_to_collection_files(repository, monkeypatch) -> None:
    monkeypatch.chdir(repository)
    ignored = invoke("check", "--no-cache", "--format", "json", "--ignore", "trailing-whitespace", "articles")
    assert [f["rule"] for f in json.loads(ignored.stdout)] == ["front-matter-schema"]
    selected = invoke("check", "--no-cache", "--format", "json", "--select", "trailing-whitespace", "articles", "guides")
    assert {f["rule"] for f in json.loads(selected.stdout)} == {"trailing-whitespace"}


def test_a_collections_own_select_does_not_take_the_top_level_extend_select(tmp_path, monkeypatch) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "n.md").write_text("text \n")
    (tmp_path / "guidelint.toml").write_text(textwrap.dedent("""\
        extend-select = ["trailing-whitespace"]
        [collections.notes]
        include = ["notes/*"]
        select = ["final-newline"]
        """))
    monkeypatch.chdir(tmp_path)
    result = invoke("check", "--no-cache", "--format", "json", "notes")
    assert json.loads(result.stdout) == []


def test_mdx_pages_need_extend_include_and_an_empty_run_is_not_a_success(tmp_path, monkeypatch) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.mdx").write_text("# Page\n\nText \n")
    monkeypatch.chdir(tmp_path)
    nothing = invoke("check", "--no-cache", "docs")
    assert nothing.exit_code == 2
    assert nothing.stderr.startswith("guidelint: error: no files to check in docs ")
    (tmp_path / "guidelint.toml").write_text('extend-include = ["*.mdx"]\ndefault-kind = "markdown"\n')
    found = invoke("check", "--no-cache", "--format", "json", "docs")
    assert [(f["path"], f["rule"]) for f in json.loads(found.stdout)] == [("docs/page.mdx", "trailing-whitespace")]


def test_a_file_in_no_collection_gets_the_default_kind(tmp_path, monkeypatch) -> None:
    (tmp_path / "notes.md").write_text("# Notes\n\nPlain page.\n")
    monkeypatch.chdir(tmp_path)
    as_guide = invoke("check", "--no-cache", "--format", "json", "notes.md")
    assert "front-matter-missing" in {f["rule"] for f in json.loads(as_guide.stdout)}
    (tmp_path / "guidelint.toml").write_text('default-kind = "markdown"\n')
    as_page = invoke("check", "--no-cache", "--format", "json", "notes.md")
    assert json.loads(as_page.stdout) == []


def test_the_markdown_group_selects_the_generic_rules() -> None:
    from guidelint.config import resolve_rules
    from guidelint.rules import REGISTRY

    generic = set(resolve_rules(["markdown"]))
    assert {"GL001", "GL002", "GL003", "GL101", "GL102", "GL103", "GL201", "GL202", "GL203"} <= generic
    assert not generic & {"GL204", "GL301", "GL302", "GL105", "GL401"}
    assert generic | set(resolve_rules(["guide"])) == set(REGISTRY)


@pytest.mark.parametrize(("config", "line", "message"), [
    ('[options.date-style]\nstyle = "Unquoted"\n', 2,
     'date-style: option \'style\' must be one of "unquoted", "quoted", not "Unquoted"'),
    ('select = ["ALL"]\n\n[options.description-length]\nmax = -5\n', 4,
     "description-length: option 'max' is -5: -5 is less than the minimum of 1"),
    ('[tool.guidelint.severity]\ntrailing-whitespace = "loud"\n', 2,
     "severity: unknown severity 'loud' (use error, warning or info)"),
    ('[collections.a]\ninclude = ["a/*"]\nkind = "blog"\n', 3,
     "'kind' must be one of 'guide', 'markdown', not 'blog'"),
    ('\n\nschema = "missing.json"\n', 3, "schema: cannot read schema {tmp}/missing.json: No such file or directory"),
    ('[collections.a]\ninclude = ["a/*"]\nschema = "bad.json"\n', 3,
     "schema: {tmp}/bad.json: not a valid JSON Schema at type: 42 is not valid under any of the given schemas"),
])
def test_config_values_are_checked_at_their_line(tmp_path, monkeypatch, config, line, message) -> None:
    (tmp_path / "bad.json").write_text('{"type": 42}')
    name = "pyproject.toml" if config.startswith("[tool.") else "guidelint.toml"
    (tmp_path / name).write_text(config)
    (tmp_path / "g.md").write_text("x\n")
    monkeypatch.chdir(tmp_path)
    for command in (["check", "g.md"], ["export", "g.md"], ["config"]):
        result = invoke(*command)
        assert result.exit_code == 2, command
        assert result.stderr == f"guidelint: error: {tmp_path / name}:{line}: {message.format(tmp=tmp_path)}\n"


def test_extend_inherits_a_base_config(tmp_path, monkeypatch) -> None:
    (tmp_path / "base.toml").write_text('select = ["final-newline"]\nexclude = ["skip/"]\n')
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "guidelint.toml").write_text('extend = "../base.toml"\nextend-select = ["trailing-whitespace"]\n')
    (tmp_path / "site" / "skip").mkdir()
    (tmp_path / "site" / "skip" / "x.md").write_text("x")
    (tmp_path / "site" / "a.md").write_text("text ")
    monkeypatch.chdir(tmp_path / "site")
    result = invoke("check", "--no-cache", "--format", "json", ".")
    assert [(f["path"], f["rule"]) for f in json.loads(result.stdout)] == [("a.md", "trailing-whitespace"),
                                                                          ("a.md", "final-newline")]
    (tmp_path / "base.toml").write_text('extend = "site/guidelint.toml"\n')
    loop = invoke("check", ".")
    assert loop.exit_code == 2 and "'extend' loops back" in loop.stderr


def test_a_baseline_written_at_the_root_works_from_a_subfolder(repository, tmp_path, monkeypatch) -> None:
    checkout = tmp_path / "repo"
    shutil.copytree(repository, checkout)
    monkeypatch.chdir(checkout)
    written = invoke("check", "--no-cache", "--write-baseline", "baseline.json", ".")
    assert written.exit_code == 0
    recorded = json.loads((checkout / "baseline.json").read_text())["findings"]
    assert "articles/hello.md" in recorded
    monkeypatch.chdir(checkout / "articles")
    result = invoke("check", "--no-cache", "--baseline", "../baseline.json", "hello.md")
    assert result.exit_code == 0
    assert result.stdout.startswith("All checks passed")
    assert "2 known findings" in result.stdout or "2 known" in result.stdout + result.stderr


def test_config_path_shows_one_files_settings(repository, monkeypatch) -> None:
    monkeypatch.chdir(repository)
    shown = invoke("config", "articles/hello.md").stdout
    assert "collection: articles\n" in shown and "kind: markdown\n" in shown
    assert f'schema = "{repository.resolve() / "schemas" / "article.schema.json"}"  # collection articles: ' \
           f'{repository / "guidelint.toml"}:14' in shown
    legacy = invoke("config", "docs/legacy/old.md").stdout
    assert f"config file: {repository / 'docs' / 'legacy' / 'guidelint.toml'}" in legacy
    assert 'enabled rules = ["GL002", "GL003"]' in legacy


def test_export_takes_guide_kinds_only(repository, monkeypatch) -> None:
    monkeypatch.chdir(repository)
    result = invoke("export", "--include-invalid", ".")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(record["source"]["path"] for record in records) == ["guides/bad.md", "guides/clean.md"]
    assert result.exit_code == 0  # articles, docs and pages are not guides: not "left out"
    assert result.stderr == ""


def test_formats_are_checked_and_an_unknown_one_is_said_once(tmp_path, monkeypatch) -> None:
    from guidelint import configfile

    monkeypatch.setattr(configfile, "_WARNED", set())
    schema = {"type": "object", "properties": {"link": {"type": "string", "format": "uri"},
                                               "slug": {"type": "string", "format": "slug"}}}
    (tmp_path / "page.schema.json").write_text(json.dumps(schema))
    (tmp_path / "guidelint.toml").write_text(textwrap.dedent("""\
        default-kind = "markdown"
        [collections.a]
        include = ["a/*"]
        kind = "markdown"
        schema = "page.schema.json"
        [collections.b]
        include = ["b/*"]
        kind = "markdown"
        schema = "page.schema.json"
        """))
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "p.md").write_text("---\nlink: not a uri\nslug: x\n---\n\n# P\n\nText.\n")
    monkeypatch.chdir(tmp_path)
    result = invoke("check", "--no-cache", "--format", "json", ".")
    assert [(f["path"], f["line"], f["message"]) for f in json.loads(result.stdout)] == [
        ("a/p.md", 2, "$.link: 'not a uri' is not a 'uri'"), ("b/p.md", 2, "$.link: 'not a uri' is not a 'uri'")]
    assert result.stderr == (f"guidelint: warning: {tmp_path / 'page.schema.json'}: format 'slug' cannot be "
                             "checked (no checker for it is installed); values are not checked against it\n")


def test_without_a_config_the_project_root_is_the_working_folder_whatever_is_asked_first(tmp_path, monkeypatch) -> None:
    (tmp_path / "g" / "deeper").mkdir(parents=True)
    shutil.copy(SAMPLES / "variant-a-customer-success-manager.md", tmp_path / "g" / "deeper" / "a.md")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GUIDELINT_NO_CACHE", raising=False)  # (the suite runs without a cache by default)
    result = invoke("check", "g")
    assert result.exit_code == 0
    assert (tmp_path / ".guidelint_cache").is_dir()  # in the project root, not in g/deeper
    assert not (tmp_path / "g" / ".guidelint_cache").exists()
    assert not (tmp_path / "g" / "deeper" / ".guidelint_cache").exists()
    from guidelint.project import Project

    project = Project()
    project.select_files(["g"])  # the files' folders are resolved before the working folder's
    assert project.config.root == tmp_path
    assert project.config_for("g/deeper/a.md").relative("g/deeper/a.md") == "g/deeper/a.md"


def test_the_schema_checks_the_yaml_reading_the_config_names(tmp_path, monkeypatch) -> None:
    schema = {"type": "object", "properties": {"draft": {"type": "boolean"}, "mode": {"type": "integer",
                                                                                     "maximum": 600}}}
    (tmp_path / "page.schema.json").write_text(json.dumps(schema))
    (tmp_path / "p.md").write_text("---\ndraft: yes\nmode: 0777\n---\n\n# P\n\nText.\n")
    monkeypatch.chdir(tmp_path)
    base = 'default-kind = "markdown"\nschema = "page.schema.json"\nignore = ["yaml-version-ambiguity"]\n'
    (tmp_path / "guidelint.toml").write_text(base)
    as_pyyaml = invoke("check", "--no-cache", "--format", "json", "p.md")
    assert json.loads(as_pyyaml.stdout) == []  # YAML 1.1: true and 511
    (tmp_path / "guidelint.toml").write_text(base + '[options.front-matter-schema]\nyaml = "1.2"\n')
    as_site = invoke("check", "--no-cache", "--format", "json", "p.md")
    assert [(f["line"], f["message"]) for f in json.loads(as_site.stdout)] == [
        (2, "$.draft: 'yes' is not of type 'boolean'"), (3, "$.mode: 777 is greater than the maximum of 600")]


def test_a_relative_path_gets_the_settings_of_the_folder_it_is_relative_to_now(tmp_path: Path,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The same relative path, asked from two working folders, is two files with two configs."""
    from guidelint.project import Project

    for name, fail_on in (("one", "warning"), ("two", "info")):
        (tmp_path / name / "guides").mkdir(parents=True)
        (tmp_path / name / "guidelint.toml").write_text(f'fail-on = "{fail_on}"\n')
    project = Project()
    seen = []
    for name in ("one", "two", "one"):
        monkeypatch.chdir(tmp_path / name)
        seen.append(project.config_for("guides/guide.md").fail_on.label)
        seen.append(project.config_for("guides/guide.md").fail_on.label)
    assert seen == ["warning", "warning", "info", "info", "warning", "warning"]
