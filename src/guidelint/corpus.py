"""The corpus rules' reduce, one file at a time in run order: check (runner), export and the API share it.

A file's key that an earlier file (in run order) has is a finding on the later file, whose message names
the first. Only earlier files matter, so a file's findings are known as soon as it arrives; what is kept
is the first file of each key, not every file's entries.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from .diagnostics import Diagnostic, Severity
from .engine import fingerprint_of
from .rules import REGISTRY, CorpusEntry, Rule


class Reducer:
    def __init__(self) -> None:
        self.first: dict[tuple[str, str], tuple[str, CorpusEntry]] = {}  # (code, key) -> (path, entry)

    def findings(self, path: str, entries: Iterable[CorpusEntry],
                 severity_of: Callable[[Rule], Severity]) -> list[Diagnostic]:
        """The corpus findings on `path`, given the files seen before it; `severity_of` gives the
        severity of a corpus rule in that file's settings."""
        found: list[Diagnostic] = []
        for entry in entries:
            earlier = self.first.setdefault((entry.code, entry.key), (path, entry))
            if earlier[1] is entry or entry.suppressed:
                continue
            rule = REGISTRY[entry.code]
            assert rule.corpus_message is not None
            message = rule.corpus_message(entry, earlier[0], earlier[1])
            found.append(Diagnostic(path, entry.line, entry.column, entry.code, entry.end_line, entry.end_column,
                                    rule.slug, severity_of(rule), message, None,
                                    fingerprint_of(entry.code, message, entry.content)))
        return found
