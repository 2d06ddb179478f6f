"""A file's findings and corpus entries as rows of JSON: the value the result cache stores for a file,
and the form in which a checked file's results cross from a worker process to the parent when the run
keeps a cache (the parent then stores the bytes it received: it encodes nothing itself).

A row of a finding is [line, column, code, end_line, end_column, slug, severity, message, fix,
fingerprint], its fix [description, safe, [[start, end, replacement], ...]] or null (a fix's `changes`,
which only the fixer reads, is not kept); a corpus entry's row is CorpusEntry.to_row()."""
from __future__ import annotations

import json
from typing import Any

from .diagnostics import SEVERITY_OF, Diagnostic, Edit, Fix
from .rules import REGISTRY, CorpusEntry

_DUMPS = json.JSONEncoder(separators=(",", ":")).encode  # (json.dumps makes an encoder each call)


def encode(diagnostics: list[Diagnostic], corpus: list[CorpusEntry]) -> bytes:
    """The value of a file's results (ASCII: JSON escapes every other character)."""
    rows = []
    for d in diagnostics:
        fix = d.fix
        if fix is not None:
            fix = [fix.description, fix.safe, [[edit.start, edit.end, edit.replacement] for edit in fix.edits]]
        rows.append([d.line, d.column, d.code, d.end_line, d.end_column, d.slug, int(d.severity), d.message, fix,
                     d.fingerprint])
    return _DUMPS([rows, [entry.to_row() for entry in corpus]]).encode("ascii")


def decode(path: str, value: bytes) -> tuple[list[Diagnostic], list[CorpusEntry]] | None:
    """The results of `path` in a value read from the cache, checked: None when it is not JSON, is
    malformed, or names a rule this guidelint does not have (or a corpus entry of a rule that is not a
    corpus rule): not ours."""
    try:
        cached = json.loads(value)
    except (ValueError, RecursionError):
        return None
    if type(cached) is not list or len(cached) != 2:
        return None
    try:
        rows, corpus = cached
        diagnostics = [_checked(path, row) for row in rows]
        entries = [CorpusEntry.from_row(row) for row in corpus] if corpus else []
        if any(REGISTRY[entry.code].corpus_message is None for entry in entries):
            return None
    except (TypeError, ValueError, KeyError):
        return None
    return diagnostics, entries


def _checked(path: str, row: list[Any]) -> Diagnostic:
    """A cached finding; KeyError for a rule this guidelint does not have (not our cache entry)."""
    diagnostic = _diagnostic(path, row)
    REGISTRY[diagnostic.code]  # noqa: B018 - the lookup is the check
    return diagnostic


def _diagnostic(path: str, row: list[Any]) -> Diagnostic:
    line, column, code, end_line, end_column, slug, severity, message, fix, print_ = row
    if fix is not None:
        fix = Fix(fix[0], tuple([Edit(*edit) for edit in fix[2]]), bool(fix[1]))
    # positional, in field order: a warm run makes one per cached finding
    return Diagnostic(path, line, column, code, end_line, end_column, slug, SEVERITY_OF[severity], message, fix,
                      print_)


def decode_sent(path: str, value: bytes) -> tuple[list[Diagnostic], list[CorpusEntry]]:
    """The results a worker process of this run encoded: nothing to check."""
    rows, corpus = json.loads(value)
    return [_diagnostic(path, row) for row in rows], [CorpusEntry(*row) for row in corpus]
