"""Inline suppressions: HTML comments in the body that switch rules off.

    <!-- guidelint-disable RULE ... -->            off from the next line until guidelint-enable (or the end)
    <!-- guidelint-enable RULE ... -->             back on (no rule: all)
    <!-- guidelint-disable-next-line RULE ... -->  off for the next line only
    <!-- guidelint-disable-file RULE ... -->       off for the whole file

RULE is a code, slug or code prefix; several are separated by spaces or commas; none means every rule.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from .diagnostics import Diagnostic
from .errors import ConfigError
from .model import Document

_DIRECTIVE = re.compile(r"<!--\s*guidelint-(disable-next-line|disable-file|disable|enable)\b")


@dataclass
class Directive:
    kind: str
    names: tuple[str, ...]
    codes: frozenset[str] | None  # None: every rule
    line: int
    column: int
    unknown: tuple[str, ...] = ()
    used: bool = False


@dataclass
class Suppressions:
    directives: list[Directive] = field(default_factory=list)

    def apply(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """The diagnostics no directive switches off; marks the directives that switched something off."""
        if not self.directives:
            return diagnostics
        kept = []
        for diagnostic in diagnostics:
            directive = self._covering(diagnostic.code, diagnostic.line)
            if directive is None:
                kept.append(diagnostic)
            else:
                directive.used = True
        return kept

    def mark(self, entries: list[Any]) -> list[Any]:
        """Corpus entries (rules.CorpusEntry) with `suppressed` set where a directive covers them. The
        directive counts as used: whether the entry turns out to be a duplicate is only known later."""
        marked = []
        for entry in entries:
            directive = self._covering(entry.code, entry.line)
            if directive is not None:
                directive.used = True
                entry = replace(entry, suppressed=True)
            marked.append(entry)
        return marked

    def _covering(self, code: str, line: int) -> Directive | None:
        active: dict[int, Directive] = {}  # open disable directives, by identity
        for directive in self.directives:
            covers = directive.codes is None or code in directive.codes
            if directive.kind == "disable-file" and covers:
                return directive
            if directive.kind == "disable-next-line" and covers and directive.line + 1 == line:
                return directive
            if directive.line >= line:
                continue
            if directive.kind == "disable" and covers:
                active[id(directive)] = directive
            elif directive.kind == "enable":
                for key, opened in list(active.items()):
                    if directive.codes is None or (opened.codes is not None and opened.codes <= directive.codes) \
                            or code in directive.codes:
                        del active[key]
        return next(iter(active.values()), None)


def collect(document: Document, resolve) -> Suppressions:  # type: ignore[no-untyped-def]
    """Directives of a document; `resolve` maps rule names to codes (raises ConfigError when unknown)."""
    from .rules._helpers import verbatim_span

    text = document.text
    found = Suppressions()
    if "guidelint-" not in text:
        return found
    # Linear on any text: the next '-->' and the next '>' are each searched once for all the openings
    # before them, and an opening inside a directive's own text is skipped.
    close = greater = taken = -1
    for match in _DIRECTIVE.finditer(text, document.body_start):
        opened = match.end()
        if match.start() < taken:
            continue
        if close < opened:
            close = text.find("-->", opened)
            if close == -1:
                break  # no comment closes after this point
        if greater < opened:
            greater = text.find(">", opened)
        if greater < close:
            continue  # a '>' before the '-->': not a directive (its arguments never hold one)
        taken = close + 3
        arguments = text[opened:close]
        span = verbatim_span(document, match.start())
        if span is not None and span not in document.html_spans:
            continue  # inside a code block: an example, not a directive
        names = tuple(name for name in re.split(r"[\s,]+", arguments.strip()) if name)
        codes: set[str] = set()
        unknown = []
        for name in names:
            try:
                codes.update(resolve([name]))
            except ConfigError:
                unknown.append(name)
        line, column = document.lines.position(match.start())
        found.directives.append(Directive(match.group(1), names, frozenset(codes) if names else None, line, column,
                                          tuple(unknown)))
    return found

