"""guidelint export: golden records, canonical shape across variants, schema, parquet round trip."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidelint.cli import main
from guidelint.jsonschema_util import Validator

from conftest import ROOT, SAMPLES

CLEAN = sorted(SAMPLES.glob("*.md"))
EXPORT_SCHEMA = Validator.from_file(ROOT / "schemas" / "export.schema.json")


def export(*args: str) -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(main, ["export", *args], catch_exceptions=False)
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    for record in records:
        assert list(EXPORT_SCHEMA.errors(record)) == [], record.get("id")
    return result.exit_code, records, result.stderr


@pytest.fixture(autouse=True)
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # source paths in the golden files are relative to the repository root


def golden(path: Path) -> Path:
    return path.with_name(path.stem + ".expected.export.json")


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_golden_guide_record(path) -> None:
    code, records, _ = export(str(path.relative_to(ROOT)))
    assert code == 0
    assert records == [json.loads(golden(path).read_text(encoding="utf-8"))]


def _shape(value):
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items() if key not in ("other", "extra")}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def test_three_variants_export_to_the_same_canonical_shape() -> None:
    shapes = []
    for path in CLEAN:
        record = json.loads(golden(path).read_text(encoding="utf-8"))
        question = record["questions"][0]
        shapes.append((sorted(record), sorted(question), _shape(question["examples"][0]) if question["examples"] else None))
    first_keys = shapes[0][:2]
    assert all(shape[:2] == first_keys for shape in shapes)
    assert {tuple(sorted(shape[2])) for shape in shapes} == {("approach", "context", "outcome", "text", "title")}


def test_question_unit_denormalizes_metadata() -> None:
    code, records, _ = export("--unit", "question", "sample_guides/variant-b-marketing-manager.md")
    assert code == 0
    assert [r["id"] for r in records] == ["b2b-marketing-manager-interview-preparation-c756ce5a#1",
                                          "b2b-marketing-manager-interview-preparation-c756ce5a#2"]
    assert records[1]["metadata"]["category"] == "Marketing" and records[1]["group"] == "Situational"
    assert records[1]["examples"][0] == {
        "title": "Scenario 1", "text": "Rebuilding the lead definition with the sales team.",
        "context": "Sales rejected most marketing-qualified leads.",
        "approach": "Ran a joint workshop and rewrote the qualification criteria together.",
        "outcome": "Acceptance of marketing leads rose from 30% to 65%.", "other": []}
    assert records[1]["best_practices"] == ["Share one dashboard that both teams trust."]


def test_keep_markdown() -> None:
    _, plain, _ = export("sample_guides/variant-c-operations-analyst.md")
    _, marked, _ = export("--keep-markdown", "sample_guides/variant-c-operations-analyst.md")
    assert plain[0]["sections"][1]["text"] == "Lean Six Sigma Yellow Belt: Shows you can run a structured improvement project."
    assert marked[0]["sections"][1]["text"] == "- **Lean Six Sigma Yellow Belt:** Shows you can run a structured improvement project."


def test_invalid_and_non_guides_are_left_out_and_listed() -> None:
    code, records, stderr = export("sample_guides/invalid/defects.md", "sample_guides/invalid/no-front-matter.md",
                                   "sample_guides/variant-a-customer-success-manager.md")
    assert code == 1
    assert [r["id"] for r in records] == ["customer-success-manager-interview-preparation-f56a4a03"]
    assert stderr.splitlines() == [
        "sample_guides/invalid/defects.md: skipped (invalid: 7 error findings)",
        "sample_guides/invalid/no-front-matter.md: skipped (not a guide: no front matter)",
        "2 of 3 files left out.",
    ]


def test_include_invalid_carries_issues_and_normalizes() -> None:
    code, records, _ = export("--include-invalid", "sample_guides/invalid/defects.md")
    assert code == 0
    (record,) = records
    assert record["metadata"]["tags"] == ["Interview Prep", "Sales", "Negotiation"]
    assert record["metadata"]["modDate"] == "2025-02-01"
    assert [q["number"] for q in record["questions"]] == [1, 2, 3]  # renumbered by the safe fix
    assert {issue["rule"] for issue in record["issues"]} >= {"question-missing-part", "image-category-mismatch"}
    assert not [i for i in record["issues"] if i["fixable"] and i["fix"]["applicability"] == "safe"]


def test_export_equals_export_after_fix(tmp_path) -> None:
    copy = tmp_path / "defects.md"
    shutil.copy(SAMPLES / "invalid" / "defects.md", copy)
    _, before, _ = export("--include-invalid", str(copy))
    CliRunner().invoke(main, ["check", "--fix", str(copy)], catch_exceptions=False)
    _, after, _ = export("--include-invalid", str(copy))
    # the file's bytes changed (sha256), its normalized content did not
    assert before[0]["source"].pop("sha256") != after[0]["source"].pop("sha256")
    assert before == after


def test_output_is_deterministic_and_ids_unique(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # the project root (no config, no git checkout): ids hash paths relative to it
    for index in range(3):
        shutil.copy(SAMPLES / "variant-a-customer-success-manager.md", tmp_path / f"copy{index}.md")
    out1, out2 = tmp_path / "one.json", tmp_path / "two.json"
    for out in (out1, out2):
        result = CliRunner().invoke(main, ["export", "--format", "json", "-o", str(out), str(tmp_path)],
                                    catch_exceptions=False)
        assert result.exit_code == 0
    assert out1.read_bytes() == out2.read_bytes()
    ids = [r["id"] for r in json.loads(out1.read_text(encoding="utf-8"))]
    assert ids == ["customer-success-manager-interview-preparation-" + _path_hash(f"copy{index}.md") for index in range(3)]


def _path_hash(relative: str) -> str:
    import hashlib

    return hashlib.sha256(relative.encode()).hexdigest()[:8]


def test_jsonl_lines_encoded_by_workers_equal_the_json_records(tmp_path) -> None:
    """JSONL of guides is encoded in the worker processes, ids and all."""
    for index in range(3):
        shutil.copy(SAMPLES / "variant-a-customer-success-manager.md", tmp_path / f"copy{index}.md")
    shutil.copy(SAMPLES / "variant-b-marketing-manager.md", tmp_path / "other.md")
    array = tmp_path / "all.json"
    CliRunner().invoke(main, ["export", "--format", "json", "-o", str(array), str(tmp_path)], catch_exceptions=False)
    records = json.loads(array.read_text(encoding="utf-8"))
    for jobs in ("1", "2"):
        result = CliRunner().invoke(main, ["export", "--jobs", jobs, str(tmp_path)], catch_exceptions=False)
        lines = result.stdout.splitlines()
        assert lines == [json.dumps(record, ensure_ascii=False) for record in records]
    assert len({json.loads(line)["id"] for line in lines}) == 4


@pytest.mark.parametrize("unit", ["guide", "question"])
def test_parquet_round_trip_equals_jsonl(tmp_path, unit) -> None:
    pytest.importorskip("pyarrow")
    from guidelint import parquet

    _, jsonl, _ = export("--unit", unit, "--include-invalid", "sample_guides")
    out = tmp_path / "out.parquet"
    result = CliRunner().invoke(main, ["export", "--unit", unit, "--include-invalid", "--format", "parquet",
                                       "-o", str(out), "sample_guides"], catch_exceptions=False)
    assert result.exit_code == 1  # the non-guides in invalid/ are left out
    back = parquet.read(str(out))
    assert back == jsonl


def test_seed_counts_through_export(seeds) -> None:
    code, records, _ = export("--include-invalid", "--unit", "question",
                              *(str(seeds / name) for name in ("000_68c4574c1ca6efdf.txt", "001_a3fd8d1dd51e942b.txt",
                                                              "003_b2bd7b0702564397.txt")))
    by_guide: dict[str, list[dict]] = {}
    for record in records:
        by_guide.setdefault(record["source"]["path"].rsplit("/", 1)[-1][:3], []).append(record)
    counts = {key: [(len(q["examples"]), sum(1 for e in q["examples"] if e["outcome"]), len(q["outcomes"]),
                     len(q["best_practices"]), len(q["pitfalls"]), len(q["follow_ups"])) for q in questions]
              for key, questions in by_guide.items()}
    assert counts["000"] == [(2, 2, 0, 2, 2, 2)] * 8
    assert counts["001"] == [(1, 1, 0, 1, 1, 1)] * 10
    assert len(counts["003"]) == 5 and all(c[4] == 0 for c in counts["003"])
    assert counts["003"][0][1] == 0 and counts["003"][0][2] == 0  # the first question has no outcome
    assert all(c[1] + c[2] > 0 for c in counts["003"][1:])


def test_export_same_whatever_jobs(tmp_path) -> None:
    for index in range(4):
        for path in CLEAN:
            shutil.copy(path, tmp_path / f"{index}-{path.name}")
    one = CliRunner().invoke(main, ["export", "--jobs", "1", str(tmp_path)], catch_exceptions=False).stdout
    two = CliRunner().invoke(main, ["export", "--jobs", "2", str(tmp_path)], catch_exceptions=False).stdout
    assert one == two and len(one.splitlines()) == 12


def test_a_clash_of_ids_under_two_project_roots_leaves_the_later_file_out(tmp_path, monkeypatch) -> None:
    """Same term, same project-relative path, two roots: one id; never renamed (it would depend on the run)."""
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "guidelint.toml").write_text("", encoding="utf-8")
        shutil.copy(SAMPLES / "variant-a-customer-success-manager.md", tmp_path / name / "guide.md")
    monkeypatch.chdir(tmp_path)
    code, records, stderr = export("one", "two")
    guide_id = "customer-success-manager-interview-preparation-" + _path_hash("guide.md")
    assert code == 1 and [r["id"] for r in records] == [guide_id]
    assert stderr.splitlines() == [
        f"two/guide.md: skipped (duplicate id {guide_id}: one/guide.md has it)",
        "1 of 2 files left out."]
