"""Designs and the run plan: SALib samplers, a factorial grid, and one seed per run.

* ``sobol``: Saltelli's extension of the Sobol' sequence (``SALib.sample.sobol``),
  scrambled with the root seed: ``N * (2D + 2)`` points, or ``N * (D + 2)`` without the
  second-order rows (``second_order = false``: S1 and ST only, for a larger N at the same cost).
* ``morris``: ``samples`` trajectories of ``D + 1`` points on ``num_levels`` levels.
* ``lhs``: ``samples`` points of a Latin hypercube.
* ``grid``: the full factorial product of the listed levels, in the order of the file.

The sample matrix keeps the design's values in SALib row order (what ``SALib.analyze`` expects).
An integer parameter is run at ``floor(low + (x - low) * (high - low + 1) / (high - low))``
(capped at ``high``): each whole number in ``[low, high]`` gets an equal share of the design.

Each run ``i`` of the plan (point ``i // replicates``, replicate ``i % replicates``) gets the
seed ``SeedSequence(root).spawn(n_runs)[i]``: it depends on the root seed and the run's place in
the plan only, never on the engine or the worker.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from experiments.spec import ExperimentSpec


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
    points: list[dict[str, Any]]


def salib_problem(spec: ExperimentSpec) -> dict[str, Any]:
    """Return the SALib problem of an experiment (grid levels: their min and max)."""
    names = list(spec.parameters)
    bounds = [[float(min(v)), float(max(v))] for v in spec.parameters.values()]
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def design_matrix(spec: ExperimentSpec) -> np.ndarray | list[tuple]:
    """Draw the design: an array (continuous designs) or a list of level tuples (grid)."""
    problem = salib_problem(spec)
    if spec.design == "grid":
        return list(itertools.product(*spec.parameters.values()))
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
    d = len(spec.parameters)
    if spec.design == "grid":
        return math.prod(len(v) for v in spec.parameters.values())
    if spec.design == "sobol":
        return spec.samples * (2 * d + 2 if spec.second_order else d + 2)
    if spec.design == "morris":
        return spec.samples * (d + 1)
    return spec.samples


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
    names = list(spec.parameters)
    raw = design_matrix(spec)
    samples = pd.DataFrame({"point_id": np.arange(len(raw), dtype=np.int64)})
    for j, name in enumerate(names):
        column = [row[j] for row in raw]
        kind = spec.kinds[name]
        if spec.design == "grid":
            dtype = {"float": "float64", "int": "int64", "bool": "bool"}[kind]
            samples[name] = pd.Series(column, dtype=dtype)
        else:
            samples[name] = np.asarray(column, dtype=np.float64)
    points = []
    for row in raw:
        point = {}
        for j, name in enumerate(names):
            point[name] = _typed(spec, name, row[j])
        points.append(point)
    return Design(problem=salib_problem(spec), samples=samples, points=points)


def _typed(spec: ExperimentSpec, name: str, value: Any) -> Any:
    kind = spec.kinds[name]
    if kind == "bool":
        return bool(value)
    if kind == "int":
        if spec.design == "grid":
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
