"""Designs and the run plan: SALib samplers, a factorial grid, and one seed per run.

* ``sobol``: Saltelli's extension of the Sobol' sequence (``SALib.sample.sobol``),
  scrambled with the root seed: ``N * (2D + 2)`` points, or ``N * (D + 2)`` without the
  second-order rows (``second_order = false``: S1 and ST only, for a larger N at the same cost).
* ``morris``: ``samples`` trajectories of ``D + 1`` points on ``num_levels`` levels.
* ``lhs``: ``samples`` points of a Latin hypercube.
* ``grid``: the full factorial product of the listed levels, in the order of the file.
* ``points``: the listed points as they are (the i-th value of each list is point i).
* ``crossed``: ``policies`` lever points (an LHS drawn with the root seed, or the grid of the
  ``[levers]`` levels) crossed with ``scenarios`` uncertainty points (an LHS drawn with the
  root seed + 1, or a grid): point ``p * scenarios + s`` is policy ``p`` in scenario ``s``
  (columns ``policy_id`` and ``scenario_id`` of the sample matrix).
* A Sobol design over ``[levers]`` and ``[uncertainties]`` groups the parameters by part
  (SALib ``groups``): ``N (2G + 2)`` points for ``G = 2`` groups.

The sample matrix keeps the design's values in SALib row order (what ``SALib.analyze`` expects).
An integer parameter is run at ``floor(low + (x - low) * (high - low + 1) / (high - low))``
(capped at ``high``): each whole number in ``[low, high]`` gets an equal share of the design.

Each run ``i`` of the plan (point ``i // replicates``, replicate ``i % replicates``) gets the
seed ``SeedSequence(root).spawn(n_runs)[i]``: it depends on the root seed and the run's place in
the plan only, never on the engine or the worker.

A design's size is counted before anything is drawn (:func:`check_size`): one over
``max_runs`` (default :data:`DEFAULT_MAX_RUNS`, ``--max-runs`` to raise it) is refused with the
number of runs and the memory its plan would take.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from experiments.errors import DesignTooLargeError, argument
from experiments.spec.experiment import ExperimentSpec
from experiments.spec.values import LISTED

#: The most runs a design may have unless ``--max-runs`` says more (about 1 GiB of plan).
DEFAULT_MAX_RUNS = 1_000_000
# Memory of a plan, measured with tracemalloc on LHS and Sobol designs: per run (its id, seed
# and the SeedSequence drawn for it) and per point and parameter (the sample matrix).
_BYTES_PER_RUN = 850
_BYTES_PER_VALUE = 24


@dataclass
class Design:
    """A design: the SALib problem, the sample matrix and the typed values of each point.

    Attributes:
        problem: SALib problem dict (``num_vars``, ``names``, ``bounds``).
        samples: ``point_id`` plus one column per varied parameter (design values).
        points: per point, the typed parameter values a run uses.

    """

    problem: dict[str, Any]
    samples: pd.DataFrame
    points: Sequence[dict[str, Any]]


class Points(Sequence):
    """The typed parameter values of each point, made on demand from the sample matrix.

    A list of a million dicts would take more memory than the matrix itself; each run asks
    for its point once.
    """

    def __init__(self, spec: ExperimentSpec, samples: pd.DataFrame):
        self.spec = spec
        self.names = list(spec.parameters)
        self.columns = [samples[n].to_numpy() for n in self.names]

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return {n: _typed(self.spec, n, c[i]) for n, c in zip(self.names, self.columns,
                                                               strict=True)}


def salib_problem(spec: ExperimentSpec) -> dict[str, Any]:
    """Return the SALib problem of an experiment (grid levels: their min and max).

    A Sobol design over levers and uncertainties has SALib's ``groups`` (one per part).
    """
    names = list(spec.parameters)
    bounds = [[float(min(v)), float(max(v))] for v in spec.parameters.values()]
    problem: dict[str, Any] = {"num_vars": len(names), "names": names, "bounds": bounds}
    if spec.design == "sobol" and spec.groups:
        problem["groups"] = [spec.groups[n] for n in names]
    return problem


def _part(spec: ExperimentSpec, group: str) -> ExperimentSpec:
    """One part of a crossed design, as an experiment of its own (its design, its size)."""
    from dataclasses import replace

    names = [n for n in spec.parameters if spec.groups[n] == group]
    lever = group == "levers"
    return replace(spec, design=spec.crossed["policy_design" if lever else "scenario_design"],
                   samples=spec.crossed["policies" if lever else "scenarios"],
                   seed=spec.seed if lever else spec.seed + 1, groups={}, crossed={},
                   parameters={n: spec.parameters[n] for n in names},
                   kinds={n: spec.kinds[n] for n in names})


def _crossed_matrix(spec: ExperimentSpec) -> tuple[list[tuple], np.ndarray, np.ndarray]:
    """Every (policy, scenario) point of a crossed design, with the two ids of each."""
    policies = [tuple(row) for row in design_matrix(_part(spec, "levers"))]
    scenarios = [tuple(row) for row in design_matrix(_part(spec, "uncertainties"))]
    n_p, n_s = len(policies), len(scenarios)
    policy_id = np.repeat(np.arange(n_p, dtype=np.int64), n_s)
    scenario_id = np.tile(np.arange(n_s, dtype=np.int64), n_p)
    rows = [policies[p] + scenarios[q] for p, q in zip(policy_id, scenario_id, strict=True)]
    return rows, policy_id, scenario_id


def _order(spec: ExperimentSpec) -> list[str]:
    """The parameters in the order of the design's columns (levers first when crossed)."""
    if spec.design != "crossed":
        return list(spec.parameters)
    return [n for g in ("levers", "uncertainties") for n in spec.parameters
            if spec.groups[n] == g]


def design_matrix(spec: ExperimentSpec) -> np.ndarray | list[tuple]:
    """Draw the design: an array (continuous designs) or a list of level tuples (grid)."""
    problem = salib_problem(spec)
    if spec.design == "grid":
        return list(itertools.product(*spec.parameters.values()))
    if spec.design == "points":
        return list(zip(*spec.parameters.values(), strict=True))
    if spec.design == "crossed":
        return _crossed_matrix(spec)[0]
    if spec.design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(dict(problem), spec.samples, calc_second_order=spec.second_order,
                            seed=spec.seed)
    if spec.design == "morris":
        from SALib.sample import morris

        return morris.sample(dict(problem), spec.samples, num_levels=spec.num_levels,
                             seed=spec.seed)
    from SALib.sample import latin

    return latin.sample(dict(problem), spec.samples, seed=spec.seed)


def n_points(spec: ExperimentSpec) -> int:
    """Count the parameter points of the design (without drawing it)."""
    d = len(set(spec.groups.values())) if spec.design == "sobol" and spec.groups \
        else len(spec.parameters)
    if spec.design == "crossed":
        return n_points(_part(spec, "levers")) * n_points(_part(spec, "uncertainties"))
    if spec.design == "grid":
        return math.prod(len(v) for v in spec.parameters.values())
    if spec.design == "points":
        return len(next(iter(spec.parameters.values())))
    if spec.design == "sobol":
        return spec.samples * (2 * d + 2 if spec.second_order else d + 2)
    if spec.design == "morris":
        return spec.samples * (d + 1)
    return spec.samples


def plan_size(spec: ExperimentSpec) -> tuple[int, int, int]:
    """Count a design's points and runs, and the bytes of its plan, without drawing it.

    Returns:
        ``(points, runs, bytes)``.

    """
    points = n_points(spec)
    runs = points * spec.replicates
    return points, runs, runs * _BYTES_PER_RUN + points * (len(spec.parameters) + 1) * \
        _BYTES_PER_VALUE


def check_size(spec: ExperimentSpec, max_runs: int | None = None) -> None:
    """Refuse a design with more runs than ``max_runs``, before anything is allocated.

    Raises:
        DesignTooLargeError: naming the file, the field that sets the size, the runs, the
            memory of the plan and how to raise the limit.

    """
    limit = DEFAULT_MAX_RUNS if max_runs is None else max_runs
    points, runs, size = plan_size(spec)
    if runs <= limit:
        return
    key = "policies" if spec.design == "crossed" else "samples"
    field = f"key '{key}' in [experiment]" if spec.design not in LISTED else \
        "table [parameters]"
    line = spec.lines.get(("experiment", key) if spec.design not in LISTED
                          else ("parameters", ""))
    where = f"{spec.path}: line {line}, {field}" if line else f"{spec.path}, {field}"
    reps = f" x {spec.replicates} replicates" if spec.replicates > 1 else ""
    raise DesignTooLargeError(
        f"{where}: the {spec.design} design has {runs:,} runs ({points:,} points{reps}); "
        f"planning them takes about {_human(size)} of memory; the limit is {limit:,} runs: "
        f"lower the size, or raise the limit with {argument('max_runs', runs)}")


def _human(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if size < 1024 or unit == "EiB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return ""  # pragma: no cover


def to_int(x: float, low: int, high: int) -> int:
    """Map a design value in ``[low, high]`` to a whole number, each with an equal share."""
    if high <= low:
        return int(low)
    k = math.floor(low + (float(x) - low) * (high - low + 1) / (high - low))
    return int(min(max(k, low), high))


def build_design(spec: ExperimentSpec) -> Design:
    """Draw the design and type every point's values.

    Args:
        spec: the checked experiment.

    Returns:
        The design.

    """
    names = _order(spec)
    raw = design_matrix(spec)
    samples = pd.DataFrame({"point_id": np.arange(len(raw), dtype=np.int64)})
    if spec.design == "crossed":
        _, samples["policy_id"], samples["scenario_id"] = _crossed_matrix(spec)
    for j, name in enumerate(names):
        kind = spec.kinds[name]
        if spec.design_of(name) in LISTED:
            dtype = {"float": "float64", "int": "int64", "bool": "bool"}[kind]
            samples[name] = pd.Series([row[j] for row in raw], dtype=dtype)
        elif spec.design == "crossed":
            samples[name] = np.array([row[j] for row in raw], dtype=np.float64)
        else:
            samples[name] = np.asarray(raw[:, j], dtype=np.float64)
    return Design(problem=salib_problem(spec), samples=samples, points=Points(spec, samples))


def stored_design(spec: ExperimentSpec, samples: pd.DataFrame) -> Design:
    """The design of a result folder's ``samples.parquet`` (resume: nothing is drawn again)."""
    return Design(problem=salib_problem(spec), samples=samples, points=Points(spec, samples))


def _typed(spec: ExperimentSpec, name: str, value: Any) -> Any:
    kind = spec.kinds[name]
    if kind == "bool":
        return bool(value)
    if kind == "int":
        if spec.design_of(name) in LISTED:
            return int(value)
        low, high = spec.parameters[name]
        return to_int(value, int(low), int(high))
    return float(value)


def run_seeds(root: int, n: int) -> np.ndarray:
    """One 63-bit seed per run, from ``numpy.random.SeedSequence(root).spawn(n)``.

    Args:
        root: the experiment's root seed.
        n: the number of runs.

    Returns:
        An int64 array; entry ``i`` depends on ``root`` and ``i`` only.

    """
    children = np.random.SeedSequence(root).spawn(n)
    mask = np.uint64(2**63 - 1)
    return np.array([c.generate_state(1, np.uint64)[0] & mask for c in children],
                    dtype=np.int64)


def run_id(params: dict[str, Any], seed: int) -> str:
    """Hash a run's varied parameter values and seed into its id."""
    text = json.dumps({"p": params, "s": int(seed)}, sort_keys=True, default=float)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def build_plan(spec: ExperimentSpec, design: Design) -> pd.DataFrame:
    """Plan every run: each (point, replicate) with its id and seed, in design order.

    Args:
        spec: the experiment.
        design: its design.

    Returns:
        Columns ``run_id`` (str), ``point_id``, ``replicate``, ``seed`` (int64).

    """
    n_pts, reps = len(design.points), spec.replicates
    point_ids = np.repeat(np.arange(n_pts, dtype=np.int64), reps)
    replicate = np.tile(np.arange(reps, dtype=np.int64), n_pts)
    seeds = run_seeds(spec.seed, n_pts * reps)
    ids = [run_id(design.points[p], s) for p, s in zip(point_ids, seeds.tolist(), strict=True)]
    if len(set(ids)) != len(ids):  # pragma: no cover - a 64-bit collision
        ids = [f"{rid}-{i}" for i, rid in enumerate(ids)]
    return pd.DataFrame({"run_id": pd.Series(ids, dtype="str"), "point_id": point_ids,
                         "replicate": replicate, "seed": seeds})
