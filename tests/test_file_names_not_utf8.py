"""A file name that is not UTF-8 (Linux allows any bytes) is read with surrogate escapes. Every report,
the baseline and the result cache take it without a traceback; the duplicate-term finding that names it
in its message is the hardest case (its fingerprint hashes the message)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.dom import minidom

import pytest

from guidelint.cache import CACHE_FORMAT, DATABASE

GUIDELINT = Path(sys.executable).with_name("guidelint")
GUIDE = Path(__file__).resolve().parent.parent / "sample_guides" / "variant-a-customer-success-manager.md"
BAD = os.fsdecode(b"bad\xff.md")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "guides"
    folder.mkdir()
    try:
        (folder / BAD).write_bytes(GUIDE.read_bytes())
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system takes UTF-8 names only")
    (folder / "good.md").write_bytes(GUIDE.read_bytes())  # the same term: a duplicate-term finding
    return folder


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    environment = {name: value for name, value in os.environ.items() if name != "GUIDELINT_NO_CACHE"}
    environment["LC_ALL"] = "C.UTF-8"
    done = subprocess.run([str(GUIDELINT), "check", *args, "."], cwd=folder, capture_output=True, env=environment,
                          timeout=120, check=False)
    assert b"Traceback" not in done.stderr, done.stderr.decode("utf-8", "replace")
    return done


@pytest.mark.parametrize("output_format", ["text", "json", "github", "sarif", "junit"])
def test_every_report_takes_the_name(folder: Path, output_format: str) -> None:
    done = _run(folder, "--no-cache", "--select", "duplicate-term", "--format", output_format)
    assert done.returncode == 0, done.stderr  # (duplicate-term is a warning)
    if output_format == "json":
        (finding,) = json.loads(done.stdout)
        assert (finding["path"], finding["rule"]) == ("good.md", "duplicate-term")
        assert f"duplicates the term of {BAD}:2" in finding["message"]  # (the byte as a \udcff escape)
    elif output_format == "junit":
        cases = minidom.parseString(done.stdout).getElementsByTagName("testcase")
        assert [case.getAttribute("name") for case in cases] == ["bad\\xff.md", "good.md"]
        assert "duplicates the term of bad\\xff.md:2" in cases[1].toxml()
    elif output_format == "text":
        assert b"duplicates the term of bad\xff.md:2" in done.stdout  # the name's own bytes


def test_a_baseline_records_and_hides_the_finding(folder: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    written = _run(folder, "--no-cache", "--write-baseline", str(baseline))
    assert written.returncode == 0, written.stderr
    data = baseline.read_bytes()
    assert b"bad\\udcff.md:2" in data and json.loads(data)["findings"]["good.md"][0]["rule"] == "duplicate-term"
    hidden = _run(folder, "--no-cache", "--baseline", str(baseline))
    assert hidden.returncode == 0 and b"1 known in the baseline" in hidden.stderr + hidden.stdout


def test_a_cached_run_gives_the_same_report(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cached = ["--format", "json", "--cache-dir", str(cache)]
    cold = _run(folder, *cached)
    assert (cache / f"v{CACHE_FORMAT}" / DATABASE).is_file()
    warm = _run(folder, *cached)
    assert cold.stdout == warm.stdout == _run(folder, "--format", "json", "--no-cache").stdout
    assert len(json.loads(cold.stdout)) >= 1


@pytest.mark.parametrize("unit", ["guide", "question"])
def test_an_export_takes_the_name(folder: Path, tmp_path: Path, unit: str) -> None:
    environment = {**os.environ, "LC_ALL": "C.UTF-8"}
    lines = subprocess.run([str(GUIDELINT), "export", "--include-invalid", "--unit", unit, "."], cwd=folder,
                           capture_output=True, env=environment, timeout=120, check=False)
    assert lines.returncode == 0 and b"Traceback" not in lines.stderr, lines.stderr
    paths = sorted({json.loads(line)["source"]["path"] for line in lines.stdout.splitlines()})
    assert paths == [BAD, "good.md"]  # JSON holds the byte as a \udcff escape
    pq = pytest.importorskip("pyarrow.parquet")
    target = tmp_path / "guides.parquet"
    done = subprocess.run([str(GUIDELINT), "export", "--include-invalid", "--unit", unit, "--format", "parquet",
                           "-o", str(target), "."], cwd=folder, capture_output=True, env=environment, timeout=120,
                          check=False)
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    rows = pq.read_table(target).to_pylist()
    assert sorted({row["source"]["path"] for row in rows}) == ["bad\\xff.md", "good.md"]  # Parquet: UTF-8 only
    messages = [issue["message"] for row in rows for issue in row["issues"]]
    assert any("duplicates the term of bad\\xff.md:2" in message for message in messages)
