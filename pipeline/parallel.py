"""Worker processes for the stages that work over many files (extract, check, status, export).

One policy for every stage: ``--jobs N`` asks for N processes; none (or a
number below 1) means one per CPU this process may use. Workers are forked
where the platform can (they start in milliseconds with every module and
babel's data already loaded); elsewhere (macOS, Windows) the platform's
default start method works too, only slower. Each stage decides when a pool
pays (its own threshold) and keeps its output independent of the number of
workers.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os


def resolve_jobs(jobs: int | None) -> int:
    """Return the number of worker processes for a ``--jobs`` value.

    >>> resolve_jobs(3)
    3
    >>> resolve_jobs(None) >= 1
    True
    """
    if jobs is not None and jobs >= 1:
        return jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def process_pool(processes: int) -> multiprocessing.pool.Pool:
    """Start a pool of *processes* workers (forked where the platform allows)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None).Pool(processes=processes)
