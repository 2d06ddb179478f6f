"""Benchmark guidelint on a generated corpus: files/s, MB/s, wall time and peak memory per scenario.

    python bench/run.py [--count 10000] [--ascii] [--corpus DIR] [--repeat N] [--only SCENARIO ...]

The corpus is realistic guides (non-ASCII text, both apostrophes; bench/realistic.py) in bench/corpus,
or with --ascii the plain ASCII guides in bench/corpus-ascii (bench/generate.py).

Scenarios: the issue's reference pipeline rebuilt (bench/reference.py: read, YAML, one schema
validation, pyromark; it calibrates this machine against the issue's 2.9 s), cold check of the whole
corpus (all cores, then --jobs 1), warm check (result cache), one file (as pre-commit runs it), export,
markdownlint-cli2 on the same corpus for a ratio measured in the same run (installed from the npm
registry into bench/.tools when npm is present), rumdl (Rust, Markdown style rules only; from PATH, or
installed from PyPI into bench/.tools/venv) cold on the corpus, taking turns with the reference and
guidelint, and on one file, and instructions per guide counted by valgrind (bench/instructions.py),
which this shared machine's noise cannot move.
Each scenario is a fresh process; peak memory is that process tree's maximum resident set size.
With --repeat N, the reference, cold, warm, export and rumdl runs take turns N times; each row shows the
fastest of its N runs, and the ratios are given for the fastest runs, for each round and their median
(a round's runs share the machine's mood, so its ratio is the fairer one).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import ensure_corpus  # noqa: E402

_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "wall = time.perf_counter() - start\n"
    "print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n"
)


SCENARIOS = ("reference", "cold", "warm", "jobs1", "one", "export", "rumdl", "rumdl-one", "markdownlint",
             "markdownlint-one", "instructions")


def _markdownlint() -> str | None:
    """markdownlint-cli2 from PATH, or installed from the npm registry into bench/.tools once."""
    found = shutil.which("markdownlint-cli2")
    if found:
        return found
    npm = shutil.which("npm")
    if npm is None:
        return None
    tools = HERE / ".tools"
    binary = tools / "node_modules" / ".bin" / "markdownlint-cli2"
    if not binary.exists():
        subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(tools),
                        "markdownlint-cli2"], check=False, capture_output=True)
    return str(binary) if binary.exists() else None


def _rumdl() -> str | None:
    """rumdl from PATH, or installed from PyPI into a virtual environment in bench/.tools once."""
    found = shutil.which("rumdl")
    if found:
        return found
    venv = HERE / ".tools" / "venv"
    binary = venv / "bin" / "rumdl"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=False, capture_output=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "rumdl"], check=False,
                       capture_output=True)
    return str(binary) if binary.exists() else None


def measure(command: list[str], cwd: Path | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB, exit code of one fresh run of `command`."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True,
                         cwd=cwd)
    wall, peak_kb, code = out.stdout.split()
    return float(wall), int(peak_kb) / 1024, int(code)


def report(name: str, wall: float, peak: float, files: int, size: int, code: int) -> dict:
    row = {"scenario": name, "files": files, "wall_s": round(wall, 3), "files_per_s": round(files / wall, 1),
           "mb_per_s": round(size / 1e6 / wall, 2), "peak_mb": round(peak, 1), "exit": code}
    print(f"{name:<22} {files:>6} files  {wall:8.3f} s  {row['files_per_s']:>9} files/s  "
          f"{row['mb_per_s']:>7} MB/s  peak {row['peak_mb']:>7} MB  exit {code}")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--corpus", type=Path, default=None,
                        help="default: bench/corpus (realistic guides) or bench/corpus-ascii (with --ascii)")
    parser.add_argument("--ascii", action="store_true", help="the plain ASCII corpus instead of realistic guides")
    parser.add_argument("--extra", nargs="*", default=[], help="extra arguments for guidelint check")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the reference, cold, warm and export runs")
    parser.add_argument("--only", nargs="*", default=[], metavar="SCENARIO",
                        help=f"run only these scenarios ({', '.join(SCENARIOS)}); default: all")
    args = parser.parse_args()
    wanted = set(args.only or SCENARIOS)
    corpus: Path = args.corpus or HERE / ("corpus-ascii" if args.ascii else "corpus")
    started = time.perf_counter()
    if ensure_corpus(corpus, args.count, ascii_only=args.ascii):
        print(f"generated {args.count} {'ASCII' if args.ascii else 'realistic'} guides in "
              f"{time.perf_counter() - started:.1f} s")
    files = sorted(corpus.glob("*.md"))
    size = sum(f.stat().st_size for f in files)
    print(f"corpus: {len(files)} guides, {size / 1e6:.1f} MB, {os.cpu_count()} cores")
    guidelint = shutil.which("guidelint", path=os.path.dirname(sys.executable)) or "guidelint"
    # Measure guidelint as installed packages run: from bytecode. (An editable install under
    # PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module on every start: ~25 ms here.)
    package = subprocess.run([sys.executable, "-c", "import guidelint, os; print(os.path.dirname(guidelint.__file__))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)
    rows = []
    start = time.perf_counter()
    for f in files:
        f.read_bytes()
    floor = time.perf_counter() - start
    print(f"read floor (warm page cache, one process): {floor:.3f} s")
    rounds: dict[str, list[tuple[float, float, int]]] = {}  # scenario -> (wall, peak, exit) per round
    rumdl = _rumdl() if wanted & {"rumdl", "rumdl-one"} else None
    if wanted & {"rumdl", "rumdl-one"} and rumdl is None:
        print("rumdl not available (not on PATH, and pip could not install it): no ratio this run")
    # its defaults, no config file of the corpus's folder, no result cache: a cold run as guidelint's
    rumdl_check = [rumdl, "check", "--no-config", "--no-cache", "--silent"] if rumdl else []
    for _ in range(args.repeat):  # the scenarios take turns, so a slow spell of the machine hits them all
        cache = tempfile.mkdtemp(prefix="guidelint-bench-cache-")
        check = [guidelint, "check", "--format", "json", "--exit-zero", "--cache-dir", cache, *args.extra]
        if "reference" in wanted:
            rounds.setdefault("reference", []).append(measure([sys.executable, str(HERE / "reference.py"), str(corpus)]))
        if "cold" in wanted or "warm" in wanted:
            rounds.setdefault("cold", []).append(measure([*check, str(corpus)]))
        if "warm" in wanted:
            rounds.setdefault("warm", []).append(measure([*check, str(corpus)]))
        shutil.rmtree(cache, ignore_errors=True)
        if rumdl and "rumdl" in wanted:
            rounds.setdefault("rumdl", []).append(measure([*rumdl_check, str(corpus)]))
        if "export" in wanted:
            rounds.setdefault("export", []).append(
                measure([guidelint, "export", "--include-invalid", "-o", os.devnull, str(corpus)]))
    names = {"reference": "reference pipeline", "cold": "check (cold)", "warm": "check (warm, cached)",
             "export": "export", "rumdl": "rumdl (cold)"}
    best: dict[str, dict] = {}
    for key, runs in rounds.items():
        wall, peak, code = min(runs)
        best[key] = report(names[key], wall, max(run[1] for run in runs), len(files), size, code)
        best[key]["runs_s"] = [round(run[0], 3) for run in runs]
        rows.append(best[key])
    for top, bottom, label in (("cold", "reference", "guidelint cold / reference pipeline"),
                               ("cold", "rumdl", "guidelint cold / rumdl"),
                               ("rumdl", "reference", "rumdl / reference pipeline"),
                               ("export", "cold", "export / cold check")):
        if top in rounds and bottom in rounds:
            each = [a[0] / b[0] for a, b in zip(rounds[top], rounds[bottom])]
            spread = (f" (each round: {', '.join(f'{ratio:.2f}' for ratio in each)}; median "
                      f"{statistics.median(each):.2f})") if len(each) > 1 else ""
            print(f"{label}: {best[top]['wall_s'] / best[bottom]['wall_s']:.2f}x{spread}")
    if len(rounds.get("warm", [])) > 1:
        print(f"warm runs: {', '.join(f'{run[0]:.3f}' for run in rounds['warm'])} s")
    if "jobs1" in wanted:
        wall, peak, code = measure([guidelint, "check", "--format", "json", "--exit-zero", "--jobs", "1",
                                    "--no-cache", *args.extra, str(corpus)])
        rows.append(report("check (cold, --jobs 1)", wall, peak, len(files), size, code))
    if "one" in wanted:
        # the best of five: one short process is at the mercy of the machine
        wall, peak, code = min(measure([guidelint, "check", "--exit-zero", "--no-cache", str(files[0])])
                               for _ in range(5))
        rows.append(report("check (one file)", wall, peak, 1, files[0].stat().st_size, code))
    if rumdl and "rumdl-one" in wanted:
        wall, peak, code = min(measure([*rumdl_check, str(files[0])]) for _ in range(5))
        rows.append(report("rumdl (one file)", wall, peak, 1, files[0].stat().st_size, code))
        one = next((row for row in rows if row["scenario"] == "check (one file)"), None)
        if one:
            print(f"guidelint / rumdl, one file: {one['wall_s'] / wall:.1f}x")
    markdownlint = _markdownlint() if wanted & {"markdownlint", "markdownlint-one"} else None
    if markdownlint and "markdownlint" in wanted:
        wall, peak, code = measure([markdownlint, "*.md", "#node_modules"], cwd=corpus)
        rows.append(report("markdownlint-cli2", wall, peak, len(files), size, code))
        cold = next((row for row in rows if row["scenario"] == "check (cold)"), None)
        if cold:
            print(f"markdownlint-cli2 / guidelint (cold): {wall / cold['wall_s']:.1f}x")
    if markdownlint and "markdownlint-one" in wanted:  # calibrates the one-file target (376 ms there)
        wall, peak, code = min(measure([markdownlint, files[0].name], cwd=corpus) for _ in range(5))
        rows.append(report("markdownlint-cli2 (1 file)", wall, peak, 1, files[0].stat().st_size, code))
    elif not markdownlint and wanted & {"markdownlint", "markdownlint-one"}:
        print("markdownlint-cli2 not available (no npm): no ratio this run")
    counted = None
    if "instructions" in wanted:
        if shutil.which("valgrind"):
            from instructions import measure as count_instructions

            counted = {name: round(value, 2) for name, value in count_instructions(40, corpus).items()}
            print("instructions a guide (millions, callgrind, 40 guides): "
                  + ", ".join(f"{name} {value}" for name, value in counted.items())
                  + f"; check / reference {counted['check'] / counted['reference']:.2f}x, "
                  f"export / check {counted['export'] / counted['check']:.2f}x")
        else:
            print("valgrind not available: no instruction counts this run")
    (HERE / "last-run.json").write_text(json.dumps({"floor_s": round(floor, 3), "rows": rows,
                                                    "instructions_millions": counted}, indent=2) + "\n")


if __name__ == "__main__":
    main()
