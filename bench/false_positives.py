"""Precision on real content: lint any folder of Markdown as a user would, count the findings per rule,
and list every finding of the rules that must stay silent on content that is not a broken guide.

    .venv/bin/python bench/false_positives.py /path/to/docs            # as plain Markdown pages
    .venv/bin/python bench/false_positives.py /path/to/docs --kind guide

It writes a config to a temporary folder (`default-kind`, `extend-include = ["*.mdx"]`) and runs the
installed `guidelint check --config ... --format json` on the folder, so the numbers are what a user of
that repository would see. Nothing in the folder is written (no cache either).
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Rules that flag a defect of a generated guide; on ordinary pages every finding of theirs is a
# candidate false alarm, worth reading one by one.
MUST_BE_SILENT = ("front-matter-syntax", "heading-increment", "empty-section", "generation-artifact",
                  "question-numbering")
_SUMMARY = re.compile(r"in (\d+) files? checked")


def _guidelint() -> str:
    beside = Path(sys.executable).with_name("guidelint")  # the venv this script runs in
    found = str(beside) if beside.exists() else shutil.which("guidelint")
    if not found:
        print("false_positives: error: no guidelint command (install the project: pip install -e .)", file=sys.stderr)
        raise SystemExit(2)
    return found


def _config(folder: Path, kind: str) -> Path:
    path = folder / "guidelint.toml"
    path.write_text(f'default-kind = "{kind}"\nextend-include = ["*.mdx"]\n', encoding="utf-8")
    return path


def run(target: Path, *, kind: str, select: str | None, jobs: int | None) -> tuple[int | None, list[dict]]:
    """(files checked, findings) of one guidelint run over `target`."""
    with tempfile.TemporaryDirectory(prefix="guidelint-fp-") as scratch:
        report = Path(scratch) / "report.json"
        command = [_guidelint(), "check", "--config", str(_config(Path(scratch), kind)), "--format", "json",
                   "--output-file", str(report), "--no-cache", "--exit-zero"]
        if select:
            command += ["--select", select]
        if jobs:
            command += ["--jobs", str(jobs)]
        done = subprocess.run([*command, str(target)], capture_output=True, text=True)
        if done.returncode != 0 or not report.exists():
            sys.stderr.write(done.stderr)
            print(f"false_positives: error: guidelint exited {done.returncode}", file=sys.stderr)
            raise SystemExit(2)
        findings = json.loads(report.read_text(encoding="utf-8"))
    summary = _SUMMARY.search(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "")
    return (int(summary.group(1)) if summary else None), findings


def _line(target: Path, path: str, number: int) -> str:
    file = Path(path) if os.path.isabs(path) else Path.cwd() / path
    if not file.exists():
        file = target / path
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return lines[number - 1].strip()[:110] if 0 < number <= len(lines) else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a folder of Markdown (.md, .markdown, .mdx)")
    parser.add_argument("--kind", choices=("markdown", "guide"), default="markdown",
                        help="lint the folder's files as this kind (default: markdown)")
    parser.add_argument("--select", help="passed to guidelint check --select (default: its defaults)")
    parser.add_argument("--silent", default=",".join(MUST_BE_SILENT),
                        help="rules whose every finding is listed (default: %(default)s)")
    parser.add_argument("--jobs", type=int, help="passed to guidelint check --jobs")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"{args.folder}: not a folder")
    files, findings = run(args.folder, kind=args.kind, select=args.select, jobs=args.jobs)
    silent = [name.strip() for name in args.silent.split(",") if name.strip()]

    per_rule = collections.Counter((f["code"], f["rule"]) for f in findings)
    per_file = {f["path"] for f in findings}
    print(f"{args.folder} as {args.kind}: {files if files is not None else '?'} files checked, "
          f"{len(findings)} findings in {len(per_file)} files")
    for (code, slug), count in sorted(per_rule.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {count:7}  {code}  {slug}{'  (must be silent)' if slug in silent else ''}")
    for slug in silent:
        listed = sorted((f for f in findings if f["rule"] == slug), key=lambda f: (f["path"], f["line"], f["column"]))
        print(f"\n{slug}: {len(listed)} findings")
        for f in listed:
            print(f"  {f['path']}:{f['line']}:{f['column']}: {f['message']}")
            text = _line(args.folder, f["path"], f["line"])
            if text:
                print(f"      | {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
