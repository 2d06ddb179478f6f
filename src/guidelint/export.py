"""Export: Document models to normalized dataset records (one guide or one question a record).

The export reads the same Document the rules read, built from the text after the safe fixes, so the
export of a guide equals the export of the same guide after `guidelint check --fix`.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import __version__
from .diagnostics import Diagnostic, Severity
from .export_writer import JSON_LINE
from .model import Document, Entry, Example
from .rules._helpers import slugify
from .rules.tags_duplicate import normalize_tag
from .yamlnodes import to_json

if TYPE_CHECKING:
    from .api import Settings
    from .rules import CorpusEntry

SCHEMA_VERSION = "2.1"
META_KEYS = ("term", "description", "category", "vertical", "pubDate", "modDate", "author", "avatar", "image",
             "tags")
UNLABELLED = "_unlabelled"


@dataclass
class Outcome:
    """What became of one file: a record, or why it was left out."""

    path: str
    record: dict[str, Any] | None
    skipped: str | None = None  # "not-a-guide" | "invalid"
    reason: str = ""
    encoded: str | None = None  # the record as one JSON line, when the worker was asked to encode it
    record_id: str = ""  # the record's id, with `encoded`
    relative: str = ""  # the path relative to the project root (as the record and the corpus rules name it)
    corpus: tuple[CorpusEntry, ...] = ()  # its keys for the corpus rules
    corpus_severity: Mapping[str, Severity] = field(default_factory=dict)

    @property
    def exported(self) -> bool:
        return self.record is not None or self.encoded is not None


def _text(entry: Entry | None, keep_markdown: bool) -> str | None:
    if entry is None:
        return None
    return entry.markdown if keep_markdown else entry.text


def _joined(entries: list[Entry], keep_markdown: bool) -> str | None:
    if not entries:
        return None
    return "\n".join(_text(e, keep_markdown) or "" for e in entries)


def _other(parts: Iterable[Any], keep_markdown: bool) -> list[dict[str, Any]]:
    """Parts with labels guidelint does not know, in the order first seen: a list of {label, texts}
    rather than an object keyed by label, so JSON and Parquet hold the same shape (an Arrow map, the
    other way to hold an object, is a type Hugging Face `datasets` does not load)."""
    other: dict[str, list[str]] = {}
    for part in parts:
        other.setdefault(part.label or UNLABELLED, []).extend(_text(e, keep_markdown) or "" for e in part.entries)
    return [{"label": label, "texts": texts} for label, texts in other.items()]


def _example(example: Example, keep_markdown: bool) -> dict[str, Any]:
    return {
        "title": example.title,
        "text": example.markdown if keep_markdown and example.markdown else example.text,
        "context": _joined(example.context, keep_markdown),
        "approach": _joined(example.approach, keep_markdown),
        "outcome": _joined(example.outcome, keep_markdown),
        "other": _other(example.other, keep_markdown),
    }


def _metadata(document: Document) -> dict[str, Any]:
    data = to_json(document.metadata or {})
    meta: dict[str, Any] = {key: data.get(key) for key in META_KEYS}
    tags = data.get("tags")
    if isinstance(tags, list):
        seen: set[str] = set()
        unique = []
        for tag in tags:
            key = normalize_tag(tag) if isinstance(tag, str) else repr(tag)
            if key not in seen:
                seen.add(key)
                unique.append(tag.strip() if isinstance(tag, str) else tag)
        meta["tags"] = unique
    for key in ("avatar", "image"):
        value = meta[key]
        if isinstance(value, dict):
            meta[key] = {"url": value.get("url"), "alt": value.get("alt")}
        elif value is not None:
            meta[key] = {"url": str(value), "alt": None}
    meta["extra"] = {key: value for key, value in data.items() if key not in META_KEYS}
    return meta


def normalized_text(text: str) -> bytes:
    """The content `source.normalized_sha256` hashes: the safe-fixed text as UTF-8, without a BOM, every
    line ending (CRLF, CR) made LF - the same for a guide whatever editor or git setting saved it."""
    return text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8", "surrogatepass")


def record_id(term: Any, relative_path: str) -> str:
    """A guide's id, a function of its own file alone (never of the other files of a run): the slug of
    its term (else of its file name) and the first 8 hex digits of the SHA-256 of its project-relative
    path, so two guides with one term differ and a guide keeps its id whatever else is exported."""
    stem = relative_path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    base = slugify(term) if isinstance(term, str) and term.strip() else slugify(stem)
    digest = hashlib.sha256(relative_path.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{base}-{digest}" if base else digest


def guide_record(document: Document, *, guide_id: str, keep_markdown: bool = False,
                 issues: list[Diagnostic] | None = None, path: str | None = None,
                 file_sha256: str | None = None) -> dict[str, Any]:
    """`path`: the project-relative path (default: the document's); `file_sha256`: the hash of the
    file's bytes as stored (default: of the document's text, for a document that is no file)."""
    lines = document.lines
    questions = []
    for question in document.questions:
        answer = question.answer
        questions.append({
            "number": question.number,
            "group": (question.group.key or question.group.name) if question.group else None,
            "text": question.markdown if keep_markdown else question.text,
            "line": lines.line_of(question.start),
            "examples": [_example(e, keep_markdown) for e in answer.examples],
            "outcomes": [_text(e, keep_markdown) for e in answer.outcomes],
            "best_practices": [_text(e, keep_markdown) for e in answer.best_practices],
            "pitfalls": [_text(e, keep_markdown) for e in answer.pitfalls],
            "follow_ups": [_text(e, keep_markdown) for e in answer.follow_ups],
            "other": _other(answer.other, keep_markdown),
        })
    sections = [{"heading": s.heading.text if s.heading else None, "level": s.heading.level if s.heading else None,
                 "text": s.markdown if keep_markdown else s.text} for s in document.sections]
    sections.extend({"heading": None, "level": None, "text": _text(e, keep_markdown)} for e in document.after_questions)
    record: dict[str, Any] = {
        "unit": "guide",
        "id": guide_id,
        "source": {"path": path if path is not None else document.path.replace("\\", "/"),
                   "sha256": file_sha256 or hashlib.sha256(document.text.encode("utf-8")).hexdigest(),
                   "normalized_sha256": hashlib.sha256(normalized_text(document.text)).hexdigest()},
        "metadata": _metadata(document),
        "sections": sections,
        "questions": questions,
        "guidelint_version": __version__,
        "schema_version": SCHEMA_VERSION,
    }
    if issues is not None:  # each issue names its file as `source.path` does
        record["issues"] = [{**d.to_dict(), "path": record["source"]["path"]} for d in issues]
    return record


def question_records(guide: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One record per question, the guide's metadata denormalized onto it."""
    for index, question in enumerate(guide["questions"], start=1):
        record: dict[str, Any] = {
            "unit": "question",
            "id": f"{guide['id']}#{index}",
            "guide_id": guide["id"],
            "source": guide["source"],
            "metadata": guide["metadata"],
            **question,
            "guidelint_version": guide["guidelint_version"],
            "schema_version": guide["schema_version"],
        }
        if "issues" in guide:
            record["issues"] = guide["issues"]
        yield record


@dataclass(frozen=True)
class ExportOptions:
    keep_markdown: bool = False
    include_invalid: bool = False
    encode: bool = False  # return the record as a JSON line (JSONL of guides: the worker does the encoding)


def export_one(linter: Any, path: str, options: ExportOptions) -> Outcome:
    """The per-file step of `guidelint export` (runs in worker processes): read the file, then
    api.process_file, the step the Ray engine runs too. `linter`: the run's Project, or a Linter."""
    from .api import process_file

    settings = settings_of(linter, path)
    data = read_file(path, settings.linter_for(settings.relative(path)).config.max_file_size)
    if isinstance(data, str):
        return Outcome(path, None, "not-a-guide", data)
    result = process_file(data, settings.relative(path), settings, keep_markdown=options.keep_markdown,
                          include_invalid=options.include_invalid)
    outcome = Outcome(path, result.record, result.skipped, result.reason, relative=result.path,
                      corpus=result.corpus, corpus_severity=result.corpus_severity)
    if options.encode and result.record is not None:  # a string crosses the process boundary ~15x faster
        outcome.encoded, outcome.record_id, outcome.record = JSON_LINE(result.record), result.record["id"], None
    return outcome


_SETTINGS: dict[int, tuple[Any, Settings]] = {}  # id(top-level linter) -> (it, its Settings), per process


def settings_of(linter: Any, path: str) -> Settings:
    """The Settings of the config that governs `path`, made once per config in a process."""
    from .api import Settings

    top = linter.linter_for(linter.config_for(path)) if hasattr(linter, "config_for") else linter
    known = _SETTINGS.get(id(top))
    if known is None or known[0] is not top:
        known = _SETTINGS[id(top)] = (top, Settings.of(top))
    return known[1]


def read_file(path: str, max_size: int) -> bytes | str:
    """A file's bytes, or why it cannot be read (as the linter words it)."""
    from .fileio import NotAFile, TooLarge, read_limited
    from .source import too_large

    try:
        return read_limited(path, max_size)
    except TooLarge as error:
        return too_large(error.size, max_size).message
    except IsADirectoryError:
        return "is a directory, not a file"
    except NotAFile as error:
        return str(error)
    except OSError as error:
        return f"cannot read file: {error.strerror or error}"


def with_corpus_issues(record: dict[str, Any], corpus: list[Diagnostic]) -> dict[str, Any]:
    """A guide record with the corpus rules' findings on its file added to its `issues` (when it has
    issues: --include-invalid), in the order of the others."""
    if not corpus or "issues" not in record:
        return record
    path = record["source"]["path"]
    issues = [*record["issues"], *({**d.to_dict(), "path": path} for d in corpus)]
    issues.sort(key=lambda i: (i["line"], i["column"], i["code"], i["end_line"], i["end_column"], i["rule"]))
    return {**record, "issues": issues}


class SeenIds:
    """Ids are made from each file alone, so two files can only share one when they have the same term
    and the same project-relative path under two project roots; the later one is left out, never renamed
    (a renamed id would depend on the run)."""

    def __init__(self) -> None:
        self.paths: dict[str, str] = {}  # id -> the path that has it

    def clash(self, guide_id: str, path: str) -> str | None:
        """The path that already has `guide_id`, or None (and the id is now taken by `path`)."""
        first = self.paths.setdefault(guide_id, path)
        return first if first != path else None
