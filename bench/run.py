"""Benchmark guidelint on a generated corpus: files/s, MB/s, wall time and peak memory per scenario.

    python bench/run.py [--count 10000] [--corpus bench/corpus] [--jobs N]

Scenarios: the issue's reference pipeline rebuilt (bench/reference.py: read, YAML, one schema
validation, pyromark; it calibrates this machine against the issue's 2.9 s), cold check of the whole corpus (all cores, then --jobs 1), warm check (result cache), one
file (as pre-commit runs it), export, and markdownlint-cli2 on the same corpus for a ratio measured in
the same run (installed from the npm registry into bench/.tools when npm is present).
Each scenario is a fresh process; peak memory is that process tree's maximum resident set size.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "wall = time.perf_counter() - start\n"
    "print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n"
)


SCENARIOS = ("reference", "cold", "warm", "jobs1", "one", "export", "markdownlint", "markdownlint-one")


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
    parser.add_argument("--corpus", type=Path, default=HERE / "corpus")
    parser.add_argument("--extra", nargs="*", default=[], help="extra arguments for guidelint check")
    parser.add_argument("--only", nargs="*", default=[], metavar="SCENARIO",
                        help=f"run only these scenarios ({', '.join(SCENARIOS)}); default: all")
    args = parser.parse_args()
    wanted = set(args.only or SCENARIOS)
    corpus: Path = args.corpus
    marker = corpus / f".count-{args.count}"
    if not marker.exists():
        shutil.rmtree(corpus, ignore_errors=True)
        started = time.perf_counter()
        generate(corpus, args.count)
        marker.touch()
        print(f"generated {args.count} guides in {time.perf_counter() - started:.1f} s")
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
    cache = tempfile.mkdtemp(prefix="guidelint-bench-cache-")
    check = [guidelint, "check", "--format", "json", "--exit-zero", "--cache-dir", cache, *args.extra]
    reference = None
    if "reference" in wanted:
        wall, peak, code = measure([sys.executable, str(HERE / "reference.py"), str(corpus)])
        reference = report("reference pipeline", wall, peak, len(files), size, code)
        rows.append(reference)
    if "cold" in wanted or "warm" in wanted:
        wall, peak, code = measure([*check, str(corpus)])
        rows.append(report("check (cold)", wall, peak, len(files), size, code))
        if reference:
            print(f"guidelint cold / reference pipeline: {wall / reference['wall_s']:.2f}x")
    if "warm" in wanted:
        wall, peak, code = measure([*check, str(corpus)])
        rows.append(report("check (warm, cached)", wall, peak, len(files), size, code))
    if "jobs1" in wanted:
        wall, peak, code = measure([*check, "--jobs", "1", "--no-cache", str(corpus)])
        rows.append(report("check (cold, --jobs 1)", wall, peak, len(files), size, code))
    if "one" in wanted:
        # the best of five: one short process is at the mercy of the machine
        wall, peak, code = min(measure([guidelint, "check", "--exit-zero", "--no-cache", str(files[0])])
                               for _ in range(5))
        rows.append(report("check (one file)", wall, peak, 1, files[0].stat().st_size, code))
    shutil.rmtree(cache, ignore_errors=True)
    if "export" in wanted:
        wall, peak, code = measure([guidelint, "export", "--include-invalid", "-o", os.devnull, str(corpus)])
        rows.append(report("export", wall, peak, len(files), size, code))
        cold = next((row for row in rows if row["scenario"] == "check (cold)"), None)
        if cold:
            print(f"export / cold check: {wall / cold['wall_s']:.2f}x")
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
    (HERE / "last-run.json").write_text(json.dumps({"floor_s": round(floor, 3), "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
