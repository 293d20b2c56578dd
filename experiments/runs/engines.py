"""Where runs execute: in this process, a local process pool, or a Dask cluster.

Every engine gives the same thing: ``submit(chunk) -> concurrent.futures.Future`` of a
:class:`~experiments.runs.worker.ChunkResult`, so the batch loop has one code path.

* ``local``: ``concurrent.futures.ProcessPoolExecutor`` (fork on Linux: workers start with the
  model already imported). A dead worker breaks the pool (``BrokenProcessPool``): the batch
  rebuilds it with :meth:`Engine.recover` and resubmits the unfinished runs. Each worker
  records the run it is on in shared memory (:mod:`experiments.runs.watchdog`), so a run over its
  time limit is found and its worker killed (:meth:`Engine.stop`).
* ``dask``: :class:`experiments.runs.dask_engine.DaskEngine`.
* ``sequential``: in this process, one chunk at a time (tests, debugging); a run over its time
  limit is stopped by ``SIGALRM``.

Never ``multiprocessing.Pool`` (it hangs forever on a dead worker).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import numbers
import os
import re
import signal
import threading
import warnings
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from experiments.errors import ArgumentError, UsageError, argument
from experiments.runs.engine_base import Engine, default_workers
from experiments.runs.watchdog import new_shared, read_shared
from experiments.runs.worker import (
    STOPS,
    Chunk,
    local_worker_init,
    note_sigint,
    run_chunk,
    warm_up,
)

ENGINES = ("local", "dask", "sequential")
#: The most worker processes a batch starts per core of this machine.
MAX_WORKERS_PER_CORE = 4
# tcp://host:port (or host:port); host a name, an IPv4 address or a bracketed IPv6 address
_ADDRESS = re.compile(r"^(?:(?:tcp|tls|ws|wss|ucx)://)?"
                      r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])"
                      r":(\d{1,5})/?$")


def _workers(pool: cf.ProcessPoolExecutor) -> dict[int, Any]:
    """A pool's worker processes by id (the executor's private table; none known: empty)."""
    return dict(getattr(pool, "_processes", None) or {})


class SequentialEngine(Engine):
    """Runs each chunk at once, in this process."""

    name = "sequential"

    def __init__(self, model: str, paths: tuple[str, ...], workers: int = 1):
        super().__init__(model, paths, 1)
        warm_up(model, paths)

    def submit(self, chunk: Chunk) -> cf.Future:
        """Run the chunk now and return a finished future."""
        future: cf.Future = cf.Future()
        restore = note_sigint()  # a real Ctrl-C stops the batch; a model's own does not
        try:
            future.set_result(run_chunk(chunk))
        except Exception as err:  # noqa: BLE001 - delivered through the future
            future.set_exception(err)
        finally:
            restore()
        return future


@contextlib.contextmanager
def stops_held() -> Iterator[None]:
    """Hold Ctrl-C and ``kill`` (SIGINT, SIGTERM) back while the pool forks, then act on them.

    Python runs a signal's handler between bytecodes, also in the callbacks that run after a
    fork (logging's lock release), where an exception is printed as "Exception ignored" and
    dropped: a Ctrl-C that landed there was lost, and the batch went on to exit 0. Meanwhile
    each signal's handler only notes it (whichever thread the system hands the signal to,
    Python runs the handler in the main thread); once the forks are done the usual handlers
    are back, and each signal noted is raised again for them. The forked workers inherit the
    noting handler: :func:`~experiments.runs.worker.local_worker_init` replaces it.
    """
    if threading.current_thread() is not threading.main_thread():  # no handler to run here
        yield
        return
    noted: list[int] = []
    previous = {signum: signal.signal(signum, lambda signum, frame: noted.append(signum))
                for signum in STOPS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(noted):
            signal.raise_signal(signum)  # as if it arrived now: KeyboardInterrupt, 143, ...


class LocalEngine(Engine):
    """A ``ProcessPoolExecutor`` on this machine, rebuilt when a worker dies."""

    name = "local"
    watches_runs = True

    def __init__(self, model: str, paths: tuple[str, ...], workers: int):
        super().__init__(model, paths, workers)
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.board: Any = None
        self.stopping = False
        self.pool = self._new_pool()

    def _new_pool(self) -> cf.ProcessPoolExecutor:
        self.board, counter = new_shared(self.context, self.workers)
        pool = cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=self.context,
                                      initializer=local_worker_init,
                                      initargs=(self.model, self.paths, self.board, counter))
        # With fork, every worker starts at the first submit: start them here. The only other
        # threads of this process are C library pools (OpenBLAS, Arrow's jemalloc), which
        # register at-fork handlers, so Python's "multi-threaded fork" warning does not apply.
        with warnings.catch_warnings(), stops_held():
            warnings.filterwarnings("ignore", message=r".*fork\(\) may lead to deadlocks",
                                    category=DeprecationWarning)
            started = pool.submit(os.getpid)  # forks every worker, in this thread
        started.result()
        return pool

    def submit(self, chunk: Chunk) -> cf.Future:
        """Queue the chunk on the pool."""
        return self.pool.submit(run_chunk, chunk)

    def is_lost(self, err: BaseException) -> bool:
        """Tell whether the pool broke because a worker process died."""
        return isinstance(err, BrokenProcessPool)

    def is_excused(self, err: BaseException) -> bool:
        """A broken pool after :meth:`stop` is this engine's doing."""
        return self.stopping and isinstance(err, BrokenProcessPool)

    def running(self) -> list[tuple[int, float, Any]]:
        """Read the workers' shared board: the handle is the worker's pid."""
        return read_shared(self.board)

    def stop(self, handle: Any) -> None:
        """Kill the worker process, and the pool's others (the batch rebuilds the pool).

        A pool broken by a dead worker joins its other workers without ending them (Python
        3.12.0 to 3.12.2) while holding the lock that ``shutdown()`` needs: idle, they never
        end, and the batch hung, deaf to Ctrl-C and ``kill``. Their runs are submitted again.
        """
        self.stopping = True
        for pid in (int(handle), *_workers(self.pool)):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def recover(self) -> None:
        """Replace the broken pool with a new one."""
        self._kill(self.pool)
        self.pool = self._new_pool()
        self.stopping = False

    @staticmethod
    def _kill(pool: cf.ProcessPoolExecutor) -> None:
        # the workers first: a broken pool's manager thread may be joining them (see stop)
        processes = list(_workers(pool).values())
        for proc in processes:
            with contextlib.suppress(Exception):
                proc.kill()
        for proc in processes:
            with contextlib.suppress(Exception):
                proc.join(timeout=5)
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self, cancel: bool = False) -> None:
        """Shut the pool down (killing the workers when cancelling)."""
        if cancel:
            self._kill(self.pool)
        else:
            self.pool.shutdown(wait=True)


def check_engine_options(kind: str, workers: int | None = None,
                         scheduler: str | None = None) -> None:
    """Check engine options before anything starts or is written.

    Raises:
        ArgumentError: an unknown engine, a bad worker count, a scheduler address that is not
            one, a scheduler without Dask, workers with a scheduler or with the sequential
            engine (other than 1).

    """
    if kind not in ENGINES:
        raise ArgumentError("engine", kind, f"unknown engine; allowed {', '.join(ENGINES)}")
    # Checked before the count's own limits: "allowed 1 to 32" would invite a number the
    # sequential engine then ignores, running one run at a time whatever was asked.
    if kind == "sequential" and workers is not None and workers != 1:
        raise ArgumentError("workers", workers,
                            f"{argument('engine', 'sequential')} runs one run at a time in this "
                            f"process: allowed 1, or leave {argument('workers')} out; for runs "
                            f"in parallel use {argument('engine', 'local')} or "
                            f"{argument('engine', 'dask')}")
    if workers is not None and (isinstance(workers, bool) or not isinstance(
            workers, numbers.Integral) or workers < 1):
        raise ArgumentError("workers", workers, "allowed a whole number >= 1")
    # Each worker is a process holding the model (about 100 MB): far more than the cores
    # only shares them out and may exhaust the memory before a run is stored.
    most = MAX_WORKERS_PER_CORE * (os.cpu_count() or 1)
    if workers is not None and workers > most:
        raise ArgumentError("workers", workers, f"allowed 1 to {most} on this machine "
                            f"({MAX_WORKERS_PER_CORE} per core; each is a process)")
    if scheduler is not None:
        match = isinstance(scheduler, str) and _ADDRESS.match(scheduler.strip())
        if not match or not 0 < int(match.group(1)) < 65536:
            raise ArgumentError("scheduler", scheduler, "not a Dask scheduler address; expected "
                                "tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786 (what `dask "
                                "scheduler` prints)")
    if scheduler and kind != "dask":
        raise UsageError(f"{argument('scheduler')} needs {argument('engine', 'dask')} (got "
                         f"{argument('engine', kind)})")
    if scheduler and workers is not None:
        raise ArgumentError("workers", workers, "applies to this machine; the workers of a Dask "
                                            "scheduler are started with `dask worker ADDRESS`")


def open_engine(kind: str, model: str, paths: tuple[str, ...] = (), workers: int | None = None,
                scheduler: str | None = None) -> Engine:
    """Start an engine.

    Args:
        kind: ``local``, ``dask`` or ``sequential``.
        model: the experiment's model (imported by every worker once).
        paths: the folders a custom model may be imported from
            (:func:`experiments.spec.models.search_paths`).
        workers: processes (local) or LocalCluster workers; default: the cores available.
        scheduler: a Dask scheduler address ``tcp://host:port`` (dask only).

    Raises:
        UsageError: bad arguments (:func:`check_engine_options`), an unreachable scheduler.

    """
    check_engine_options(kind, workers, scheduler)
    if kind == "sequential":
        return SequentialEngine(model, paths)
    if kind == "local":
        return LocalEngine(model, paths, workers or default_workers())
    from experiments.runs.dask_engine import DaskEngine

    return DaskEngine(model, paths, workers, scheduler and scheduler.strip())
