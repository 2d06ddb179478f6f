"""Findings, fixes and edits: the values that flow from rules to reporters and the fixer."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, name: str) -> Severity:
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {name!r} (use error, warning or info)") from None


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] (character offsets in the BOM-less text) with `replacement`."""

    start: int
    end: int
    replacement: str = ""


@dataclass(frozen=True)
class Fix:
    """How to repair one finding: text edits, safe or unsafe."""

    description: str
    edits: tuple[Edit, ...]
    safe: bool = True
    # Aspects of the Document model this one fix may change besides what its rule declares (say
    # "meta:draft" for a fix that quotes `draft: yes`): the fixer's guard allows them for this fix only.
    changes: frozenset[str] = frozenset()

    @property
    def applicability(self) -> str:
        return "safe" if self.safe else "unsafe"


@dataclass(frozen=True)
class Finding:
    """What a rule yields: a message at a character range, maybe with a fix. The engine adds the rest."""

    message: str
    start: int = 0
    end: int | None = None
    fix: Fix | None = None


@dataclass(order=True, slots=True)
class Diagnostic:
    """One reported problem. Not frozen: a warm run makes one per cached finding, and a frozen
    dataclass pays an object.__setattr__ per field."""

    path: str
    line: int
    column: int
    code: str
    end_line: int
    end_column: int
    slug: str
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    fix: Fix | None = field(default=None, compare=False)
    fingerprint: str = field(default="", compare=False)  # see engine.fingerprint; for baselines

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled (from worker processes to the parent, ~12 a guide) as its values and rebuilt by one call:
        the state a slots dataclass pickles by default is restored one object.__setattr__ a field, and its
        severity by a call to the enum; together ~6 us a finding, ~100 us a guide, in the parent."""
        severity = self.severity
        return _rebuilt, (type(self), self.path, self.line, self.column, self.code, self.end_line, self.end_column,
                          self.slug, int(severity) if type(severity) is Severity else severity, self.message,
                          self.fix, self.fingerprint)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "code": self.code,
            "rule": self.slug,
            "severity": self.severity.label,
            "message": self.message,
            "fixable": self.fix is not None,
            "fix": None if self.fix is None else {
                "description": self.fix.description,
                "applicability": self.fix.applicability,
            },
        }


SEVERITY_OF = {int(severity): severity for severity in Severity}  # (a lookup: calling the enum costs more)


def _rebuilt(cls: type[Diagnostic], path: str, line: int, column: int, code: str, end_line: int, end_column: int,
             slug: str, severity: Any, message: str, fix: Fix | None, fingerprint: str) -> Diagnostic:
    # (a severity that was not a Severity, given by a library caller, comes back as it was)
    return cls(path, line, column, code, end_line, end_column, slug,
               SEVERITY_OF.get(severity, severity) if type(severity) is int else severity, message, fix, fingerprint)
