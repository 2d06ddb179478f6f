"""Instructions per guide, counted by valgrind (callgrind): a figure this shared machine cannot blur.

Wall times here move by 20% or more from run to run, with the other processes on the machine. An
instruction count is the same on every run of the same code and input, so it is the figure to compare
changes by, and the ratios between pipelines (guidelint check / the reference pipeline, export / check)
are measured without noise. It is not a time: cache misses and memory stalls are not counted.

    python bench/instructions.py [--files 40] [--ascii] [--corpus DIR]

The guides are the realistic corpus in bench/corpus (or the ASCII one in bench/corpus-ascii with
--ascii), generated there when it is missing.

Each pipeline runs in one process (no workers) under callgrind twice, over 0 files and over the first N
files of the corpus; the difference divided by N is its cost per guide, start-up excluded.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PIPELINES = ("reference", "check", "export")


def drive(pipeline: str, count: int, corpus: Path) -> None:
    """The measured process: set up `pipeline`, then run it over the first `count` guides."""
    files = [str(path) for path in sorted(corpus.glob("*.md"))[:count]]
    if pipeline == "reference":
        sys.path.insert(0, str(HERE))
        import reference

        for path in files:
            reference.one(path)
        return
    from guidelint.config import Config
    from guidelint.engine import Linter
    from guidelint.runner import Mode, process, tune_gc

    linter = Linter(Config())
    linter.prepare()
    tune_gc()  # as the CLI runs
    if pipeline == "check":
        mode = Mode(cache=True)  # computes the cache key, as a cold run with a cache does
        for path in files:
            process(linter, path, mode)
    else:
        from guidelint.export import ExportOptions, export_one

        options = ExportOptions(include_invalid=True, encode=True)  # as bench/run.py's export
        for path in files:
            export_one(linter, path, options)


def instructions(pipeline: str, count: int, corpus: Path) -> int:
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
                          __file__, "--drive", pipeline, str(count), "--corpus", str(corpus)],
                         capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", out.stderr)
    if found is None:
        raise SystemExit(f"no count from valgrind:\n{out.stderr[-2000:]}")
    return int(found.group(1))


def measure(count: int, corpus: Path) -> dict[str, float]:
    """Millions of instructions per guide for each pipeline."""
    return {pipeline: (instructions(pipeline, count, corpus) - instructions(pipeline, 0, corpus)) / count / 1e6
            for pipeline in PIPELINES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--corpus", type=Path, default=None,
                        help="default: bench/corpus (realistic guides) or bench/corpus-ascii (with --ascii)")
    parser.add_argument("--ascii", action="store_true", help="the plain ASCII corpus instead of realistic guides")
    parser.add_argument("--drive", nargs=2, metavar=("PIPELINE", "COUNT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    corpus: Path = args.corpus or HERE / ("corpus-ascii" if args.ascii else "corpus")
    if args.drive:
        drive(args.drive[0], int(args.drive[1]), corpus)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: no instruction counts")
    if args.corpus is None:
        sys.path.insert(0, str(HERE))
        from generate import ensure_corpus

        ensure_corpus(corpus, args.files, ascii_only=args.ascii, at_least=True)
    per_guide = measure(args.files, corpus)
    for pipeline, value in per_guide.items():
        print(f"{pipeline:<10} {value:7.2f} M instructions a guide")
    print(f"check / reference: {per_guide['check'] / per_guide['reference']:.2f}x   "
          f"export / check: {per_guide['export'] / per_guide['check']:.2f}x")


if __name__ == "__main__":
    main()
