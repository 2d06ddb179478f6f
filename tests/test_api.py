"""guidelint.api: picklable settings that carry their data, a pure per-file step, the corpus reduce, and
lint_text / fix_text on top of them."""
from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import guidelint
from guidelint.api import FileResult, Settings, fix_text, lint_text, load_settings, process_file, reduce_corpus

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "sample_guides" / "variant-a-customer-success-manager.md").read_bytes()


def _project(tmp_path: Path) -> Path:
    """A project with its own schema and rules data, and a collection whose schema also requires `team`."""
    project = tmp_path / "project"
    (project / "my").mkdir(parents=True)
    shutil.copytree(ROOT / "rules", project / "my" / "rules")
    schema = json.loads((ROOT / "schemas" / "guide.schema.json").read_text(encoding="utf-8"))
    (project / "my" / "guide.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    schema["required"] = [*schema.get("required", []), "team"]
    (project / "my" / "strict.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    (project / "guidelint.toml").write_text(
        'schema = "my/guide.schema.json"\nrules-data = "my/rules"\n\n'
        '[collections.strict]\ninclude = ["strict/**"]\nschema = "my/strict.schema.json"\n', encoding="utf-8")
    return project


def _plain(result: FileResult) -> dict:
    """A FileResult as JSON values, to compare across processes."""
    return {"path": result.path, "findings": [d.to_dict() for d in result.findings],
            "corpus": [entry.to_row() for entry in result.corpus],
            "severity": {code: s.label for code, s in result.corpus_severity.items()},
            "record": result.record, "skipped": result.skipped, "reason": result.reason}


def test_settings_pickle_and_work_where_no_file_of_theirs_can_be_read(tmp_path) -> None:
    """Settings loaded once, pickled, then used in a fresh process whose working folder is empty, after
    the project's schema and rules data are gone, with the bundled data out of reach: same results."""
    settings = load_settings(_project(tmp_path))
    expected = [_plain(process_file(GUIDE, path, settings, include_invalid=True))
                for path in ("guides/a.md", "strict/b.md")]
    assert [f["code"] for f in expected[0]["findings"]] == []
    assert [(f["code"], f["message"]) for f in expected[1]["findings"]] == [
        ("GL103", "$.team: missing required key 'team'")]  # the collection's own schema
    payload = pickle.dumps((settings, GUIDE))
    shutil.rmtree(tmp_path / "project")
    empty = tmp_path / "empty"
    empty.mkdir()
    script = (
        "import json, pickle, sys\n"
        "import guidelint.engine, guidelint.jsonschema_util, guidelint.policy, guidelint.resources\n"
        "def nope(name):\n"
        "    raise AssertionError('read bundled data: ' + name)\n"
        "for module in (guidelint.resources, guidelint.engine, guidelint.policy):\n"
        "    module.data_dir = nope\n"
        "from guidelint.api import process_file\n"
        "settings, data = pickle.loads(sys.stdin.buffer.read())\n"
        "results = [process_file(data, path, settings, include_invalid=True) for path in ('guides/a.md', 'strict/b.md')]\n"
        "print(json.dumps([{'path': r.path, 'findings': [d.to_dict() for d in r.findings],\n"
        "                   'corpus': [e.to_row() for e in r.corpus],\n"
        "                   'severity': {c: s.label for c, s in r.corpus_severity.items()},\n"
        "                   'record': r.record, 'skipped': r.skipped, 'reason': r.reason} for r in results]))\n")
    done = subprocess.run([sys.executable, "-c", script], input=payload, capture_output=True, cwd=empty, timeout=60)
    assert done.stderr.decode() == ""
    assert json.loads(done.stdout) == json.loads(json.dumps(expected))


def test_process_file_is_the_same_from_any_working_folder(tmp_path, monkeypatch) -> None:
    project = _project(tmp_path)
    settings = load_settings(project / "guidelint.toml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    results = []
    for folder in (project, elsewhere, project / "my"):
        monkeypatch.chdir(folder)
        results.append(_plain(process_file(GUIDE, "strict/b.md", settings, include_invalid=True)))
    assert results[0] == results[1] == results[2]
    record = results[0]["record"]
    assert record["source"]["path"] == "strict/b.md"
    assert record["id"] == "customer-success-manager-interview-preparation-" + \
        __import__("hashlib").sha256(b"strict/b.md").hexdigest()[:8]
    assert record["source"]["sha256"] == __import__("hashlib").sha256(GUIDE).hexdigest()
    assert [issue["path"] for issue in record["issues"]] == ["strict/b.md"]


def test_process_file_says_why_there_is_no_record(tmp_path) -> None:
    settings = load_settings(_project(tmp_path))
    empty = process_file(b"", "guides/empty.md", settings)
    assert (empty.record, empty.skipped, empty.reason) == (None, "not-a-guide", "empty file")
    assert [d.code for d in empty.findings] == ["GL001"]
    invalid = process_file(GUIDE, "strict/b.md", settings)  # an error finding, include_invalid not asked
    assert (invalid.record, invalid.skipped, invalid.reason) == (None, "invalid", "1 error finding")
    page = process_file(b"---\nterm: x\n---\n\nNo questions here.\n", "guides/page.md", settings)
    assert (page.skipped, page.reason) == ("not-a-guide", "no questions")


def test_reduce_corpus_reports_the_later_file_in_the_order_given(tmp_path) -> None:
    settings = load_settings(_project(tmp_path))
    first = process_file(GUIDE, "guides/a.md", settings)
    second = process_file(GUIDE, "guides/z.md", settings)
    other = process_file(GUIDE.replace(b"Customer Success Manager Interview", b"Another Interview"), "guides/m.md",
                         settings)
    found = reduce_corpus([first, other, second])
    assert [(d.path, d.line, d.column, d.code, d.slug, d.severity.label) for d in found] == [
        ("guides/z.md", 2, 7, "GL401", "duplicate-term", "warning")]
    assert found[0].message == ("term 'Customer Success Manager Interview Preparation' duplicates the term of "
                                "guides/a.md:2 (both are 'customer-success-manager-interview-preparation')")
    assert [d.path for d in reduce_corpus([second, other, first])] == ["guides/a.md"]
    # the record's issues carry it when asked (as `guidelint export --include-invalid` does)
    records = process_file(GUIDE, "guides/z.md", settings, include_invalid=True).records("question", found)
    assert {tuple(i["code"] for i in r["issues"]) for r in records} == {("GL401",)}
    assert [r["id"].rsplit("#", 1)[1] for r in records] == [str(n) for n in range(1, len(records) + 1)]


def test_lint_text_and_fix_text_keep_their_answers_with_settings(tmp_path, monkeypatch) -> None:
    """The old call (config None: the nearest config above the path) and the new (Settings, a
    project-relative path) give the same findings and the same fixed text."""
    project = _project(tmp_path)
    (project / "guides").mkdir()
    text = GUIDE.decode("utf-8").replace("Interview Guide\n", "Interview Guide   \n", 1).replace(
        'vertical: "SaaS"\n', 'vertical: "SaaS"  \n', 1)
    monkeypatch.chdir(project)
    old = guidelint.lint_text(text, path="guides/a.md")
    new = lint_text(text, path="guides/a.md", config=load_settings(project))
    assert [d.to_dict() for d in new.diagnostics] == [d.to_dict() for d in old.diagnostics]
    assert {d.code for d in old.diagnostics} == {"GL002"}  # trailing-whitespace, twice
    assert len(old.diagnostics) == 2
    monkeypatch.chdir(tmp_path)  # the Settings answer the same from anywhere
    fixed = fix_text(text, path="guides/a.md", config=load_settings(project))
    monkeypatch.chdir(project)
    assert fixed.text == guidelint.fix_text(text, path="guides/a.md").text == GUIDE.decode("utf-8")
    assert fixed.remaining == []


def test_settings_are_a_value_and_the_package_is_typed() -> None:
    settings = load_settings(ROOT / "sample_guides")
    copy = pickle.loads(pickle.dumps(settings))
    assert isinstance(copy, Settings)
    assert (copy.config, copy.policy, copy.collections) == (settings.config, settings.policy, settings.collections)
    assert copy.schema._schema == settings.schema._schema
    assert copy.linter() is not settings.linter()
    assert (Path(guidelint.__file__).parent / "py.typed").is_file()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'packages = ["src/guidelint"]' in pyproject  # the whole folder, py.typed with it, goes in the wheel
    assert os.path.basename(guidelint.api.__file__) == "api.py"


def test_local_export_puts_corpus_findings_in_issues(tmp_path, monkeypatch) -> None:
    """`guidelint export --include-invalid`: a guide whose term an earlier guide has carries the
    duplicate-term finding in its issues (before schema 2.1 the export ran no corpus rule)."""
    from click.testing import CliRunner

    from guidelint.cli import main

    for name in ("a.md", "b.md"):
        (tmp_path / name).write_bytes(GUIDE)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["export", "--include-invalid", "a.md", "b.md"], catch_exceptions=False)
    assert result.exit_code == 0
    issues = {r["source"]["path"]: [(i["path"], i["line"], i["rule"]) for i in r["issues"]]
              for r in map(json.loads, result.stdout.splitlines())}
    assert issues == {"a.md": [], "b.md": [("b.md", 2, "duplicate-term")]}


def test_export_usage_errors_of_the_engine_options(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from guidelint.cli import main

    (tmp_path / "a.md").write_bytes(GUIDE)
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    for args, message in ((["-o", "out"], "out: is a directory (-o names the file to write)"),
                          (["--ray-address", "auto"], "--ray-address needs --engine ray")):
        result = CliRunner().invoke(main, ["export", *args, "a.md"], catch_exceptions=False)
        assert (result.exit_code, result.stderr, result.stdout) == (2, f"guidelint: error: {message}\n", "")
