"""Where two workers start to beat one: `guidelint check --no-cache` over the first N guides of the
corpus with --jobs 1 and --jobs 2 (pool forced on), taking turns, the fastest of R rounds each.

    python bench/pool_threshold.py [--rounds 5] [--counts 4 8 16 32 64 128 256] [--corpus DIR]

runner.parallel_map starts worker processes only when the files' total size reaches POOL_MIN_BYTES;
GUIDELINT_POOL_MIN_BYTES=0 in the measured processes' environment makes --jobs 2 always run two workers.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--counts", type=int, nargs="*", default=[4, 8, 16, 32, 64, 128, 256])
    parser.add_argument("--corpus", type=Path, default=HERE / "corpus")
    args = parser.parse_args()
    files = sorted(str(path) for path in args.corpus.glob("*.md"))
    guidelint = shutil.which("guidelint", path=os.path.dirname(sys.executable)) or "guidelint"
    env = {**os.environ, "GUIDELINT_POOL_MIN_BYTES": "0"}
    print(f"{'files':>6} {'KB':>7} {'jobs 1':>9} {'jobs 2':>9} {'2 / 1':>6}")
    for count in args.counts:
        chosen = files[:count]
        size = sum(os.path.getsize(path) for path in chosen)
        best = {1: float("inf"), 2: float("inf")}
        for _ in range(args.rounds):
            for jobs in (1, 2):
                command = [guidelint, "check", "--no-cache", "--exit-zero", "--format", "json", "--jobs", str(jobs),
                           *chosen]
                best[jobs] = min(best[jobs], timed(command, env))
        print(f"{count:>6} {size / 1000:>7.0f} {best[1] * 1000:>7.0f}ms {best[2] * 1000:>7.0f}ms "
              f"{best[2] / best[1]:>6.2f}")


if __name__ == "__main__":
    main()
