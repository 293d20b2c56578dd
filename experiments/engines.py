"""Where runs execute: in this process, a local process pool, or a Dask cluster.

Every engine gives the same thing: ``submit(chunk) -> concurrent.futures.Future`` of a
:class:`~experiments.model_runner.ChunkResult`, so the batch loop has one code path.

* ``local``: ``concurrent.futures.ProcessPoolExecutor`` (fork on Linux: workers start with the
  model already imported). A dead worker breaks the pool (``BrokenProcessPool``): the batch
  rebuilds it with :meth:`Engine.recover` and resubmits the unfinished runs.
* ``dask``: ``distributed.Client(address)``, or a ``LocalCluster`` when no address is given, and
  ``client.get_executor()``. The scheduler reschedules the tasks of a dead worker itself; a task
  that kills several workers ends as ``KilledWorker`` and is treated like a broken pool.
* ``sequential``: in this process, one chunk at a time (tests, debugging).

Never ``multiprocessing.Pool`` (it hangs forever on a dead worker).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import multiprocessing
import os
import time
import warnings
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from experiments.errors import UsageError
from experiments.model_runner import Chunk, local_worker_init, run_chunk, warm_up

ENGINES = ("local", "dask", "sequential")


def default_workers() -> int:
    """Return the number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class Engine:
    """Base class: runs chunks and reports lost workers.

    Attributes:
        name: ``local``, ``dask`` or ``sequential``.
        workers: parallel slots (processes or Dask threads).

    """

    name = "engine"

    def __init__(self, model: str, cwd: str, workers: int = 1):
        self.model, self.cwd, self.workers = model, cwd, workers

    def submit(self, chunk: Chunk) -> cf.Future:
        """Start a chunk; the future gives its ``ChunkResult``."""
        raise NotImplementedError

    def slots(self) -> int:
        """How many chunks can run at once right now."""
        return self.workers

    def is_lost(self, err: BaseException) -> bool:
        """Whether an error means a worker died (resubmit the runs), not a bug."""
        return False

    def recover(self) -> None:
        """Make the engine usable again after a lost worker."""

    def describe(self) -> str:
        """One phrase for the summary, e.g. ``local x2``."""
        return f"{self.name} x{self.workers}"

    def close(self, cancel: bool = False) -> None:
        """Release processes and connections; ``cancel`` drops unfinished work."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.close(cancel=exc_type is not None)


class SequentialEngine(Engine):
    """Runs each chunk at once, in this process."""

    name = "sequential"

    def __init__(self, model: str, cwd: str, workers: int = 1):
        super().__init__(model, cwd, 1)
        warm_up(model, cwd)

    def submit(self, chunk: Chunk) -> cf.Future:
        """Run the chunk now and return a finished future."""
        future: cf.Future = cf.Future()
        try:
            future.set_result(run_chunk(chunk))
        except Exception as err:  # noqa: BLE001 - delivered through the future
            future.set_exception(err)
        return future


class LocalEngine(Engine):
    """A ``ProcessPoolExecutor`` on this machine, rebuilt when a worker dies."""

    name = "local"

    def __init__(self, model: str, cwd: str, workers: int):
        super().__init__(model, cwd, workers)
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.pool = self._new_pool()

    def _new_pool(self) -> cf.ProcessPoolExecutor:
        pool = cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=self.context,
                                      initializer=local_worker_init,
                                      initargs=(self.model, self.cwd))
        # With fork, every worker starts at the first submit: start them here. The only other
        # threads of this process are C library pools (OpenBLAS, Arrow's jemalloc), which
        # register at-fork handlers, so Python's "multi-threaded fork" warning does not apply.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*fork\(\) may lead to deadlocks",
                                    category=DeprecationWarning)
            pool.submit(os.getpid).result()
        return pool

    def submit(self, chunk: Chunk) -> cf.Future:
        """Queue the chunk on the pool."""
        return self.pool.submit(run_chunk, chunk)

    def is_lost(self, err: BaseException) -> bool:
        """Tell whether the pool broke because a worker process died."""
        return isinstance(err, BrokenProcessPool)

    def recover(self) -> None:
        """Replace the broken pool with a new one."""
        self._kill(self.pool)
        self.pool = self._new_pool()

    @staticmethod
    def _kill(pool: cf.ProcessPoolExecutor) -> None:
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            with contextlib.suppress(Exception):
                proc.kill()
        for proc in processes:
            with contextlib.suppress(Exception):
                proc.join(timeout=5)

    def close(self, cancel: bool = False) -> None:
        """Shut the pool down (killing the workers when cancelling)."""
        if cancel:
            self._kill(self.pool)
        else:
            self.pool.shutdown(wait=True)


class DaskEngine(Engine):
    """A ``dask.distributed`` client: a remote scheduler or a ``LocalCluster``."""

    name = "dask"

    def __init__(self, model: str, cwd: str, workers: int | None, scheduler: str | None):
        from distributed import Client, LocalCluster

        super().__init__(model, cwd, workers or 0)
        self.cluster = None
        self.scheduler = scheduler
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="20s")
            else:
                self.cluster = LocalCluster(n_workers=workers or default_workers(),
                                            threads_per_worker=1, processes=True,
                                            dashboard_address=None,
                                            silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
        except (OSError, TimeoutError) as err:
            raise UsageError(f"--scheduler {scheduler}: cannot reach the Dask scheduler "
                             f"({err}); start one with `dask scheduler` and workers with "
                             "`dask worker ADDRESS`") from None
        self.executor = self.client.get_executor(pure=False)
        self._slots, self._checked = 0, 0.0
        # every worker imports the model once, now (an import error is reported per run)
        with contextlib.suppress(Exception):
            self.client.run(warm_up, model, cwd)
        self.workers = self.slots()

    def submit(self, chunk: Chunk) -> cf.Future:
        """Send the chunk to the scheduler."""
        return self.executor.submit(run_chunk, chunk)

    def slots(self) -> int:
        """Threads over all workers now connected (at least 1; checked every 2 s)."""
        now = time.monotonic()
        if now - self._checked > 2.0:
            self._slots = max(1, sum(self.client.nthreads().values()))
            self._checked = now
        return self._slots

    def is_lost(self, err: BaseException) -> bool:
        """Tell whether a task's workers kept dying (``KilledWorker``)."""
        from distributed.scheduler import KilledWorker

        return isinstance(err, KilledWorker)

    def describe(self) -> str:
        """``dask tcp://host:port`` or ``dask LocalCluster xN``."""
        where = self.scheduler or "LocalCluster"
        return f"dask {where} x{self.slots()}"

    def close(self, cancel: bool = False) -> None:
        """Close the client (and the LocalCluster we started)."""
        with contextlib.suppress(Exception):
            self.executor.shutdown(wait=not cancel)
        with contextlib.suppress(Exception):
            self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()


def open_engine(kind: str, model: str, cwd: str, workers: int | None = None,
                scheduler: str | None = None) -> Engine:
    """Start an engine.

    Args:
        kind: ``local``, ``dask`` or ``sequential``.
        model: the experiment's model (imported by every worker once).
        cwd: the user's working directory (for a custom model's import).
        workers: processes (local) or LocalCluster workers; default: the cores available.
        scheduler: a Dask scheduler address ``tcp://host:port`` (dask only).

    Raises:
        UsageError: an unknown engine, a bad worker count, an unreachable scheduler.

    """
    if kind not in ENGINES:
        raise UsageError(f"--engine {kind}: unknown engine; allowed {', '.join(ENGINES)}")
    if workers is not None and workers < 1:
        raise UsageError(f"--workers {workers}: allowed a whole number >= 1")
    if scheduler and kind != "dask":
        raise UsageError(f"--scheduler needs --engine dask (got --engine {kind})")
    if scheduler and workers is not None:
        raise UsageError("--workers applies to this machine; the workers of a Dask scheduler "
                         "are started with `dask worker ADDRESS`")
    if kind == "sequential":
        return SequentialEngine(model, cwd)
    if kind == "local":
        return LocalEngine(model, cwd, workers or default_workers())
    return DaskEngine(model, cwd, workers, scheduler)
