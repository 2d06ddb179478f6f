"""guidelint: lint, fix and export Markdown interview-preparation guides."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .engine import LintResult
    from .fixer import FixResult


def lint_text(text: str, *, path: str = "<text>", config: Any = None) -> LintResult:
    """Lint one guide given as text, as if it were the file `path`; returns the Document and its sorted
    Diagnostics. `config`: an api.Settings, a Config, the path of a config file, or None (the nearest
    config above `path`). See guidelint.api."""
    from .api import lint_text as lint

    return lint(text, path=path, config=config)


def fix_text(text: str, *, path: str = "<text>", config: Any = None, unsafe: bool = False) -> FixResult:
    """Apply fixes to one guide given as text, as if it were the file `path`; returns a FixResult (text,
    applied fixes, remaining). See guidelint.api."""
    from .api import fix_text as fix

    return fix(text, path=path, config=config, unsafe=unsafe)


__all__ = ["__version__", "fix_text", "lint_text"]
