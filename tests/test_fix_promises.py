"""`[*]` and "N more with --fix --unsafe-fixes" are promises: after `--fix --unsafe-fixes` no finding is
left marked fixable, nothing was refused (a fix that is offered is a fix that is made), and a second run
changes nothing. Over the sample guides, the nasty inputs of test_bad_input and ../shared/seeds."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from guidelint.cli import main

from conftest import SAMPLES, SEEDS
from test_bad_input import NASTY

ALL = ["--select", "ALL"]


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def contents(files: list[str]) -> dict[str, bytes]:
    return {name: open(name, "rb").read() for name in files}


def samples(tmp_path) -> list[str]:
    shutil.copytree(SAMPLES, tmp_path / "guides")
    return sorted(str(path) for path in (tmp_path / "guides").rglob("*.md"))


def nasty(tmp_path) -> list[str]:
    for name, (data, _) in NASTY.items():
        (tmp_path / name).write_bytes(data)
    return sorted(str(tmp_path / name) for name in NASTY)


def seeds(tmp_path) -> list[str]:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    for path in SEEDS.iterdir():
        if path.is_file():
            shutil.copyfile(path, tmp_path / path.name)  # a writable copy in tmp_path, for the run; never into the repo
    return sorted(str(tmp_path / path.name) for path in SEEDS.iterdir() if path.is_file())


def tricky(tmp_path) -> list[str]:
    """Guides whose fixes were once offered and then refused: blanks that belong to a YAML value, NaN in
    the front matter, a generator's note as an item of an answer."""
    guide = (SAMPLES / "variant-a-customer-success-manager.md").read_text(encoding="utf-8")
    loose = guide.replace("### Overview of Qualifications\n", "### Overview of Qualifications  \n", 1)
    item = "     - Agree on what success means before any configuration starts.\n"
    variants = {
        "block.md": loose.replace("---\n", "---\nnotes: |\n  kept   \n  as written \n", 1),
        "folded.md": loose.replace("---\n", "---\nnotes: >-\n  kept  \n\n  written\n", 1),
        "escaped.md": loose.replace("---\n", '---\nnotes: "kept\\ \n  apart"\n', 1),
        "nan.md": loose.replace("---\n", "---\ndraft: .nan\nweight: .inf\n", 1),
        "artifact.md": loose.replace(item, item + "     - TODO: write this\n", 1),
    }
    for name, text in variants.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return sorted(str(tmp_path / name) for name in variants)


@pytest.mark.parametrize("rules", [[], ALL], ids=["default-rules", "all-rules"])
@pytest.mark.parametrize("corpus", [samples, nasty, seeds, tricky])
def test_fix_keeps_every_promise_and_a_second_run_changes_nothing(tmp_path, corpus, rules) -> None:
    files = corpus(tmp_path)
    offered = json.loads(run("check", *rules, "--format", "json", *files).stdout)
    first = run("check", *rules, "--fix", "--unsafe-fixes", "--format", "json", *files)
    remaining = json.loads(first.stdout)
    assert [f for f in remaining if f["fixable"]] == []
    # every finding offered a fix was fixed: none of them is left (compared by place, rule and message)
    promised = {(f["path"], f["line"], f["code"], f["message"]) for f in offered if f["fixable"]}
    assert promised and not promised & {(f["path"], f["line"], f["code"], f["message"]) for f in remaining}
    after_first = contents(files)
    second = run("check", *rules, "--fix", "--unsafe-fixes", "--format", "json", *files)
    assert contents(files) == after_first
    assert json.loads(second.stdout) == remaining
    assert first.stderr == second.stderr == ""
