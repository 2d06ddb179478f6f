"""Colour on a terminal: whether to use it (--color, NO_COLOR, FORCE_COLOR, a tty) and the few styles
the text report and diffs use. Machine formats (JSON, SARIF, JUnit, GitHub) and report files never get
any: this module is only asked for the terminal's text."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .diagnostics import Severity

CHOICES = ("auto", "always", "never")


def wanted(choice: str, stream: Any, environ: Mapping[str, str] | None = None) -> bool:
    """Whether text written to `stream` gets colour. --color always/never decide; with auto, a non-empty
    NO_COLOR turns it off (no-color.org), then a non-empty FORCE_COLOR turns it on (CPython's own
    order), else a terminal that is not TERM=dumb gets it and a pipe or a file does not."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    if env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


_RESET = "\x1b[0m"


@dataclass(frozen=True)
class Palette:
    """SGR styles; `Palette.plain()` has none, so callers never branch on colour themselves."""

    path: str = "\x1b[1m"  # bold
    position: str = "\x1b[36m"  # cyan
    fixable: str = "\x1b[32m"  # green: the [*] mark
    summary: str = "\x1b[1m"
    passed: str = "\x1b[1;32m"
    diff_header: str = "\x1b[1m"
    hunk: str = "\x1b[36m"
    removed: str = "\x1b[31m"
    added: str = "\x1b[32m"
    error: str = "\x1b[1;31m"
    warning: str = "\x1b[1;33m"
    info: str = "\x1b[1;34m"

    @classmethod
    def plain(cls) -> Palette:
        return cls(**{name: "" for name in cls.__dataclass_fields__})

    @classmethod
    def choose(cls, enabled: bool) -> Palette:
        return cls() if enabled else cls.plain()

    @property
    def enabled(self) -> bool:
        return bool(self.path)

    def paint(self, style: str, text: str) -> str:
        return f"{style}{text}{_RESET}" if style and text else text

    def severity(self, severity: Severity) -> str:
        return {Severity.ERROR: self.error, Severity.WARNING: self.warning, Severity.INFO: self.info}[severity]

    def diff(self, text: str) -> str:
        """A unified diff of one file with its headers, hunk lines, removals and additions coloured (its
        first two lines are the headers: a removed line reading "-- x" is a removal)."""
        if not self.enabled:
            return text
        lines = []
        for number, line in enumerate(text.split("\n")):
            if number < 2 and line.startswith(("--- ", "+++ ")):
                lines.append(self.paint(self.diff_header, line))
            elif line.startswith("@@"):
                lines.append(self.paint(self.hunk, line))
            elif line.startswith("-"):
                lines.append(self.paint(self.removed, line))
            elif line.startswith("+"):
                lines.append(self.paint(self.added, line))
            else:
                lines.append(line)
        return "\n".join(lines)
