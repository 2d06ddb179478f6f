"""The pre-commit hooks, for real: a throwaway git repository, `pre-commit try-repo` on this checkout."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, SAMPLES

pytestmark = pytest.mark.precommit


def _pre_commit() -> str:
    found = shutil.which("pre-commit", path=os.path.dirname(sys.executable)) or shutil.which("pre-commit")
    if found is None:
        pytest.skip("pre-commit is not installed")
    if not (ROOT / ".git").exists():
        pytest.skip("this checkout is not a git repository")
    return found


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    home = tmp_path_factory.mktemp("pre-commit-home")
    environment = {**os.environ, "PRE_COMMIT_HOME": str(home), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                   "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    environment.pop("GUIDELINT_NO_CACHE", None)
    return environment


def _repo(tmp_path, env, guide_source) -> str:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=env)
    shutil.copy(guide_source, tmp_path / "guide.md")
    (tmp_path / "notes.txt").write_text("not markdown: never checked \n")
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True, env=env)
    return str(tmp_path)


def _try(repo: str, hook: str, env) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_pre_commit(), "try-repo", str(ROOT), hook, "--all-files"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=900)


def test_hook_passes_on_a_good_guide(tmp_path, env) -> None:
    result = _try(_repo(tmp_path, env, SAMPLES / "variant-a-customer-success-manager.md"), "guidelint", env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "guidelint" in result.stdout and "Passed" in result.stdout


def test_hook_fails_on_a_bad_guide(tmp_path, env) -> None:
    result = _try(_repo(tmp_path, env, SAMPLES / "invalid" / "defects.md"), "guidelint", env)
    assert result.returncode == 1
    assert "guide.md:30:1: GL301 [question-missing-part] question 1 has no pitfalls" in result.stdout
    assert "notes.txt" not in result.stdout


def test_fix_hook_fixes(tmp_path, env) -> None:
    repo = _repo(tmp_path, env, SAMPLES / "invalid" / "defects.md")
    result = _try(repo, "guidelint-fix", env)
    assert result.returncode == 1  # files were modified, and unfixable findings remain
    fixed = (tmp_path / "guide.md").read_text(encoding="utf-8")
    assert 'modDate: 2025-02-01\n' in fixed and "#### 2. How do you qualify" in fixed
    assert fixed.endswith("Trailing text without newline\n")


def test_one_process_sees_every_file_so_corpus_rules_compare_them_all(tmp_path, env) -> None:
    """require_serial: pre-commit would otherwise split the files between processes (one per core)."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=env)
    for index in range(6):
        shutil.copy(SAMPLES / "variant-a-customer-success-manager.md", tmp_path / f"guide-{index}.md")
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True, env=env)
    result = subprocess.run([_pre_commit(), "try-repo", str(ROOT), "guidelint", "--all-files", "--verbose"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr  # warnings only
    reported = sorted(line.split(":", 1)[0] for line in result.stdout.splitlines() if "GL401" in line)
    assert reported == [f"guide-{index}.md" for index in range(1, 6)]
