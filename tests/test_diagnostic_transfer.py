"""Diagnostics travel from worker processes to the parent pickled (Diagnostic.__reduce__): every field,
the ones equality ignores included, comes back the same, with the same types."""
from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from guidelint.diagnostics import Diagnostic, Edit, Fix, Severity


def _fields(diagnostic: Diagnostic) -> list[tuple[str, object, type]]:
    return [(field.name, getattr(diagnostic, field.name), type(getattr(diagnostic, field.name)))
            for field in dataclasses.fields(diagnostic)]


@pytest.mark.parametrize("severity", list(Severity))
@pytest.mark.parametrize("fix", [None, Fix("delete trailing whitespace", (Edit(3, 5), Edit(9, 9, "é’\n")), safe=False,
                                           changes=frozenset({"meta:draft"}))])
def test_a_diagnostic_comes_back_whole(severity: Severity, fix: Fix | None) -> None:
    diagnostic = Diagnostic("guides/é.md", 12, 3, "GL002", 12, 6, "trailing-whitespace", severity,
                            "trailing whitespace (3 characters)", fix, "0123456789abcdef0123")
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(diagnostic, protocol=protocol))
        assert _fields(back) == _fields(diagnostic)
        assert back.severity is severity
    assert _fields(copy.deepcopy(diagnostic)) == _fields(diagnostic)
    assert _fields(copy.copy(diagnostic)) == _fields(diagnostic)


def test_a_diagnostic_of_a_subclass_or_with_a_plain_severity_comes_back_as_it_was() -> None:
    class Marked(Diagnostic):
        pass

    for severity in ("error", 0, None):
        diagnostic = Diagnostic("g.md", 1, 1, "GL002", 1, 2, "trailing-whitespace", severity, "m")  # type: ignore[arg-type]
        assert _fields(pickle.loads(pickle.dumps(diagnostic))) == _fields(diagnostic)
    marked = Marked("g.md", 1, 1, "GL002", 1, 2, "trailing-whitespace", Severity.INFO, "m")
    assert type(copy.deepcopy(marked)) is Marked
