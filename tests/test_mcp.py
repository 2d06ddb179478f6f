"""The MCP server, end to end: the mcp package's own client (ClientSession over stdio_client) drives
`python -m guidelint mcp`."""
from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("mcp")
from mcp import ClientSession, StdioServerParameters  # noqa: E402
from mcp.client.stdio import stdio_client  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFECTS = (ROOT / "sample_guides" / "invalid" / "defects.md").read_text(encoding="utf-8")
SAMPLE = (ROOT / "sample_guides" / "variant-a-customer-success-manager.md").read_text(encoding="utf-8")


def call_all(folder: Path, calls: list[tuple[str, dict[str, Any]]]) -> tuple[list[str], list[Any]]:
    """Start the server in `folder`, list its tools, make the calls; (tool names, results)."""
    async def main() -> tuple[list[str], list[Any]]:
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
        params = StdioServerParameters(command=sys.executable, args=["-m", "guidelint", "mcp"], cwd=str(folder),
                                       env=env)
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            tools = await session.list_tools()
            assert all(t.annotations.read_only_hint for t in tools.tools)
            results = [await session.call_tool(name, arguments) for name, arguments in calls]
        return [t.name for t in tools.tools], results

    return asyncio.run(asyncio.wait_for(main(), 60))


def test_tools_lint_fix_explain_list_and_preview_without_writing(tmp_path: Path) -> None:
    guide = tmp_path / "guide.md"
    guide.write_text(DEFECTS, encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    names, (lint, fix, unsafe, explain, rules, preview, bad_rule) = call_all(tmp_path, [
        ("lint_guide", {"text": DEFECTS, "path": "guide.md"}),
        ("fix_guide", {"text": DEFECTS, "path": "guide.md"}),
        ("fix_guide", {"text": DEFECTS, "path": "guide.md", "unsafe": True}),
        ("explain_rule", {"rule": "question-missing-part"}),
        ("list_rules", {}),
        ("export_preview", {"text": SAMPLE, "path": "cs.md"}),
        ("explain_rule", {"rule": "no-such-rule"}),
    ])
    assert names == ["lint_guide", "fix_guide", "explain_rule", "list_rules", "export_preview"]
    findings = lint.structured_content["findings"]
    assert ("GL002", 8, 22, "trailing-whitespace") in [(f["code"], f["line"], f["column"], f["rule"]) for f in findings]
    assert lint.structured_content["counts"] == {"error": 8, "warning": 12, "info": 0}
    fixed = fix.structured_content
    assert fixed["changed"] and '"Test Author" \n' not in fixed["text"] and fixed["text"].endswith("\n")
    assert {a["code"] for a in fixed["applied"]} == {"GL002", "GL003", "GL104", "GL106", "GL302"}
    assert "GL203" not in {a["code"] for a in fixed["applied"]}
    assert "GL203" in {a["code"] for a in unsafe.structured_content["applied"]}  # unsafe only when asked
    assert explain.structured_content["code"] == "GL301" and "pitfalls" in explain.structured_content["doc"].lower()
    assert len(rules.structured_content["rules"]) == len(__import__("guidelint.rules", fromlist=["REGISTRY"]).REGISTRY)
    record = preview.structured_content
    expected = json.loads((ROOT / "sample_guides" / "variant-a-customer-success-manager.expected.export.json")
                          .read_text(encoding="utf-8"))
    assert record["exported"] is True and record["record"]["questions"] == expected["questions"]
    assert record["record"]["metadata"] == expected["metadata"] and record["record"]["issues"] == []
    assert bad_rule.is_error and "unknown rule 'no-such-rule'" in bad_rule.content[0].text
    assert sorted(p.name for p in tmp_path.iterdir()) == before and guide.read_text(encoding="utf-8") == DEFECTS


def test_config_of_the_path_applies_and_a_broken_config_is_a_tool_error(tmp_path: Path) -> None:
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "guidelint.toml").write_text('ignore = ["trailing-whitespace"]\n', encoding="utf-8")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "guidelint.toml").write_text("select = [\n", encoding="utf-8")
    _, (ok, broken) = call_all(tmp_path, [("lint_guide", {"text": DEFECTS, "path": "ok/guide.md"}),
                                          ("lint_guide", {"text": DEFECTS, "path": "broken/guide.md"})])
    assert "GL002" not in {f["code"] for f in ok.structured_content["findings"]}
    assert "GL003" in {f["code"] for f in ok.structured_content["findings"]}
    assert broken.is_error and "configuration error" in broken.content[0].text
    assert "guidelint.toml" in broken.content[0].text
