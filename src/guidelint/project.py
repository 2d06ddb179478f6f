"""The project model: which settings each file gets, and which files a run checks.

A file's settings are a pure function of its path: the nearest guidelint.toml (or pyproject.toml with
[tool.guidelint]) above the file, or the one `--config` names, with the command line's layer on top;
then its collection inside that config. `Project` answers that once per folder and hands out one
`Linter` per effective settings. The CLI, the library, the cache and the export all ask it.
"""
from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .config import Config, Overrides, config_in, project_root_without_config
from .engine import Linter
from .errors import ConfigError

SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox",
                       ".guidelint_cache", ".mypy_cache", ".pytest_cache"})


@dataclass(frozen=True)
class Selection:
    """The files a run checks, and how many it left out on purpose (excluded by configuration)."""

    files: list[str]
    excluded: int = 0


class Project:
    """Settings for any file of a run. With `config_path` (or `config`), every file gets that config;
    otherwise each file gets the nearest config above it, so a nested guidelint.toml governs its folder."""

    def __init__(self, *, config_path: str | os.PathLike[str] | None = None, config: Config | None = None,
                 overrides: Overrides | None = None) -> None:
        from .configfile import read

        self.overrides = overrides or Overrides()
        forced = read(Path(config_path)) if config_path is not None else config
        self.forced = forced.with_cli(self.overrides) if forced is not None else None
        self._configs: dict[Path, Config] = {}  # config file -> its settings
        self._folders: dict[str, Config] = {}  # absolute folder -> the settings of files in it
        self._written: dict[tuple[str, str], Config] = {}  # (working folder, folder as written) -> the same
        self._linters: dict[int, Linter] = {}  # id(config) -> its linter

    @functools.cached_property
    def config(self) -> Config:
        """The working folder's settings (read when first asked: an editor server started in a folder
        whose config is broken still serves the files other configs govern)."""
        return self.forced or self.config_for(os.path.join(os.getcwd(), "-"))

    # --- settings ---------------------------------------------------------------------------------
    def config_for(self, path: str) -> Config:
        """The settings of the config that governs `path` (before its collection is chosen)."""
        if self.forced is not None:
            return self.forced
        # The folder as written, with the working folder it is relative to: a run asks for each file's
        # settings twice or more, and os.path.abspath (getcwd, then normpath in Python) was ~10% of the
        # parent process's work over 10,000 files. (getcwd again each time: a caller may change folders.)
        written = (os.getcwd(), os.path.dirname(path))
        known = self._written.get(written)
        if known is not None:
            return known
        folder = os.path.dirname(os.path.abspath(path))
        known = self._folders.get(folder)
        if known is not None:
            self._written[written] = known
            return known
        visited = []
        current = folder
        while True:
            known = self._folders.get(current)
            if known is not None:
                break
            visited.append(current)
            found = config_in(Path(current))
            if found is not None:
                known = self._load(found)
                break
            parent = os.path.dirname(current)
            if parent == current:  # no config above: the defaults, whose root depends on this folder
                known = self._default(folder)
                self._folders[folder] = known
                return known
            current = parent
        for seen in visited:
            self._folders[seen] = known
        return known

    def _load(self, path: Path) -> Config:
        from .configfile import read

        if path not in self._configs:
            self._configs[path] = read(path).with_cli(self.overrides)
        return self._configs[path]

    def _default(self, folder: str) -> Config:
        root = project_root_without_config(Path(folder))
        key = root / "(defaults)"
        if key not in self._configs:
            self._configs[key] = Config(root=root).with_cli(self.overrides)
        return self._configs[key]

    def linter_for(self, config: Config) -> Linter:
        linter = self._linters.get(id(config))
        if linter is None:
            linter = self._linters[id(config)] = Linter(config)
        return linter

    def for_path(self, path: str) -> Linter:
        """The linter for `path`: its config's, or its collection's within it."""
        return self.linter_for(self.config_for(path)).for_path(path)

    # --- what the runner asks of its linter ---------------------------------------------------------
    def settings_key(self, path: str) -> str:
        return self.for_path(path).settings_key(path)

    def prepare(self) -> None:
        """Load what linting needs before worker processes fork (they then share it)."""
        for linter in list(self._linters.values()):
            linter.prepare()

    def linters(self) -> Iterator[Linter]:
        """Every linter a run has used so far, collections included."""
        for linter in list(self._linters.values()):
            yield linter
            yield from linter.collection_linters()

    # --- file selection ---------------------------------------------------------------------------
    def select_files(self, paths: Iterable[str]) -> Selection:
        """Sorted, de-duplicated display paths (relative to the working folder, as typed for files).
        Folders yield what their config's `include` names, minus `exclude`; a file named on the command
        line is always taken, unless `force-exclude` is on and `exclude` names it. A path that does not
        exist is a ConfigError (exit 2)."""
        found: dict[str, None] = {}
        excluded = 0
        for raw in paths:
            path = Path(raw)
            if not path.exists() and not path.is_symlink():
                raise ConfigError(f"{raw}: no such file or directory")
            if path.is_dir():
                base = _display(path)
                prefix = "" if base == "." else os.path.join(base, "")
                by_folder: dict[str, Config] = {}  # (config_for once per folder, not per file)
                for relative in _walk(str(path), lambda folder: self.config_for(
                        os.path.join(prefix + folder, "-")).excludes(os.path.join(prefix + folder, "-"))):
                    display = prefix + relative
                    folder = relative.rpartition(os.sep)[0]
                    config = by_folder.get(folder)
                    if config is None:
                        config = by_folder[folder] = self.config_for(display)
                    if not config.includes(display):
                        continue
                    if config.excludes(display):
                        excluded += 1
                        continue
                    found[display] = None
            else:
                display = _display(path)
                config = self.config_for(display)
                if config.force_exclude and config.excludes(display):
                    excluded += 1
                    continue
                found[display] = None  # a file named explicitly is checked whatever its name
        return Selection(sorted(found), excluded)


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _walk(root: str, pruned: object) -> Iterator[str]:
    """Files below `root`, as paths relative to it; folders for which `pruned(relative folder)` is true
    are not entered. Directory links are followed once each, so a link loop ends. os.scandir's entries
    answer is-file without a stat."""
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
                    child = inside + name
                    if pruned(child):  # type: ignore[operator]
                        continue
                    child_real = os.path.realpath(entry.path) if entry.is_symlink() else os.path.join(real, name)
                    if child_real in seen:
                        continue
                    seen.add(child_real)
                    folders.append((child, child_real))
                elif entry.is_file():
                    yield inside + name
            except OSError:
                continue
        stack.extend(sorted(folders, reverse=True))
