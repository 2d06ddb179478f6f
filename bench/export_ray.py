"""Export throughput: the local engine against Ray Data, on the same corpus, one run each, side by side.

    python bench/export_ray.py [--count 10000] [--jobs N] [--corpus DIR]

Needs guidelint[ray]. The local run is the real command (`guidelint export --format parquet`) in a
subprocess. The Ray run is timed in this process in two parts: Ray's start-up (import + ray.init with
N CPUs) and the export itself (`guidelint export --engine ray` on the Ray that is up), so the fixed cost
and the per-file cost are seen apart. Both outputs are then compared row for row.

Where the two cross: local costs about s_l + n / r_l seconds for n guides, Ray s_r + n / r_r. With the
measured rates, the script prints the n above which Ray is faster on this machine (if any), and on a
cluster of C cores, assuming Ray's rate per core stays what it is here.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import ensure_corpus  # noqa: E402


def crossing(startup_local: float, rate_local: float, startup_ray: float, rate_ray: float) -> float | None:
    """The number of guides above which Ray is faster, or None when it never is (not faster per guide)."""
    per_guide_gain = 1 / rate_local - 1 / rate_ray
    if per_guide_gain <= 0:
        return None
    return max(0.0, (startup_ray - startup_local) / per_guide_gain)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--corpus", type=Path, default=None)
    args = parser.parse_args()
    corpus: Path = args.corpus or HERE / "corpus"
    ensure_corpus(corpus, args.count)
    guides = sum(1 for _ in corpus.rglob("*.md"))
    guidelint = shutil.which("guidelint", path=os.path.dirname(sys.executable)) or "guidelint"
    work = Path(tempfile.mkdtemp(prefix="guidelint-bench-ray-"))
    try:
        print(f"corpus: {corpus} ({guides} guides), {args.jobs} CPUs for each engine")
        # --- local -------------------------------------------------------------------------------------
        local_out = work / "local.parquet"
        started = time.perf_counter()
        subprocess.run([guidelint, "export", "--format", "parquet", "--jobs", str(args.jobs), "-o", str(local_out),
                        str(corpus)], check=False, stderr=subprocess.DEVNULL)
        local = time.perf_counter() - started
        started = time.perf_counter()  # the local engine's fixed cost: one small export
        subprocess.run([guidelint, "export", "--format", "parquet", "-o", str(work / "one.parquet"),
                        str(next(corpus.rglob("*.md")))], check=False, stderr=subprocess.DEVNULL)
        local_fixed = time.perf_counter() - started
        # --- Ray ---------------------------------------------------------------------------------------
        started = time.perf_counter()
        import ray

        ray.init(num_cpus=args.jobs, include_dashboard=False, log_to_driver=False, logging_level="error")
        ray_startup = time.perf_counter() - started
        from guidelint.cli import main as cli

        ray_out = work / "ray"
        started = time.perf_counter()
        with contextlib.suppress(SystemExit), contextlib.redirect_stderr(io.StringIO()):
            cli(["export", "--engine", "ray", "-o", str(ray_out), str(corpus)])
        ray_export = time.perf_counter() - started
        started = time.perf_counter()
        ray.shutdown()
        ray_shutdown = time.perf_counter() - started
        # --- same rows? --------------------------------------------------------------------------------
        import pyarrow.parquet as pq

        same = pq.read_table(ray_out).sort_by("id").equals(pq.read_table(local_out).sort_by("id"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rate_local = guides / max(local - local_fixed, 1e-9)
    rate_ray = guides / ray_export
    ray_total = ray_startup + ray_export + ray_shutdown
    print(f"{'':24}{'wall (s)':>10}{'guides/s':>10}")
    print(f"{'local (-j %d)' % args.jobs:24}{local:10.1f}{guides / local:10.0f}")
    print(f"{'ray, total':24}{ray_total:10.1f}{guides / ray_total:10.0f}")
    print(f"{'  start-up (init)':24}{ray_startup:10.1f}")
    print(f"{'  export':24}{ray_export:10.1f}{rate_ray:10.0f}")
    print(f"{'  shutdown':24}{ray_shutdown:10.1f}")
    print(f"local fixed cost (one guide): {local_fixed:.2f} s; rows equal: {same}")
    here = crossing(local_fixed, rate_local, ray_startup + ray_shutdown, rate_ray)
    print("crossing on this machine: " + (f"{here:,.0f} guides" if here is not None else
                                          "none (Ray is not faster per guide with the same CPUs)"))
    per_core = rate_ray / args.jobs
    for cores in (8, 32, 128):
        at = crossing(local_fixed, rate_local, ray_startup + ray_shutdown, per_core * cores)
        print(f"crossing vs this machine's local run, Ray on {cores} cores: "
              + (f"{at:,.0f} guides" if at is not None else "none"))


if __name__ == "__main__":
    main()
