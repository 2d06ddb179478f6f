"""`guidelint mcp`: an MCP server over stdio for agents that write guides.

Another thin adapter over the linter, the fixer and the export: every tool takes the guide as text and
the path it would have (which decides its config, collection and kind, as for a file on disk), and
answers with structured data. It is read-only: no tool writes a file.
"""
from __future__ import annotations

import os
from typing import Any

from . import __version__
from .errors import ConfigError

INSTRUCTIONS = (
    "guidelint checks Markdown interview-preparation guides (YAML front matter + a body of questions). "
    "Call lint_guide with the guide's text and the path it will have, fix_guide to get the text with safe "
    "fixes applied, explain_rule for what a finding means, and export_preview for the dataset record "
    "the guide would become. No tool writes files; findings across files (duplicates) need the CLI."
)


def _linter(path: str) -> Any:
    """The linter for `path` as the command line would pick it (nearest config above it); read afresh on
    every call, so an edited config counts at once."""
    from .project import Project

    if not path or "\0" in path:
        raise ValueError("path must be a non-empty file path")
    try:
        return Project().for_path(os.path.abspath(path))
    except ConfigError as error:
        raise ValueError(f"configuration error: {error}") from None


def _source(linter: Any, text: str, path: str) -> Any:
    return linter.source_of_text(text[1:] if text.startswith("\ufeff") else text, path)


def lint_guide(text: str, path: str = "guide.md") -> dict[str, Any]:
    """Lint one guide given as text, as if it were the file `path` (its config, collection and kind
    apply). Returns every finding: line and column (1-based, in characters), rule code and slug,
    severity, message, and whether a fix exists (safe or unsafe)."""
    linter = _linter(path)
    result = linter.lint_source(_source(linter, text, path))
    findings = [d.to_dict() for d in result.diagnostics]
    counts = {level: sum(1 for f in findings if f["severity"] == level) for level in ("error", "warning", "info")}
    return {"path": path, "findings": findings, "counts": counts,
            "fixable": sum(1 for f in findings if f["fixable"] and f["fix"]["applicability"] == "safe")}


def fix_guide(text: str, path: str = "guide.md", unsafe: bool = False) -> dict[str, Any]:
    """Apply guidelint's fixes to a guide given as text (safe ones; unsafe ones too when `unsafe` is
    true) and return the fixed text, the fixes applied and the findings that remain. Writes nothing."""
    from .fixer import fix_source

    linter = _linter(path)
    result = fix_source(linter, _source(linter, text, path), unsafe=unsafe)
    return {"path": path, "text": result.text, "changed": result.changed, "converged": result.converged,
            "applied": [{"code": code, "description": description} for code, description in result.applied],
            "refused": list(result.refused), "remaining": [d.to_dict() for d in result.remaining]}


def explain_rule(rule: str) -> dict[str, Any]:
    """A rule's documentation, by code (GL301) or slug (question-missing-part): what it checks, why, a
    bad and a good example, options, fix; and the rules data it uses, where it has any."""
    from .config import resolve_rules
    from .rules import REGISTRY

    try:
        codes = resolve_rules([rule])
    except ConfigError as error:
        raise ValueError(str(error)) from None
    if len(codes) != 1:
        raise ValueError(f"{rule!r} names {len(codes)} rules; name one")
    found = REGISTRY[codes[0]]
    data = None
    if found.explain_data is not None:
        data = found.explain_data(_linter(os.path.join(os.getcwd(), "guide.md")).policy)
    return {"code": found.code, "rule": found.slug, "severity": found.severity.label, "fix": found.fix,
            "enabled": found.enabled, "doc": found.doc.strip(), "data": data}


def list_rules() -> dict[str, Any]:
    """Every rule: code, slug, default severity, fix (safe, unsafe or none), on by default, summary."""
    from .rules import REGISTRY

    return {"rules": [{"code": r.code, "rule": r.slug, "severity": r.severity.label, "fix": r.fix,
                       "enabled": r.enabled, "summary": r.summary} for r in REGISTRY.values()]}


def export_preview(text: str, path: str = "guide.md", keep_markdown: bool = False) -> dict[str, Any]:
    """The dataset record `guidelint export` would make of this guide (built, like the export, from the
    text after the safe fixes), with its findings as `issues`; `exported` says whether the export would
    include it without --include-invalid, and `reason` why not."""
    from .diagnostics import Severity
    from .export import guide_record
    from .fixer import fix_source
    from .rules._helpers import slugify

    linter = _linter(path)
    source = _source(linter, text, path)
    if source.problem is not None:
        return {"exported": False, "reason": source.problem.message, "record": None}
    result = fix_source(linter, source).final
    document = result.document
    if document.front_matter is None or not document.questions:
        return {"exported": False, "reason": "no front matter" if document.front_matter is None else "no questions",
                "record": None}
    errors = sum(1 for d in result.diagnostics if d.severity >= Severity.ERROR)
    term = (document.metadata or {}).get("term")
    stem = path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    guide_id = slugify(term) if isinstance(term, str) and term.strip() else slugify(stem)
    record = guide_record(document, guide_id=guide_id, keep_markdown=keep_markdown, issues=result.diagnostics)
    reason = f"{errors} error finding{'s' if errors != 1 else ''}" if errors else ""
    return {"exported": not errors, "reason": reason, "record": record}


TOOLS = (lint_guide, fix_guide, explain_rule, list_rules, export_preview)


def build_server() -> Any:
    import functools

    from mcp.server.mcpserver import MCPServer as Server  # mcp 2 (mcp 1 called it FastMCP)
    from mcp.server.mcpserver.exceptions import ToolError
    from mcp.types import ToolAnnotations

    def reported(tool: Any) -> Any:
        """A bad argument or a broken config reaches the agent as the tool's error message (the SDK
        shows only "Error executing tool" for any other exception)."""
        @functools.wraps(tool)
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return tool(*args, **kwargs)
            except ValueError as error:
                raise ToolError(str(error)) from None
        return call

    server = Server("guidelint", instructions=INSTRUCTIONS, version=__version__)
    read_only = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False)
    for tool in TOOLS:
        server.tool(annotations=read_only)(reported(tool))
    return server


def serve() -> None:
    build_server().run()
