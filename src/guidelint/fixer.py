"""Apply fixes: one engine for all rules. Edits in one pass, overlaps skipped, re-lint until stable,
then a guard that the Document kept everything the fixes did not mean to change, then an atomic write."""
from __future__ import annotations

import bisect
import datetime
import dataclasses
import json
import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any

from .diagnostics import Diagnostic, Edit, Fix
from .engine import Linter
from .fileio import replace_file
from .model import Document
from .rules import REGISTRY
from .source import Source, encode

MAX_ROUNDS = 10
# a question heading's number ("3. ...", "Question 3: ...", "Q3. ..."): the "numbers" aspect holds it
_NUMBER = re.compile(r"(?i)^(\s*(?:(?:question|q)[ \t]*)?)\d+")


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
        """The fixed file. Its BOM is the final text's: a fix that leaves U+FEFF first writes a BOM."""
        bom = self.final.source.bom if self.final is not None else self.source.bom
        return encode(self.text, bom=bom)


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


def _canonical(value: Any) -> str:
    """A front matter value as comparable text. Values compared as they are failed on NaN (`.nan` is
    never equal to itself), which refused every fix of a file holding one; the export's JSON form
    cannot tell NaN from infinity (both are null there), so the value as YAML read it is folded here."""
    return json.dumps(_comparable(value), sort_keys=True, ensure_ascii=False, default=repr)


def _comparable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key if isinstance(key, str) else f"{type(key).__name__}:{key!r}": _comparable(item)
                for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_comparable(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted(repr(item) for item in value)
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return f"float:{value!r}"
    if isinstance(value, (datetime.date, datetime.datetime)):  # a date and its ISO text say the same
        return value.isoformat()
    return value


def _inside(spans: tuple[tuple[int, int], ...], start: int, end: int) -> bool:
    """Whether text[start:end] lies wholly inside one of `spans` (sorted, disjoint)."""
    index = bisect.bisect_right(spans, (start, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= start and end <= spans[index][1]


def signature(document: Document, removed: tuple[tuple[int, int], ...] = ()) -> dict[str, Any]:
    """What a Document says, by aspect, with whitespace folded: the guard compares these. Answer entries
    and headings lying wholly inside a `removed` span (sorted (start, end) offsets of text a fix deletes)
    are left out: the "before" side of a fix that means to delete them."""
    def entries(items: list[Any]) -> list[str]:
        return [_norm(x.text) for x in items if not (removed and _inside(removed, x.start, x.start + len(x.markdown)))]

    aspects: dict[str, Any] = {}
    front = document.front_matter
    aspects["front-matter"] = (front is not None, front.error if front else None)
    for key, value in (document.metadata or {}).items():
        aspects[f"meta:{key if isinstance(key, str) else repr(key)}"] = _canonical(value)
    aspects["numbers"] = [q.number for q in document.questions]
    questions = []
    question_other = []
    for q in document.questions:
        a = q.answer
        questions.append((
            q.group.name if q.group else None, _norm(q.text),
            [(e.title, _norm(e.text), entries(e.context), entries(e.approach), entries(e.outcome),
              [(p.label, entries(p.entries)) for p in e.other])
             for e in a.examples],
            *(entries(getattr(a, kind)) for kind in ("outcomes", "best_practices", "pitfalls", "follow_ups")),
        ))
        question_other.append([(p.label, entries(p.entries)) for p in a.other])
    aspects["questions"] = questions
    aspects["question-other"] = question_other
    # question numbers live in the "numbers" aspect, so they are left out of the heading texts
    aspects["headings"] = [(h.level, _norm(_NUMBER.sub(r"\1#", h.text))) for h in document.headings
                           if not (removed and _inside(removed, h.start, h.end))]
    aspects["sections"] = [(_norm(s.heading.text) if s.heading else None, _norm(s.text)) for s in document.sections]
    aspects["after"] = entries(document.after_questions)
    return aspects


def guard(before: Document, after: Document, allowed: set[str],
          removed: tuple[tuple[int, int], ...] = ()) -> list[str]:
    """Aspects that changed although no applied fix meant to change them. `removed`: spans of `before`'s
    text that the applied fixes declare they delete (see Rule.deletes); what lay wholly inside them may
    be gone, and nothing else may change."""
    old, new = signature(before, removed), signature(after)
    changed = []
    for key in sorted(set(old) | set(new)):
        if key in allowed:
            continue
        if old.get(key) != new.get(key):
            changed.append(key)
    return changed


def declared(taken: list[tuple[str, Fix]]) -> tuple[set[str], tuple[tuple[int, int], ...]]:
    """What the fixes `taken` mean to change: the aspects their rules declare, and the spans they delete
    (only edits that replace text with nothing, of rules that declare their fix deletes)."""
    allowed = {aspect for code, fix in taken for aspect in REGISTRY[code].changes | fix.changes}
    spans: list[tuple[int, int]] = []
    for start, end in sorted((edit.start, edit.end) for code, fix in taken if REGISTRY[code].deletes
                             for edit in fix.edits if not edit.replacement and edit.end > edit.start):
        if spans and start <= spans[-1][1]:  # adjacent deleted lines: an entry may span both
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return allowed, tuple(spans)


Pair = tuple[str, Fix]


@dataclass
class _Round:
    """One round of the fix loop: the text it starts from and how a set of its fixes fares."""

    linter: Linter
    current: Any  # the LintResult the round starts from

    def attempt(self, pairs: list[Pair]) -> tuple[Any, list[Pair], list[str]]:
        """Apply `pairs` (overlaps skipped): the re-linted result, the fixes taken and what broke."""
        source = self.current.source
        text, taken = apply_edits(source.text, pairs)
        bom = source.bom
        if not bom and text.startswith("\ufeff"):  # (a deleted first line left one): written, it is a BOM
            text, bom = text[1:], True
        fixed = self.linter.lint_source(Source(source.path, text, bom=bom))
        if fixed.source.problem is not None:
            return fixed, taken, [f"the file ({fixed.source.problem.message})"]
        allowed, removed = declared(taken)
        return fixed, taken, guard(self.current.document, fixed.document, allowed, removed)

    def culprits(self, pairs: list[Pair], broken: list[str]) -> list[tuple[Pair, list[str]]]:
        """The fixes among `pairs` (which break the guard together) that break it alone: found by halving,
        so a few bad fixes among thousands cost a few dozen lints, not thousands."""
        if len(pairs) == 1:
            return [(pairs[0], broken)]
        found = []
        for half in (pairs[:len(pairs) // 2], pairs[len(pairs) // 2:]):
            _, _, half_broken = self.attempt(half)
            if half_broken:
                found.extend(self.culprits(half, half_broken))
        return found


def fix_source(linter: Linter, source: Source, *, unsafe: bool = False) -> FixResult:
    """Fix `source` in rounds: apply every wanted fix, re-lint, repeat until nothing changes. A fix that
    fails the guard is refused alone (its finding keeps no fix), and the others are applied."""
    result = FixResult(source=source, text=source.text)
    if source.problem is not None:
        result.final = linter.lint_source(source)
        result.remaining = result.final.diagnostics
        return result
    current = linter.lint_source(source)
    refused: set[tuple[str, str]] = set()  # (code, fingerprint): survives the offsets moving between rounds

    def wanted(d: Diagnostic) -> bool:
        return d.fix is not None and (d.fix.safe or unsafe) and (d.code, d.fingerprint) not in refused

    def refuse(d: Diagnostic, broken: list[str], why: str = "") -> None:
        refused.add((d.code, d.fingerprint))
        result.refused.append(f"line {d.line}: {d.slug}: its fix would change {', '.join(broken)}{why}")

    for _round in range(MAX_ROUNDS):
        chosen = [d for d in current.diagnostics if wanted(d)]
        if not chosen:
            break
        pairs: list[Pair] = [(d.code, d.fix) for d in chosen if d.fix is not None]
        finding: dict[int, list[Diagnostic]] = {}  # each fix (kept alive by its finding) -> its findings
        for d in chosen:
            finding.setdefault(id(d.fix), []).append(d)
        step = _Round(linter, current)
        fixed, taken, broken = step.attempt(pairs)
        if fixed.source.text == current.source.text:
            break
        if broken:
            bad = step.culprits(taken, broken)
            for (_, fix), why in bad:
                for d in finding[id(fix)]:
                    refuse(d, why)
            if bad:
                continue  # the next round tries the rest without them
            # together they break, each half alone does not: keep what passes, one fix at a time
            kept: list[Pair] = []
            passed = None
            for pair in taken:
                attempt = step.attempt([*kept, pair])
                if attempt[2]:
                    for d in finding[id(pair[1])]:
                        refuse(d, attempt[2], " together with the other fixes")
                else:
                    kept.append(pair)
                    passed = attempt
            if passed is None:
                continue
            fixed, taken, _ = passed
        result.applied.extend((code, fix.description) for code, fix in taken)
        current = fixed
    else:
        result.converged = not any(wanted(d) for d in current.diagnostics)
    if not result.converged:
        current = linter.lint_source(source)
        result.applied = []
    result.text = current.source.text
    result.final = current
    # A finding whose fix was refused, or whose fixes never settled, is not fixable: no `[*]`, no count.
    result.remaining = [_without_fix(d) if d.fix is not None and (not result.converged or
                                                                 (d.code, d.fingerprint) in refused) else d
                        for d in current.diagnostics]
    return result


def _without_fix(d: Diagnostic) -> Diagnostic:
    return dataclasses.replace(d, fix=None)


class WriteError(Exception):
    pass


def write_atomic(path: str, data: bytes, *, expected: bytes) -> None:
    """Replace `path` with `data` via a temporary file in the same folder, keeping its mode, and its owner
    and group where the process may set them. Refuses when the file is read-only for us (no write
    permission, or no owner-write bit: root may write anything, but a 0444 guide says "do not change"),
    when it is no longer a regular file (a FIFO or a link to a device must neither hang nor flood the
    check), and when it changed since it was read (another run or an editor got there first). The check
    reads at most len(expected) + 1 bytes, without blocking."""
    from .fileio import NotAFile, TooLarge, read_limited

    try:
        current = read_limited(path, len(expected))
        status = os.stat(path)
    except TooLarge:
        raise WriteError(f"{path}: file changed while it was being fixed; not written") from None
    except NotAFile:
        raise WriteError(f"{path}: not a regular file; not written") from None
    except OSError as error:
        raise WriteError(f"{path}: {error.strerror or error}; not written") from None
    if not stat.S_ISREG(status.st_mode):
        raise WriteError(f"{path}: not a regular file; not written")
    if current != expected:
        raise WriteError(f"{path}: file changed while it was being fixed; not written")
    if not status.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK):
        raise WriteError(f"{path}: read-only; not fixed")
    try:
        replace_file(path, data, mode=stat.S_IMODE(status.st_mode), owner=(status.st_uid, status.st_gid))
    except OSError as error:
        raise WriteError(f"{path}: {error.strerror or error}; not written") from None
