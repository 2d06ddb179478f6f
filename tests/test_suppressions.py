"""Inline suppressions and per-file ignores."""
from __future__ import annotations

import json
import textwrap

from click.testing import CliRunner

from guidelint.cli import main
from guidelint.config import Config
from guidelint.engine import Linter

TEXT = textwrap.dedent("""\
    # Title

    <!-- guidelint-disable-next-line trailing-whitespace -->
    one 
    two 
    <!-- guidelint-disable GL002, GL203 -->
    three 
    TODO four
    <!-- guidelint-enable GL002 -->
    five 
    TODO six
    <!-- guidelint-enable -->
    TODO seven

    ```
    <!-- guidelint-disable-file -->
    ```
    """)


def lint(text: str, *rules: str) -> list[tuple[int, str]]:
    linter = Linter(Config(select=rules or ("GL002", "GL203", "GL005")))
    return [(d.line, d.slug) for d in linter.lint_text(text, "guide.md").diagnostics]


def test_next_line_range_and_enable() -> None:
    assert lint(TEXT) == [
        (5, "trailing-whitespace"),
        (10, "trailing-whitespace"),
        (13, "generation-artifact"),
    ]


def test_disable_file_with_and_without_rules() -> None:
    assert lint("<!-- guidelint-disable-file GL002 -->\nx \nTODO\n") == [(3, "generation-artifact")]
    assert lint("<!-- guidelint-disable-file -->\nx \nTODO\n") == []


def test_slug_and_prefix_in_directives() -> None:
    assert lint("<!-- guidelint-disable-next-line generation-artifact -->\nTODO\nTODO\n") == [(3, "generation-artifact")]
    assert lint("<!-- guidelint-disable-next-line GL2 -->\nTODO\n") == []


def test_unused_suppression_is_reported_only_when_selected() -> None:
    text = "<!-- guidelint-disable-next-line GL002 -->\nclean\n"
    assert lint(text, "GL002") == []
    assert lint(text) == [(1, "unused-suppression")]


def test_per_file_ignores(tmp_path, monkeypatch) -> None:
    (tmp_path / "drafts").mkdir()
    for name in ("drafts/a.md", "b.md"):
        (tmp_path / name).write_text("x \n")
    (tmp_path / "guidelint.toml").write_text(textwrap.dedent("""\
        select = ["trailing-whitespace"]
        [per-file-ignores]
        "drafts/**" = ["trailing-whitespace"]
        """))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--format", "json", "."], catch_exceptions=False)
    assert [f["path"] for f in json.loads(result.stdout)] == ["b.md"]


def test_directives_in_indented_code_are_not_directives() -> None:
    text = "# Title\n\nSome text:\n\n    <!-- guidelint-disable-file -->\n\nTODO\n"
    assert lint(text, "GL203") == [(7, "generation-artifact")]
