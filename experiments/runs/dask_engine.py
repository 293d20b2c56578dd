"""The Dask engine: a ``dask.distributed`` scheduler, or a ``LocalCluster`` started for the batch.

Chunks go to ``client.submit``; each comes back through a ``concurrent.futures.Future``, so the
batch loop is the same as for the local pool. What the engine adds for a batch that must end:

* A task whose worker dies fails with ``KilledWorker``. The LocalCluster is started with
  ``allowed-failures = 0``, so each death fails the task at once and the batch retries it as
  it does on the local engine (three times, then the run is stored as failed). A remote
  scheduler keeps its own setting: each of the batch's tries is then up to its
  ``allowed-failures + 1`` deaths.
* A run over its time limit: the batch asks the workers what they run
  (:func:`experiments.runs.watchdog.running_here`) once a chunk has been out longer than the limit,
  forgets that chunk and ends the worker (its nanny starts a new one).
* No worker connected: a notice after :data:`NO_WORKERS_NOTICE` seconds; a LocalCluster that
  lost all its workers is started again; a remote scheduler is given up after
  :data:`NO_WORKERS_LIMIT` seconds with one line (the finished runs are kept).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import functools
import logging
import sys
import threading
import time
from typing import Any

from experiments.errors import UsageError, argument
from experiments.runs.engine_base import Engine, default_workers
from experiments.runs.watchdog import exit_now, running_here
from experiments.runs.worker import Chunk, ChunkResult, dask_setup, run_chunk, warm_up

NO_WORKERS_NOTICE = 10.0  # seconds without any worker before saying so
NO_WORKERS_LIMIT = 600.0  # seconds without any worker before giving up (remote scheduler)
POLL_SECONDS = 2.0  # how often to ask the workers what they run, when a chunk is overdue


class WorkersLostError(RuntimeError):
    """The LocalCluster lost every worker and was started again; its chunks are resubmitted."""


class ResultLostError(RuntimeError):
    """A chunk finished but its result went with its worker (Dask gave ``None``)."""


class DaskEngine(Engine):
    """A ``dask.distributed`` client: a remote scheduler or a ``LocalCluster``."""

    name = "dask"
    watches_runs = True

    def __init__(self, model: str, paths: tuple[str, ...], workers: int | None,
                 scheduler: str | None):
        super().__init__(model, paths, workers or 0)
        self.scheduler = scheduler
        self.n_local = workers or default_workers()
        self.cluster: Any = None
        self.client: Any = None
        self._lock = threading.Lock()
        self._tasks: dict[cf.Future, Any] = {}
        self._stopped: set[str] = set()
        self._slots, self._checked = 0, 0.0
        self._empty_since: float | None = None
        self._noticed = False
        self._seen: list[tuple[int, float, Any]] = []
        self._seen_at = 0.0
        self._poller: threading.Thread | None = None
        self._connect()
        self.workers = self.slots()

    def _connect(self) -> None:
        import dask
        from distributed import Client, LocalCluster

        try:
            if self.scheduler:
                self.client = Client(self.scheduler, timeout="20s")
            else:
                with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
                    # its HTTP server on a free port of this machine only: never a clash
                    # with another cluster, never reachable from the network
                    # preload: each worker process, restarted ones too, leaves Ctrl-C to
                    # the batch (worker.dask_setup)
                    self.cluster = LocalCluster(n_workers=self.n_local, threads_per_worker=1,
                                                processes=True, host="127.0.0.1",
                                                dashboard_address="127.0.0.1:0",
                                                silence_logs=logging.CRITICAL,
                                                preload=[dask_setup.__module__])
                self.client = Client(self.cluster)
        except (OSError, TimeoutError, ValueError, TypeError) as err:
            where = argument("scheduler", self.scheduler) if self.scheduler else \
                argument("engine", "dask")
            raise UsageError(f"{where}: cannot reach the Dask scheduler ({type(err).__name__}: "
                             f"{str(err).splitlines()[0] if str(err) else 'no answer'}); "
                             "start one with `dask scheduler` and workers with "
                             "`dask worker ADDRESS`") from None
        # every worker imports the model once, now (an import error is reported per run)
        with contextlib.suppress(Exception):
            self.client.run(warm_up, self.model, self.paths)

    def submit(self, chunk: Chunk) -> cf.Future:
        """Send the chunk to the scheduler."""
        task = self.client.submit(run_chunk, chunk, pure=False)
        bridge: cf.Future = cf.Future()
        bridge.set_running_or_notify_cancel()
        with self._lock:
            self._tasks[bridge] = task
        task.add_done_callback(functools.partial(self._deliver, bridge))
        return bridge

    def _deliver(self, bridge: cf.Future, task: Any) -> None:
        if task.status not in ("finished", "error", "cancelled"):
            # the result was lost with its worker and Dask computes it again: wait for that
            task.add_done_callback(functools.partial(self._deliver, bridge))
            return
        with self._lock:
            if self._tasks.pop(bridge, None) is None:
                return  # abandoned (or already failed by a restart)
        try:
            if task.status == "finished":
                result = task.result()
                if not isinstance(result, ChunkResult):
                    raise ResultLostError("the chunk's result was lost with its worker")
                bridge.set_result(result)
            elif task.status == "cancelled":
                bridge.set_exception(cf.CancelledError("the Dask task was cancelled"))
            else:
                bridge.set_exception(task.exception() or ResultLostError(
                    "the chunk failed without an error"))
        except BaseException as err:  # noqa: BLE001 - whatever fails reaches the batch loop
            if not bridge.done():
                bridge.set_exception(err)

    def abandon(self, future: cf.Future) -> None:
        """Cancel the chunk's task; its result, if any, is never delivered."""
        with self._lock:
            task = self._tasks.pop(future, None)
        if task is not None:
            with contextlib.suppress(Exception):
                task.cancel()

    def slots(self) -> int:
        """Threads over all workers now connected (at least 1; checked every 2 s)."""
        return max(1, self._connected())

    def _connected(self) -> int:
        now = time.monotonic()
        if now - self._checked > 2.0:
            try:
                self._slots = sum(self.client.nthreads().values())
            except Exception:  # noqa: BLE001 - a lost scheduler shows as no worker
                self._slots = 0
            self._checked = now
        return self._slots

    def is_lost(self, err: BaseException) -> bool:
        """Tell whether a task's workers kept dying (``KilledWorker``), or all were lost."""
        from distributed.scheduler import KilledWorker

        return isinstance(err, KilledWorker | WorkersLostError | ResultLostError)

    def is_excused(self, err: BaseException) -> bool:
        """A task lost with a worker this engine ended, or with a restarted LocalCluster."""
        if isinstance(err, WorkersLostError):
            return True
        last = getattr(err, "last_worker", None)
        return getattr(last, "address", last) in self._stopped

    def running(self) -> list[tuple[int, float, Any]]:
        """What the workers run (asked in a thread: a busy worker may answer slowly)."""
        now = time.monotonic()
        if now - self._seen_at > POLL_SECONDS and (self._poller is None
                                                   or not self._poller.is_alive()):
            self._poller = threading.Thread(target=self._poll, daemon=True)
            self._poller.start()
        age = now - self._seen_at
        return [(index, elapsed + age, address) for index, elapsed, address in self._seen]

    def _poll(self) -> None:
        try:
            answers = self.client.run(running_here, on_error="return")
        except Exception:  # noqa: BLE001 - no answer this time; asked again later
            return
        seen = [(index, elapsed, address) for address, runs in answers.items()
                if isinstance(runs, list) for index, elapsed in runs]
        self._seen, self._seen_at = seen, time.monotonic()

    def stop(self, handle: Any) -> None:
        """End the worker at ``handle`` (an address); its nanny, if any, starts a new one."""
        self._stopped.add(handle)
        self._seen = [s for s in self._seen if s[2] != handle]
        with contextlib.suppress(Exception):
            self.client.run(exit_now, workers=[handle], wait=False)

    def check_workers(self) -> None:
        """Say when no worker is connected; restart a LocalCluster, give up on a scheduler."""
        if self._connected():
            self._empty_since, self._noticed = None, False
            return
        now = time.monotonic()
        self._empty_since = self._empty_since or now
        waited = now - self._empty_since
        where = self.scheduler or "the LocalCluster"
        if waited > NO_WORKERS_NOTICE and not self._noticed:
            self._noticed = True
            print(f"servisim: no Dask worker is connected to {where} (waited {waited:.0f} s)"
                  + ("; starting the LocalCluster again" if self.cluster is not None else
                     f"; start workers with `dask worker {self.scheduler}`"),
                  file=sys.stderr, flush=True)
            if self.cluster is not None:
                self._restart_cluster()
        if self.scheduler and waited > NO_WORKERS_LIMIT:
            where = argument("scheduler", self.scheduler)
            raise UsageError(f"{where}: no Dask worker connected for "
                             f"{NO_WORKERS_LIMIT:.0f} s; start workers with `dask worker "
                             f"{self.scheduler}` and run the same command again (the finished "
                             "runs are kept)")

    def _restart_cluster(self) -> None:
        with self._lock:
            lost, self._tasks = list(self._tasks), {}
        self.close(cancel=True)
        self._connect()
        self._checked = 0.0
        self._empty_since, self._noticed = None, False
        for bridge in lost:
            if not bridge.done():
                bridge.set_exception(WorkersLostError("the LocalCluster lost all its workers"))

    def describe(self) -> str:
        """``dask tcp://host:port`` or ``dask LocalCluster xN``."""
        where = self.scheduler or "LocalCluster"
        return f"dask {where} x{self.n_local if self.cluster is not None else self.slots()}"

    def close(self, cancel: bool = False) -> None:
        """Close the client (and the LocalCluster we started)."""
        with self._lock:
            tasks = list(self._tasks.values())
        if cancel and tasks:
            with contextlib.suppress(Exception):
                self.client.cancel(tasks)
        with contextlib.suppress(Exception):
            self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()
            self.cluster = None
