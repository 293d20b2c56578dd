"""What a worker runs: a chunk of runs of the servisim model or of a user's function.

This module is imported in every worker process. It imports nothing heavy at module level
(no app, no plotting, no pandas); the model is imported once per process, on first use.

A run that raises (anything, ``KeyboardInterrupt`` and ``SystemExit`` included) or returns
something other than finite numbers is returned as a ``failed`` row with its error; the chunk
goes on. Only a real Ctrl-C of this process stops it.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from experiments.runs import watchdog
from experiments.spec.models import MARKS, import_model, search_paths
from model.scenarios import SCENARIOS

_CACHE: dict[str, Callable[..., Any]] = {}
_FROM: dict[str, tuple[str, ...]] = {}  # the folders each cached model was imported from
_SIGINT = {"received": False}
#: The signals that stop a batch: Ctrl-C and ``kill``.
STOPS = (signal.SIGINT, signal.SIGTERM)


@dataclass(frozen=True)
class Chunk:
    """Runs sent to a worker in one task.

    Attributes:
        model: ``"servisim"`` or ``"package.module:function"``.
        fixed: parameter values shared by every run.
        runs: per run ``(run_id, point_id, replicate, seed, varied values)``.
        outcomes: outcome names, or ``None`` to return every key the function gives.
        trajectories: also return quarterly trajectories (servisim model only).
        paths: the folders a custom model may be imported from
            (:func:`experiments.spec.models.search_paths`).
        index: each run's place in the plan (what a worker reports while running it).
        timeout: the per-run time limit in seconds, or ``None``.
        alarm: enforce ``timeout`` in this process (the sequential engine; pool and Dask
            workers are stopped from outside instead).

    """

    model: str
    fixed: dict[str, Any]
    runs: list[tuple[str, int, int, int, dict[str, Any]]]
    outcomes: tuple[str, ...] | None
    trajectories: bool = False
    paths: tuple[str, ...] = ()
    index: tuple[int, ...] = ()
    timeout: float | None = None
    alarm: bool = False


@dataclass
class ChunkResult:
    """What a chunk gives back.

    Attributes:
        rows: one dict per run (the result table's columns).
        trajectories: per run ``(run_id, columns dict)`` of quarterly values, if asked for.
        pid: the worker process (for diagnostics only; never stored).

    """

    rows: list[dict[str, Any]]
    trajectories: list[tuple[str, dict[str, list]]] = field(default_factory=list)
    pid: int = 0


def servisim_model(params: dict[str, Any], seed: int, trajectory: bool = False) -> dict:
    """Run the servisim model headless to 2040.

    Args:
        params: every model parameter.
        seed: the run's seed.
        trajectory: also return the quarterly trajectory as column lists.

    Returns:
        The final indicators, ``"scenario"`` (the bands' class of the final indicators), the
        history check of 2020-2024 (``"plausible"``, ``"implausibility"``, ``"history_misses"``:
        see :mod:`model.history`) and, if asked, ``"_trajectory"``.

    """
    from model import ServitizationModel, classify
    from model.history import History, plausibility

    model = ServitizationModel(rng=seed, headless=True, **params)
    history = History(model)
    model.run(history.before_step, history.observe)  # as step_with_history does, each step
    out: dict[str, Any] = dict(model.indicators())
    out["scenario"] = classify(out)
    if history.complete:
        judged = plausibility(history.summaries())
        out.update({"plausible": judged.plausible, "implausibility": judged.implausibility,
                    "history_misses": " ".join(judged.misses)})
    else:  # a run that ends before 2024Q4 has no 2020-2024 to check: kept, unchecked
        out.update({"plausible": None, "implausibility": None, "history_misses": ""})
    if trajectory:
        out["_trajectory"] = model.trajectory_columns()
    return out


def resolve_model(model: str, paths: tuple[str, ...] = ()) -> Callable[..., Any]:
    """Return the callable behind a model name, imported once per process.

    Args:
        model: ``"servisim"`` or ``"package.module:function"``.
        paths: the folders a custom model may come from (the chunk's). This process's own
            ``PYTHONPATH`` is searched too (a remote Dask worker).

    Raises:
        ModelImportError: a module that is not the user's own, or cannot be imported.

    """
    folders = search_paths(None, paths)
    if model in _CACHE and _FROM.get(model, folders) == folders:
        return _CACHE[model]
    if model == "servisim":
        import model as _model_package  # noqa: F401 - import the model (and mesa) now

        func = servisim_model
    else:
        func = import_model(model, folders)
    _CACHE[model], _FROM[model] = func, folders
    return func


#: The warm-up run of the servisim model: the smallest population, one simulated year.
WARM_UP = {"population_scale": 0.005, "end_year": 2021}


def warm_up(model: str, paths: tuple[str, ...] = ()) -> int:
    """Import the model now (process-pool initializer, Dask ``client.run``, sequential engine).

    The servisim model is also run once, tiny: its compiled kernels load from numba's cache on
    their first call (about a second in a new process), and a run's time limit must not count
    that, nor interrupt it halfway (a half-loaded numba breaks every later run).

    Returns:
        This process's id.

    """
    func = resolve_model(model, paths)
    if func is servisim_model:
        servisim_model(WARM_UP, 0, trajectory=True)
    return os.getpid()


def local_worker_init(model: str, paths: tuple[str, ...], board: Any = None,
                      counter: Any = None) -> None:
    """Set up a local pool worker: die with the parent, leave Ctrl-C to it, import.

    Args:
        model: the experiment's model.
        paths: the folders a custom model may come from.
        board: the pool's shared array of running runs
            (:func:`experiments.runs.watchdog.new_shared`), and ``counter`` its slot counter.
        counter: see ``board``.

    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # the parent's handler that noted stops while it forked (engines.stops_held): here a
    # kill ends the worker, as for any process
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PDEATHSIG
        except OSError:  # pragma: no cover - no glibc
            pass
    if board is not None:
        watchdog.BOARD.attach(board, counter)
    # a failed import is reported per run by run_chunk, not as a broken pool
    with contextlib.suppress(Exception):
        warm_up(model, paths)


def dask_setup(worker: Any) -> None:
    """Dask's preload hook in a LocalCluster's worker process: leave Ctrl-C to the batch.

    A terminal's Ctrl-C reaches every process of the batch. The batch stops its cluster
    itself; a worker that took the signal too ended in a traceback of Dask's (one per worker).
    As the local pool's workers do (:func:`local_worker_init`), the worker ignores it.

    Args:
        worker: the Dask worker being started (not used).

    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def note_sigint() -> Callable[[], None]:
    """Mark a real Ctrl-C or ``kill`` of this process, for run_chunk to tell from a model's.

    SIGTERM is marked too when the caller handles it in Python (the command line turns it into
    a stop with exit code 143): its handler still runs, after the mark. Without the mark, a
    batch run in this process took the stop for its run's failure and went on.

    Returns:
        A function that puts the previous handlers back.

    """
    _SIGINT["received"] = False
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {signal.SIGINT: signal.getsignal(signal.SIGINT),
                signal.SIGTERM: signal.getsignal(signal.SIGTERM)}

    def interrupted(signum: int, frame: Any) -> None:
        _SIGINT["received"] = True
        if signum == signal.SIGTERM:
            previous[signal.SIGTERM](signum, frame)  # the caller's own stop (it raises)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupted)
    if not callable(previous[signal.SIGTERM]):  # the default: kill ends the process as ever
        del previous[signal.SIGTERM]
    else:
        signal.signal(signal.SIGTERM, interrupted)

    def restore() -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    return restore


def run_chunk(chunk: Chunk) -> ChunkResult:
    """Run every run of a chunk; a run that raises becomes a ``failed`` row.

    Args:
        chunk: the runs and what they share.

    Returns:
        One row per run, in the chunk's order.

    """
    result = ChunkResult(rows=[], pid=os.getpid())
    try:
        func = resolve_model(chunk.model, chunk.paths)
        load_error = None
    except Exception as err:  # noqa: BLE001 - reported per run
        func, load_error = None, getattr(err, "reason", None) or _describe(err)
    for k, (run_id, point_id, replicate, seed, varied) in enumerate(chunk.runs):
        row: dict[str, Any] = {"run_id": run_id, "point_id": point_id,
                               "replicate": replicate, "seed": seed, **varied}
        start = time.perf_counter()
        watchdog.BOARD.begin(chunk.index[k] if k < len(chunk.index) else -1)
        try:
            error, outcomes, marks, trajectory = _run_one(chunk, func, load_error, seed,
                                                           varied)
        finally:
            watchdog.BOARD.end()
        if error is not None:
            row.update({**dict.fromkeys(MARKS), "status": "failed", "error": error})
            row.update(dict.fromkeys(chunk.outcomes or (), math.nan))
        else:
            row.update(outcomes)
            row.update({**marks, "status": "ok", "error": None})
            if trajectory is not None:
                result.trajectories.append((run_id, trajectory))
        row["runtime_s"] = time.perf_counter() - start
        result.rows.append(row)
    return result


def _run_one(chunk: Chunk, func: Callable[..., Any] | None, load_error: str | None, seed: int,
             varied: dict[str, Any]) -> tuple[str | None, dict, dict, dict | None]:
    """Run one run: ``(error or None, outcomes, marks, trajectory)`` (marks: :data:`MARKS`)."""
    if func is None:
        return f"cannot load model {chunk.model!r}: {load_error}", {}, None, None
    params = {**chunk.fixed, **varied}
    try:
        with watchdog.deadline(chunk.timeout if chunk.alarm else None):
            if func is servisim_model:
                raw = func(params, seed, trajectory=chunk.trajectories)
            else:
                raw = func(params, seed)
    except watchdog.RunTimedOut as err:
        return str(err), {}, None, None
    except KeyboardInterrupt as err:
        if _SIGINT["received"]:
            raise  # the user pressed Ctrl-C: stop the batch, do not store this run
        return _describe(err), {}, None, None
    except BaseException as err:  # noqa: BLE001 - the batch goes on (SystemExit included)
        return _describe(err), {}, None, None
    try:
        outcomes, marks, trajectory = _check_output(raw, chunk.outcomes)
    except (TypeError, KeyError, ValueError) as err:
        # what the model returned is at fault, not a line of this module
        return f"{type(err).__name__}: {err}", {}, None, None
    return None, outcomes, marks, trajectory


def _check_output(raw: Any, outcomes: tuple[str, ...] | None
                  ) -> tuple[dict[str, float], dict[str, Any], dict | None]:
    if not isinstance(raw, dict):
        raise TypeError(f"the model returned {type(raw).__name__}; expected a dict of outcomes")
    scenario = raw.get("scenario")
    if scenario is not None and scenario not in SCENARIOS:
        raise ValueError(f"scenario {scenario!r} is not one of {', '.join(SCENARIOS)}")
    trajectory = raw.get("_trajectory")
    names = outcomes if outcomes is not None else [
        k for k in raw if k not in MARKS and k != "_trajectory"]
    values: dict[str, float] = {}
    for name in names:
        if name not in raw:
            raise KeyError(f"the model returned no outcome {name!r}")
        value = raw[name]
        if isinstance(value, bool) or not isinstance(value, int | float) and not hasattr(
                value, "__float__"):
            raise TypeError(f"outcome {name!r} is {value!r}; expected a number")
        values[name] = float(value)
        if not math.isfinite(values[name]):
            raise ValueError(f"outcome {name!r} is {values[name]}; a model must return finite "
                             "numbers (raise an error for a run that has no value)")
    return values, {"scenario": scenario, **_history_marks(raw)}, trajectory


def _history_marks(raw: dict) -> dict[str, Any]:
    """The run's history check, when the model gives one (``None`` otherwise)."""
    plausible = raw.get("plausible")
    if plausible is not None and type(plausible).__name__ not in ("bool", "bool_"):
        raise TypeError(f"'plausible' is {plausible!r}; expected true or false")
    implausibility = raw.get("implausibility")
    misses = raw.get("history_misses")
    return {"plausible": None if plausible is None else bool(plausible),
            "implausibility": None if implausibility is None else float(implausibility),
            "history_misses": None if misses is None else str(misses)}


def _describe(err: BaseException) -> str:
    frames = traceback.extract_tb(err.__traceback__)
    where = f" (at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno})" if frames else ""
    text = f"{type(err).__name__}: {err}{where}"
    return text if len(text) <= 2000 else text[:1997] + "..."
