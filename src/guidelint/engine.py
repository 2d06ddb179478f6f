"""The linter: read, parse once, run the selected rules, turn findings into Diagnostics."""
from __future__ import annotations

import functools
import hashlib
import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import policy as policy_module
from .config import Config
from .diagnostics import Diagnostic, Finding
from .resources import data_dir
from .rules import Context, CorpusEntry, Rule
from .rules._helpers import line_extent
from .source import ReadProblem, Source, decode, too_large

if TYPE_CHECKING:
    from .jsonschema_util import Validator
    from .model import Document

UNUSED_SUPPRESSION = "GL005"


@dataclass
class LintResult:
    """One file's findings, with what the fixer and the corpus rules need of it."""

    path: str
    source: Source
    document: Document
    diagnostics: list[Diagnostic] = field(default_factory=list)
    corpus: list[CorpusEntry] = field(default_factory=list)  # this file's part in corpus rules


class Linter:
    """Built once per run from a Config; `lint_source` is a pure function of the source text.

    The bundled rules data and schema are loaded on first use, so a run answered entirely from the
    result cache never parses them (nor imports YAML, the Markdown parser or the model builder: ~30 ms
    of a warm run). A user's rules data or schema is loaded here, so its errors stop the run at once."""

    def __init__(self, config: Config | None = None, *, policy: policy_module.Policy | None = None,
                 schema: Validator | None = None, collections: dict[str, Linter] | None = None) -> None:
        """`policy`, `schema` and `collections` (collection name -> its linter): already loaded (by
        api.Settings, which carries them to processes that read nothing from disk)."""
        self.config = config or Config()
        if policy is not None:
            self.__dict__["policy"] = policy  # (the cached_property's slot)
        if schema is not None:
            self.__dict__["schema"] = schema
        if self.config.rules_data is not None:
            self.policy  # noqa: B018 - loads and validates now
        if self.config.schema is not None:
            self.schema  # noqa: B018
        self._fingerprint: bytes | None = None
        self._settings: dict[str, str] = {}  # per-file ignores -> settings key
        self._collections: dict[str, Linter] = dict(collections or {})

    @functools.cached_property
    def policy(self) -> policy_module.Policy:
        return policy_module.load(self.config.rules_data)

    @property
    def schema_path(self) -> Path:
        return self.config.schema or data_dir("schemas") / "guide.schema.json"

    @functools.cached_property
    def schema(self) -> Validator:
        from .jsonschema_util import Validator

        return Validator.from_file(self.schema_path)

    @functools.cached_property
    def rules(self) -> list[tuple[Rule, Context]]:
        return [(rule, Context(self.config.options_of(rule), self.policy, self.schema))
                for rule in self.config.enabled_rules()]

    def prepare(self) -> None:
        """Load now what linting needs (before forking workers, which then share it), for this
        config's collections too."""
        from . import document  # noqa: F401

        self.rules  # noqa: B018 - loads the policy and the schema too
        for linter in self.collection_linters():
            linter.rules  # noqa: B018

    def collection_linters(self) -> list[Linter]:
        """The linter of every collection of this config (made now if not yet)."""
        for collection in self.config.collections:
            if collection.name not in self._collections:
                self._collections[collection.name] = Linter(collection.config)
        return list(self._collections.values())

    def for_collection(self, name: str) -> Linter:
        """The linter of the collection `name` of this config."""
        if name not in self._collections:
            collection = next(c for c in self.config.collections if c.name == name)
            self._collections[name] = Linter(collection.config)
        return self._collections[name]

    def for_path(self, path: str) -> Linter:
        """The linter of the collection this file belongs to (this one when it belongs to none)."""
        collection = self.config.collection_for(path) if self.config.collections else None
        if collection is None:
            return self
        if collection.name not in self._collections:
            self._collections[collection.name] = Linter(collection.config)
        return self._collections[collection.name]

    def settings_key(self, path: str) -> str:
        """Everything but the file's content that could change a finding on `path`: the rules and their
        settings, the schema, the rules data, guidelint's version and the per-file ignores for `path`."""
        ignores = ",".join(sorted(self.config.ignored_for(path))) if self.config.per_file_ignores else ""
        known = self._settings.get(ignores)
        if known is None:
            if self._fingerprint is None:
                from . import __version__

                settings = [__version__, self.config.kind, policy_module.digest_of(self.config.rules_data),
                            hashlib.sha256(self.schema_path.read_bytes()).hexdigest(),
                            self.config.max_file_size, self.config.fail_on.label,
                            [(rule.code, self.config.severity_of(rule).label,
                              sorted(self.config.options_of(rule).items()))
                             for rule in self.config.enabled_rules()]]
                self._fingerprint = json.dumps(settings, default=str).encode()
            known = hashlib.sha256(self._fingerprint + b"\0" + ignores.encode()).hexdigest()
            self._settings[ignores] = known
        return known

    def cache_key(self, data: bytes, path: str) -> str:
        """A key for a lint result: the file's bytes and its settings key (see `settings_key`)."""
        digest = hashlib.sha256(self.settings_key(path).encode())
        digest.update(b"\0")
        digest.update(data)
        return digest.hexdigest()

    def read(self, path: str) -> Source:
        return self.read_with_data(path)[0]

    def read_with_data(self, path: str) -> tuple[Source, bytes | None]:
        """The file's Source and the bytes read (None when none were). Of a Source without a problem, the
        bytes are encode(text, bom=bom) (a strict UTF-8 decoding round-trips): a cache key needs them."""
        from .fileio import NotAFile, TooLarge, read_limited

        try:
            data = read_limited(path, self.config.max_file_size)
        except TooLarge as error:
            return Source(path, "", problem=too_large(error.size, self.config.max_file_size)), None
        except (NotAFile, IsADirectoryError) as error:
            what = "is a directory, not a file" if isinstance(error, IsADirectoryError) else str(error)
            return Source(path, "", problem=ReadProblem(what, "unreadable")), None
        except OSError as error:
            return Source(path, "", problem=ReadProblem(f"cannot read file: {error.strerror or error}",
                                                        "unreadable")), None
        return decode(data, path, max_bytes=self.config.max_file_size), data

    def build(self, source: Source) -> Document:
        from . import document as document_builder

        return document_builder.build(source, self.policy)

    def check(self, document: Document) -> list[Diagnostic]:
        return self.check_all(document)[0]

    def check_all(self, document: Document) -> tuple[list[Diagnostic], list[CorpusEntry]]:
        """Run the selected rules; stamp code, severity and fingerprint; apply per-file ignores and
        inline suppressions (and report unused ones when unused-suppression is selected). Also this
        file's entries for the corpus rules, which the runner compares across files."""
        from .config import resolve_rules
        from .suppressions import collect

        readable = document.source.problem is None
        ignored = self.config.ignored_for(document.path)
        diagnostics: list[Diagnostic] = []
        corpus: list[CorpusEntry] = []
        for rule, context in self.rules:
            if (not readable and rule.needs_text) or rule.code in ignored or rule.code == UNUSED_SUPPRESSION:
                continue
            severity = self.config.severity_of(rule)
            for finding in rule.check(document, context):
                diagnostics.append(self._diagnostic(document, rule, severity, finding))
            if rule.corpus_key is not None and readable:
                keyed = rule.corpus_key(document, context)
                if keyed is not None:
                    corpus.append(self._corpus_entry(document, rule, *keyed))
        if readable:
            suppressions = collect(document, resolve_rules)
            diagnostics = suppressions.apply(diagnostics)
            if corpus and suppressions.directives:
                corpus = suppressions.mark(corpus)
            unused = next((r for r, _ in self.rules if r.code == UNUSED_SUPPRESSION), None)
            if unused is not None and unused.code not in ignored:
                for directive in suppressions.directives:
                    offset = document.lines.line_start(directive.line) + directive.column - 1
                    if directive.unknown:
                        message = f"suppression names unknown rule{'s' if len(directive.unknown) > 1 else ''} " \
                                  f"{', '.join(directive.unknown)}"
                    elif directive.kind != "enable" and not directive.used:
                        message = f"guidelint-{directive.kind} {' '.join(directive.names) or '(all rules)'} " \
                                  "suppresses nothing"
                    else:
                        continue
                    diagnostics.append(self._diagnostic(document, unused, self.config.severity_of(unused),
                                                        Finding(message, offset)))
        diagnostics.sort()
        return diagnostics, corpus

    def _corpus_entry(self, document: Document, rule: Rule, key: str, shown: str, start: int,
                      end: int) -> CorpusEntry:
        # Counted here rather than with document.lines: a clean file never needs its line index built.
        text = document.text
        line_start = line_extent(document, start)[0]
        line = text.count("\n", 0, start) + 1
        end_line = line + text.count("\n", start, end)
        return CorpusEntry(rule.code, key, shown, line, start - line_start + 1, end_line,
                           end - line_extent(document, end)[0] + 1, _line_text(text, line_start))

    def _diagnostic(self, document: Document, rule: Rule, severity, finding: Finding) -> Diagnostic:  # type: ignore[no-untyped-def]
        # LineIndex.position and `fingerprint`, inlined: a call costs as much as the work here.
        lines = document.lines
        starts = lines.starts
        start = finding.start
        offset = 0 if start < 0 else (lines.length if start > lines.length else start)
        index = bisect_right(starts, offset) - 1
        line_start = starts[index]
        end = finding.end if finding.end is not None else start
        text = document.text
        while end > start and text[end - 1] in "\r\n":  # a block's range ends after its newline
            end -= 1
        if end == start:
            end_line, end_column = index + 1, offset - line_start + 1
        else:
            end_line, end_column = lines.position(end)
        return Diagnostic(document.path, index + 1, offset - line_start + 1, rule.code, end_line, end_column,
                          rule.slug, severity, finding.message, finding.fix,
                          fingerprint_of(rule.code, finding.message, _line_text(text, line_start)))

    def lint_source(self, source: Source) -> LintResult:
        document = self.build(source)
        diagnostics, corpus = self.check_all(document)
        return LintResult(source.path, source, document, diagnostics, corpus)

    def lint_path(self, path: str) -> LintResult:
        return self.lint_source(self.read(path))

    def lint_text(self, text: str, path: str = "<text>") -> LintResult:
        return self.lint_source(self.source_of_text(text, path))

    def source_of_text(self, text: str, path: str = "<text>") -> Source:
        """A guide given as text, read as the CLI reads a file: over max-file-size (counted in UTF-8
        bytes) it is not parsed, and a lone surrogate is the encoding finding a bad byte would be."""
        return decode(text.encode("utf-8", "surrogatepass"), path, max_bytes=self.config.max_file_size)


_DIGITS = re.compile(r"\d+")
# How much of a finding's line goes into its fingerprint. Bounded: a hostile file can hold one line of
# megabytes with a finding for every item on it (19,000 duplicate tags in one flow list took 61 s when
# each fingerprint read the whole line). Real lines are far shorter, so their fingerprints are unchanged.
FINGERPRINT_CONTEXT = 4000


def line_content(document: Document, line: int) -> str:
    """The stripped text of a line (of its first FINGERPRINT_CONTEXT characters)."""
    text = document.text
    if not text:
        return ""
    return _line_text(text, document.lines.line_start(min(line, len(document.lines.starts))))


def _line_text(text: str, start: int) -> str:
    """The stripped text of the line starting at `start`, read up to FINGERPRINT_CONTEXT characters."""
    stop = min(len(text), start + FINGERPRINT_CONTEXT)
    end = text.find("\n", start, stop)
    return text[start:end if end != -1 else stop].strip()


def fingerprint(code: str, message: str, document: Document, line: int) -> str:
    """A finding's identity that survives unrelated edits: rule, message without numbers, and the
    stripped text of its line (not the line number). Used by baselines."""
    return fingerprint_of(code, message, line_content(document, line))


def fingerprint_of(code: str, message: str, content: str) -> str:
    material = "\0".join((code, _without_digits(message), _without_digits(content)))
    # (a message may quote a file name that is not UTF-8, read with surrogate escapes: kept as written)
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()[:20]


@functools.lru_cache(maxsize=1024)
def _without_digits(text: str) -> str:
    """Numbers masked; remembered, because the findings on one line share its text."""
    return _DIGITS.sub("#", text)
