"""Export: Document models to normalized dataset records (one guide or one question a record).

The export reads the same Document the rules read, built from the text after the safe fixes, so the
export of a guide equals the export of the same guide after `guidelint check --fix`.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from . import __version__
from .diagnostics import Diagnostic, Severity
from .engine import Linter
from .export_writer import JSON_LINE
from .fixer import fix_source
from .model import Document, Entry, Example
from .rules._helpers import slugify
from .rules.tags_duplicate import normalize_tag
from .yamlnodes import to_json

SCHEMA_VERSION = "1.0"
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
    record_id: str = ""  # the record's (not yet unique) id, with `encoded`

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


def _other(parts: Iterable[Any], keep_markdown: bool) -> dict[str, list[str]]:
    other: dict[str, list[str]] = {}
    for part in parts:
        other.setdefault(part.label or UNLABELLED, []).extend(_text(e, keep_markdown) or "" for e in part.entries)
    return other


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


def guide_record(document: Document, *, guide_id: str, keep_markdown: bool = False,
                 issues: list[Diagnostic] | None = None) -> dict[str, Any]:
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
        "source": {"path": document.path.replace("\\", "/"),
                   "sha256": hashlib.sha256(document.text.encode("utf-8")).hexdigest()},
        "metadata": _metadata(document),
        "sections": sections,
        "questions": questions,
        "guidelint_version": __version__,
        "schema_version": SCHEMA_VERSION,
    }
    if issues is not None:
        record["issues"] = [d.to_dict() for d in issues]
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


def export_one(linter: Linter, path: str, options: ExportOptions) -> Outcome:
    """The per-file step of an export (runs in worker processes); the record's id is not yet unique."""
    linter = linter.for_path(path)
    source = linter.read(path)
    if source.problem is not None:
        return Outcome(path, None, "not-a-guide", source.problem.message)
    result = fix_source(linter, source).final
    document = result.document
    if document.front_matter is None or not document.questions:
        why = "no front matter" if document.front_matter is None else "no questions"
        return Outcome(path, None, "not-a-guide", why)
    errors = [d for d in result.diagnostics if d.severity >= Severity.ERROR]
    if errors and not options.include_invalid:
        return Outcome(path, None, "invalid", f"{len(errors)} error finding{'s' if len(errors) > 1 else ''}")
    term = (document.metadata or {}).get("term")
    stem = path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    base = slugify(term) if isinstance(term, str) and term.strip() else slugify(stem)
    record = guide_record(document, guide_id=base, keep_markdown=options.keep_markdown,
                          issues=result.diagnostics if options.include_invalid else None)
    if options.encode:  # a string crosses the process boundary ~15x faster than the nested dict
        return Outcome(path, None, encoded=JSON_LINE(record), record_id=base)
    return Outcome(path, record)


class UniqueIds:
    """Makes ids unique within one export, in input order: a later clash gets -2, -3, ..."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}  # base id -> how many times it was asked for
        self.used: set[str] = set()  # every id handed out

    def claim(self, base: str) -> str:
        count = self.seen.get(base, 0) + 1
        candidate = base if count == 1 else f"{base}-{count}"
        while candidate in self.used:  # a guide whose own id is another's renamed one ("x-2")
            count += 1
            candidate = f"{base}-{count}"
        self.seen[base] = count
        self.used.add(candidate)
        return candidate

    def __call__(self, record: dict[str, Any]) -> dict[str, Any]:
        record["id"] = self.claim(record["id"])
        return record
