"""The command line: thin click commands over the linter, fixer and reporters."""
from __future__ import annotations

import enum
import errno
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__, colour
from .errors import ConfigError


class ExitCode(enum.IntEnum):
    OK = 0  # no finding at or above the failing severity (or --exit-zero)
    FINDINGS = 1  # findings at or above the failing severity; --diff: there is a diff
    USAGE = 2  # usage or config error: unknown rule, bad path, invalid config, unreadable schema


EXIT_HELP = """\b
Exit codes:
  0  no finding at or above the failing severity (default: error)
  1  findings at or above the failing severity (with --diff: files would change)
  2  usage or configuration error (unknown rule, missing path, invalid config or
     schema, no file to check in the given paths), or a file that could not be written
  130, 143  interrupted (Ctrl-C, SIGTERM)
  141  the reader of the output went away (a closed pipe)"""


def _names(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _fail(message: str) -> None:
    click.echo(f"guidelint: error: {message}", err=True)
    sys.exit(ExitCode.USAGE)


class _Main(click.Group):
    """The entry point: Ctrl-C, SIGTERM and a closed pipe end a run as they end Unix tools (see
    interrupts); an error in the per-file step ends it with one line."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        from . import interrupts

        # with arguments: called by Python code (tests), whose signal handlers must come back afterwards,
        # and whose process goes on
        if args or kwargs:
            return interrupts.main(lambda: super(_Main, self).main(*args, **kwargs), restore=True)
        interrupts.exit_quickly(lambda: interrupts.main(lambda: super(_Main, self).main(), restore=False))

    def invoke(self, ctx: click.Context) -> Any:
        from .interrupts import closed_pipe_ends_run
        from .pool import WorkerError

        with closed_pipe_ends_run():
            try:
                return super().invoke(ctx)
            except WorkerError as error:
                _fail(str(error))


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_HELP)
@click.version_option(__version__, prog_name="guidelint")
def main() -> None:
    """Lint, fix and export Markdown interview-preparation guides."""
    import warnings

    from .configfile import ConfigWarning

    def show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
        if issubclass(category, ConfigWarning):
            click.echo(f"guidelint: warning: {message}", err=True)
        else:
            default_show(message, category, *args, **kwargs)

    default_show = warnings.showwarning
    warnings.showwarning = show


# a plain string, not click.File: '-' is standard input, and an unreadable file is a one-line error (exit 2)
FILES_FROM = click.option("--files-from", metavar="FILE", default=None,
                          help="Also take the paths listed in FILE, one a line ('-': standard input).")


def _with_files_from(paths: tuple[str, ...], files_from: str | None) -> tuple[str, ...]:
    """The command line's paths, then those FILE lists: one a line, blank lines skipped, nothing else
    stripped (a name may end in a space); bytes that are not UTF-8 are kept as the file system's."""
    if files_from is None:
        return paths
    try:
        if files_from == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(files_from, "rb") as handle:
                data = handle.read()
    except OSError as error:
        raise ConfigError(f"cannot read --files-from {files_from}: {error.strerror or error}") from None
    listed = tuple(os.fsdecode(line[:-1] if line.endswith(b"\r") else line)
                   for line in data.split(b"\n") if line.strip())
    return paths + listed


def _nothing_listed(files_from: str) -> int:
    """--files-from gave no path at all (a hook on a commit with no guide in it): not the working folder."""
    click.echo(f"guidelint: nothing to check: {'standard input' if files_from == '-' else files_from} "
               "lists no paths", err=True)
    return ExitCode.OK


def _check_options(function: Any) -> Any:
    options = [
        click.argument("paths", nargs=-1, type=click.Path()),
        FILES_FROM,
        click.option("--select", multiple=True, help="Only these rules (codes, slugs, code prefixes, ALL)."),
        click.option("--extend-select", multiple=True, help="Enable these rules on top of the defaults."),
        click.option("--ignore", multiple=True, help="Skip these rules (codes or slugs)."),
        click.option("--format", "output_format", type=click.Choice(["text", "json", "github", "sarif", "junit"]),
                     default="text", show_default=True, help="Output format."),
        click.option("-o", "--output-file", type=click.Path(dir_okay=False), default=None,
                     help="Write the report there (in --format, never coloured); the terminal still gets the "
                          "text report (with --quiet: its summary line)."),
        click.option("--statistics", is_flag=True,
                     help="Print a count per rule instead of each finding (--format text or json)."),
        click.option("-q", "--quiet", is_flag=True,
                     help="Print only the summary line of the text report, and nothing when there is "
                          "nothing to report; the exit code is the same."),
        click.option("--color", "color", type=click.Choice(colour.CHOICES), default="auto",
                     show_default=True,
                     help="Colour the text report and diffs: auto is on a terminal only, unless NO_COLOR "
                          "or FORCE_COLOR is set (non-empty)."),
        click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False), default=None,
                     help="Report only findings that are not in this baseline file."),
        click.option("--write-baseline", type=click.Path(dir_okay=False), default=None,
                     help="Record the current findings in this file and exit 0."),
        click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
                     help="Lowest severity that fails the run [default: error]."),
        click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
                     help="Config file for every file (default: the nearest guidelint.toml or pyproject.toml "
                          "above each file)."),
        click.option("--force-exclude", is_flag=True,
                     help="Apply 'exclude' to files named on the command line too (pre-commit hooks use it)."),
        click.option("--stdin", "from_stdin", is_flag=True,
                     help="Read one file from standard input (also: the path '-'); with --fix, print it fixed."),
        click.option("--stdin-filename", default=None,
                     help="With --stdin: lint the text as if it were this file (its config, collection, ignores)."),
        click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: also apply unsafe fixes."),
        click.option("--diff", is_flag=True, help="Print what --fix would change; write nothing."),
        click.option("--fix-only", is_flag=True, help="Fix, and do not report what remains."),
        click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
                     help="Worker processes [default: all cores]; --jobs 1 runs in one process."),
        click.option("--no-cache", is_flag=True, envvar="GUIDELINT_NO_CACHE",
                     help="Do not read or write the result cache."),
        # a plain string: click.Path would stat it (and fail the run on a file there) even with --no-cache
        click.option("--cache-dir", metavar="DIR", default=None, envvar="GUIDELINT_CACHE_DIR",
                     help="Where lint results are cached [default: .guidelint_cache in the project root] "
                          "(a folder; a run goes on without one it cannot use)."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@main.command(epilog=EXIT_HELP)
@_check_options
@click.option("--fix", is_flag=True, help="Apply safe fixes (atomically), then report what remains.")
def check(**kwargs: Any) -> None:
    """Lint guides: files and folders (*.md, *.markdown) [default: .]."""
    sys.exit(_run_batch(**kwargs))


@main.command(epilog=EXIT_HELP)
@_check_options
def fix(**kwargs: Any) -> None:
    """Fix guides in place: the same as `check --fix`."""
    sys.exit(_run_batch(fix=True, **kwargs))


def _run_batch(**kwargs: Any) -> int:
    """`_run` with the collector tuned: a run keeps what it makes (its findings) until it prints them.
    The caller's collector settings come back afterwards (tests run the CLI in their own process)."""
    from .runner import gc_tuned

    with gc_tuned():
        return _run(**kwargs)


def _build_project(config_path: str | None, *, select: tuple[str, ...] = (), extend_select: tuple[str, ...] = (),
                   ignore: tuple[str, ...] = (), fail_on: str | None = None, force_exclude: bool = False) -> Any:
    """The project of this run: settings per file, with the command line's layer on top of each."""
    from .config import Overrides, resolve_rules
    from .diagnostics import Severity
    from .project import Project

    overrides = Overrides(select=_names(select) or None, extend_select=_names(extend_select),
                          ignore=_names(ignore), fail_on=Severity.parse(fail_on) if fail_on else None,
                          force_exclude=force_exclude)
    for names in (overrides.select or (), overrides.extend_select, overrides.ignore):
        resolve_rules(names)
    return Project(config_path=config_path, overrides=overrides)


def _no_files(paths: tuple[str, ...], excluded: int) -> int:
    """A run that found nothing to check: fine when configuration excluded what it found (a hook given
    only README.md), an error when the paths hold no file guidelint would check (a CI gate on the wrong
    folder, or on .mdx pages without extend-include) - never a silent success."""
    where = " ".join(paths)
    if excluded:
        click.echo(f"guidelint: nothing to check in {where}: {excluded} file{'s' if excluded != 1 else ''} "
                   "excluded by configuration", err=True)
        return ExitCode.OK
    click.echo(f"guidelint: error: no files to check in {where} (folders yield the files that 'include' "
               "and 'extend-include' name: *.md and *.markdown by default)", err=True)
    return ExitCode.USAGE


def _run(paths: tuple[str, ...], select: tuple[str, ...], extend_select: tuple[str, ...],
         ignore: tuple[str, ...], output_format: str, fail_on: str | None, exit_zero: bool,
         config_path: str | None, unsafe_fixes: bool, diff: bool, fix_only: bool, jobs: int | None,
         no_cache: bool, cache_dir: str | None, output_file: str | None, statistics: bool, baseline_path: str | None,
         write_baseline: str | None, force_exclude: bool, from_stdin: bool, stdin_filename: str | None,
         files_from: str | None = None, fix: bool = False, quiet: bool = False, color: str = "auto") -> int:
    from .cache import CacheUnavailable, ResultCache
    from .runner import Mode

    mode = Mode(fix=fix or fix_only, diff=diff, unsafe=unsafe_fixes)
    try:
        project = _build_project(config_path, select=select, extend_select=extend_select, ignore=ignore,
                                 fail_on=fail_on, force_exclude=force_exclude)
        if files_from is not None:
            if files_from == "-" and (from_stdin or paths == ("-",)):
                raise ConfigError("--files-from - and --stdin both read standard input: give one")
            paths = _with_files_from(paths, files_from)
            if not paths:
                return _nothing_listed(files_from)
        if from_stdin or paths == ("-",):
            if paths and paths != ("-",):
                raise ConfigError("--stdin reads one file: give no paths (or '-')")
            unsupported = [name for name, given in (("--output-file", output_file), ("--statistics", statistics),
                                                    ("--baseline", baseline_path),
                                                    ("--write-baseline", write_baseline)) if given]
            if unsupported:  # said, not silently dropped: the report would not be where it was asked
                raise ConfigError(f"--stdin prints its report on standard output: {', '.join(unsupported)} "
                                  "works on files only")
            code = _run_stdin(project, stdin_filename, mode, output_format, color=color, quiet=quiet)
            return ExitCode.OK if exit_zero and code == ExitCode.FINDINGS else code
        if stdin_filename:
            raise ConfigError("--stdin-filename needs --stdin (or the path '-')")
        if statistics and not output_file and output_format not in ("text", "json"):
            raise ConfigError(f"--statistics prints text or json, not {output_format} "
                              f"(a {output_format} report can go to --output-file beside it)")
        selection = project.select_files(paths or (".",))
        known = None
        if baseline_path:
            from . import baseline

            known = baseline.load(baseline_path)
    except ConfigError as error:
        _fail(str(error))
    files = selection.files
    if not files:
        return _no_files(paths or (".",), selection.excluded)
    cache = None
    if not (no_cache or mode.fixing):
        try:
            cache = ResultCache.open(cache_dir or str((project.config.root or Path.cwd()) / ".guidelint_cache"))
        except CacheUnavailable as error:  # costs the cache, never the run: one warning line
            click.echo(f"guidelint: warning: result cache not used: {error}", err=True)
    return _report_run(project, files, mode, cache=cache, known=known, jobs=jobs, output_format=output_format,
                       output_file=output_file, statistics=statistics, write_baseline=write_baseline,
                       fix_only=fix_only, exit_zero=exit_zero, quiet=quiet, color=color)


def _report_run(project: Any, files: list[str], mode: Any, *, cache: Any, known: Any, jobs: int | None,
                output_format: str, output_file: str | None, statistics: bool, write_baseline: str | None,
                fix_only: bool, exit_zero: bool, quiet: bool, color: str) -> int:
    """Run over `files` and report file by file as the results arrive (in the order of `files`, which
    select_files sorts: each file's findings sorted make the whole report sorted, as it was when
    the run gathered every finding and sorted them at the end). What is kept is counts, the corpus rules'
    first file of each key and the baseline's counters; a --write-baseline run keeps its findings."""
    import warnings

    from . import colour, reporters
    from .interrupts import write_out
    from .report_stream import ReportFile, ReportFileError, Terminal
    from .runner import CorpusFindings, Progress, default_jobs, run

    progress = Progress(len(files))
    terminal = Terminal(progress)
    palette = colour.Palette.choose(colour.wanted(color, sys.stdout))
    totals = reporters.Totals(files=len(files))
    corpus = CorpusFindings(project)
    filtering = None
    if known is not None:
        from .baseline import NewFindings

        filtering = NewFindings(known, key=_project_path(project))
    kept: list[Any] | None = [] if write_baseline else None
    streams: list[Any] = []
    report_file = None
    if not (mode.diff or write_baseline):
        def fail_on(path: str) -> Any:
            return project.config_for(path).fail_on

        rules: dict[str, Any] = {}
        if output_format == "sarif":
            rules = {rule.code: rule for path in files for rule in project.for_path(path).config.enabled_rules()}
        terminal_format = output_format
        if output_file:
            try:
                report_file = ReportFile(output_file)
            except OSError as error:
                if cache is not None:
                    cache.close()
                _fail(f"cannot write {output_file}: {error.strerror or error}")
            streams.append(reporters.make(output_format, report_file.write, rules=rules.values(), fail_on=fail_on))
            terminal_format = "text"
        if fix_only:
            pass
        elif statistics:
            streams.append(reporters.StatisticsReport(terminal.write, palette, as_json=terminal_format == "json",
                                                      quiet=quiet))
        elif quiet and terminal_format == "text":
            streams.append(reporters.SummaryReport(terminal.write, palette))
        else:
            streams.append(reporters.make(terminal_format, terminal.write, rules=rules.values(), fail_on=fail_on,
                                          palette=palette if terminal_format == "text" else None))
    diff_found = False
    write_failed = False
    default_show = warnings.showwarning

    def show_above(*args: Any, **kwargs: Any) -> None:  # a config warning met during the run
        with progress.above():
            default_show(*args, **kwargs)

    warnings.showwarning = show_above
    try:
        for position, outcome in enumerate(run(project, files, mode, jobs=jobs or default_jobs(), cache=cache,
                                               progress=progress)):
            if outcome.diff or outcome.messages:
                terminal.flush()
                with progress.above():
                    if outcome.diff:
                        diff_found = True
                        write_out(palette.diff(outcome.diff))
                    for message in outcome.messages:
                        click.echo(message, err=True)
            totals.fixed += outcome.fixed
            write_failed = write_failed or outcome.write_failed
            diagnostics = outcome.diagnostics
            if outcome.corpus:
                # (the run's own string for the path: the corpus keeps one for each first of a key)
                found = corpus.add(files[position], outcome.corpus)
                if found:  # (a file's own findings come sorted from the linter)
                    diagnostics = sorted(diagnostics + found)
            if kept is not None:
                kept.extend(diagnostics)
                continue
            if filtering is not None:
                diagnostics = filtering.filter(diagnostics)
            if diagnostics:
                totals.add(diagnostics, fail_on=project.config_for(outcome.path).fail_on, count_unsafe=not mode.unsafe)
            for stream in streams:
                stream.file(outcome.path, diagnostics)
        progress.close()
    except ReportFileError as error:  # (the file removed its temporary file itself)
        progress.close()
        if cache is not None:
            cache.close()
        _fail(str(error))
    except BaseException:
        if report_file is not None:
            report_file.abort()
        if cache is not None:  # (closed here and above, not left to the process's end, which skips teardown)
            cache.close()
        raise
    finally:
        warnings.showwarning = default_show
    if cache is not None:
        problem = cache.save()
        if problem is not None:
            click.echo(f"guidelint: warning: {problem}", err=True)
    if kept is not None:
        return _write_baseline(project, write_baseline, kept, len(files))
    if mode.diff:
        return ExitCode.FINDINGS if diff_found and not exit_zero else ExitCode.OK
    totals.baselined = filtering.hidden if filtering is not None else 0
    try:
        for stream in streams:
            stream.end(totals)
        if report_file is not None:
            report_file.close()
        terminal.flush()
    except ReportFileError as error:
        _fail(str(error))
    except BaseException:
        if report_file is not None:
            report_file.abort()
        raise
    if fix_only and totals.fixed:
        click.echo(f"Fixed {totals.fixed} finding{'s' if totals.fixed != 1 else ''}.", err=True)
    if write_failed:
        return ExitCode.USAGE
    if fix_only or exit_zero:
        return ExitCode.OK
    return ExitCode.FINDINGS if totals.failing else ExitCode.OK


def _write_baseline(project: Any, path: str, diagnostics: list[Any], files: int) -> int:
    from . import baseline

    diagnostics.sort()
    try:
        baseline.write(path, diagnostics, key=_project_path(project))
    except OSError as error:
        _fail(f"cannot write baseline {path}: {error.strerror or error}")
    click.echo(f"Wrote {len(diagnostics)} finding{'s' if len(diagnostics) != 1 else ''} "
               f"from {files} file{'s' if files != 1 else ''} to {path}.", err=True)
    return ExitCode.OK


def _failing(project: Any, diagnostics: list[Any]) -> bool:
    """Whether a finding is at or above the failing severity of its own file's settings."""
    return any(d.severity >= project.config_for(d.path).fail_on for d in diagnostics)


def _project_path(project: Any) -> Any:
    """A finding's path as baselines keep it: relative to its project root, whatever the working folder."""
    def key(path: str) -> str:
        return project.config_for(path).relative(path)

    return key


def _run_stdin(project: Any, stdin_filename: str | None, mode: Any, output_format: str, *, color: str = "auto",
               quiet: bool = False) -> int:
    """One file from standard input, linted as `stdin_filename` (ruff's convention: with --fix the fixed
    text goes to stdout and the report to stderr)."""
    from . import colour
    from .reporters import RunSummary, SummaryReport, Totals, report
    from .source import decode

    path = stdin_filename or "-"
    linter = project.for_path(path)
    config = project.config_for(path)
    limit = linter.config.max_file_size
    data = sys.stdin.buffer.read(limit + 1)
    excluded = stdin_filename is not None and config.force_exclude and config.excludes(path)
    if excluded:
        if mode.fixing:
            sys.stdout.buffer.write(data)
        return ExitCode.OK
    source = decode(data, path, max_bytes=limit)
    if mode.fixing:
        from .fixer import fix_source

        fixed = fix_source(linter, source, unsafe=mode.unsafe)
        for message in fixed.refused:
            click.echo(f"{path}: fix refused: {message}", err=True)
        if mode.diff:
            from .runner import unified_diff

            if fixed.changed:
                palette = colour.Palette.choose(colour.wanted(color, sys.stdout))
                click.echo(palette.diff(unified_diff(source.text, fixed.text, path)), nl=False, color=True)
                return ExitCode.FINDINGS
            return ExitCode.OK
        sys.stdout.buffer.write(fixed.to_bytes() if source.problem is None else data)
        diagnostics = fixed.remaining
        fixed_count = len(fixed.applied)
    else:
        diagnostics = linter.lint_source(source).diagnostics
        fixed_count = 0
    summary = RunSummary(files=1, diagnostics=diagnostics, unsafe_fixable=sum(
        1 for d in diagnostics if d.fix is not None and not d.fix.safe and not mode.unsafe), fixed=fixed_count,
        paths=(path,), rules=tuple(linter.config.enabled_rules()), baselined=0,
        fail_on=lambda _: config.fail_on)
    palette = colour.Palette.choose(output_format == "text" and colour.wanted(color, sys.stderr if mode.fix else sys.stdout))
    if quiet and output_format == "text":
        parts: list[str] = []
        SummaryReport(parts.append, palette).end(Totals.of(summary))
        text = "".join(parts)
    else:
        text = report(output_format, summary, palette=palette)
    click.echo(text, nl=False, err=mode.fix, color=True)
    return ExitCode.FINDINGS if _failing(project, diagnostics) else ExitCode.OK


@main.command(epilog="""\b
Exit codes:
  0  every file was exported
  1  some files were left out (error findings, or not guides at all); they are listed on stderr
  2  usage or configuration error""")
@click.argument("paths", nargs=-1, type=click.Path())
@FILES_FROM
@click.option("-o", "--output", type=click.Path(), default=None,
              help="Write here (atomically) instead of stdout; required for parquet. With --engine ray: a new or "
                   "empty folder, or a URL (s3://...), for the Parquet files (written as they are made, not "
                   "atomically: a failed run leaves the parts done).")
@click.option("--format", "output_format", type=click.Choice(["jsonl", "json", "parquet"]), default=None,
              help="[default: jsonl; parquet with --engine ray]")
@click.option("--unit", type=click.Choice(["guide", "question"]), default="guide", show_default=True,
              help="One record per guide, or per question with its guide's metadata.")
@click.option("--keep-markdown", is_flag=True, help="Keep inline Markdown instead of plain text.")
@click.option("--include-invalid", is_flag=True, help="Export guides with error findings too, with their issues.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes [default: all cores]; the output is the same whatever N.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="ray: Ray Data (pip install 'guidelint[ray]'), Parquet files in the folder or URL -o names.")
@click.option("--ray-address", default=None, metavar="ADDRESS",
              help="The Ray cluster to run on (ray://host:10001, or 'auto'); default: $RAY_ADDRESS, else a "
                   "local Ray with -j CPUs.")
def export(**kwargs: Any) -> None:
    """Export guides as a normalized dataset (safe fixes applied in memory first)."""
    from .runner import gc_tuned

    with gc_tuned():
        _export(**kwargs)


def _export(paths: tuple[str, ...], output: str | None, output_format: str | None, unit: str, keep_markdown: bool,
            include_invalid: bool, config_path: str | None, jobs: int | None, files_from: str | None = None,
            engine: str = "local", ray_address: str | None = None) -> None:
    from .api import CorpusReducer
    from .export import ExportOptions, SeenIds, export_one, question_records, with_corpus_issues
    from .runner import Progress, default_jobs, parallel_map

    if engine == "ray" and output_format not in (None, "parquet"):
        _fail("--engine ray writes parquet only")
    if ray_address and engine != "ray":
        _fail("--ray-address needs --engine ray")
    output_format = output_format or ("parquet" if engine == "ray" else "jsonl")
    try:
        project = _build_project(config_path)
        if files_from is not None:
            paths = _with_files_from(paths, files_from)
            if not paths:
                sys.exit(_nothing_listed(files_from))
        selection = project.select_files(paths or (".",))
        # guides only: pages of other kinds are neither exported nor "left out"
        files = [path for path in selection.files if project.for_path(path).config.kind == "guide"]
        if not files:
            sys.exit(_no_files(paths or (".",), selection.excluded + len(selection.files)))
        if output_format == "parquet" and output is None:
            raise ConfigError("--engine ray needs -o FOLDER (or URL)" if engine == "ray" else "--format parquet needs -o FILE")
        if engine != "ray" and output is not None and os.path.isdir(output):
            raise ConfigError(f"{output}: is a directory (-o names the file to write)")
        if engine == "ray":
            from . import ray_export

            left_out = ray_export.export(project, files, output, unit=unit, keep_markdown=keep_markdown,
                                         include_invalid=include_invalid, jobs=jobs, address=ray_address)
            sys.exit(ExitCode.FINDINGS if left_out else ExitCode.OK)
        if output_format == "parquet":
            from . import parquet

            parquet.schema(unit)  # fails early when pyarrow is missing
    except ConfigError as error:
        _fail(str(error))
    from .export_writer import ExportWriter

    options = ExportOptions(keep_markdown=keep_markdown, include_invalid=include_invalid,
                            encode=output_format == "jsonl" and unit == "guide" and not include_invalid)
    seen = SeenIds()
    corpus = CorpusReducer()  # files come in run order: a file's corpus findings are known when it comes
    left_out = 0
    progress = Progress(len(files))
    writer: ExportWriter | None = None  # made inside the try: a signal just after it still aborts it
    try:
        writer = ExportWriter(output, output_format, unit)
        for outcome in parallel_map(export_one, project, files, options, jobs=jobs or default_jobs()):
            progress.step()
            found = corpus.add(outcome.relative, outcome.corpus, outcome.corpus_severity)
            if not outcome.exported:
                left_out += 1
                what = "not a guide" if outcome.skipped == "not-a-guide" else "invalid"
                with progress.above():
                    click.echo(f"{outcome.path}: skipped ({what}: {outcome.reason})", err=True)
                continue
            record_id = outcome.record_id if outcome.encoded is not None else outcome.record["id"]
            first = seen.clash(record_id, outcome.path)
            if first is not None:  # same term and project-relative path, under two project roots
                left_out += 1
                with progress.above():
                    click.echo(f"{outcome.path}: skipped (duplicate id {record_id}: {first} has it)", err=True)
                continue
            if outcome.encoded is not None:
                writer.add_line(outcome.encoded)
                continue
            record = with_corpus_issues(outcome.record, found)
            for item in (question_records(record) if unit == "question" else [record]):
                writer.add(item)
    except OSError as error:  # the output cannot take more (disk full, gone): nothing half-written stays
        if writer is not None:
            writer.abort()
        if error.errno == errno.EPIPE:
            raise  # the reader of stdout is gone (`| head`): the run ends quietly
        _fail(f"cannot write {output or 'the output'}: {error.strerror or error}")
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    progress.close()
    try:
        writer.close()
    except OSError as error:
        writer.abort()
        if error.errno == errno.EPIPE:
            raise
        _fail(f"cannot write {output or 'the output'}: {error.strerror or error}")
    if left_out:
        click.echo(f"{left_out} of {len(files)} file{'s' if len(files) != 1 else ''} left out.", err=True)
    sys.exit(ExitCode.FINDINGS if left_out else ExitCode.OK)


@main.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_command(output_format: str) -> None:
    """List every rule: code, slug, default severity, fix, on by default, summary."""
    from .rules import REGISTRY

    rows = [{"code": r.code, "rule": r.slug, "severity": r.severity.label, "fix": r.fix, "enabled": r.enabled,
             "summary": r.summary} for r in REGISTRY.values()]
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        fixable = row["fix"] or "-"
        state = "" if row["enabled"] else " (off by default)"
        click.echo(f"{row['code']}  {row['rule']:<26} {row['severity']:<8} fix:{fixable:<7} {row['summary']}{state}")


@main.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Print a rule's documentation (by code or slug)."""
    from .config import resolve_rules
    from .rules import REGISTRY

    try:
        codes = resolve_rules([rule])
    except ConfigError as error:
        _fail(str(error))
    if len(codes) != 1:
        _fail(f"{rule!r} names {len(codes)} rules; name one")
    found = REGISTRY[codes[0]]
    state = "on" if found.enabled else "off"
    click.echo(f"{found.code} [{found.slug}]  severity: {found.severity.label}  fix: {found.fix or 'none'}  "
               f"default: {state}\n")
    click.echo(found.doc.strip())
    if found.explain_data is not None:
        try:
            project = _build_project(None)
            click.echo("\n" + found.explain_data(project.for_path(os.path.join(os.getcwd(), "-")).policy))
        except ConfigError as error:
            _fail(str(error))


@main.command("config")
@click.argument("path", required=False, type=click.Path())
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None)
def config_command(path: str | None, config_path: str | None) -> None:
    """Show the effective configuration and where each value comes from; with PATH, the settings that
    one file gets (its config, collection, kind and rules)."""
    from .resources import data_dir

    try:
        project = _build_project(config_path)
        config = project.config_for(path) if path else project.config
        linter = project.for_path(path) if path else None
    except ConfigError as error:
        _fail(str(error))
    click.echo(f"config file: {config.file or '(none found; defaults)'}")
    click.echo(f"project root: {config.root or Path.cwd()}")
    if path and linter is not None:
        effective = linter.config
        click.echo(f"file: {path} (as {config.relative(path)} in the project)")
        excluded = config.excludes(path)
        click.echo(f"excluded: {json.dumps(excluded)}"
                   + ("  # named on the command line it is still checked unless force-exclude" if excluded
                      and not config.force_exclude else ""))
        click.echo(f"collection: {effective.collection or '(none)'}")
        click.echo(f"kind: {effective.kind}")
        config = effective
    origins = config.origins
    values = {
        "select": list(config.select) if config.select is not None else "(rules on by default)",
        "extend-select": list(config.extend_select),
        "ignore": list(config.ignore),
        "fail-on": config.fail_on.label,
        "schema": str(config.schema or data_dir("schemas") / "guide.schema.json"),
        "rules-data": str(config.rules_data or data_dir("rules")),
        "max-file-size": config.max_file_size,
        "include": list(config.include),
        "exclude": list(config.exclude),
        "force-exclude": config.force_exclude,
        "default-kind": config.default_kind,
        "severity": {code: level.label for code, level in config.severity.items()},
        "options": {code: dict(options) for code, options in config.options.items()},
    }
    for key, value in values.items():
        click.echo(f"{key} = {json.dumps(value)}  # {origins.get(key, 'default')}")
    layer = config.overrides
    if layer.select is not None or layer.extend_select or layer.ignore:
        click.echo(f"command line = {json.dumps({'select': layer.select, 'extend-select': layer.extend_select, 'ignore': layer.ignore})}")
    if path:
        ignored = sorted(config.ignored_for(path))
        click.echo(f"per-file-ignores for this file = {json.dumps(ignored)}")
        enabled = [rule.code for rule in config.enabled_rules() if rule.code not in ignored]
    else:
        enabled = [rule.code for rule in config.enabled_rules()]
    click.echo(f"enabled rules = {json.dumps(enabled)}")
    if path:
        return
    for collection in config.collections:
        codes = [rule.code for rule in collection.config.enabled_rules()]
        click.echo(f"collection {collection.name}: include = {json.dumps(list(collection.include))}; "
                   f"kind = {collection.config.kind}; "
                   f"schema = {json.dumps(str(collection.config.schema or 'default'))}; "
                   f"rules-data = {json.dumps(str(collection.config.rules_data or 'default'))}; "
                   f"enabled rules = {json.dumps(codes)}")


def _needs_extra(command: str, modules: tuple[str, ...]) -> None:
    """Stop with one line naming the extra when the packages a server needs are not installed."""
    import importlib.util

    for module in modules:
        try:
            missing = importlib.util.find_spec(module) is None
        except (ImportError, ValueError):  # a parent package missing, or a module set to None
            missing = True
        if missing:
            _fail(f"guidelint {command} needs the '{module}' package: pip install 'guidelint[server]'")


@main.command()
def server() -> None:
    """Run the language server over stdio (for editors; needs the `server` extra)."""
    _needs_extra("server", ("pygls", "lsprotocol"))
    from .lsp import serve

    serve()


@main.command()
def mcp() -> None:
    """Run the MCP server over stdio (for writing agents; needs the `server` extra). Read-only."""
    _needs_extra("mcp", ("mcp",))
    from .mcp_server import serve

    serve()
