"""A checked file's results cross from a worker process as the bytes the result cache stores
(resultrows.py, runner.Sent), and the parent stores those very bytes: what comes back must be what was
sent, and what is stored what the cache would have encoded itself."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from guidelint import jsontext, resultrows, runner
from guidelint.cache import ResultCache
from guidelint.cli import main
from guidelint.config import Config
from guidelint.diagnostics import Diagnostic
from guidelint.engine import Linter
from guidelint.runner import FileOutcome, Mode, Sent, process, process_to_send

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(str(path) for path in (ROOT / "sample_guides").glob("*.md"))


def _values(diagnostics: list[Diagnostic]) -> list[tuple[object, ...]]:
    """Every field, the ones equality ignores too, with its type (a fix without its `changes`, which
    the cache does not keep and only the fixer reads)."""
    def fix(value: object) -> object:
        return None if value is None else (value.description, value.safe, type(value.safe), value.edits)
    return [(d.path, d.line, d.column, d.code, d.end_line, d.end_column, d.slug, d.severity, type(d.severity),
             d.message, fix(d.fix), d.fingerprint) for d in diagnostics]


@pytest.fixture
def in_worker(monkeypatch):
    monkeypatch.setitem(runner._WORKER, "in_worker", True)


@pytest.mark.parametrize("sample", SAMPLES)
def test_a_checked_outcome_comes_back_whole_from_its_bytes(sample: str, tmp_path, in_worker) -> None:
    path = str(tmp_path / "guide.md")  # the sample with findings of every kind: fixes, no fix, unsafe
    text = Path(sample).read_text(encoding="utf-8").replace("\n\n", "  \n\n", 3)
    Path(path).write_text(text + "\nContinue with additional questions…  \n", encoding="utf-8")
    linter = Linter(Config())
    outcome = process(linter, path, Mode(cache=True))
    sent = process_to_send(linter, path, Mode(cache=True))
    assert type(sent) is Sent and sent.encoded == resultrows.encode(outcome.diagnostics, outcome.corpus)
    wire = pickle.dumps(sent)
    assert b"Diagnostic" not in wire and b"CorpusEntry" not in wire  # the bytes, not the objects
    back = pickle.loads(wire).received()
    assert back == outcome and (back.cache_key, back.index_entry) == (outcome.cache_key, outcome.index_entry)
    assert _values(back.diagnostics) == _values(outcome.diagnostics)
    assert {d.fix is None for d in back.diagnostics} == {True, False}
    assert {d.fix.safe for d in back.diagnostics if d.fix} == {True, False}
    assert back.corpus == outcome.corpus and back.corpus
    checked = resultrows.decode(path, sent.encoded)  # as the cache reads it on a warm run
    assert checked is not None and _values(checked[0]) == _values(back.diagnostics) and checked[1] == back.corpus


def test_nothing_is_encoded_outside_a_worker_or_without_a_cache(in_worker) -> None:
    linter = Linter(Config())
    assert type(process_to_send(linter, SAMPLES[0], Mode())) is FileOutcome  # no cache: no key
    assert type(process_to_send(linter, SAMPLES[0], Mode(diff=True, cache=True))) is FileOutcome
    runner._WORKER.pop("in_worker")
    assert type(process_to_send(linter, SAMPLES[0], Mode(cache=True))) is FileOutcome


def test_the_cache_stores_the_bytes_it_was_given(tmp_path, in_worker) -> None:
    sent = process_to_send(Linter(Config()), SAMPLES[0], Mode(cache=True))
    outcome = sent.received()
    cache = ResultCache(str(tmp_path), key=b"k" * 32)
    cache.store(outcome, value=sent.encoded)
    assert cache.results[0][1] is sent.encoded
    cache.store(outcome)  # (checked in this process: encoded here, the same)
    assert cache.results[1][1] == sent.encoded
    cache.close()


def test_a_cached_run_in_workers_reports_as_a_run_without_the_cache(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "guides"
    folder.mkdir()
    for copy in range(2):  # (duplicate terms: the corpus rules report across files too)
        for sample in SAMPLES:
            (folder / f"{copy}-{Path(sample).name}").write_bytes(Path(sample).read_bytes().replace(b"\n\n", b" \n\n", 2))
    seeds = ROOT.parent / "shared" / "seeds"
    paths = [str(folder), *(str(path) for path in sorted(seeds.glob("*")) if path.is_file())]
    received = []
    original = Sent.received
    monkeypatch.setattr(Sent, "received", lambda sent: received.append(sent.path) or original(sent))
    monkeypatch.delenv("GUIDELINT_NO_CACHE")
    check = ["check", "--format", "json", "--select", "ALL", "--jobs", "2"]  # (workers: see conftest)
    cold = CliRunner().invoke(main, [*check, "--cache-dir", str(tmp_path / "c"), *paths])
    assert len(received) >= 2 * len(SAMPLES)  # results came from the workers as bytes
    warm = CliRunner().invoke(main, [*check, "--cache-dir", str(tmp_path / "c"), *paths])
    plain = CliRunner().invoke(main, [*check, "--no-cache", *paths])
    assert cold.stdout == warm.stdout == plain.stdout and cold.exit_code == plain.exit_code == 1
    assert plain.stdout.count('"trailing-whitespace"') >= 4 and '"duplicate-term"' in plain.stdout


_CHARACTERS = st.sampled_from(["a", "é", "’", "\u2028", "\u2029", "\x85", "\ud800", "\udfff", "\ud83d", "😀", '"', "\\"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.one_of(_CHARACTERS, st.text(max_size=3)), max_size=20))
def test_json_text_is_escaped_as_the_pattern_escapes_it(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert jsontext.safe(text) == jsontext._UNSAFE.sub(jsontext._escape, text)
