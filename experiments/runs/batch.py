"""Run an experiment: check it, plan it, run what is not done yet, store every row.

``run_batch`` is the one function behind ``servisim batch``. It checks the whole experiment
before touching the result folder, refuses a folder that holds a different experiment, skips
runs already stored (resume after a crash, Ctrl-C or ``kill -9``), and streams results to
Parquet parts as chunks finish, so memory stays flat however many runs there are.

A run's numbers depend only on its parameters and its seed (from the root seed and its place in
the plan), never on the engine, the number of workers or the chunking.

The folder is locked for the whole batch (:class:`experiments.files.FolderLock`), from the
compatibility check to the last write, so two batches never mix in one folder. A design's
size is checked before it is drawn; a resumed batch reads its stored plan instead of drawing
the design again.
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from os import PathLike
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from experiments.errors import ArgumentError, OutputPathError, UsageError, argument
from experiments.files import FolderLock, check_writable, out_argument, writing
from experiments.runs.engines import check_engine_options, open_engine
from experiments.runs.loop import RunLoop
from experiments.runs.progress import make_progress, pick_mode
from experiments.runs.sampling import Design, build_design, build_plan, check_size, stored_design
from experiments.runs.worker import ChunkResult
from experiments.schema import results_schema
from experiments.spec.experiment import RESERVED, ExperimentSpec, load_experiment
from experiments.spec.models import search_paths
from experiments.spec.roles import role_notes
from experiments.store import TRAJECTORIES, Store, read_part

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


def prepare(experiment_path: str | Path | ExperimentSpec, out_dir: str | Path | None = None,
            max_runs: int | None = None) -> Prepared:
    """Check an experiment and build its design and plan (nothing is written).

    Args:
        experiment_path: the TOML experiment file, or an experiment given from Python
            (:func:`experiments.spec.tables.experiment`).
        out_dir: a result folder that may already hold this experiment's plan, read instead
            of drawing the design again.
        max_runs: the most runs allowed (default
            :data:`~experiments.runs.sampling.DEFAULT_MAX_RUNS`).

    Raises:
        UsageError: any problem with the file; a design over ``max_runs``.

    """
    spec = experiment_path if isinstance(experiment_path, ExperimentSpec) else \
        load_experiment(experiment_path)
    check_size(spec, max_runs)
    core = spec.resolved()
    fingerprint = hashlib.sha256(json.dumps(core, sort_keys=True, default=str).encode())
    stored = Store(out_dir).stored_plan(fingerprint.hexdigest()[:16]) if out_dir else None
    if stored is not None:
        design, plan = stored_design(spec, stored[0]), stored[1]
    else:
        design = build_design(spec)
        plan = build_plan(spec, design)
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


def run_batch(experiment_path: str | Path | ExperimentSpec, out_dir: str | Path,
              engine: str = "local",
              scheduler: str | None = None, workers: int | None = None,
              progress: str | None = None, stream: IO[str] | None = None,
              run_timeout: float | None = None, max_runs: int | None = None,
              model_paths: Iterable[str] = ()) -> BatchSummary:
    """Run (or resume) an experiment into a result folder.

    Args:
        experiment_path: the TOML experiment file, or an experiment given from Python
            (:func:`experiments.spec.tables.experiment`: nothing is parsed from text).
        out_dir: the result folder (created; reused to resume the same experiment).
        engine: ``local`` (process pool), ``dask`` or ``sequential`` (this process).
        scheduler: a Dask scheduler address (``tcp://host:8786``); ``None`` starts a
            LocalCluster when ``engine="dask"``.
        workers: processes (local) or LocalCluster workers; default: the cores available.
        progress: ``auto`` (default), ``bar``, ``lines`` or ``none``.
        stream: where progress and notes go (default ``sys.stderr``): a note names each
            parameter listed against its registry role (:func:`~experiments.spec.roles.role_notes`).
        run_timeout: seconds a run may take before it is stopped and stored as failed;
            default the experiment's ``run_timeout`` (600 s unless it says otherwise).
        max_runs: the most runs a design may have (default 1,000,000).
        model_paths: more folders a custom model may be imported from (a calibration passes
            its file's folder for the model that its particles run).

    Returns:
        The summary (runs stored, failed, time, engine).

    Raises:
        UsageError: a bad experiment file or option, a design over ``max_runs``, a folder
            holding another experiment or locked by another batch. Nothing is written in these
            cases. A write that fails mid-batch (full disk) is one too; the runs stored
            before are kept.

    """
    started = time.perf_counter()
    check_paths(experiment_path, out_dir)
    out = out_argument(out_dir)
    check_engine_options(engine, workers, scheduler)
    if run_timeout is not None and (not _is_number(run_timeout) or not (
            math.isfinite(run_timeout) and run_timeout > 0)):
        raise ArgumentError("run_timeout", run_timeout, "allowed a finite number of seconds > 0")
    if max_runs is not None and (not _is_number(max_runs, whole=True) or max_runs < 1):
        raise ArgumentError("max_runs", max_runs, "allowed a whole number >= 1")
    pick_mode(progress, stream or sys.stderr)  # an unknown mode refused before any write
    prep = prepare(experiment_path, out, max_runs)
    timeout = run_timeout or prep.spec.run_timeout
    paths = search_paths(prep.spec.path.resolve().parent, model_paths)
    if out.exists() and not out.is_dir():
        raise OutputPathError(f"{argument('out_dir', out)}: exists and is not a folder")
    check_writable(next(p for p in (out, *out.parents) if p.exists()), out)
    store = Store(out)
    named = str(prep.spec.path)
    planned = {"source": prep.spec.source, "samples": prep.design.samples, "plan": prep.plan}
    try:
        store.check_compatible(prep.resolved, named, **planned)  # refuse before any write
    except UsageError:
        FolderLock(out, "servisim batch").check_free()  # a batch making the folder: say so
        raise
    with FolderLock(out, "servisim batch"):
        store.check_compatible(prep.resolved, named, **planned)  # and under the lock
        store.remove_leftovers()
        for part in store.parts(TRAJECTORIES):  # damaged: named with its remedy, as analyze
            read_part(part, ["run_id"])  # and report do, not called complete
        done = store.done()
        store.check_belongs(done, prep.plan, named)
        for line in _role_notes(prep.spec):  # once the batch is sure to run
            print(line, file=stream or sys.stderr)
        before = len(done)
        stored = set(done["run_id"])
        todo = [i for i, rid in enumerate(prep.plan["run_id"].tolist()) if rid not in stored]
        with writing(out, after="the runs stored before are kept: run the same command "
                                "again once it can write there"):
            if not todo:
                store.create(prep.resolved, prep.spec.source, prep.design.samples, prep.plan)
                return _summary(prep, store, before, 0, started, "nothing to run")
            with open_engine(engine, prep.spec.model, paths, workers, scheduler) as eng:
                store.create(prep.resolved, prep.spec.source, prep.design.samples, prep.plan)
                resolved = store.spec() | {"fingerprinted": prep.resolved["fingerprinted"]}
                bar = make_progress(len(prep.plan), before, progress, stream, prep.spec.name)
                writer = _Writer(store, resolved)
                try:
                    new = RunLoop(prep, eng, writer, bar, paths, timeout).run(todo)
                finally:
                    writer.flush(force=True)
                    bar.close()
                return _summary(prep, store, before, new, started, eng.describe())


def check_paths(experiment_path: Any, out_dir: Any) -> None:
    """Refuse an experiment or a result folder given from Python as neither text nor a path.

    Raises:
        ArgumentError: naming the argument (``None``, a number...), not a ``TypeError`` from
            deep inside :mod:`pathlib`.

    """
    if not isinstance(experiment_path, str | PathLike | ExperimentSpec):
        raise ArgumentError("experiment_path", experiment_path, "allowed the path of an "
                            "experiment file (str or pathlib.Path) or an experiment")
    if not isinstance(out_dir, str | PathLike):
        raise ArgumentError("out_dir", out_dir, "allowed the path of a folder (str or "
                            "pathlib.Path)")


def _is_number(value: Any, whole: bool = False) -> bool:
    """Whether ``value`` is a real (or whole) number; ``True`` and ``False`` are not."""
    kind = numbers.Integral if whole else numbers.Real
    return isinstance(value, kind) and not isinstance(value, bool)


def _role_notes(spec: ExperimentSpec) -> list[str]:
    """The notes on parameters listed against their registry role (servisim's model only)."""
    if not spec.is_servisim or not spec.groups:
        return []
    from model import REGISTRY

    return role_notes(spec.groups, {name: prm.role for name, prm in REGISTRY.items()})


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
