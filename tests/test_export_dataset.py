"""Export records people can rely on at any scale: hashes of the file itself, ids that are a function of
the file alone, project-relative paths, and Parquet that pyarrow, pandas, DuckDB and `datasets` load."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidelint.cli import main

from conftest import SAMPLES

BOM = b"\xef\xbb\xbf"


def run(*args: str) -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines() if line.strip()], result.stderr


def _project(tmp_path: Path) -> Path:
    (tmp_path / "guidelint.toml").write_text("", encoding="utf-8")  # the project root
    return tmp_path


# --- 1. source.sha256 is the file's; normalized_sha256 the content's -------------------------------------

def test_sha256_is_of_the_file_bytes_and_normalized_sha256_of_the_fixed_text(tmp_path, monkeypatch) -> None:
    root = _project(tmp_path)
    text = (SAMPLES / "invalid" / "defects.md").read_bytes().replace(b"\r\n", b"\n")
    stored = BOM + text.replace(b"\n", b"\r\n")  # a BOM, CRLF, and defects with safe fixes
    guide = root / "defects.md"
    guide.write_bytes(stored)
    monkeypatch.chdir(root)
    code, (record,), _ = run("export", "--include-invalid", "defects.md")
    assert code == 0
    assert record["source"]["sha256"] == hashlib.sha256(stored).hexdigest()  # what sha256sum prints
    CliRunner().invoke(main, ["check", "--fix", "defects.md"], catch_exceptions=False)
    fixed = guide.read_bytes()
    assert fixed != stored and fixed.startswith(BOM) and b"\r\n" in fixed  # the fix changed the text only
    normalized = fixed[len(BOM):].replace(b"\r\n", b"\n")
    assert record["source"]["normalized_sha256"] == hashlib.sha256(normalized).hexdigest()
    # the same content saved without BOM and with LF: another file hash, the same normalized one
    guide.write_bytes(text)
    _, (plain,), _ = run("export", "--include-invalid", "defects.md")
    assert plain["source"]["sha256"] == hashlib.sha256(text).hexdigest() != record["source"]["sha256"]
    assert plain["source"]["normalized_sha256"] == record["source"]["normalized_sha256"]


# --- 2. ids are a function of the file alone -----------------------------------------------------------

def test_ids_do_not_depend_on_the_other_files_or_their_order(tmp_path, monkeypatch) -> None:
    root = _project(tmp_path)
    (root / "guides").mkdir()
    shutil.copy(SAMPLES / "variant-a-customer-success-manager.md", root / "guides" / "a.md")
    shutil.copy(SAMPLES / "variant-b-marketing-manager.md", root / "guides" / "b.md")
    monkeypatch.chdir(root)
    _, first, _ = run("export", "guides")
    before = {r["source"]["path"]: r["id"] for r in first}
    assert before == {
        "guides/a.md": "customer-success-manager-interview-preparation-"
                       + hashlib.sha256(b"guides/a.md").hexdigest()[:8],
        "guides/b.md": "b2b-marketing-manager-interview-preparation-" + hashlib.sha256(b"guides/b.md").hexdigest()[:8]}
    # a third guide with a's term, sorting before it, and the paths given the other way round
    shutil.copy(SAMPLES / "variant-a-customer-success-manager.md", root / "guides" / "0-copy.md")
    _, second, _ = run("export", "guides/b.md", "guides/a.md", "guides/0-copy.md")
    after = {r["source"]["path"]: r["id"] for r in second}
    assert {path: after[path] for path in before} == before
    assert len(set(after.values())) == 3
    # the question records' ids follow
    _, questions, _ = run("export", "--unit", "question", "guides/a.md")
    assert {q["guide_id"] for q in questions} == {before["guides/a.md"]}


# --- 3. source.path is relative to the project root ----------------------------------------------------

@pytest.mark.parametrize("jobs", ["1", "2"])
def test_source_path_is_the_same_from_a_subfolder_and_with_absolute_paths(tmp_path, monkeypatch, jobs) -> None:
    root = _project(tmp_path)
    folder = root / "guides" / "sales"
    folder.mkdir(parents=True)
    for index, sample in enumerate(sorted(SAMPLES.glob("variant-*.md")) * 2):
        shutil.copy(sample, folder / f"{index}.md")  # six files: --jobs 2 uses worker processes
    expected = [f"guides/sales/{index}.md" for index in range(6)]
    monkeypatch.chdir(root)
    _, records, _ = run("export", "--jobs", jobs, "guides")
    assert [r["source"]["path"] for r in records] == expected
    monkeypatch.chdir(folder)
    _, records, _ = run("export", "--jobs", jobs, ".")
    assert [r["source"]["path"] for r in records] == expected
    _, records, _ = run("export", "--jobs", jobs, *(str(folder / f"{index}.md") for index in range(6)))
    assert [r["source"]["path"] for r in records] == expected
    monkeypatch.chdir(SAMPLES)  # outside the project
    _, records, _ = run("export", "--jobs", jobs, os.path.relpath(folder, SAMPLES))
    assert [r["source"]["path"] for r in records] == expected


def test_issue_paths_match_source_path(tmp_path, monkeypatch) -> None:
    root = _project(tmp_path)
    (root / "sub").mkdir()
    shutil.copy(SAMPLES / "invalid" / "defects.md", root / "sub" / "defects.md")
    monkeypatch.chdir(root / "sub")
    _, (record,), _ = run("export", "--include-invalid", "defects.md")
    assert record["source"]["path"] == "sub/defects.md"
    assert {issue["path"] for issue in record["issues"]} == {"sub/defects.md"}


# --- 4. Parquet every common reader loads --------------------------------------------------------------

@pytest.fixture
def parquet_export(tmp_path):
    pytest.importorskip("pyarrow")

    def make(unit: str) -> Path:
        out = tmp_path / f"{unit}.parquet"
        result = CliRunner().invoke(main, ["export", "--unit", unit, "--include-invalid", "--format", "parquet",
                                           "-o", str(out), str(SAMPLES)], catch_exceptions=False)
        assert result.exit_code == 1 and out.exists()  # the non-guides in invalid/ are left out
        return out
    return make


def _types(data_type):
    import pyarrow as pa

    yield data_type
    if pa.types.is_struct(data_type):
        for index in range(data_type.num_fields):
            yield from _types(data_type.field(index).type)
    elif pa.types.is_list(data_type) or pa.types.is_large_list(data_type) or pa.types.is_map(data_type):
        yield from _types(data_type.value_type)


@pytest.mark.parametrize("unit", ["guide", "question"])
def test_parquet_has_no_map_type_and_pyarrow_reads_it(parquet_export, unit) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(parquet_export(unit))
    assert not [t for field in table.schema for t in _types(field.type) if pa.types.is_map(t)]
    rows = table.to_pylist()
    guides = pq.read_table(parquet_export("guide")).to_pylist()
    assert len(guides) == 8  # the guides of sample_guides/ and sample_guides/invalid/
    assert len(rows) == (8 if unit == "guide" else sum(len(guide["questions"]) for guide in guides))


def test_parquet_other_and_extra(parquet_export) -> None:
    import pyarrow.parquet as pq

    rows = {row["source"]["path"].rsplit("/", 1)[-1]: row for row in pq.read_table(parquet_export("guide")).to_pylist()}
    for row in rows.values():
        assert isinstance(json.loads(row["metadata"]["extra"]), dict)
    others = [q["other"] for row in rows.values() for q in row["questions"]]
    assert all(isinstance(other, list) for other in others)


@pytest.mark.parametrize("unit", ["guide", "question"])
def test_pandas_reads_the_parquet(parquet_export, unit) -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.read_parquet(parquet_export(unit))
    assert list(frame["unit"].unique()) == [unit]
    assert frame["source"].iloc[0]["sha256"] and len(frame) >= 4


@pytest.mark.parametrize("unit", ["guide", "question"])
def test_duckdb_reads_the_parquet(parquet_export, unit) -> None:
    duckdb = pytest.importorskip("duckdb")
    out = parquet_export(unit)
    rows = duckdb.sql(f"SELECT id, source.path AS path, metadata.term AS term FROM read_parquet('{out}') "
                      "ORDER BY id").fetchall()
    assert len(rows) >= 4 and all(term for _, _, term in rows)


@pytest.mark.parametrize("unit", ["guide", "question"])
def test_hugging_face_datasets_loads_the_parquet(parquet_export, unit, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    datasets = pytest.importorskip("datasets")
    out = parquet_export(unit)
    loaded = datasets.Dataset.from_parquet(str(out), cache_dir=str(tmp_path / "cache"))
    import pyarrow.parquet as pq

    assert loaded.num_rows == pq.read_table(out).num_rows
    assert loaded[0]["unit"] == unit and loaded[0]["source"]["path"].startswith("sample_guides/")
