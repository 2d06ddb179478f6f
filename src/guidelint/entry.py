"""The `guidelint` command's entry point (and `python -m guidelint`'s).

Before the command line is imported, the garbage collector is told to run every 50,000 allocations
instead of 700: the modules a run loads are hundreds of thousands of objects and none of them garbage,
and a one-file run (pre-commit) spent ~1.6% of its instructions collecting them. The same thresholds as
a long run's (runner.tune_gc). Set here, not in the package: importing guidelint as a library leaves the
collector of the importing program alone.
"""
from __future__ import annotations

import gc

GC_THRESHOLDS = (50_000, 20, 20)

gc.set_threshold(*GC_THRESHOLDS)


def main() -> None:
    from .cli import main as command_line

    command_line()
