"""Reporters, chosen by name: each turns the run's diagnostics into text."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from .diagnostics import Diagnostic, Severity


@dataclass(frozen=True)
class RunSummary:
    files: int
    diagnostics: list[Diagnostic]
    unsafe_fixable: int = 0
    fixed: int = 0


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def text(summary: RunSummary) -> str:
    lines = []
    for d in summary.diagnostics:
        mark = " [*]" if d.fix is not None and d.fix.safe else ""
        lines.append(f"{d.path}:{d.line}:{d.column}: {d.code} [{d.slug}] {d.message}{mark}")
    counts = Counter(d.severity for d in summary.diagnostics)
    total = len(summary.diagnostics)
    if total:
        by_severity = ", ".join(_plural(counts[s], s.label) for s in sorted(counts, reverse=True))
        tail = f"Found {_plural(total, 'finding')} ({by_severity}) in {_plural(summary.files, 'file')} checked."
    else:
        tail = f"All checks passed: {_plural(summary.files, 'file')} checked."
    if summary.fixed:
        tail += f" Fixed {_plural(summary.fixed, 'finding')}."
    safe = sum(1 for d in summary.diagnostics if d.fix is not None and d.fix.safe)
    if safe:
        tail += f" {safe} fixable with --fix."
    if summary.unsafe_fixable:
        tail += f" {summary.unsafe_fixable} more with --fix --unsafe-fixes."
    lines.append(tail)
    return "\n".join(lines) + "\n"


def json_report(summary: RunSummary) -> str:
    return json.dumps([d.to_dict() for d in summary.diagnostics], indent=2, ensure_ascii=False) + "\n"


REPORTERS: dict[str, Callable[[RunSummary], str]] = {"text": text, "json": json_report}

__all__ = ["REPORTERS", "RunSummary", "Severity"]
