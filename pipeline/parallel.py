"""Worker processes for the stages that work over many files (extract, check, status, export).

One policy for every stage: ``--jobs N`` asks for N processes; none (or a
number below 1) means one per CPU this process may use. Workers are forked
where the platform can (they start in milliseconds with every module and
babel's data already loaded); elsewhere (macOS, Windows) the platform's
default start method works too, only slower. Each stage decides when a pool
pays (its own threshold, :func:`start_pool`), hands chunks of its work to
the workers with :func:`map_chunks`, and keeps its output independent of
the number of workers.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, TypeVar

if TYPE_CHECKING:  # multiprocessing loads with the first pool: most runs of a desk start none
    import multiprocessing.pool

T = TypeVar("T")


def cpu_count() -> int:
    """CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


#: Most worker processes a run starts: more than a few per CPU only costs memory
#: (``NEWSLOC_JOBS=100000`` started 300 processes before this cap).
JOBS_PER_CPU = 4


def max_jobs() -> int:
    """The cap on ``--jobs``: :data:`JOBS_PER_CPU` per CPU this process may use."""
    return JOBS_PER_CPU * cpu_count()


def resolve_jobs(jobs: int | None) -> int:
    """Return the number of worker processes for a ``--jobs`` value (capped at :func:`max_jobs`).

    >>> resolve_jobs(1)
    1
    >>> resolve_jobs(None) >= 1, resolve_jobs(10 ** 6) == max_jobs()
    (True, True)
    """
    if jobs is not None and jobs >= 1:
        return min(jobs, max_jobs())
    return cpu_count()


def process_pool(processes: int) -> multiprocessing.pool.Pool:
    """Start a pool of *processes* workers (forked where the platform allows)."""
    import multiprocessing
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None).Pool(processes=processes)


def start_pool(jobs: int, *, work: int, threshold: int, tasks: int | None = None
               ) -> multiprocessing.pool.Pool | None:
    """Start a pool when *work* (items to process) reaches the stage's *threshold*, else return None.

    The pool has ``min(jobs, tasks)`` workers (*tasks*: the units that can run
    apart, *work* when not given). Below the threshold a pool costs more
    than it saves and the stage runs in-process.
    """
    if jobs <= 1 or work < threshold:
        return None
    return process_pool(max(1, min(jobs, work if tasks is None else tasks)))


def map_chunks(worker: Callable[[Any, list], Iterable[T]], context: Any, items: list, *,
               pool: multiprocessing.pool.Pool | None, jobs: int, cap: int = 16,
               ordered: bool = False) -> Iterator[T]:
    """Yield what ``worker(context, chunk)`` yields for every chunk of *items*.

    Without a pool the worker runs in-process on all items at once (and
    streams). With one, *items* are cut into chunks of up to *cap* items,
    about four per worker (fewer round trips, only small results travel
    back), and the results come in the order of the items when *ordered*,
    else as workers finish (the stage then orders them itself). *worker*
    must be a module-level function (it is sent to the workers by name).
    """
    if pool is None:
        yield from worker(context, items)
        return
    size = max(1, min(cap, len(items) // (max(1, jobs) * 4)))
    tasks = ((worker, context, items[k:k + size]) for k in range(0, len(items), size))
    results = pool.imap(_run_chunk, tasks) if ordered else pool.imap_unordered(_run_chunk, tasks)
    for chunk in results:
        yield from chunk


def _run_chunk(task: tuple[Callable[[Any, list], Iterable[T]], Any, list]) -> list[T]:
    worker, context, chunk = task
    return list(worker(context, chunk))
