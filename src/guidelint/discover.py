"""Paths to files: folders give *.md and *.markdown recursively; a file named explicitly is always taken."""
from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import ConfigError

SUFFIXES = (".md", ".markdown")
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox",
                       ".guidelint_cache", ".mypy_cache", ".pytest_cache"})


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _excluded(display: str, patterns: tuple[str, ...]) -> bool:
    normalized = display.replace(os.sep, "/")
    return any(fnmatch.fnmatch(normalized, pattern) or fnmatch.fnmatch(Path(normalized).name, pattern)
               for pattern in patterns)


def discover(paths: Iterable[str], *, exclude: tuple[str, ...] = ()) -> list[str]:
    """Sorted, de-duplicated display paths. A path that does not exist is a ConfigError (exit 2)."""
    found: dict[str, None] = {}
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            raise ConfigError(f"{raw}: no such file or directory")
        if path.is_dir():
            for file in _walk(path):
                display = _display(file)
                if not _excluded(display, exclude):
                    found[display] = None
        else:
            found[_display(path)] = None  # explicit files are linted whatever their name
    return sorted(found)


def _walk(root: Path) -> Iterator[Path]:
    """Follows directory links once each: a symlink loop ends instead of recursing forever."""
    seen: set[str] = set()
    for folder, dirs, files in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.lower().endswith(SUFFIXES):
                file = Path(folder) / name
                if file.is_file():
                    yield file
