"""A checked file's results cross from a worker process as the bytes the result cache stores
(resultrows.py, FileOutcome.__reduce__), and the parent stores those very bytes: what comes back must
be what was sent, and what is stored what the cache would have encoded itself."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidelint import jsontext, resultrows
from guidelint.cache import ResultCache
from guidelint.config import Config
from guidelint.diagnostics import Diagnostic, Edit, Fix, Severity
from guidelint.engine import Linter
from guidelint.rules import CorpusEntry
from guidelint.runner import FileOutcome, Mode, process

SAMPLES = sorted(str(path) for path in (Path(__file__).resolve().parent.parent / "sample_guides").glob("*.md"))


def _values(diagnostics: list[Diagnostic]) -> list[tuple[object, ...]]:
    """Every field, the ones equality ignores too, with its type (a fix without its `changes`, which
    the cache does not keep and only the fixer reads)."""
    def fix(value: Fix | None) -> object:
        return None if value is None else (value.description, value.safe, value.edits)
    return [(d.path, d.line, d.column, d.code, d.end_line, d.end_column, d.slug, d.severity, type(d.severity),
             d.message, fix(d.fix), d.fingerprint) for d in diagnostics]


@pytest.mark.parametrize("path", SAMPLES)
def test_a_checked_outcome_comes_back_whole_from_its_bytes(path: str) -> None:
    outcome = process(Linter(Config()), path, Mode(cache=True))
    assert outcome.cache_key is not None and outcome.encoded == resultrows.encode(outcome.diagnostics, outcome.corpus)
    sent = pickle.dumps(outcome)
    assert b"Diagnostic" not in sent and b"CorpusEntry" not in sent  # the bytes, not the objects
    back = pickle.loads(sent)
    assert back == outcome and back.encoded == outcome.encoded and back.index_entry == outcome.index_entry
    assert _values(back.diagnostics) == _values(outcome.diagnostics)
    assert back.corpus == outcome.corpus
    assert resultrows.decode(path, outcome.encoded) == (back.diagnostics, back.corpus)  # the cache reads it so


def test_an_outcome_with_anything_else_is_pickled_by_its_fields() -> None:
    finding = Diagnostic("a.md", 1, 1, "GL002", 1, 2, "trailing-whitespace", Severity.WARNING, "m",
                         Fix("strip", (Edit(0, 1),), changes=frozenset({"meta:draft"})), "f")
    entry = CorpusEntry("GL401", "k", "K", 1, 1, 1, 2, "term: K")
    encoded = resultrows.encode([finding], [entry])
    for outcome in (FileOutcome("a.md", [finding], messages=["a.md: fix refused"], encoded=encoded),
                    FileOutcome("a.md", [finding], diff="--- a\n", fixed=2, write_failed=True, corpus=[entry]),
                    FileOutcome("a.md", [finding], cache_key="0" * 64, corpus=[entry])):
        back = pickle.loads(pickle.dumps(outcome))
        assert back == outcome and (back.messages, back.diff, back.fixed, back.write_failed, back.encoded) == \
            (outcome.messages, outcome.diff, outcome.fixed, outcome.write_failed, outcome.encoded)
        assert back.diagnostics[0].fix.changes == frozenset({"meta:draft"})  # (its fix whole)


def test_the_cache_stores_the_bytes_it_was_given(tmp_path) -> None:
    outcome = process(Linter(Config()), SAMPLES[0], Mode(cache=True))
    received = pickle.loads(pickle.dumps(outcome))
    cache = ResultCache(str(tmp_path), key=b"k" * 32)
    cache.store(received)
    assert cache.results[0][1] is received.encoded
    plain = FileOutcome(outcome.path, outcome.diagnostics, cache_key=outcome.cache_key, corpus=outcome.corpus)
    cache.store(plain)  # (checked in this process: encoded here)
    assert cache.results[1][1] == received.encoded
    cache.close()


_CHARACTERS = st.sampled_from(["a", "é", "’", "\u2028", "\u2029", "\x85", "\ud800", "\udfff", "\ud83d", "😀", '"', "\\"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.one_of(_CHARACTERS, st.text(max_size=3)), max_size=20))
def test_json_text_is_escaped_as_the_pattern_escapes_it(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert jsontext.safe(text) == jsontext._UNSAFE.sub(jsontext._escape, text)
