"""Baselines: record today's findings, then report only new ones.

A finding is known when the baseline has one for the same file with the same fingerprint (rule,
message without numbers, text of its line). Line numbers are not part of it, so edits elsewhere in a
file do not make old findings new; each recorded finding matches at most one current finding.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

from . import jsontext
from .diagnostics import Diagnostic
from .errors import ConfigError
from .fileio import replace_file

FORMAT = 1


def _as_typed(path: str) -> str:
    return path.replace("\\", "/")


def write(path: str, diagnostics: list[Diagnostic], *, key: Callable[[str], str] = _as_typed) -> None:
    """Record `diagnostics`, each file under `key(path)`: its path relative to its project root, so the
    baseline means the same from any working folder."""
    entries: dict[str, list[dict[str, Any]]] = {}
    for d in sorted(diagnostics):
        entries.setdefault(key(d.path), []).append(
            {"code": d.code, "rule": d.slug, "fingerprint": d.fingerprint, "message": d.message})
    data = {"guidelint_baseline": FORMAT, "findings": entries}
    # (jsontext: a file name that is not UTF-8, read with surrogate escapes, is written as \u escapes)
    replace_file(path, (jsontext.indented(data) + "\n").encode("utf-8"))


def load(path: str) -> dict[str, Counter[str]]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as error:
        raise ConfigError(f"cannot read baseline {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise ConfigError(f"{path}: baseline is not valid JSON: {error}") from None
    except RecursionError:
        raise ConfigError(f"{path}: baseline is not valid JSON: nested too deeply") from None
    if not isinstance(data, dict) or data.get("guidelint_baseline") != FORMAT or not isinstance(data.get("findings"), dict):
        raise ConfigError(f"{path}: not a guidelint baseline (format {FORMAT})")
    known: dict[str, Counter[str]] = {}
    for file, entries in data["findings"].items():
        known[file] = Counter(entry.get("fingerprint") for entry in entries if isinstance(entry, dict))
    return known


class NewFindings:
    """Baseline filtering file by file, as the run goes: each recorded finding hides at most one current
    finding of its file, taken in run order (the order `filter_new` takes a sorted list in)."""

    def __init__(self, known: dict[str, Counter[str]], *, key: Callable[[str], str] = _as_typed) -> None:
        self.remaining = {path: Counter(counts) for path, counts in known.items()}
        self.key = key
        self.hidden = 0

    def filter(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        new = []
        for d in diagnostics:
            counts = self.remaining.get(self.key(d.path))
            if counts is not None and counts[d.fingerprint] > 0:
                counts[d.fingerprint] -= 1
                self.hidden += 1
            else:
                new.append(d)
        return new


def filter_new(diagnostics: list[Diagnostic], known: dict[str, Counter[str]], *,
               key: Callable[[str], str] = _as_typed) -> tuple[list[Diagnostic], int]:
    """The findings not in the baseline, and how many were (files matched by `key`, as in `write`)."""
    filtering = NewFindings(known, key=key)
    new = filtering.filter(diagnostics)
    return new, filtering.hidden
