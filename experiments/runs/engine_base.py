"""What every engine offers the batch loop (:class:`Engine`), and how many cores there are.

The engines themselves are in :mod:`experiments.runs.engines` (local pool, sequential) and
:mod:`experiments.runs.dask_engine`.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
from typing import Any

from experiments.runs.worker import Chunk


def default_workers() -> int:
    """Return the number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class Engine:
    """Base class: runs chunks, reports lost workers, stops runs over their time limit.

    Attributes:
        name: ``local``, ``dask`` or ``sequential``.
        workers: parallel slots (processes or Dask threads).
        watches_runs: whether the engine can see and stop a running run from outside
            (:meth:`running`, :meth:`stop`); if not, runs enforce their limit themselves.

    """

    name = "engine"
    watches_runs = False

    def __init__(self, model: str, paths: tuple[str, ...], workers: int = 1):
        self.model, self.paths, self.workers = model, paths, workers

    def submit(self, chunk: Chunk) -> cf.Future:
        """Start a chunk; the future gives its ``ChunkResult``."""
        raise NotImplementedError

    def slots(self) -> int:
        """How many chunks can run at once right now."""
        return self.workers

    def is_lost(self, err: BaseException) -> bool:
        """Whether an error means a worker died (resubmit the runs), not a bug."""
        return False

    def is_excused(self, err: BaseException) -> bool:
        """Whether a lost worker is one this engine stopped itself (no run is to blame)."""
        return False

    def recover(self) -> None:
        """Make the engine usable again after a lost worker."""

    def running(self) -> list[tuple[int, float, Any]]:
        """Runs in progress: ``(index in the plan, seconds running, worker handle)``."""
        return []

    def stop(self, handle: Any) -> None:
        """Stop the worker behind ``handle`` (its run is over the time limit)."""

    def abandon(self, future: cf.Future) -> None:
        """Forget a chunk whose worker is being stopped (never deliver or retry it)."""

    def check_workers(self) -> None:
        """Say when no worker is connected; give up after a long wait (Dask)."""

    def describe(self) -> str:
        """One phrase for the summary, e.g. ``local x2``."""
        return f"{self.name} x{self.workers}"

    def close(self, cancel: bool = False) -> None:
        """Release processes and connections; ``cancel`` drops unfinished work."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.close(cancel=exc_type is not None)
