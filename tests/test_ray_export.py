"""`guidelint export --engine ray` equals the local export, row for row, corpus findings included.

Marked `ray` (a local Ray takes seconds to start); the test extra installs ray[data], so the README's test
command and .ci/run run it. One Ray (2 CPUs) serves the module: the CLI uses a Ray that is already up.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidelint.cli import main

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402

pytestmark = pytest.mark.ray
pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture(scope="module")
def ray_here():
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="warning")
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """sample_guides/ (valid, invalid and unreadable guides), 2,000 generated guides, and copies of three
    of them under another folder: the same terms, so duplicate-term (a corpus rule) has findings."""
    project = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "sample_guides", project / "sample_guides")
    generate(project / "generated", 2000, seed=7)
    (project / "copies").mkdir()
    for index in (0, 700, 1999):
        name = f"guide-{index:05d}.md"
        shutil.copy(project / "generated" / name, project / "copies" / name)
    return project


def _export(project: Path, monkeypatch, *args: str):
    monkeypatch.chdir(project)
    return CliRunner().invoke(main, ["export", *args], catch_exceptions=False)


def test_ray_export_equals_the_local_parquet_row_for_row(ray_here, corpus, monkeypatch) -> None:
    inputs = ["sample_guides", "generated", "copies"]
    local = _export(corpus, monkeypatch, "--include-invalid", "--format", "parquet", "-o", "local.parquet", *inputs)
    distributed = _export(corpus, monkeypatch, "--engine", "ray", "--include-invalid", "-o", "ray-out", *inputs)
    assert (distributed.exit_code, distributed.stderr) == (local.exit_code, local.stderr)
    assert local.exit_code == 1  # the unreadable sample guides are left out, and listed
    assert "sample_guides/invalid/latin1.md: skipped (not a guide: not valid UTF-8" in local.stderr
    assert len(list((corpus / "ray-out").glob("*.parquet"))) >= 1
    expected = pq.read_table(corpus / "local.parquet").sort_by("id")
    actual = pq.read_table(corpus / "ray-out").sort_by("id")
    assert actual.schema.equals(expected.schema)
    assert actual.num_rows == expected.num_rows == 2000 + 3 + 8  # generated, copies, sample guides with questions
    assert actual.equals(expected)
    duplicates = [issue for issues in actual.column("issues").to_pylist() for issue in issues
                  if issue["rule"] == "duplicate-term"]
    # copies/ comes before generated/ in run order: the generated guides are the duplicates
    assert sorted(issue["path"] for issue in duplicates) == [
        "generated/guide-00000.md", "generated/guide-00700.md", "generated/guide-01999.md",
        "sample_guides/invalid/duplicate-term.md"]
    first = next(issue for issue in duplicates if issue["path"] == "generated/guide-00700.md")
    assert "duplicates the term of copies/guide-00700.md:2" in first["message"]


def test_ray_export_of_questions_without_invalid_guides(ray_here, corpus, monkeypatch) -> None:
    local = _export(corpus, monkeypatch, "--unit", "question", "--format", "parquet", "-o", "q.parquet",
                    "sample_guides")
    distributed = _export(corpus, monkeypatch, "--engine", "ray", "--unit", "question", "-o", "q-ray", "sample_guides")
    assert (distributed.exit_code, distributed.stderr) == (local.exit_code, local.stderr)
    expected = pq.read_table(corpus / "q.parquet").sort_by("id")
    actual = pq.read_table(corpus / "q-ray").sort_by("id")
    assert actual.num_rows == expected.num_rows > 8
    assert actual.equals(expected)
    assert actual.column("issues").null_count == actual.num_rows  # issues only with --include-invalid


def test_ray_export_refuses_a_folder_with_files_and_other_formats(ray_here, corpus, monkeypatch) -> None:
    (corpus / "busy").mkdir()
    (corpus / "busy" / "old.parquet").write_bytes(b"x")
    result = _export(corpus, monkeypatch, "--engine", "ray", "-o", "busy", "sample_guides")
    assert result.exit_code == 2
    assert result.stderr == ("guidelint: error: busy: folder is not empty (the Parquet files would mix with what "
                             "is there)\n")
    result = _export(corpus, monkeypatch, "--engine", "ray", "--format", "jsonl", "-o", "out", "sample_guides")
    assert (result.exit_code, result.stderr) == (2, "guidelint: error: --engine ray writes parquet only\n")
    result = _export(corpus, monkeypatch, "--engine", "ray", "sample_guides")
    assert (result.exit_code, result.stderr) == (2, "guidelint: error: --engine ray needs -o FOLDER (or URL)\n")
    assert (corpus / "busy" / "old.parquet").read_bytes() == b"x"


def test_without_ray_installed_one_line_and_exit_2(tmp_path, monkeypatch) -> None:
    """No `ray` importable (the extra not installed): one line naming the extra, exit 2, nothing written."""
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    monkeypatch.setitem(sys.modules, "ray.data", None)
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["export", "--engine", "ray", "-o", str(tmp_path / "out"), "sample_guides"],
                                catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr == "guidelint: error: --engine ray needs Ray Data: pip install 'guidelint[ray]'\n"
    assert not (tmp_path / "out").exists()
    assert result.stdout == ""
