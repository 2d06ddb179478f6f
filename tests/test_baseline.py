"""Baselines: today's findings recorded, later runs report only new ones, unrelated edits keep old ones known."""
from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from guidelint.cli import main

from conftest import SAMPLES


def run(*args: str):
    return CliRunner().invoke(main, ["check", *args], catch_exceptions=False)


def test_baseline_hides_known_and_shows_new(tmp_path) -> None:
    guide = tmp_path / "guide.md"
    shutil.copy(SAMPLES / "invalid" / "defects.md", guide)
    baseline = tmp_path / "baseline.json"
    written = run("--write-baseline", str(baseline), str(guide))
    assert written.exit_code == 0
    recorded = json.loads(baseline.read_text(encoding="utf-8"))
    assert recorded["guidelint_baseline"] == 1
    assert len(next(iter(recorded["findings"].values()))) == 20
    clean = run("--baseline", str(baseline), str(guide))
    assert clean.exit_code == 0
    assert clean.stdout == "All checks passed: 1 file checked. 20 known in the baseline, not shown.\n"
    # unrelated edit: three lines inserted near the top move every finding down
    text = guide.read_text(encoding="utf-8")
    text = text.replace("## Overview of Qualifications\n", "## Overview of Qualifications\n\nA new paragraph.\n\n", 1)
    # and one new problem
    text = text.replace("- **Best Practices:**\n  - Qualify out early.", "- **Best Practices:**\n  - Qualify out early. TODO")
    guide.write_text(text, encoding="utf-8")
    after = run("--format", "json", "--baseline", str(baseline), str(guide))
    assert [(f["line"], f["rule"]) for f in json.loads(after.stdout)] == [(45, "generation-artifact")]
    assert after.exit_code == 1


def test_unreadable_baseline_is_a_usage_error(tmp_path) -> None:
    bad = tmp_path / "baseline.json"
    bad.write_text("[]")
    result = run("--baseline", str(bad), str(SAMPLES / "variant-a-customer-success-manager.md"))
    assert result.exit_code == 2
    assert result.stderr == f"guidelint: error: {bad}: not a guidelint baseline (format 1)\n"
