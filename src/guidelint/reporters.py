"""Reporters, chosen by name: each turns a run's diagnostics into text."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import __version__, jsontext
from .diagnostics import Diagnostic, Severity


@dataclass(frozen=True)
class RunSummary:
    files: int
    diagnostics: list[Diagnostic]
    unsafe_fixable: int = 0
    fixed: int = 0
    paths: tuple[str, ...] = ()  # every file checked, for reports with one entry a file
    rules: tuple[Any, ...] = ()  # the selected Rule objects, for reports that describe rules
    baselined: int = 0  # findings hidden by --baseline


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(summary: RunSummary) -> str:
    counts = Counter(d.severity for d in summary.diagnostics)
    total = len(summary.diagnostics)
    if total:
        by_severity = ", ".join(_plural(counts[s], s.label) for s in sorted(counts, reverse=True))
        tail = f"Found {_plural(total, 'finding')} ({by_severity}) in {_plural(summary.files, 'file')} checked."
    else:
        tail = f"All checks passed: {_plural(summary.files, 'file')} checked."
    if summary.baselined:
        tail += f" {summary.baselined} known in the baseline, not shown."
    if summary.fixed:
        tail += f" Fixed {_plural(summary.fixed, 'finding')}."
    safe = sum(1 for d in summary.diagnostics if d.fix is not None and d.fix.safe)
    if safe:
        tail += f" {safe} fixable with --fix."
    if summary.unsafe_fixable:
        tail += f" {summary.unsafe_fixable} more with --fix --unsafe-fixes."
    return tail


def text(summary: RunSummary) -> str:
    lines = []
    for d in summary.diagnostics:
        mark = " [*]" if d.fix is not None and d.fix.safe else ""
        lines.append(f"{d.path}:{d.line}:{d.column}: {d.code} [{d.slug}] {d.message}{mark}")
    lines.append(summary_line(summary))
    return "\n".join(lines) + "\n"


def statistics(summary: RunSummary) -> str:
    """One line a rule: count, code, slug, how many are fixable; most frequent first."""
    counts = Counter((d.code, d.slug) for d in summary.diagnostics)
    fixable = Counter((d.code, d.slug) for d in summary.diagnostics if d.fix is not None and d.fix.safe)
    lines = [f"{count:>6}  {code}  {slug}{'  [*]' if fixable[(code, slug)] else ''}"
             for (code, slug), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    lines.append(summary_line(summary))
    return "\n".join(lines) + "\n"


def json_report(summary: RunSummary) -> str:
    """A JSON array of `Diagnostic.to_dict()`, one finding a line. Written out field by field with the
    C string encoder: the same text as json.dumps of each dict (a test holds them together), in less
    than half the time (~30 ms for 15,000 findings instead of ~65)."""
    if not summary.diagnostics:
        return "[]\n"
    from json.encoder import encode_basestring as quote  # the C function where there is one

    rows = []
    for d in summary.diagnostics:
        fix = d.fix
        rows.append(
            f'{{"path": {quote(d.path)}, "line": {d.line}, "column": {d.column}, "end_line": {d.end_line}, '
            f'"end_column": {d.end_column}, "code": {quote(d.code)}, "rule": {quote(d.slug)}, '
            f'"severity": {quote(d.severity.label)}, "message": {quote(d.message)}, "fixable": '
            + ('false, "fix": null}' if fix is None else
               f'true, "fix": {{"description": {quote(fix.description)}, '
               f'"applicability": {quote(fix.applicability)}}}}}'))
    return jsontext.safe("[\n" + ",\n".join(rows) + "\n]\n")


def _github_escape(value: str, *, property_value: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def github(summary: RunSummary) -> str:
    """GitHub Actions workflow commands: annotations on the pull request's files."""
    lines = []
    for d in summary.diagnostics:
        properties = ",".join([
            f"file={_github_escape(d.path, property_value=True)}", f"line={d.line}", f"col={d.column}",
            f"endLine={d.end_line}", f"endColumn={d.end_column}",
            f"title={_github_escape(f'{d.code} [{d.slug}]', property_value=True)}",
        ])
        lines.append(f"::{_GITHUB_LEVEL[d.severity]} {properties}::{_github_escape(d.message)}")
    return "".join(line + "\n" for line in lines)


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"


def sarif(summary: RunSummary) -> str:
    """SARIF 2.1.0: one run, the selected rules with their documentation, one result a finding."""
    rules = sorted(summary.rules, key=lambda rule: rule.code)
    index = {rule.code: position for position, rule in enumerate(rules)}
    descriptors = [{
        "id": rule.code,
        "name": rule.slug,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc.strip()},
        "help": {"text": rule.doc.strip()},
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        "properties": {"fix": rule.fix or "none"},
    } for rule in rules]
    results = []
    for d in summary.diagnostics:
        result: dict[str, Any] = {
            "ruleId": d.code,
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": d.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": d.path.replace("\\", "/")},
                "region": {"startLine": d.line, "startColumn": d.column, "endLine": d.end_line,
                           "endColumn": d.end_column},
            }}],
            "partialFingerprints": {"guidelint/v1": d.fingerprint},
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "guidelint", "version": __version__, "semanticVersion": __version__,
                                "rules": descriptors}},
            "results": results,
        }],
    }
    return jsontext.indented(log) + "\n"


def junit(summary: RunSummary) -> str:
    """JUnit XML: one test case a file; a file with findings fails, with one line a finding."""
    from xml.sax.saxutils import escape, quoteattr  # imported here: it costs a start-up of its own

    by_path: dict[str, list[Diagnostic]] = {path: [] for path in summary.paths}
    for d in summary.diagnostics:
        by_path.setdefault(d.path, []).append(d)
    failures = sum(1 for found in by_path.values() if found)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<testsuites name="guidelint" tests="{len(by_path)}" failures="{failures}">',
             f'  <testsuite name="guidelint" tests="{len(by_path)}" failures="{failures}" errors="0" skipped="0">']
    for path in sorted(by_path):
        found = by_path[path]
        if not found:
            lines.append(f'    <testcase classname="guidelint" name={quoteattr(path)}/>')
            continue
        body = "\n".join(f"{d.line}:{d.column}: {d.code} [{d.slug}] {d.severity.label}: {d.message}" for d in found)
        lines.append(f'    <testcase classname="guidelint" name={quoteattr(path)}>')
        lines.append(f'      <failure type="guidelint" message={quoteattr(_plural(len(found), "finding"))}>'
                     f"{escape(body)}</failure>")
        lines.append("    </testcase>")
    lines.append("  </testsuite>")
    lines.append("</testsuites>")
    return "\n".join(lines) + "\n"


REPORTERS: dict[str, Callable[[RunSummary], str]] = {
    "text": text, "json": json_report, "github": github, "sarif": sarif, "junit": junit,
}

__all__ = ["REPORTERS", "RunSummary", "statistics", "summary_line"]
