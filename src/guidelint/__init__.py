"""guidelint: lint, fix and export Markdown interview-preparation guides."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .engine import LintResult


def _linter(path: str, config: Any) -> Any:
    """The linter `path` gets: `config` may be a Config, the path of a config file, or None for the
    nearest config above `path` (the defaults for "<text>"), as the command line finds it; the file's
    collection and per-file ignores apply either way."""
    import os

    from .config import Config
    from .project import Project

    if isinstance(config, (str, os.PathLike)):
        return Project(config_path=config).for_path(path)
    if config is None and path.startswith("<"):
        config = Config()
    return Project(config=config).for_path(path)


def lint_text(text: str, *, path: str = "<text>", config: Any = None) -> LintResult:
    """Lint one guide given as text, as if it were the file `path`; returns the Document and its sorted
    Diagnostics."""
    return _linter(path, config).lint_text(text, path)


def fix_text(text: str, *, path: str = "<text>", config: Any = None, unsafe: bool = False) -> Any:
    """Apply fixes to one guide given as text, as if it were the file `path`; returns a FixResult (text,
    applied fixes, remaining)."""
    from .fixer import fix_source

    linter = _linter(path, config)
    return fix_source(linter, linter.source_of_text(text, path), unsafe=unsafe)


__all__ = ["__version__", "fix_text", "lint_text"]
