"""Apply fixes: one engine for all rules. Edits in one pass, overlaps skipped, re-lint until stable,
then a guard that the Document kept everything the fixes did not mean to change, then an atomic write."""
from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass, field
from typing import Any

from .diagnostics import Diagnostic, Edit, Fix
from .engine import Linter
from .fileio import replace_file
from .model import Document
from .rules import REGISTRY
from .source import Source, encode

MAX_ROUNDS = 10
_NUMBER = re.compile(r"^\s*\d+[.)]\s+")


@dataclass
class FixResult:
    source: Source  # the original
    text: str  # the fixed text (BOM-less; equal to source.text when nothing changed)
    applied: list[tuple[str, str]] = field(default_factory=list)  # (code, description)
    remaining: list[Diagnostic] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # why some fixes were not applied
    converged: bool = True
    final: Any = None  # the LintResult of `text`

    @property
    def changed(self) -> bool:
        return self.text != self.source.text

    def to_bytes(self) -> bytes:
        return encode(self.text, bom=self.source.bom)


def apply_edits(text: str, fixes: list[tuple[str, Fix]]) -> tuple[str, list[tuple[str, Fix]]]:
    """Apply whole fixes whose edits overlap no fix taken before them (in text order)."""
    taken: list[tuple[str, Fix]] = []
    spans: list[tuple[int, int]] = []  # the taken edits' (start, end), sorted; they never overlap
    for code, fix in sorted(fixes, key=lambda item: (min(e.start for e in item[1].edits), item[0])):
        if any(_overlaps(spans, edit) for edit in fix.edits):
            continue
        taken.append((code, fix))
        for edit in fix.edits:
            bisect.insort(spans, (edit.start, edit.end))
    edits: list[Edit] = sorted((edit for _, fix in taken for edit in fix.edits), key=lambda e: (e.start, e.end))
    pieces: list[str] = []
    position = 0
    for edit in edits:  # one pass: rebuilding the text per edit was quadratic on files with many fixes
        pieces.append(text[position:edit.start])
        pieces.append(edit.replacement)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces), taken


def _overlaps(spans: list[tuple[int, int]], edit: Edit) -> bool:
    """Whether `edit` overlaps a taken span, or inserts where one starts. `spans` are sorted and
    disjoint, so only the last span starting before the edit ends, and spans starting where it
    starts, can touch it (a bisection, not a scan: thousands of fixes in a file)."""
    index = bisect.bisect_left(spans, (edit.end, -1))  # the spans starting before edit.end
    if index and spans[index - 1][1] > edit.start:
        return True
    if edit.start == edit.end:
        at = bisect.bisect_left(spans, (edit.start, -1))
        return at < len(spans) and spans[at][0] == edit.start
    return False


def _norm(text: str) -> str:
    return " ".join(text.split())


def signature(document: Document) -> dict[str, Any]:
    """What a Document says, by aspect, with whitespace folded: the guard compares these."""
    from .yamlnodes import to_json

    aspects: dict[str, Any] = {}
    front = document.front_matter
    aspects["front-matter"] = (front is not None, front.error if front else None)
    for key, value in (to_json(document.metadata) or {}).items():
        aspects[f"meta:{key}"] = value
    aspects["numbers"] = [q.number for q in document.questions]
    questions = []
    question_other = []
    for q in document.questions:
        a = q.answer
        questions.append((
            q.group.name if q.group else None, _norm(q.text),
            [(e.title, _norm(e.text), [_norm(x.text) for x in e.context], [_norm(x.text) for x in e.approach],
              [_norm(x.text) for x in e.outcome], [(p.label, [_norm(x.text) for x in p.entries]) for p in e.other])
             for e in a.examples],
            *([_norm(x.text) for x in getattr(a, kind)] for kind in ("outcomes", "best_practices", "pitfalls",
                                                                        "follow_ups")),
        ))
        question_other.append([(p.label, [_norm(x.text) for x in p.entries]) for p in a.other])
    aspects["questions"] = questions
    aspects["question-other"] = question_other
    # question numbers live in the "numbers" aspect, so they are left out of the heading texts
    aspects["headings"] = [(h.level, _norm(_NUMBER.sub("", h.text))) for h in document.headings]
    aspects["sections"] = [(_norm(s.heading.text) if s.heading else None, _norm(s.text)) for s in document.sections]
    aspects["after"] = [_norm(e.text) for e in document.after_questions]
    return aspects


def guard(before: Document, after: Document, allowed: set[str]) -> list[str]:
    """Aspects that changed although no applied fix meant to change them."""
    old, new = signature(before), signature(after)
    changed = []
    for key in sorted(set(old) | set(new)):
        if key in allowed:
            continue
        if old.get(key) != new.get(key):
            changed.append(key)
    return changed


def fix_source(linter: Linter, source: Source, *, unsafe: bool = False) -> FixResult:
    result = FixResult(source=source, text=source.text)
    if source.problem is not None:
        result.final = linter.lint_source(source)
        result.remaining = result.final.diagnostics
        return result
    current = linter.lint_source(source)
    banned: set[str] = set()
    for _round in range(MAX_ROUNDS):
        candidates = [(d.code, d.fix) for d in current.diagnostics
                      if d.fix is not None and (d.fix.safe or unsafe) and d.code not in banned]
        if not candidates:
            break
        new_text, taken = apply_edits(current.source.text, candidates)
        if new_text == current.source.text:
            break
        fixed = linter.lint_source(Source(source.path, new_text, bom=source.bom))
        allowed = {aspect for code, _ in taken for aspect in REGISTRY[code].changes}
        broken = guard(current.document, fixed.document, allowed)
        if broken or fixed.source.problem is not None:
            codes = sorted({code for code, _ in taken})
            if len(codes) == 1:
                banned.add(codes[0])
                result.refused.append(f"{REGISTRY[codes[0]].slug}: its fix would change {', '.join(broken)}")
            else:  # find the culprit: apply each rule's fixes alone
                for code in codes:
                    alone_text, _ = apply_edits(current.source.text, [c for c in taken if c[0] == code])
                    alone = linter.lint_source(Source(source.path, alone_text, bom=source.bom))
                    alone_broken = guard(current.document, alone.document, set(REGISTRY[code].changes))
                    if alone_broken:
                        banned.add(code)
                        result.refused.append(
                            f"{REGISTRY[code].slug}: its fix would change {', '.join(alone_broken)}")
                if not banned & set(codes):  # together they break, alone they do not: go one at a time
                    banned.update(codes[1:])
            continue
        result.applied.extend((code, fix.description) for code, fix in taken)
        current = fixed
    else:
        result.converged = not any(d.fix is not None and (d.fix.safe or unsafe) and d.code not in banned
                                   for d in current.diagnostics)
    if not result.converged:
        current = linter.lint_source(source)
        result.applied = []
    result.text = current.source.text
    result.remaining = current.diagnostics
    result.final = current
    return result


class WriteError(Exception):
    pass


def write_atomic(path: str, data: bytes, *, expected: bytes) -> None:
    """Replace `path` with `data` via a temporary file in the same folder, keeping its mode.
    Refuses when the file changed since it was read (another run or an editor got there first)."""
    try:
        with open(path, "rb") as handle:
            if handle.read() != expected:
                raise WriteError(f"{path}: file changed while it was being fixed; not written")
        mode = os.stat(path).st_mode
    except OSError as error:
        raise WriteError(f"{path}: {error.strerror or error}; not written") from None
    try:
        replace_file(path, data, mode=mode & 0o7777)
    except OSError as error:
        raise WriteError(f"{path}: {error.strerror or error}; not written") from None
