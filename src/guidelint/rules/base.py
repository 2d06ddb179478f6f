"""What a rule is: a code, a slug, defaults, documentation and one `check` function."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Finding, Severity
from ..model import Document
from ..policy import Policy


@dataclass(frozen=True)
class Context:
    """What a rule may read besides the document: its options, the policy data, the schema validator."""

    options: Mapping[str, Any]
    policy: Policy
    schema: Any  # jsonschema_util.Validator


Check = Callable[[Document, Context], Iterator[Finding]]


@dataclass(slots=True)
class CorpusEntry:
    """What one file contributes to a corpus rule: a small, JSON-able summary. Workers make these; the
    runner compares them across all the files of a run (and keeps them in the result cache). Not frozen:
    a warm run decodes one per file from the cache."""

    code: str
    key: str  # entries with the same key are duplicates
    shown: str  # the value as the message shows it
    line: int
    column: int
    end_line: int
    end_column: int
    content: str  # the stripped text of its line, for the baseline fingerprint
    suppressed: bool = False  # an inline suppression covers it: still counted, never reported

    def to_row(self) -> list[object]:
        return [self.code, self.key, self.shown, self.line, self.column, self.end_line, self.end_column,
                self.content, self.suppressed]

    @classmethod
    def from_row(cls, row: list[object]) -> CorpusEntry:
        code, key, shown, line, column, end_line, end_column, content, suppressed = row
        if type(code) is not str or type(key) is not str or type(shown) is not str or type(content) is not str \
                or type(line) is not int or type(column) is not int or type(end_line) is not int \
                or type(end_column) is not int:
            raise ValueError("malformed corpus entry")
        return cls(code, key, shown, line, column, end_line, end_column, content, suppressed is True)


CorpusKey = Callable[[Document, Context], "tuple[str, str, int, int] | None"]  # (key, shown, start, end)
CorpusMessage = Callable[[CorpusEntry, str, CorpusEntry], str]  # (entry, first file's path, first entry)


@dataclass(frozen=True)
class Rule:
    """A rule's registry entry: code, slug, severity, check and documentation."""

    code: str
    slug: str
    severity: Severity
    check: Check
    doc: str
    fix: str | None = None  # None, "safe" or "unsafe"
    enabled: bool = True  # on by default
    options: Mapping[str, Any] = field(default_factory=dict)
    # Each option's allowed values, as a JSON Schema fragment: config values are checked against it
    # (with the config file's line), and schemas/config.schema.json carries the same fragments.
    option_schema: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # True: the rule reads the guide structure (questions, taxonomy, required sections) and runs only on
    # files of the "guide" kind. False: a generic Markdown / front matter rule, run on every kind.
    guide_only: bool = False
    # For rules driven by rules data: what `guidelint explain` prints after the docstring, from the data
    # in use (so the documentation names the patterns a repository really has).
    explain_data: Callable[[Policy], str] | None = None
    needs_text: bool = True  # False: runs also on files that could not be read (file-encoding)
    # What the fix may change in the Document model; the fixer's guard checks everything else survives.
    # Aspects: "meta:<key>", "numbers", "questions", "question-other", "headings", "sections", "after".
    changes: frozenset[str] = frozenset()
    # The fix deletes what its edits span (edits that replace text with nothing): answer entries and
    # headings lying wholly inside such a span may vanish from the model; the guard checks nothing else
    # does. (generation-artifact deletes a `- TODO` list item of an answer, which "questions" holds.)
    deletes: bool = False
    # Corpus rules (duplicates across files) set both: a per-file key, and the message for a file whose
    # key an earlier file of the run already has. Their `check` yields nothing.
    corpus_key: CorpusKey | None = None
    corpus_message: CorpusMessage | None = None

    @property
    def summary(self) -> str:
        return " ".join(self.doc.strip().split("\n\n")[0].split())
