"""`guidelint export --engine ray` as a user runs it: the real command, which starts (and stops) its own
local Ray. Marked `ray`; the README's test command runs it (the test extra installs ray[data])."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.ray
pq = pytest.importorskip("pyarrow.parquet")
pytest.importorskip("ray.data")


def test_one_cpu_finishes_and_stderr_holds_only_the_files_left_out(tmp_path: Path) -> None:
    """With -j 1 Ray gets one CPU. An actor pool held it and the read task waited for ever; the per-file
    step now runs in tasks fused with the read. Ray's own log lines stay off stderr."""
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "guidelint", "export", "--engine", "ray", "-j", "1", "-o", str(out),
                           "sample_guides"], cwd=ROOT, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 1, done.stderr  # guides were left out (the invalid samples)
    lines = done.stderr.splitlines()
    assert lines[-1] == "9 of 14 files left out."
    assert all(": skipped (" in line for line in lines[:-1]), lines
    ids = sorted(pq.read_table(out).column("id").to_pylist())
    assert len(ids) == 5 and ids[0].startswith("b2b-marketing-manager-interview-preparation-")
