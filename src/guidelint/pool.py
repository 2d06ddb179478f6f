"""Worker processes for the per-file step: results in input order, work handed out a few chunks at a
time, and a run that ends early (Ctrl-C, an error, a closed pipe) stops its workers between two files:
the file a worker is writing is finished, no other is started.

concurrent.futures rather than multiprocessing.Pool: a worker that dies (killed, out of memory) or a
result that cannot be unpickled there makes the pool broken, which is an error; Pool would wait for the
lost result forever. And shutting the executor down takes no lock a killed worker may have held, where
Pool.terminate does (it hung after an exception in a worker).
"""
from __future__ import annotations

import collections
import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from . import interrupts

IN_FLIGHT = 2  # chunks handed out per worker: enough to keep it busy, few to finish when the run stops


class WorkerError(Exception):
    """The per-file step failed: a bug, reported in one line. Carries only its message, so it crosses
    the process boundary whatever the original exception was."""

    @classmethod
    def of(cls, path: str, error: BaseException) -> WorkerError:
        return cls(f"{path}: internal error: {type(error).__name__}: {error}")


_STOP: list[Any] = []  # in a worker: the run's stop event


def _start(stop: Any, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
    interrupts.enter_worker()
    _STOP[:] = [stop]
    initializer(*initargs)


def _run_chunk(work: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    stop = _STOP[0]
    results = []
    for item in items:
        if stop.is_set():  # the parent is ending the run: what is left would be thrown away
            break
        results.append(work(item))
    return results


def ordered_map(work: Callable[[Any], Any], items: Sequence[Any], *, jobs: int, chunk: int, context: Any,
                initializer: Callable[..., None], initargs: tuple[Any, ...]) -> Iterator[Any]:
    """work(item) for each item in `jobs` worker processes of the multiprocessing `context`, in the order
    of `items`. `work` and `initializer` must be module-level functions. An exception in `work` should
    be a WorkerError (see WorkerError.of); a worker that dies raises WorkerError here.

    Close the iterator when stopping early (a for loop over it that raises does not close it): that is
    when its workers stop."""
    from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor

    chunks = (items[start:start + chunk] for start in range(0, len(items), chunk))
    stop = context.Event()
    executor: ProcessPoolExecutor | None = None
    running: collections.deque[Future[list[Any]]] = collections.deque()
    try:
        with interrupts.deferred():  # the workers are forked in here: they start with the signals blocked
            executor = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start,
                                           initargs=(stop, initializer, initargs))
            for part in itertools.islice(chunks, IN_FLIGHT * jobs):
                running.append(executor.submit(_run_chunk, work, part))
        while running:
            results = running.popleft().result()
            part = next(chunks, None)
            if part is not None:
                with interrupts.deferred():
                    running.append(executor.submit(_run_chunk, work, part))
            yield from results
    except BrokenExecutor:
        raise WorkerError("a worker process ended unexpectedly (killed, or out of memory?)") from None
    finally:
        stop.set()
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
