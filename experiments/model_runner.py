"""What a worker runs: a chunk of runs of the servisim model or of a user's function.

This module is imported in every worker process. It imports nothing heavy at module level
(no app, no plotting, no pandas); the model is imported once per process, on first use.

A run that raises is returned as a ``failed`` row with its error; the chunk goes on.
"""

from __future__ import annotations

import contextlib
import importlib
import math
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SCENARIO_CLASSES = ("low", "trend", "high")
_CACHE: dict[str, Callable[..., Any]] = {}


@dataclass(frozen=True)
class Chunk:
    """Runs sent to a worker in one task.

    Attributes:
        model: ``"servisim"`` or ``"package.module:function"``.
        fixed: parameter values shared by every run.
        runs: per run ``(run_id, point_id, replicate, seed, varied values)``.
        outcomes: outcome names, or ``None`` to return every key the function gives.
        trajectories: also return quarterly trajectories (servisim model only).
        cwd: the user's working directory, put on ``sys.path`` to import a custom model.

    """

    model: str
    fixed: dict[str, Any]
    runs: list[tuple[str, int, int, int, dict[str, Any]]]
    outcomes: tuple[str, ...] | None
    trajectories: bool = False
    cwd: str = ""


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
        The final indicators, ``"scenario"`` (the bands' class of the final indicators) and,
        if asked, ``"_trajectory"``.

    """
    from model import ServitizationModel, classify

    model = ServitizationModel(rng=seed, headless=True, **params)
    model.run()
    out: dict[str, Any] = dict(model.indicators())
    out["scenario"] = classify(out)
    if trajectory:
        frame = model.trajectory()
        out["_trajectory"] = {c: frame[c].tolist() for c in frame.columns}
    return out


def resolve_model(model: str, cwd: str = "") -> Callable[..., Any]:
    """Return the callable behind a model name, imported once per process.

    Args:
        model: ``"servisim"`` or ``"package.module:function"``.
        cwd: a folder to put on ``sys.path`` first (the user's working directory).

    """
    if model in _CACHE:
        return _CACHE[model]
    if model == "servisim":
        import model as _model_package  # noqa: F401 - import the model (and mesa) now

        func = servisim_model
    else:
        if cwd and os.path.isdir(cwd) and cwd not in sys.path:
            sys.path.insert(0, cwd)
        module_name, _, name = model.partition(":")
        func = getattr(importlib.import_module(module_name), name)
    _CACHE[model] = func
    return func


def warm_up(model: str, cwd: str = "") -> int:
    """Import the model now (process-pool initializer and Dask ``client.run``).

    Returns:
        This process's id.

    """
    resolve_model(model, cwd)
    return os.getpid()


def local_worker_init(model: str, cwd: str) -> None:
    """Set up a local pool worker: die with the parent, leave Ctrl-C to it, import."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PDEATHSIG
        except OSError:  # pragma: no cover - no glibc
            pass
    # a failed import is reported per run by run_chunk, not as a broken pool
    with contextlib.suppress(Exception):
        warm_up(model, cwd)


def run_chunk(chunk: Chunk) -> ChunkResult:
    """Run every run of a chunk; a run that raises becomes a ``failed`` row.

    Args:
        chunk: the runs and what they share.

    Returns:
        One row per run, in the chunk's order.

    """
    result = ChunkResult(rows=[], pid=os.getpid())
    try:
        func = resolve_model(chunk.model, chunk.cwd)
        load_error = None
    except Exception as err:  # noqa: BLE001 - reported per run
        func, load_error = None, _describe(err)
    for run_id, point_id, replicate, seed, varied in chunk.runs:
        row: dict[str, Any] = {"run_id": run_id, "point_id": point_id,
                               "replicate": replicate, "seed": seed, **varied}
        start = time.perf_counter()
        try:
            if func is None:
                raise RuntimeError(f"cannot load model {chunk.model!r}: {load_error}")
            params = {**chunk.fixed, **varied}
            if func is servisim_model:
                raw = func(params, seed, trajectory=chunk.trajectories)
            else:
                raw = func(params, seed)
            outcomes, scenario, trajectory = _check_output(raw, chunk.outcomes)
        except (Exception, SystemExit) as err:  # noqa: BLE001 - the batch goes on
            row.update({"scenario": None, "status": "failed", "error": _describe(err)})
            row.update(dict.fromkeys(chunk.outcomes or (), math.nan))
        else:
            row.update(outcomes)
            row.update({"scenario": scenario, "status": "ok", "error": None})
            if trajectory is not None:
                result.trajectories.append((run_id, trajectory))
        row["runtime_s"] = time.perf_counter() - start
        result.rows.append(row)
    return result


def _check_output(raw: Any, outcomes: tuple[str, ...] | None
                  ) -> tuple[dict[str, float], str | None, dict | None]:
    if not isinstance(raw, dict):
        raise TypeError(f"the model returned {type(raw).__name__}; expected a dict of outcomes")
    scenario = raw.get("scenario")
    if scenario is not None and scenario not in SCENARIO_CLASSES:
        raise ValueError(f"scenario {scenario!r} is not one of {', '.join(SCENARIO_CLASSES)}")
    trajectory = raw.get("_trajectory")
    names = outcomes if outcomes is not None else [
        k for k in raw if k not in ("scenario", "_trajectory")]
    values: dict[str, float] = {}
    for name in names:
        if name not in raw:
            raise KeyError(f"the model returned no outcome {name!r}")
        value = raw[name]
        if isinstance(value, bool) or not isinstance(value, int | float) and not hasattr(
                value, "__float__"):
            raise TypeError(f"outcome {name!r} is {value!r}; expected a number")
        values[name] = float(value)
    return values, scenario, trajectory


def _describe(err: BaseException) -> str:
    frames = traceback.extract_tb(err.__traceback__)
    where = f" (at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno})" if frames else ""
    text = f"{type(err).__name__}: {err}{where}"
    return text if len(text) <= 2000 else text[:1997] + "..."
