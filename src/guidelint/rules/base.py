"""What a rule is: a code, a slug, defaults, documentation and one `check` function."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Finding, Severity
from ..model import Document
from ..policy import Policy


@dataclass(frozen=True)
class Context:
    """What a rule may read besides the document: its options, the policy data, the schema validator."""

    options: Mapping[str, Any]
    policy: Policy
    schema: Any  # jsonschema_util.Validator


Check = Callable[[Document, Context], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    slug: str
    severity: Severity
    check: Check
    doc: str
    fix: str | None = None  # None, "safe" or "unsafe"
    enabled: bool = True  # on by default
    options: Mapping[str, Any] = field(default_factory=dict)
    needs_text: bool = True  # False: runs also on files that could not be read (file-encoding)
    # What the fix may change in the Document model; the fixer's guard checks everything else survives.
    # Aspects: "meta:<key>", "numbers", "questions", "question-other", "headings", "sections", "after".
    changes: frozenset[str] = frozenset()

    @property
    def summary(self) -> str:
        return " ".join(self.doc.strip().split("\n\n")[0].split())
