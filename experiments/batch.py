"""Run an experiment: check it, plan it, run what is not done yet, store every row.

``run_batch`` is the one function behind ``servisim batch``. It checks the whole experiment
before touching the result folder, refuses a folder that holds a different experiment, skips
runs already stored (resume after a crash, Ctrl-C or ``kill -9``), and streams results to
Parquet parts as chunks finish, so memory stays flat however many runs there are.

A run's numbers depend only on its parameters and its seed (from the root seed and its place in
the plan), never on the engine, the number of workers or the chunking.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import math
import os
import time
from collections import Counter, deque
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from experiments.engines import Engine, open_engine
from experiments.model_runner import Chunk, ChunkResult
from experiments.progress import make_progress
from experiments.sampling import Design, build_design, build_plan
from experiments.spec import RESERVED, ExperimentSpec, load_experiment
from experiments.store import Store, results_schema

CHUNK_SECONDS = 2.0  # aim for chunks of about this much model time
MAX_CHUNK_RUNS = 1000  # bounds what is in flight: 2 chunks per worker, results held until stored
FLUSH_SECONDS = 2.0  # write a part at most this often (and at the end)
FLUSH_ROWS = 20_000


@dataclass
class BatchSummary:
    """What a batch did.

    Attributes:
        name: experiment name.
        out_dir: the result folder.
        n_runs: runs in the plan.
        n_before: runs already stored when the batch started.
        n_new: runs finished now.
        n_ok: runs stored with status ``ok`` (all sessions).
        n_failed: runs stored with status ``failed`` (all sessions).
        elapsed_s: wall time of this session.
        engine: the engine, e.g. ``local x2``.

    """

    name: str
    out_dir: Path
    n_runs: int
    n_before: int
    n_new: int
    n_ok: int
    n_failed: int
    elapsed_s: float
    engine: str

    @property
    def complete(self) -> bool:
        """Whether every run of the plan is stored."""
        return self.n_ok + self.n_failed == self.n_runs

    def __str__(self) -> str:
        rate = self.n_new / self.elapsed_s if self.elapsed_s > 0 and self.n_new else 0.0
        how = (f"{self.elapsed_s:.1f} s, {rate:.2f} runs/s on {self.engine}" if self.n_new
               else "nothing left to run")
        failed = f"{self.n_failed} failed (status/error in the results)" if self.n_failed \
            else "0 failed"
        return (f"{self.name}: {self.n_ok + self.n_failed}/{self.n_runs} runs stored "
                f"({self.n_new} now, {self.n_before} before), {failed}; {how} -> {self.out_dir}")


@dataclass
class Prepared:
    """A checked experiment with its design, plan and ``spec.json`` contents."""

    spec: ExperimentSpec
    design: Design
    plan: Any
    resolved: dict[str, Any]


def prepare(experiment_path: str | Path) -> Prepared:
    """Check an experiment file and build its design and plan (nothing is written).

    Raises:
        UsageError: any problem with the file.

    """
    spec = load_experiment(experiment_path)
    design = build_design(spec)
    plan = build_plan(spec, design)
    core = spec.resolved()
    fingerprint = hashlib.sha256(json.dumps(core, sort_keys=True, default=str).encode())
    resolved = {
        **core,
        "problem": design.problem,
        "calc_second_order": spec.second_order if spec.design == "sobol" else None,
        "n_points": len(design.points),
        "n_runs": len(plan),
        "description": spec.description,
        "experiment_file": spec.path.name,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "servisim_version": _version("servisim"),
        "versions": {p: _version(p) for p in ("numpy", "SALib", "mesa", "pandas", "pyarrow")},
        "fingerprint": fingerprint.hexdigest()[:16],
        "fingerprinted": list(core),
    }
    return Prepared(spec, design, plan, resolved)


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def run_batch(experiment_path: str | Path, out_dir: str | Path, engine: str = "local",
              scheduler: str | None = None, workers: int | None = None,
              progress: str | None = None, stream: IO[str] | None = None) -> BatchSummary:
    """Run (or resume) an experiment into a result folder.

    Args:
        experiment_path: the TOML experiment file.
        out_dir: the result folder (created; reused to resume the same experiment).
        engine: ``local`` (process pool), ``dask`` or ``sequential`` (this process).
        scheduler: a Dask scheduler address (``tcp://host:8786``); ``None`` starts a
            LocalCluster when ``engine="dask"``.
        workers: processes (local) or LocalCluster workers; default: the cores available.
        progress: ``auto`` (default), ``bar``, ``lines`` or ``none``.
        stream: where progress goes (default ``sys.stderr``).

    Returns:
        The summary (runs stored, failed, time, engine).

    Raises:
        UsageError: a bad experiment file, a folder holding another experiment, bad engine
            options. Nothing is written in these cases.

    """
    started = time.perf_counter()
    prep = prepare(experiment_path)
    store = Store(out_dir)
    store.check_compatible(prep.resolved, str(experiment_path))
    done = store.done()
    before = len(done)
    stored = set(done["run_id"])
    todo = [i for i, rid in enumerate(prep.plan["run_id"].tolist()) if rid not in stored]
    cwd = os.getcwd()
    if not todo:
        store.create(prep.resolved, prep.spec.source, prep.design.samples, prep.plan)
        return _summary(prep, store, before, 0, started, "nothing to run")
    with open_engine(engine, prep.spec.model, cwd, workers, scheduler) as eng:
        store.create(prep.resolved, prep.spec.source, prep.design.samples, prep.plan)
        resolved = store.spec() | {"fingerprinted": prep.resolved["fingerprinted"]}
        bar = make_progress(len(prep.plan), before, progress, stream, prep.spec.name)
        writer = _Writer(store, resolved)
        try:
            new = _Loop(prep, eng, writer, bar, cwd).run(todo)
        finally:
            writer.flush(force=True)
            bar.close()
        return _summary(prep, store, before, new, started, eng.describe())


def _summary(prep: Prepared, store: Store, before: int, new: int, started: float,
             engine: str) -> BatchSummary:
    counts = Counter(store.done()["status"])
    return BatchSummary(prep.spec.name, store.root, len(prep.plan), before, new, counts["ok"],
                        counts["failed"], time.perf_counter() - started, engine)


class _Writer:
    """Buffers finished rows and writes them as Parquet parts every few seconds."""

    def __init__(self, store: Store, resolved: dict[str, Any]):
        self.store, self.resolved = store, resolved
        self.rows: list[dict[str, Any]] = []
        self.trajectories: list[tuple[str, dict[str, list]]] = []
        self.last = time.monotonic()

    @property
    def outcomes(self) -> list[str] | None:
        return self.resolved.get("outcomes")

    def add(self, result: ChunkResult) -> None:
        self.rows.extend(result.rows)
        self.trajectories.extend(result.trajectories)
        if self.outcomes is None:
            self._discover_outcomes()

    def _discover_outcomes(self) -> None:
        """Take a custom model's outcomes from the first ``ok`` run (none were listed)."""
        skip = set(RESERVED) | set(self.resolved["kinds"])
        for row in self.rows:
            if row["status"] == "ok":
                self.resolved["outcomes"] = [k for k in row if k not in skip]
                self.store.write_spec(self.resolved)
                return

    def flush(self, force: bool = False) -> None:
        if not self.rows:
            return
        due = time.monotonic() - self.last >= FLUSH_SECONDS or len(self.rows) >= FLUSH_ROWS
        if not force and (not due or self.outcomes is None):
            return
        schema = results_schema(self.resolved, self.outcomes or [])
        self.store.write_part(self.rows, schema, self._trajectory_table())
        self.rows, self.trajectories = [], []
        self.last = time.monotonic()

    def _trajectory_table(self) -> pa.Table | None:
        if not self.trajectories:
            return None
        columns: dict[str, list] = {"run_id": []}
        for run_id, cols in self.trajectories:
            n = len(next(iter(cols.values())))
            columns["run_id"].extend([run_id] * n)
            for name, values in cols.items():
                columns.setdefault(name, []).extend(values)
        return pa.table(columns)


class _Loop:
    """Submits chunks, collects results, resubmits the runs of lost workers."""

    def __init__(self, prep: Prepared, engine: Engine, writer: _Writer, bar: Any, cwd: str):
        self.prep, self.engine, self.writer, self.bar, self.cwd = prep, engine, writer, bar, cwd
        plan = prep.plan
        self.run_ids = plan["run_id"].tolist()
        self.points = plan["point_id"].tolist()
        self.reps = plan["replicate"].tolist()
        self.seeds = plan["seed"].tolist()
        self.fixed = prep.spec.fixed
        self.breaks: Counter[int] = Counter()
        self.inflight: dict[cf.Future, tuple[list[int], bool]] = {}
        self.runtime: float | None = None
        self.finished = 0

    def _chunk(self, idxs: list[int]) -> Chunk:
        runs = [(self.run_ids[i], self.points[i], self.reps[i], self.seeds[i],
                 self.prep.design.points[self.points[i]]) for i in idxs]
        outcomes = self.writer.outcomes
        return Chunk(self.prep.spec.model, self.fixed, runs,
                     tuple(outcomes) if outcomes is not None else None,
                     self.prep.spec.trajectories, self.cwd)

    def _size(self, remaining: int, slots: int) -> int:
        cap = max(1, math.ceil(remaining / (slots * 4)))
        if self.runtime is None:
            return 1
        return max(1, min(cap, MAX_CHUNK_RUNS, int(CHUNK_SECONDS / max(self.runtime, 1e-6))))

    def _submit(self, idxs: list[int], alone: bool = False) -> None:
        self.inflight[self.engine.submit(self._chunk(idxs))] = (idxs, alone)

    def run(self, todo: list[int]) -> int:
        pending: deque[int] = deque(todo)
        suspects: deque[int] = deque()
        while pending or suspects or self.inflight:
            if suspects:
                if not self.inflight:
                    self._submit([suspects.popleft()], alone=True)
            else:
                slots = self.engine.slots()
                while pending and len(self.inflight) < 2 * slots:
                    size = self._size(len(pending), slots)
                    self._submit([pending.popleft() for _ in range(min(size, len(pending)))])
            done, _ = cf.wait(list(self.inflight), timeout=1.0,
                              return_when=cf.FIRST_COMPLETED)
            lost = False
            for future in done:
                lost |= self._collect(future, pending, suspects)
            if lost and self.engine.name == "local":
                # every other chunk of the broken pool fails too: collect them, then rebuild
                cf.wait(list(self.inflight))
                for future in list(self.inflight):
                    self._collect(future, pending, suspects)
                self.engine.recover()
            self.writer.flush()
        return self.finished

    def _collect(self, future: cf.Future, pending: deque[int], suspects: deque[int]) -> bool:
        idxs, alone = self.inflight.pop(future)
        try:
            result = future.result()
        except Exception as err:  # noqa: BLE001 - a lost worker or an engine error
            # run_chunk records a run's own errors, so this is the engine's: retry the runs,
            # alone after two failures; a run that fails alone is stored as failed
            lost = self.engine.is_lost(err)
            what = "the worker process died while running this run" if lost else \
                "the engine could not run this run"
            for i in reversed(idxs):
                self.breaks[i] += 1
                if alone and self.breaks[i] >= 3:
                    self._record_failed([i], f"{what}, 3 times ({type(err).__name__}: {err})")
                elif self.breaks[i] >= 2:
                    suspects.appendleft(i)
                else:
                    pending.appendleft(i)
            return lost
        self._accept(result)
        return False

    def _accept(self, result: ChunkResult) -> None:
        self.writer.add(result)
        n = len(result.rows)
        self.finished += n
        failed = sum(row["status"] == "failed" for row in result.rows)
        mean = sum(row["runtime_s"] for row in result.rows) / max(n, 1)
        self.runtime = mean if self.runtime is None else 0.7 * self.runtime + 0.3 * mean
        self.bar.update(n, failed)

    def _record_failed(self, idxs: list[int], error: str) -> None:
        rows = []
        for i in idxs:
            row = {"run_id": self.run_ids[i], "point_id": self.points[i],
                   "replicate": self.reps[i], "seed": self.seeds[i],
                   **self.prep.design.points[self.points[i]],
                   "scenario": None, "status": "failed", "error": error, "runtime_s": 0.0}
            rows.append(row)
        self.writer.rows.extend(rows)
        self.finished += len(rows)
        self.bar.update(len(rows), len(rows))
