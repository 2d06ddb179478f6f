"""Reporters, chosen by name. Each is a stream: `file(path, diagnostics)` once a file, in run order, as
its results arrive, then `end(totals)`; so a run keeps counts, not its findings (see report_stream for
how the CLI drives them). The functions of RunSummary (`text`, `json_report`, ...) are the same reports
made from a list, for library callers and tests."""
from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from . import __version__, jsontext
from .colour import Palette
from .diagnostics import Diagnostic, Severity

Write = Callable[[str], Any]
FailOn = Callable[[str], Severity]  # a file's failing severity (its settings' fail-on)

# Control characters (but tab) in text that came from a file, a message quoting a heading, say: written
# raw, an ESC sequence would act on the reader's terminal (clear it, retitle it, recolour the rest) and a
# line feed would split a one-line finding; in XML most of them are not allowed at all. They are shown as
# \xNN instead, in the reports people and CI tools read as text (JSON and SARIF escape them already).
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # GitHub writes line ends as %0A


def shown(text: str, *, lines: bool = False) -> str:
    """`text` with its control characters (but tab, and line ends when `lines`) written as \\xNN."""
    return (_CONTROL_BUT_LINES if lines else _CONTROL).sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _xml_text(text: str) -> str:
    """`shown(text)` without surrogates, which XML cannot hold (source.without_surrogates)."""
    from .source import without_surrogates

    return without_surrogates(shown(text))


def _default_fail_on(path: str) -> Severity:
    return Severity.ERROR


@dataclass(frozen=True)
class RunSummary:
    files: int
    diagnostics: list[Diagnostic]
    unsafe_fixable: int = 0
    fixed: int = 0
    paths: tuple[str, ...] = ()  # every file checked, for reports with one entry a file
    rules: tuple[Any, ...] = ()  # the selected Rule objects, for reports that describe rules
    baselined: int = 0  # findings hidden by --baseline
    fail_on: FailOn = _default_fail_on  # for JUnit: which files fail


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass
class Totals:
    """What the summary line and the exit code need from a run, counted as the files go by."""

    files: int = 0
    fixed: int = 0
    baselined: int = 0
    unsafe_fixable: int = 0
    safe_fixable: int = 0
    failing: bool = False  # a finding at or above its file's failing severity
    by_severity: Counter[Severity] = field(default_factory=Counter)

    @property
    def findings(self) -> int:
        return sum(self.by_severity.values())

    def add(self, diagnostics: Iterable[Diagnostic], *, fail_on: Severity = Severity.ERROR,
            count_unsafe: bool = True) -> None:
        for d in diagnostics:
            self.by_severity[d.severity] += 1
            if d.severity >= fail_on:
                self.failing = True
            if d.fix is not None:
                if d.fix.safe:
                    self.safe_fixable += 1
                elif count_unsafe:
                    self.unsafe_fixable += 1

    @classmethod
    def of(cls, summary: RunSummary) -> Totals:
        totals = cls(files=summary.files, fixed=summary.fixed, baselined=summary.baselined,
                     unsafe_fixable=summary.unsafe_fixable)
        totals.add(summary.diagnostics, count_unsafe=False)
        return totals

    def line(self, palette: Palette | None = None) -> str:
        palette = palette or Palette.plain()
        counts = self.by_severity
        total = self.findings
        if total:
            by_severity = ", ".join(_plural(counts[s], s.label) for s in sorted(counts, reverse=True) if counts[s])
            head = palette.paint(palette.summary, f"Found {_plural(total, 'finding')} ({by_severity})")
            tail = f"{head} in {_plural(self.files, 'file')} checked."
        else:
            tail = palette.paint(palette.passed, "All checks passed:") + f" {_plural(self.files, 'file')} checked."
        if self.baselined:
            tail += f" {self.baselined} known in the baseline, not shown."
        if self.fixed:
            tail += f" Fixed {_plural(self.fixed, 'finding')}."
        if self.safe_fixable:
            tail += f" {self.safe_fixable} fixable with --fix."
        if self.unsafe_fixable:
            tail += f" {self.unsafe_fixable} more with --fix --unsafe-fixes."
        return tail


def summary_line(summary: RunSummary) -> str:
    return Totals.of(summary).line()


class Report:
    """A report written as the run goes: `file` for each file in run order (its findings sorted), `end`."""

    def __init__(self, write: Write) -> None:
        self.write = write

    def file(self, path: str, diagnostics: list[Diagnostic]) -> None:
        raise NotImplementedError

    def end(self, totals: Totals) -> None:
        pass


class TextReport(Report):
    """One line a finding, then the summary line; styled by `palette` (plain unless on a terminal)."""

    def __init__(self, write: Write, palette: Palette | None = None) -> None:
        super().__init__(write)
        self.palette = palette or Palette.plain()

    def file(self, path: str, diagnostics: list[Diagnostic]) -> None:
        if not diagnostics:
            return
        p = self.palette
        if not p.enabled:
            self.write("".join(f"{shown(d.path)}:{d.line}:{d.column}: {d.code} [{d.slug}] {shown(d.message)}"
                               f"{' [*]' if d.fix is not None and d.fix.safe else ''}\n" for d in diagnostics))
            return
        fixable = " " + p.paint(p.fixable, "[*]")
        self.write("".join(
            f"{p.paint(p.path, shown(d.path))}:{p.paint(p.position, f'{d.line}:{d.column}')}: "
            f"{p.paint(p.severity(d.severity), d.code)} [{d.slug}] {shown(d.message)}"
            f"{fixable if d.fix is not None and d.fix.safe else ''}\n" for d in diagnostics))

    def end(self, totals: Totals) -> None:
        self.write(totals.line(self.palette) + "\n")


class SummaryReport(Report):
    """--quiet: the summary line alone, and nothing at all for a run with nothing to say (no finding
    shown, nothing fixed)."""

    def __init__(self, write: Write, palette: Palette | None = None) -> None:
        super().__init__(write)
        self.palette = palette or Palette.plain()

    def file(self, path: str, diagnostics: list[Diagnostic]) -> None:
        pass

    def end(self, totals: Totals) -> None:
        if totals.findings or totals.fixed:
            self.write(totals.line(self.palette) + "\n")


class StatisticsReport(Report):
    """A count per rule, most frequent first. Text: one line a rule (count, code, slug, [*] when some are
    fixable), then the summary line. JSON: a list of {"code", "rule", "count", "fixable"}, where
    "fixable" is how many of them --fix fixes. Keeps one counter a rule, not the findings."""

    def __init__(self, write: Write, palette: Palette | None = None, *, as_json: bool = False,
                 quiet: bool = False) -> None:
        super().__init__(write)
        self.palette = palette or Palette.plain()
        self.as_json = as_json
        self.quiet = quiet
        self.counts: Counter[tuple[str, str]] = Counter()
        self.fixable: Counter[tuple[str, str]] = Counter()

    def file(self, path: str, diagnostics: list[Diagnostic]) -> None:
        for d in diagnostics:
            self.counts[d.code, d.slug] += 1
            if d.fix is not None and d.fix.safe:
                self.fixable[d.code, d.slug] += 1

    def end(self, totals: Totals) -> None:
        rows = sorted(self.counts.items(), key=lambda item: (-item[1], item[0]))
        if self.as_json:
            self.write(json.dumps([{"code": code, "rule": slug, "count": count, "fixable": self.fixable[code, slug]}
                                   for (code, slug), count in rows], indent=2) + "\n")
            return
        if self.quiet and not (totals.findings or totals.fixed):
            return
        p = self.palette
        mark = "  " + p.paint(p.fixable, "[*]")
        self.write("".join(f"{count:>6}  {p.paint(p.summary, code)}  {slug}{mark if self.fixable[code, slug] else ''}\n"
                           for (code, slug), count in rows) + totals.line(p) + "\n")


_QUOTED_LABEL = {severity: f'"{severity.label}"' for severity in Severity}  # (Severity.label is an enum property)
_SAFE, _UNSAFE = '"safe"', '"unsafe"'  # Fix.applicability, quoted


class JsonReport(Report):
    """A JSON array of `Diagnostic.to_dict()`, one finding a line. Written out field by field with the
    C string encoder: the same text as json.dumps of each dict (a test holds them together), in less
    than half the time (~30 ms for 15,000 findings instead of ~65)."""

    def __init__(self, write: Write) -> None:
        super().__init__(write)
        self.started = False

    def file(self, path: str, diagnostics: list[Diagnostic]) -> None:
        if not diagnostics:
            return
        from json.encoder import encode_basestring as quote  # the C function where there is one

        rows = []
        path_seen = quoted_path = None  # (the findings of one file share their path: quoted once)
        for d in diagnostics:
            if d.path is not path_seen:
                path_seen, quoted_path = d.path, quote(d.path)
            fix = d.fix
            rows.append(
                f'{{"path": {quoted_path}, "line": {d.line}, "column": {d.column}, "end_line": {d.end_line}, '
                f'"end_column": {d.end_column}, "code": {quote(d.code)}, "rule": {quote(d.slug)}, '
                f'"severity": {_QUOTED_LABEL[d.severity]}, "message": {quote(d.message)}, "fixable": '
                + ('false, "fix": null}' if fix is None else
                   f'true, "fix": {{"description": {quote(fix.description)}, '
                   f'"applicability": {_SAFE if fix.safe else _UNSAFE}}}}}'))
        self.write(jsontext.safe((",\n" if self.started else "[\n") + ",\n".join(rows)))
        self.started = True

    def end(self, totals: Totals) -> None:
        self.write("\n]\n" if self.started else "[]\n")


def _github_escape(value: str, *, property_value: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


class GithubReport(Report):
    """GitHub Actions workflow commands: annotations on the pull request's files."""

    def file(self, path: str, diagnostics: list[Diagnostic]) -> None:
        lines = []
        for d in diagnostics:
            properties = ",".join([
                f"file={_github_escape(d.path, property_value=True)}", f"line={d.line}", f"col={d.column}",
                f"endLine={d.end_line}", f"endColumn={d.end_column}",
                f"title={_github_escape(f'{d.code} [{d.slug}]', property_value=True)}",
            ])
            lines.append(f"::{_GITHUB_LEVEL[d.severity]} {properties}::{_github_escape(shown(d.message, lines=True))}\n")
        if lines:
            self.write("".join(lines))


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_RESULTS_MARK = "\x00results\x00"  # where the results go in the log's text (no other string has a NUL)
_RESULT_INDENT = " " * 8  # a result's depth: {"runs": [{"results": [ here


class SarifReport(Report):
    """SARIF 2.1.0: one run, the selected rules with their documentation, one result a finding; the text
    json.dumps(log, indent=2) makes, with each result written as its file arrives."""

    def __init__(self, write: Write, rules: Iterable[Any]) -> None:
        super().__init__(write)
        rules = sorted(rules, key=lambda rule: rule.code)
        self.index = {rule.code: position for position, rule in enumerate(rules)}
        descriptors = [{
            "id": rule.code,
            "name": rule.slug,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.doc.strip()},
            "help": {"text": rule.doc.strip()},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
            "properties": {"fix": rule.fix or "none"},
        } for rule in rules]
        log = {
            "$schema": SARIF_SCHEMA_URI,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {"name": "guidelint", "version": __version__, "semanticVersion": __version__,
                                    "rules": descriptors}},
                "results": _RESULTS_MARK,
            }],
        }
        self.head, self.tail = jsontext.indented(log).split(json.dumps(_RESULTS_MARK))
        self.started = False

    def file(self, path: str, diagnostics: list[Diagnostic]) -> None:
        if not diagnostics:
            return
        results = []
        for d in diagnostics:
            result: dict[str, Any] = {
                "ruleId": d.code,
                "level": _SARIF_LEVEL[d.severity],
                "message": {"text": d.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": d.path.replace("\\", "/")},
                    "region": {"startLine": d.line, "startColumn": d.column, "endLine": d.end_line,
                               "endColumn": d.end_column},
                }}],
                "partialFingerprints": {"guidelint/v1": d.fingerprint},
            }
            if d.code in self.index:
                result["ruleIndex"] = self.index[d.code]
            results.append(_RESULT_INDENT + jsontext.indented(result).replace("\n", "\n" + _RESULT_INDENT))
        self.write((",\n" if self.started else self.head + "[\n") + ",\n".join(results))
        self.started = True

    def end(self, totals: Totals) -> None:
        self.write(("\n      ]" if self.started else self.head + "[]") + self.tail + "\n")


class JunitReport(Report):
    """JUnit XML: one test case a file. A file fails when it has a finding at or above its failing
    severity (`fail_on`, its settings' fail-on: error unless configured or --fail-on); the failure lists
    all its findings. A file whose findings are all below it passes, its findings in <system-out>.
    The header counts failures, so the test cases wait in a temporary file (in memory while small)."""

    def __init__(self, write: Write, fail_on: FailOn = _default_fail_on) -> None:
        super().__init__(write)
        import tempfile

        self.fail_on = fail_on
        self.body: IO[str] = tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", encoding="utf-8",
                                                           newline="\n")
        self.tests = 0
        self.failures = 0

    def file(self, path: str, diagnostics: list[Diagnostic]) -> None:
        from xml.sax.saxutils import escape, quoteattr  # imported here: it costs a start-up of its own

        self.tests += 1
        if not diagnostics:
            self.body.write(f'    <testcase classname="guidelint" name={quoteattr(_xml_text(path))}/>\n')
            return
        body = escape("\n".join(f"{d.line}:{d.column}: {d.code} [{d.slug}] {d.severity.label}: {_xml_text(d.message)}"
                                for d in diagnostics))
        threshold = self.fail_on(path)
        lines = [f'    <testcase classname="guidelint" name={quoteattr(_xml_text(path))}>\n']
        if any(d.severity >= threshold for d in diagnostics):
            self.failures += 1
            lines.append(f'      <failure type="guidelint" message={quoteattr(_plural(len(diagnostics), "finding"))}>'
                         f"{body}</failure>\n")
        else:
            lines.append(f"      <system-out>{body}</system-out>\n")
        lines.append("    </testcase>\n")
        self.body.write("".join(lines))

    def end(self, totals: Totals) -> None:
        self.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                   f'<testsuites name="guidelint" tests="{self.tests}" failures="{self.failures}">\n'
                   f'  <testsuite name="guidelint" tests="{self.tests}" failures="{self.failures}" errors="0" '
                   'skipped="0">\n')
        self.body.seek(0)
        while True:
            chunk = self.body.read(1 << 16)
            if not chunk:
                break
            self.write(chunk)
        self.body.close()
        self.write("  </testsuite>\n</testsuites>\n")


def make(name: str, write: Write, *, rules: Iterable[Any] = (), fail_on: FailOn = _default_fail_on,
         palette: Palette | None = None) -> Report:
    """The report called `name` (a --format), writing to `write`."""
    if name == "text":
        return TextReport(write, palette)
    if name == "json":
        return JsonReport(write)
    if name == "github":
        return GithubReport(write)
    if name == "sarif":
        return SarifReport(write, rules)
    if name == "junit":
        return JunitReport(write, fail_on)
    raise ValueError(f"unknown format {name!r}")


def _groups(summary: RunSummary, *, every_path: bool) -> Iterator[tuple[str, list[Diagnostic]]]:
    """A summary's findings by file: in their order, consecutive ones of a file together; with
    `every_path`, one group for every file (summary.paths too), sorted by path."""
    if not every_path:
        for path, group in itertools.groupby(summary.diagnostics, key=lambda d: d.path):
            yield path, list(group)
        return
    by_path: dict[str, list[Diagnostic]] = {path: [] for path in summary.paths}
    for d in summary.diagnostics:
        by_path.setdefault(d.path, []).append(d)
    for path in sorted(by_path):
        yield path, by_path[path]


def report(name: str, summary: RunSummary, *, palette: Palette | None = None) -> str:
    """The whole report `name` of a finished run, as one string."""
    parts: list[str] = []
    stream = make(name, parts.append, rules=summary.rules, fail_on=summary.fail_on, palette=palette)
    for path, group in _groups(summary, every_path=name == "junit"):
        stream.file(path, group)
    stream.end(Totals.of(summary))
    return "".join(parts)


def text(summary: RunSummary) -> str:
    return report("text", summary)


def json_report(summary: RunSummary) -> str:
    return report("json", summary)


def github(summary: RunSummary) -> str:
    return report("github", summary)


def sarif(summary: RunSummary) -> str:
    return report("sarif", summary)


def junit(summary: RunSummary) -> str:
    return report("junit", summary)


def statistics(summary: RunSummary, *, as_json: bool = False) -> str:
    parts: list[str] = []
    stream = StatisticsReport(parts.append, as_json=as_json)
    stream.file("", summary.diagnostics)
    stream.end(Totals.of(summary))
    return "".join(parts)


REPORTERS: dict[str, Callable[[RunSummary], str]] = {
    "text": text, "json": json_report, "github": github, "sarif": sarif, "junit": junit,
}

__all__ = ["REPORTERS", "Report", "RunSummary", "Totals", "make", "report", "statistics", "summary_line"]
