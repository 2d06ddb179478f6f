"""Collections: several kinds of content in one repository, each with its own schema, data and rules."""
from __future__ import annotations

import json
import shutil
import textwrap

from click.testing import CliRunner

from guidelint.cli import main

from conftest import SAMPLES

ARTICLE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["title", "author"],
    "properties": {"title": {"type": "string"}, "author": {"type": "string"}},
}


def test_two_collections_and_the_default_in_one_run(tmp_path, monkeypatch) -> None:
    (tmp_path / "guides").mkdir()
    (tmp_path / "articles").mkdir()
    (tmp_path / "pages").mkdir()
    shutil.copy(SAMPLES / "invalid" / "defects.md", tmp_path / "guides" / "bad-guide.md")
    (tmp_path / "articles" / "role.md").write_text("---\ntitle: What an account executive does\n---\n\n"
                                                   "## The role\n\nText with a trailing space \n")
    (tmp_path / "pages" / "template.md").write_text("Job Description Templates\n- Manage accounts\n")
    (tmp_path / "article.schema.json").write_text(json.dumps(ARTICLE_SCHEMA))
    (tmp_path / "guidelint.toml").write_text(textwrap.dedent("""\
        [collections.articles]
        include = ["articles/*"]
        schema = "article.schema.json"
        select = ["front-matter-missing", "front-matter-schema", "trailing-whitespace"]

        [collections.pages]
        include = ["pages/*"]
        select = ["file-encoding", "final-newline", "generation-artifact"]
        """))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--format", "json", "."], catch_exceptions=False)
    found = {}
    for finding in json.loads(result.stdout):
        found.setdefault(finding["path"], []).append((finding["line"], finding["rule"], finding["message"]))
    assert found["articles/role.md"] == [
        (1, "front-matter-schema", "$.author: missing required key 'author'"),
        (7, "trailing-whitespace", "trailing whitespace (1 character)"),
    ]
    assert "pages/template.md" not in found  # plain pages: only file-level rules, all clean
    assert {rule for _, rule, _ in found["guides/bad-guide.md"]} >= {"question-missing-part", "date-style"}
    config = CliRunner().invoke(main, ["config"], catch_exceptions=False).stdout
    assert 'collection articles: include = ["articles/*"]' in config


def test_collection_keys_are_checked(tmp_path, monkeypatch) -> None:
    (tmp_path / "guidelint.toml").write_text('[collections.articles]\ninclude = ["a/*"]\nfail-on = "info"\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["config"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "guidelint.toml:3: unknown key 'fail-on' in collection 'articles'" in result.stderr
