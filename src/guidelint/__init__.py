"""guidelint: lint, fix and export Markdown interview-preparation guides."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .engine import LintResult


def lint_text(text: str, *, path: str = "<text>", config: Any = None) -> LintResult:
    """Lint one guide given as text; returns the Document and its sorted Diagnostics."""
    from .engine import Linter

    return Linter(config).lint_text(text, path)


def fix_text(text: str, *, path: str = "<text>", config: Any = None, unsafe: bool = False) -> Any:
    """Apply fixes to one guide given as text; returns a FixResult (text, applied fixes, remaining)."""
    from .engine import Linter
    from .fixer import fix_source

    linter = Linter(config)
    return fix_source(linter, linter.source_of_text(text, path), unsafe=unsafe)


__all__ = ["__version__", "fix_text", "lint_text"]
