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


def matches(display: str, patterns: tuple[str, ...]) -> bool:
    """Whether a display path matches a glob (`*` also crosses folders) or its file name does.
    Used for exclude, per-file-ignores and collections alike."""
    normalized = display.replace(os.sep, "/")
    name = normalized.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(normalized, pattern) or fnmatch.fnmatch(name, pattern) for pattern in patterns)


def discover(paths: Iterable[str], *, exclude: tuple[str, ...] = ()) -> list[str]:
    """Sorted, de-duplicated display paths. A path that does not exist is a ConfigError (exit 2)."""
    found: dict[str, None] = {}
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            raise ConfigError(f"{raw}: no such file or directory")
        if path.is_dir():
            base = _display(path)
            prefix = "" if base == "." else os.path.join(base, "")
            for relative in _walk(str(path)):
                display = prefix + relative
                if not exclude or not matches(display, exclude):
                    found[display] = None
        else:
            found[_display(path)] = None  # explicit files are linted whatever their name
    return sorted(found)


def _walk(root: str) -> Iterator[str]:
    """Guide files below `root`, as paths relative to it. Directory links are followed once each, so a
    link loop ends instead of recursing forever. os.scandir's entries answer is-file without a stat."""
    real_root = os.path.realpath(root)
    seen = {real_root}
    stack = [("", real_root)]
    while stack:
        relative, real = stack.pop()
        try:
            entries = list(os.scandir(os.path.join(root, relative) if relative else root))
        except OSError:
            continue  # unreadable folder: nothing to check in it
        folders = []
        inside = os.path.join(relative, "") if relative else ""  # (one join per folder, not per file)
        for entry in entries:
            name = entry.name
            try:
                if entry.is_dir():
                    if name in SKIP_DIRS or name.startswith("."):
                        continue
                    child_real = os.path.realpath(entry.path) if entry.is_symlink() else os.path.join(real, name)
                    if child_real in seen:
                        continue
                    seen.add(child_real)
                    folders.append((os.path.join(relative, name) if relative else name, child_real))
                elif name.lower().endswith(SUFFIXES) and entry.is_file():
                    yield inside + name
            except OSError:
                continue
        stack.extend(sorted(folders, reverse=True))
