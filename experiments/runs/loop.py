"""The loop of a batch: submit chunks, collect rows, retry lost runs, stop runs over the limit.

:class:`RunLoop` keeps about two chunks per worker in flight. Chunks grow to about
:data:`CHUNK_SECONDS` of model time. When a worker dies (the pool breaks, a Dask worker is
killed) the runs of its chunks are resubmitted; a run lost twice is run alone, and a run that
is lost three times alone is stored as failed, on every engine. A run over its time limit is
stored as failed with the reason, its worker stopped, and the other runs of its chunk
resubmitted without counting it against them.
"""

from __future__ import annotations

import concurrent.futures as cf
import math
import time
from collections import Counter, deque
from typing import Any

from experiments.runs.engine_base import Engine
from experiments.runs.watchdog import timed_out
from experiments.runs.worker import Chunk, ChunkResult
from experiments.spec.models import MARKS

CHUNK_SECONDS = 2.0  # aim for chunks of about this much model time
MAX_CHUNK_RUNS = 1000  # bounds what is in flight: 2 chunks per worker, results held until stored
TRIES = 3  # a run whose worker dies this many times (the last ones alone) is stored as failed


class RunLoop:
    """Submits chunks, collects results, resubmits the runs of lost workers.

    Args:
        prep: the prepared experiment (:class:`experiments.runs.batch.Prepared`).
        engine: the engine.
        writer: where finished rows go (``add``, ``rows``, ``outcomes``, ``flush``).
        bar: the progress display.
        paths: the folders a custom model may be imported from.
        timeout: the per-run time limit in seconds.

    """

    def __init__(self, prep: Any, engine: Engine, writer: Any, bar: Any,
                 paths: tuple[str, ...], timeout: float):
        self.prep, self.engine, self.writer, self.bar = prep, engine, writer, bar
        self.paths, self.timeout = paths, timeout
        plan = prep.plan
        self.run_ids = plan["run_id"].tolist()
        self.points = plan["point_id"].tolist()
        self.reps = plan["replicate"].tolist()
        self.seeds = plan["seed"].tolist()
        self.fixed = prep.spec.fixed
        self.breaks: Counter[int] = Counter()
        self.inflight: dict[cf.Future, tuple[list[int], bool]] = {}
        self.sent: dict[cf.Future, float] = {}
        self.expired: set[int] = set()
        self.pending: deque[int] = deque()
        self.suspects: deque[int] = deque()
        self.runtime: float | None = None
        self.finished = 0

    def _chunk(self, idxs: list[int]) -> Chunk:
        runs = [(self.run_ids[i], self.points[i], self.reps[i], self.seeds[i],
                 self.prep.design.points[self.points[i]]) for i in idxs]
        outcomes = self.writer.outcomes
        return Chunk(self.prep.spec.model, self.fixed, runs,
                     tuple(outcomes) if outcomes is not None else None,
                     self.prep.spec.trajectories, self.paths, tuple(idxs), self.timeout,
                     alarm=not self.engine.watches_runs)

    def _size(self, remaining: int, slots: int) -> int:
        cap = max(1, math.ceil(remaining / (slots * 4)))
        if self.runtime is None:
            return 1
        return max(1, min(cap, MAX_CHUNK_RUNS, int(CHUNK_SECONDS / max(self.runtime, 1e-6))))

    def _submit(self, idxs: list[int], alone: bool = False) -> None:
        future = self.engine.submit(self._chunk(idxs))
        self.inflight[future] = (idxs, alone)
        self.sent[future] = time.monotonic()

    def run(self, todo: list[int]) -> int:
        """Run the plan's runs ``todo`` (indexes); return how many were stored."""
        self.pending.extend(todo)
        while self.pending or self.suspects or self.inflight:
            if self.suspects:
                if not self.inflight:
                    self._submit([self.suspects.popleft()], alone=True)
            else:
                slots = self.engine.slots()
                while self.pending and len(self.inflight) < 2 * slots:
                    size = self._size(len(self.pending), slots)
                    self._submit([self.pending.popleft()
                                  for _ in range(min(size, len(self.pending)))])
            done, _ = cf.wait(list(self.inflight), timeout=1.0,
                              return_when=cf.FIRST_COMPLETED)
            lost = False
            for future in done:
                lost |= self._collect(future)
            # stopping a local worker breaks its whole pool, as a death does
            lost |= self._expire() and self.engine.name == "local"
            if lost and self.engine.name == "local":
                # every other chunk of the broken pool fails too: collect them, then rebuild
                cf.wait(list(self.inflight))
                for future in list(self.inflight):
                    self._collect(future)
                self.engine.recover()
            self.engine.check_workers()
            self.writer.flush()
        return self.finished

    def _collect(self, future: cf.Future) -> bool:
        idxs, alone = self.inflight.pop(future)
        self.sent.pop(future, None)
        try:
            result = future.result()
        except Exception as err:  # noqa: BLE001 - a lost worker or an engine error
            # run_chunk records a run's own errors, so this is the engine's: retry the runs,
            # alone after two failures; a run that fails alone is stored as failed
            lost = self.engine.is_lost(err)
            excused = self.engine.is_excused(err)
            what = "the worker process died while running this run" if lost else \
                "the engine could not run this run"
            for i in reversed(idxs):
                if i in self.expired:
                    continue  # stored as timed out already
                if excused:  # the engine stopped that worker for another run's time limit
                    self.pending.appendleft(i)
                    continue
                self.breaks[i] += 1
                if alone and self.breaks[i] >= TRIES:
                    # a lost worker's message is the engine's long story: its name says it
                    why = type(err).__name__ if lost else f"{type(err).__name__}: {err}"
                    self._record_failed([i], f"{what}, {TRIES} times ({why})")
                elif self.breaks[i] >= TRIES - 1:
                    self.suspects.appendleft(i)
                else:
                    self.pending.appendleft(i)
            return lost
        self._accept(result)
        return False

    def _expire(self) -> bool:
        """Stop the runs over the time limit; return whether a worker was stopped."""
        now = time.monotonic()
        if not self.inflight or not self.engine.watches_runs or \
                now - min(self.sent.values(), default=now) <= self.timeout:
            return False  # no chunk has been out long enough for a run to be over the limit
        stopped = False
        for index, elapsed, handle in self.engine.running():
            if elapsed <= self.timeout or index in self.expired:
                continue
            future = next((f for f, (idxs, _) in self.inflight.items() if index in idxs), None)
            if future is None:
                continue  # a chunk already collected (the board is a moment behind)
            idxs, _ = self.inflight.pop(future)
            self.sent.pop(future, None)
            self.engine.abandon(future)
            self.engine.stop(handle)
            self.expired.add(index)
            self._record_failed([index], timed_out(self.timeout), runtime=elapsed)
            self.pending.extendleft(reversed([i for i in idxs if i != index]))
            stopped = True
        return stopped

    def _accept(self, result: ChunkResult) -> None:
        self.writer.add(result)
        n = len(result.rows)
        self.finished += n
        failed = sum(row["status"] == "failed" for row in result.rows)
        mean = sum(row["runtime_s"] for row in result.rows) / max(n, 1)
        self.runtime = mean if self.runtime is None else 0.7 * self.runtime + 0.3 * mean
        self.bar.update(n, failed)

    def _record_failed(self, idxs: list[int], error: str, runtime: float = 0.0) -> None:
        rows = []
        for i in idxs:
            row = {"run_id": self.run_ids[i], "point_id": self.points[i],
                   "replicate": self.reps[i], "seed": self.seeds[i],
                   **self.prep.design.points[self.points[i]],
                   **dict.fromkeys(MARKS), "status": "failed", "error": error,
                   "runtime_s": runtime}
            rows.append(row)
        self.writer.rows.extend(rows)
        self.finished += len(rows)
        self.bar.update(len(rows), len(rows))
