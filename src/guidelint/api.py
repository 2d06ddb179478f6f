"""guidelint's library API: small, typed and stable.

    from guidelint.api import load_settings, process_file, reduce_corpus

    settings = load_settings("path/to/project")          # read once: config, rules data, schema
    results = [process_file(path.read_bytes(), settings.relative(path), settings) for path in paths]
    corpus = reduce_corpus(results)                       # duplicate terms across the files, in order

- `Settings` is a frozen, picklable value: the config with its collections, and the rules data and the
  schema already loaded. A process that receives it (a worker, a Ray task) reads nothing from disk.
- `process_file` is the per-file step of `guidelint export`, a pure function of (the file's bytes, its
  path relative to the project root, the settings): the same answer whatever the working folder, the
  machine, or the other files of the run. The CLI's worker pool and the Ray Data engine both call it.
- `reduce_corpus` turns the files' corpus keys into the corpus rules' findings (duplicate-term), in the
  order of the results it is given; `CorpusReducer` does the same one file at a time.
- `lint_text` and `fix_text` lint or fix one text, with a `Settings` or as before with a Config, the
  path of a config file or None (the nearest config above `path`).

Paths in results and findings are project-relative, with `/` separators.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from .config import Config
from .diagnostics import Diagnostic, Severity
from .engine import Linter, LintResult
from .policy import Policy
from .rules import CorpusEntry
from .source import decode

if TYPE_CHECKING:
    from .fixer import FixResult
    from .jsonschema_util import Validator

__all__ = ["CorpusReducer", "FileResult", "Settings", "fix_text", "lint_text", "load_settings", "process_file",
           "reduce_corpus"]

# Why a file has no export record (FileResult.skipped)
NOT_A_GUIDE = "not-a-guide"  # unreadable, not UTF-8, no front matter or no questions
INVALID = "invalid"  # error findings, and include_invalid was not asked


@dataclass(frozen=True)
class Settings:
    """Everything a file's result depends on besides its bytes and path: the config (with its collections
    and the command line's layer), and the rules data and schema of the config and of each collection,
    loaded. Pickles to another process, which then reads no file; there it builds its linters once."""

    config: Config
    policy: Policy
    schema: Validator
    collections: tuple[tuple[str, Policy, Validator], ...] = ()  # (collection name, its rules data, its schema)
    _linter: list[Linter] = field(default_factory=list, init=False, repr=False, compare=False)  # this process's

    @classmethod
    def of(cls, linter: Linter) -> Settings:
        """The settings of a top-level linter (its config's, loading what is not loaded yet)."""
        if linter.config.root is None:  # paths would be relative to whatever folder a worker runs in
            linter = Linter(replace(linter.config, root=Path.cwd()))
        linter.collection_linters()  # (made now: each loads its rules data and schema once)
        collections = tuple((c.name, linter.for_collection(c.name).policy, linter.for_collection(c.name).schema)
                            for c in linter.config.collections)
        return cls(linter.config, linter.policy, linter.schema, collections)

    def __getstate__(self) -> dict[str, Any]:
        return {"config": self.config, "policy": self.policy, "schema": self.schema, "collections": self.collections}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            object.__setattr__(self, key, value)
        object.__setattr__(self, "_linter", [])

    @property
    def root(self) -> Path:
        """The project root: paths are relative to it."""
        assert self.config.root is not None
        return self.config.root

    def linter(self) -> Linter:
        """This config's linter, made once per process from the loaded data (no file is read)."""
        if not self._linter:
            by_name = {c.name: c for c in self.config.collections}
            collections = {name: Linter(by_name[name].config, policy=policy, schema=schema)
                           for name, policy, schema in self.collections if name in by_name}
            self._linter.append(Linter(self.config, policy=self.policy, schema=self.schema, collections=collections))
        return self._linter[0]

    def absolute(self, relative: str) -> str:
        """Where a project-relative path is, on this machine."""
        return os.path.join(str(self.root), *relative.split("/"))

    def relative(self, path: str | os.PathLike[str]) -> str:
        """`path` (absolute, or relative to the working folder) relative to the project root."""
        return self.config.relative(os.fspath(path))

    def linter_for(self, relative: str) -> Linter:
        """The linter of the collection a project-relative path belongs to."""
        return self.linter().for_path(self.absolute(relative))


def load_settings(config: str | os.PathLike[str] | None = None) -> Settings:
    """Settings read once: `config` is a config file (guidelint.toml, or pyproject.toml with
    [tool.guidelint]), or a folder whose nearest config above governs it (its own, or the defaults with
    the git checkout or the working folder as root); None is the working folder. Raises
    guidelint.errors.ConfigError for a config, rules data or schema that cannot be used."""
    from .project import Project

    where = Path(config) if config is not None else Path.cwd()
    if where.is_dir():
        project = Project()
        top = project.config_for(os.path.join(os.path.abspath(where), "-"))
    else:
        project = Project(config_path=where)
        top = project.config
    return Settings.of(project.linter_for(top))


@dataclass(frozen=True)
class FileResult:
    """One file's part in an export: its findings, its corpus keys, and its record or why it has none."""

    path: str  # relative to the project root
    findings: tuple[Diagnostic, ...]  # of the text the record describes (the safe fixes applied)
    corpus: tuple[CorpusEntry, ...]  # this file's keys for the corpus rules (see reduce_corpus)
    corpus_severity: Mapping[str, Severity]  # the severity this file's settings give each corpus rule
    record: dict[str, Any] | None  # the guide record (export schema), or None
    skipped: str | None = None  # NOT_A_GUIDE | INVALID when record is None
    reason: str = ""  # why it was skipped, for people

    def records(self, unit: str = "guide", corpus: Iterable[Diagnostic] = ()) -> list[dict[str, Any]]:
        """The export records of this file: one guide, or one a question. `corpus`: the corpus findings
        on this file (from reduce_corpus), added to `issues` when the record has them."""
        from .export import question_records, with_corpus_issues

        if self.record is None:
            return []
        guide = with_corpus_issues(self.record, list(corpus))
        return list(question_records(guide)) if unit == "question" else [guide]


def process_file(data: bytes, path: str, settings: Settings, *, keep_markdown: bool = False,
                 include_invalid: bool = False) -> FileResult:
    """The export's per-file step: decode `data` (the file's bytes), apply the safe fixes in memory, lint
    the result and build its guide record. `path` is the file's path relative to the project root (its
    collection, per-file ignores, id and `source.path` follow from it). Pure: no file is read."""
    from .export import guide_record, record_id
    from .fixer import fix_source

    path = path.replace("\\", "/")
    linter = settings.linter_for(path)
    where = settings.absolute(path)  # what the config's globs are matched against
    source = decode(data, where, max_bytes=linter.config.max_file_size)
    severity = {rule.code: linter.config.severity_of(rule) for rule in linter.config.enabled_rules()
                if rule.corpus_key is not None}
    if source.problem is not None:
        return FileResult(path, tuple(_here(linter.lint_source(source).diagnostics, path)), (), severity, None,
                          NOT_A_GUIDE, source.problem.message)
    final = fix_source(linter, source).final
    findings = tuple(_here(final.diagnostics, path))
    corpus = tuple(final.corpus)
    document = final.document
    if document.front_matter is None or not document.questions:
        why = "no front matter" if document.front_matter is None else "no questions"
        return FileResult(path, findings, corpus, severity, None, NOT_A_GUIDE, why)
    errors = sum(1 for d in findings if d.severity >= Severity.ERROR)
    if errors and not include_invalid:
        return FileResult(path, findings, corpus, severity, None, INVALID,
                          f"{errors} error finding{'s' if errors > 1 else ''}")
    record = guide_record(document, guide_id=record_id((document.metadata or {}).get("term"), path),
                          keep_markdown=keep_markdown, issues=list(findings) if include_invalid else None,
                          path=path, file_sha256=hashlib.sha256(data).hexdigest())
    return FileResult(path, findings, corpus, severity, record)


def _here(diagnostics: Iterable[Diagnostic], path: str) -> Iterator[Diagnostic]:
    """Findings with the path as given (the linter saw the file at its place under the project root)."""
    for diagnostic in diagnostics:
        yield replace(diagnostic, path=path)


class CorpusReducer:
    """The corpus rules one file at a time, in run order: a file's key that an earlier file has is a
    finding on the later file (its message names the first). Feed every file of the run, skipped ones
    too: a guide left out of the export still holds its term."""

    def __init__(self) -> None:
        from .corpus import Reducer

        self._reducer = Reducer()

    def add(self, path: str, entries: Iterable[CorpusEntry], severity: Mapping[str, Severity]) -> list[Diagnostic]:
        """The corpus findings on this file, given the files added before it; `severity` maps a corpus
        rule's code to its severity in this file's settings (the rule's default when missing)."""
        return self._reducer.findings(path, entries, lambda rule: severity.get(rule.code, rule.severity))


def reduce_corpus(results: Iterable[FileResult]) -> list[Diagnostic]:
    """The corpus rules' findings over `results`, taken in the order given (the first file with a key is
    the one the others duplicate). Sort the results by path first for an order-free answer."""
    reducer = CorpusReducer()
    found: list[Diagnostic] = []
    for result in results:
        found.extend(reducer.add(result.path, result.corpus, result.corpus_severity))
    return found


# --- one text -------------------------------------------------------------------------------------------

ConfigLike = Union[Settings, Config, str, "os.PathLike[str]", None]


def _linter(path: str, config: ConfigLike) -> tuple[Linter, str]:
    """The linter `path` gets and the path to show it at."""
    from .project import Project

    if isinstance(config, Settings):
        return config.linter_for(path), config.absolute(path)
    if isinstance(config, (str, os.PathLike)):
        return Project(config_path=config).for_path(path), path
    if config is None and path.startswith("<"):
        config = Config()
    return Project(config=config).for_path(path), path


def lint_text(text: str, *, path: str = "<text>", config: ConfigLike = None) -> LintResult:
    """Lint one guide given as text, as if it were the file `path`; returns the Document and its sorted
    Diagnostics. With `Settings`, `path` is relative to the project root, and findings carry it as given."""
    linter, where = _linter(path, config)
    result = linter.lint_text(text, where)
    if where != path:
        result.diagnostics = list(_here(result.diagnostics, path))
    return result


def fix_text(text: str, *, path: str = "<text>", config: ConfigLike = None, unsafe: bool = False) -> FixResult:
    """Apply fixes to one guide given as text, as if it were the file `path`; returns a FixResult (text,
    applied fixes, remaining findings)."""
    from .fixer import fix_source

    linter, where = _linter(path, config)
    result = fix_source(linter, linter.source_of_text(text, where), unsafe=unsafe)
    if where != path:
        result.remaining = list(_here(result.remaining, path))
    return result
