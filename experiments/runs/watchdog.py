"""Per-run time limits: what each worker is running and since when, and stopping hung runs.

A model can hang in Python (a loop, a sleep) or in C code that never returns to Python, so the
limit is enforced from outside the run wherever possible:

* ``local`` engine: every pool worker writes the run it is on and its start time to a slot of a
  small shared-memory array (:class:`Board`); the batch reads it every second and kills a worker
  whose run is over the limit, then rebuilds the pool.
* ``dask``: every worker keeps the same record per thread; the batch asks the workers for it
  (:func:`running_here`, through ``client.run``) when a chunk has been out longer than the
  limit, and restarts a worker whose run is over it.
* ``sequential`` (this process): ``SIGALRM`` raises :class:`RunTimedOut` in the run
  (:func:`deadline`); it cannot stop C code that never returns to Python.

In every case the run is stored as failed with :func:`timed_out` as its error.
Batch workers import this module: it imports the standard library only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

#: Default per-run time limit in seconds: far above a full-scale servisim run (< 1 s) or a
#: calibration particle (a few seconds), short enough that a hung model does not stall a batch.
DEFAULT_RUN_TIMEOUT = 600.0
_FIELDS = 3  # per slot: start (monotonic seconds, 0 when idle), run index, pid


class RunTimedOut(BaseException):
    """A run went over its time limit.

    A ``BaseException``, like ``KeyboardInterrupt``, so that a model's own ``except Exception``
    does not swallow it.
    """


def timed_out(seconds: float) -> str:
    """The error stored for a run stopped at its time limit."""
    return f"timed out after {seconds:g} s (run_timeout); the run was stopped"


class Board:
    """What this process is running: per thread, the run's index in the plan and its start.

    Attributes:
        threads: thread id -> (run index, ``time.monotonic()`` at its start).

    """

    def __init__(self) -> None:
        self.threads: dict[int, tuple[int, float]] = {}
        self.shared: Any = None
        self.slot = 0

    def attach(self, shared: Any, counter: Any) -> None:
        """Take a slot of a pool's shared array (called once in each local pool worker)."""
        with counter.get_lock():
            self.slot = counter.value
            counter.value += 1
        self.shared = shared if (self.slot + 1) * _FIELDS <= len(shared) else None

    def begin(self, index: int) -> None:
        """Record that this thread starts run ``index`` now."""
        now = time.monotonic()
        self.threads[threading.get_ident()] = (index, now)
        if self.shared is not None:
            at = self.slot * _FIELDS
            self.shared[at] = 0.0  # idle while the slot is rewritten, so a reader never mixes
            self.shared[at + 1] = float(index)
            self.shared[at + 2] = float(os.getpid())
            self.shared[at] = now

    def end(self) -> None:
        """Record that this thread finished its run."""
        self.threads.pop(threading.get_ident(), None)
        if self.shared is not None:
            self.shared[self.slot * _FIELDS] = 0.0


BOARD = Board()


def new_shared(context: Any, workers: int) -> tuple[Any, Any]:
    """A shared array with one slot per local pool worker, and the counter that hands slots out."""
    return context.Array("d", workers * _FIELDS, lock=False), context.Value("i", 0)


def read_shared(shared: Any) -> list[tuple[int, float, int]]:
    """Read a pool's shared array: ``(run index, seconds running, pid)`` of every busy worker."""
    now = time.monotonic()
    out = []
    for at in range(0, len(shared), _FIELDS):
        start = shared[at]
        index, pid = shared[at + 1], shared[at + 2]
        if start > 0 and shared[at] == start:  # the slot did not change while it was read
            out.append((int(index), now - start, int(pid)))
    return out


def running_here() -> list[tuple[int, float]]:
    """``(run index, seconds running)`` of every run in this process (asked by Dask)."""
    now = time.monotonic()
    return [(index, now - start) for index, start in list(BOARD.threads.values())]


async def exit_now() -> None:
    """End this worker process at once (a Dask worker whose run is over its limit).

    A coroutine: Dask runs only coroutines without waiting for an answer (``wait=False``), and
    no answer comes from a process that ends.
    """
    os._exit(70)


@contextlib.contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Raise :class:`RunTimedOut` in this thread after ``seconds`` (main thread only).

    Used by the sequential engine, where nothing outside the run can stop it. Elsewhere (a
    thread that is not the main one, no limit) it does nothing.
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise RunTimedOut(timed_out(seconds))

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
