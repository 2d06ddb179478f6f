"""`guidelint export --engine ray`: the export on Ray Data, on this machine or on a cluster.

Needs the optional extra guidelint[ray]; Ray is imported here only, when the engine is asked for.

The driver (this process) does what needs the whole run: it selects the files (as the local export
does), loads the settings once, and reduces the corpus rules. Ray Data does the per-file work:

    read_binary_files(files, include_paths=True)        the bytes, read where the work runs
      .map_batches(_process)                            api.process_file in tasks (fused with the read; no
                                                         actor holds a CPU the read would need), keeping
                                                         records as JSON text
      .materialize()
    driver: the small columns (position, corpus keys, why skipped, id) -> CorpusReducer, SeenIds
      .map_batches(_finish)                              corpus findings into `issues`, rows of the export's
                                                         Parquet schema (guide or question unit)
      .write_parquet(folder or URL)

The result equals `guidelint export --format parquet` row for row (tests/test_ray_export.py): same
settings, same per-file function, same run order for the corpus rules (the sorted paths).
"""
from __future__ import annotations

import json
import logging
import os
import uuid
from typing import Any

import click

from . import jsontext
from .api import CorpusReducer, Settings, process_file
from .diagnostics import Diagnostic, Severity
from .errors import ConfigError
from .export import SeenIds, question_records, read_file, settings_of, with_corpus_issues
from .rules import CorpusEntry


def _ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise ConfigError("--engine ray needs Ray Data: pip install 'guidelint[ray]'") from None
    return ray


class _Process:
    """The per-file step on a batch of files, in a Ray task (see _process)."""

    def __init__(self, settings: list[Settings], plan: dict[str, tuple[int, int, str]], keep_markdown: bool,
                 include_invalid: bool) -> None:
        self.settings = settings
        self.plan = plan  # the path Ray reads -> (position in the run, settings index, project-relative path)
        self.keep_markdown = keep_markdown
        self.include_invalid = include_invalid

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}
        for path, data in zip(batch.column("path").to_pylist(), batch.column("bytes").to_pylist()):
            position, index, relative = self._planned(path)
            result = process_file(data, relative, self.settings[index], keep_markdown=self.keep_markdown,
                                  include_invalid=self.include_invalid)
            columns["position"].append(position)
            columns["skipped"].append(result.skipped)
            columns["reason"].append(result.reason)
            columns["corpus"].append(json.dumps([entry.to_row() for entry in result.corpus]))
            columns["severity"].append(json.dumps({code: s.label for code, s in result.corpus_severity.items()}))
            columns["id"].append(result.record["id"] if result.record is not None else None)
            # (jsontext: a file name that is not UTF-8 is written as \u escapes, which Arrow's strings take)
            columns["record"].append(jsontext.line(result.record) if result.record is not None else None)
        return pa.table({name: pa.array(values, type=COLUMNS[name]()) for name, values in columns.items()})

    def _planned(self, path: str) -> tuple[int, int, str]:
        known = self.plan.get(path) or self.plan.get("/" + path.lstrip("/"))  # (a filesystem may drop the root)
        if known is None:
            raise RuntimeError(f"{path}: read by Ray Data, but not one of the files of the run")
        return known


_SETTINGS: dict[str, list[Settings]] = {}  # this worker process's settings, by the run's token


def _process(batch: Any, *, token: str, settings: list[Settings], plan: dict[str, tuple[int, int, str]],
             keep_markdown: bool, include_invalid: bool) -> Any:
    """A task, not an actor pool: actors each hold a CPU for their lifetime, and with one CPU (`-j 1`, a
    one-core machine) the read task then waited for ever. A task fuses with the read. Ray reuses its
    worker processes: the first task of a run in a process keeps its settings there (`token` names the
    run), so their linters are built once a process, not once a batch."""
    if token not in _SETTINGS:  # a new run in this process: the last run's settings go (a cluster lives long)
        _SETTINGS.clear()
        _SETTINGS[token] = settings
    kept = _SETTINGS[token]
    return _Process(kept, plan, keep_markdown, include_invalid)(batch)


def _string() -> Any:
    import pyarrow as pa

    return pa.string()


def _int() -> Any:
    import pyarrow as pa

    return pa.int64()


COLUMNS = {"position": _int, "skipped": _string, "reason": _string, "corpus": _string, "severity": _string,
           "id": _string, "record": _string}


def _finish(batch: Any, *, kept: set[int], corpus: dict[int, list[Diagnostic]], unit: str) -> Any:
    """Rows of the export's Parquet schema for the records kept, with their corpus findings."""
    from . import parquet

    rows = []
    for position, text in zip(batch.column("position").to_pylist(), batch.column("record").to_pylist()):
        if text is None or position not in kept:
            continue
        guide = with_corpus_issues(json.loads(text), corpus.get(position, []))
        rows.extend(parquet._row(r) for r in (question_records(guide) if unit == "question" else [guide]))
    return parquet.table(rows, unit)


def export(project: Any, files: list[str], output: str, *, unit: str, keep_markdown: bool, include_invalid: bool,
           jobs: int | None, address: str | None) -> int:
    """Export `files` (display paths, in run order) to Parquet files under `output`; returns how many
    files were left out (listed on stderr, as the local export lists them)."""
    ray = _ray()
    target = output if "://" in output else os.path.abspath(output)  # workers do not share our working folder
    if "://" not in output and os.path.isdir(target) and os.listdir(target):
        raise ConfigError(f"{output}: folder is not empty (the Parquet files would mix with what is there)")
    settings: list[Settings] = []
    index_of: dict[int, int] = {}  # id(Settings) -> its index
    plan: dict[str, tuple[int, int, str]] = {}
    unreadable: dict[int, str] = {}  # position -> why (known before Ray reads anything)
    for position, path in enumerate(files):
        one = settings_of(project, path)
        index = index_of.setdefault(id(one), len(settings))
        if index == len(settings):
            settings.append(one)
        if not (os.path.isfile(path) and os.access(path, os.R_OK)):  # as the local export words it
            why = read_file(path, one.linter_for(one.relative(path)).config.max_file_size)
            unreadable[position] = why if isinstance(why, str) else "cannot read file"
            continue
        plan[os.path.abspath(path)] = (position, index, one.relative(path))
    started = _start(ray, address, jobs)
    try:
        return _run(ray, files, settings, plan, unreadable, target, unit=unit, keep_markdown=keep_markdown,
                    include_invalid=include_invalid)
    except (ConfigError, click.exceptions.Exit):
        raise
    except Exception as error:  # noqa: BLE001 - a failed task or write (Ray wraps it): one line, exit 2
        cause = getattr(error, "cause", None) or error
        message = str(cause).strip().splitlines()[-1:] or [""]
        raise ConfigError(f"Ray export failed: {type(cause).__name__}: {message[0]}") from None
    finally:
        if started:
            ray.shutdown()


def _start(ray: Any, address: str | None, jobs: int | None) -> bool:
    """Connect to the cluster `address` (or $RAY_ADDRESS) names, else start Ray here; True when this run
    started (and so ends) it."""
    from ray.data import DataContext

    logging.getLogger("ray.data").setLevel(logging.ERROR)  # its per-stage INFO lines, its notes on progress bars
    context = DataContext.get_current()
    context.enable_progress_bars = False  # stderr is for the files left out, as with the local engine
    context.print_on_execution_start = False
    if ray.is_initialized():  # (a caller's Ray: a test's, a notebook's)
        return False
    options: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False}
    try:
        if address or os.environ.get("RAY_ADDRESS"):
            ray.init(address=address, **options)
        else:
            from .runner import default_jobs

            ray.init(num_cpus=jobs or default_jobs(), include_dashboard=False, **options)
    except Exception as error:  # noqa: BLE001 - Ray's own errors: one line, exit 2
        raise ConfigError(f"cannot start Ray{f' at {address}' if address else ''}: {error}") from None
    return True


def _run(ray: Any, files: list[str], settings: list[Settings], plan: dict[str, tuple[int, int, str]],
         unreadable: dict[int, str], target: str, *, unit: str, keep_markdown: bool, include_invalid: bool) -> int:
    summary: list[dict[str, Any]] = []
    processed = None
    if plan:
        processed = ray.data.read_binary_files(list(plan), include_paths=True).map_batches(
            _process, fn_kwargs={"token": uuid.uuid4().hex, "settings": settings, "plan": plan,
                                 "keep_markdown": keep_markdown, "include_invalid": include_invalid},
            batch_format="pyarrow", batch_size=256).materialize()
        summary = processed.select_columns(["position", "skipped", "reason", "corpus", "severity", "id"]).take_all()
    by_position = {row["position"]: row for row in summary}
    reducer = CorpusReducer()
    seen = SeenIds()
    kept: set[int] = set()
    corpus: dict[int, list[Diagnostic]] = {}
    left_out = 0
    for position, path in enumerate(files):  # run order: the corpus rules and the id clashes depend on it
        row = by_position.get(position)
        if row is None:
            left_out += 1
            click.echo(f"{path}: skipped (not a guide: {unreadable.get(position, 'not read')})", err=True)
            continue
        entries = [CorpusEntry.from_row(item) for item in json.loads(row["corpus"])]
        severity = {code: Severity.parse(label) for code, label in json.loads(row["severity"]).items()}
        relative = plan[os.path.abspath(path)][2]
        found = reducer.add(relative, entries, severity)
        if row["id"] is None:
            left_out += 1
            what = "not a guide" if row["skipped"] == "not-a-guide" else "invalid"
            click.echo(f"{path}: skipped ({what}: {row['reason']})", err=True)
            continue
        first = seen.clash(row["id"], path)
        if first is not None:
            left_out += 1
            click.echo(f"{path}: skipped (duplicate id {row['id']}: {first} has it)", err=True)
            continue
        kept.add(position)
        if found and include_invalid:
            corpus[position] = found
    if processed is not None and kept:
        rows = processed.map_batches(_finish, fn_kwargs={"kept": kept, "corpus": corpus, "unit": unit},
                                     batch_format="pyarrow")
        rows.write_parquet(target)
    if left_out:
        click.echo(f"{left_out} of {len(files)} file{'s' if len(files) != 1 else ''} left out.", err=True)
    return left_out
