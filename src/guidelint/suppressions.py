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
    """One suppression comment."""

    kind: str
    names: tuple[str, ...]
    codes: frozenset[str] | None  # None: every rule
    line: int
    column: int
    unknown: tuple[str, ...] = ()
    used: bool = False


@dataclass
class Suppressions:
    """A document's suppression comments, and which of them were used."""

    directives: list[Directive] = field(default_factory=list)

    def apply(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """The diagnostics no directive switches off; marks the directives that switched something off."""
        if not self.directives:
            return diagnostics
        kept = []
        for diagnostic, directive in zip(diagnostics, self._covering([(d.code, d.line) for d in diagnostics])):
            if directive is None:
                kept.append(diagnostic)
            else:
                directive.used = True
        return kept

    def mark(self, entries: list[Any]) -> list[Any]:
        """Corpus entries (rules.CorpusEntry) with `suppressed` set where a directive covers them. The
        directive counts as used: whether the entry turns out to be a duplicate is only known later."""
        marked = []
        for entry, directive in zip(entries, self._covering([(e.code, e.line) for e in entries])):
            if directive is not None:
                directive.used = True
                entry = replace(entry, suppressed=True)
            marked.append(entry)
        return marked

    def _covering(self, queries: list[tuple[str, int]]) -> list[Directive | None]:
        """For each (rule code, line): the directive that switches it off, or None.

        A disable-file or a disable-next-line for that line wins, the earliest in the file if there are
        several; otherwise the earliest `disable` still open at that line (an `enable` closes those it
        names). One sweep over the directives per rule code, so a file with thousands of directives
        and findings costs (directives x codes), not (directives x findings)."""
        directives = self.directives
        found: list[Directive | None] = [None] * len(queries)
        by_code: dict[str, list[int]] = {}
        for number, (code, _) in enumerate(queries):
            by_code.setdefault(code, []).append(number)
        for code, numbers in by_code.items():
            covering = [d.codes is None or code in d.codes for d in directives]
            whole_file = next((order for order, d in enumerate(directives)
                               if d.kind == "disable-file" and covering[order]), None)
            next_line: dict[int, int] = {}  # line -> the earliest disable-next-line for it
            for order, d in enumerate(directives):
                if d.kind == "disable-next-line" and covering[order]:
                    next_line.setdefault(d.line + 1, order)
            active: dict[int, Directive] = {}  # open disables, in the order they opened
            position = 0
            for number in sorted(numbers, key=lambda n: queries[n][1]):
                line = queries[number][1]
                while position < len(directives) and directives[position].line < line:
                    directive = directives[position]
                    if directive.kind == "disable" and covering[position]:
                        active[position] = directive
                    elif directive.kind == "enable":
                        for opened_at, opened in list(active.items()):
                            if directive.codes is None or code in directive.codes or \
                                    (opened.codes is not None and opened.codes <= directive.codes):
                                del active[opened_at]
                    position += 1
                first = min((order for order in (whole_file, next_line.get(line)) if order is not None), default=None)
                found[number] = directives[first] if first is not None else next(iter(active.values()), None)
        return found


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

