"""One file, from process start to exit, as pre-commit runs guidelint: the median of N fresh processes.

    python bench/startup.py [--runs 20] [FILE] [--modules]

Two cases: a changed file (an empty result cache, so the file is linted and its result stored) and an
unchanged one (the cache answers). Each run is `guidelint check --force-exclude FILE` in a fresh
process, timed from the parent; the cases take turns so a slow spell of the machine hits both. With
--modules it also lists the modules each case imports (python -X importtime) with their cumulative
import time, the biggest first: what to make lazy next.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent / "sample_guides" / "variant-a-customer-success-manager.md"


def guidelint() -> str:
    return shutil.which("guidelint", path=os.path.dirname(sys.executable)) or "guidelint"


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - start


def imports(command: list[str], env: dict[str, str]) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) of the top-level imports of one run, biggest first."""
    out = subprocess.run([sys.executable, "-X", "importtime", *command], capture_output=True, text=True,
                         env=env, check=False)
    rows = []
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        if not name.startswith("  "):  # top level only: its time includes its own imports
            rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--modules", action="store_true", help="list what each case imports")
    args = parser.parse_args()
    binary = guidelint()
    # as an installed package runs: from bytecode (see bench/run.py)
    package = subprocess.run([sys.executable, "-c", "import guidelint, os; print(os.path.dirname(guidelint.__file__))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)
    warm_cache = tempfile.mkdtemp(prefix="guidelint-startup-")
    env = {**os.environ}
    env.pop("GUIDELINT_NO_CACHE", None)
    command = [binary, "check", "--force-exclude", "--exit-zero", str(args.file)]
    subprocess.run([*command, "--cache-dir", warm_cache], capture_output=True, check=False)  # fills it
    changed: list[float] = []
    unchanged: list[float] = []
    try:
        for _ in range(args.runs):
            cold_cache = tempfile.mkdtemp(prefix="guidelint-startup-")
            changed.append(timed([*command, "--cache-dir", cold_cache], env))
            shutil.rmtree(cold_cache, ignore_errors=True)
            unchanged.append(timed([*command, "--cache-dir", warm_cache], env))
        python = timed([sys.executable, "-c", "pass"], env)
        print(f"{args.file.name} ({args.file.stat().st_size} bytes), {args.runs} runs each")
        for name, runs in (("changed file (linted)", changed), ("unchanged file (cached)", unchanged)):
            print(f"{name:<26} median {statistics.median(runs) * 1000:6.1f} ms  "
                  f"min {min(runs) * 1000:6.1f} ms  max {max(runs) * 1000:6.1f} ms")
        print(f"{'python -c pass':<26} {python * 1000:6.1f} ms (one run)")
        if args.modules:
            cold_cache = tempfile.mkdtemp(prefix="guidelint-startup-")
            for name, cache in (("changed", cold_cache), ("unchanged", warm_cache)):
                rows = imports(["-m", "guidelint", *command[1:], "--cache-dir", cache], env)
                print(f"\n{name}: {len(rows)} top-level imports, "
                      f"{sum(value for value, _ in rows) / 1000:.1f} ms under -X importtime")
                for value, module in rows[:15]:
                    print(f"  {value / 1000:7.1f} ms  {module}")
            shutil.rmtree(cold_cache, ignore_errors=True)
    finally:
        shutil.rmtree(warm_cache, ignore_errors=True)


if __name__ == "__main__":
    main()
