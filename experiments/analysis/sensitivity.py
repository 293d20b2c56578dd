"""Sensitivity indices of a batch: Sobol, Morris or PAWN, with confidence intervals.

Pure functions over a batch's resolved experiment (``spec``), its design (``samples``, one row
per parameter point in SALib's order) and its results (one row per run). Replicates are
averaged per point first; the share of variance due to the seed alone is reported beside.

- ``sobol`` designs: S1, ST and S2 with bootstrap confidence intervals, and the same indices on
  growing subsets of the design (the first 2^k base rows keep its structure) to show convergence.
- ``morris`` designs: mu*, its confidence interval, sigma (and mu), also on growing subsets.
- ``lhs`` and ``grid`` designs: PAWN, a moment-independent index (SALib ``pawn``: how far the
  outcome's distribution moves when one parameter is held in a slice), with a bootstrap CI and
  the level a parameter without effect gets, since Sobol estimators need a Sobol design
  (the per-outcome estimator is in :mod:`experiments.analysis.pawn`).

Sobol and Morris need every point of a design row (a base row of the Sobol design, a Morris
trajectory): rows with a failed or unfinished point are dropped and the notes say how many.

The runs whose history contradicts the data (``plausible`` false,
:func:`~experiments.analysis.policies.kept_runs`) are left out of PAWN and of the seed's share
of the variance, as of every conclusion. Sobol and Morris indices keep them: their estimators
need the complete design, and dropping every row that holds one such run would drop nearly all
rows (and keep the rows by their outcome, which biases the indices).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from experiments.analysis.notes import Note
from experiments.analysis.pawn import ks_by_level as ks_by_level  # re-exported
from experiments.analysis.pawn import pawn_indices
from experiments.analysis.pawn import pawn_slices as pawn_slices
from experiments.analysis.policies import kept_runs
from experiments.analysis.replicates import (  # re-exported: the indices' inputs
    SCENARIO_SCORE,
    point_means,
    run_outcomes,
    seed_variance,
)
from experiments.errors import UsageError

CONF_LEVEL = 0.95
SOBOL_RESAMPLES = 100
MORRIS_RESAMPLES = 100
MIN_CONVERGENCE_BASE = 16

METHODS = {
    "sobol": "Sobol indices (Saltelli/Jansen estimators, SALib sobol), bootstrap 95% CIs",
    "morris": "Morris elementary effects (SALib morris), bootstrap 95% CIs",
    "pawn": ("PAWN, moment-independent (median Kolmogorov-Smirnov distance over slices of each "
             "parameter, SALib pawn), bootstrap 95% CIs; Sobol estimators need a Sobol design"),
}
#: Each method's index columns, the one that ranks parameters first: (column, its 95% CI
#: half-width, the figure word of its legend).
INDEX_COLUMNS = {"sobol": [("ST", "ST_conf", "fig.legend_st"), ("S1", "S1_conf", "fig.legend_s1")],
                 "morris": [("mu_star", "mu_star_conf", "fig.legend_mu")],
                 "pawn": [("pawn", "pawn_conf", "fig.legend_pawn")]}


@dataclass
class Sensitivity:
    """What the sensitivity analysis of a batch produced.

    Attributes:
        method: ``sobol``, ``morris`` or ``pawn`` (the key of :data:`METHODS`).
        tables: name -> table (``sobol``, ``sobol_s2``, ``sobol_convergence``, ``morris``,
            ``morris_convergence``, ``pawn``, ``seed_variance``); only those that apply.
        notes: plain sentences on what was dropped, skipped or cannot be estimated.

    """

    method: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def analysis_seed(spec: dict) -> int:
    """Return a fixed, non-zero bootstrap seed from the batch seed (SALib ignores seed 0)."""
    return int(spec.get("seed") or 0) % (2**31 - 1) or 1


def sobol_layout(spec: dict, n_points: int) -> tuple[int, bool]:
    """Return the base sample size N and whether the design has second-order rows.

    Raises:
        UsageError: the number of points fits neither N(2D+2) nor N(D+2).

    """
    d = len(factor_names(spec["problem"]))
    base = int(spec.get("samples") or 0)
    declared = spec.get("calc_second_order")  # as spec.json records it
    for second, block in ((True, 2 * d + 2), (False, d + 2)):
        if declared is not None and second != bool(declared):
            continue
        if n_points == base * block or (not base and n_points % block == 0):
            return n_points // block, second
    raise UsageError(f"{n_points} design points do not form a Sobol design for {d} parameters")


def factor_names(problem: dict) -> list[str]:
    """What a Sobol design estimates indices for: its parameters, or its groups (in order)."""
    groups = problem.get("groups")
    return list(dict.fromkeys(groups)) if groups else list(problem["names"])


def complete_rows(y: np.ndarray, block: int) -> np.ndarray:
    """Return which consecutive rows of ``block`` points are finite at every point."""
    return np.isfinite(y.reshape(-1, block)).all(axis=1)


def sobol_indices(problem: dict, y: np.ndarray, second: bool, seed: int = 1,
                  outcome: str = "y") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compute S1, ST (and S2) of one outcome from complete Sobol design rows.

    ``y`` has one value per design point, ``N (2D + 2)`` of them (``N (D + 2)`` without
    ``second``). Returns one row per parameter (``outcome, parameter, S1, S1_conf, ST,
    ST_conf``) and one per pair (``outcome, parameter_1, parameter_2, S2, S2_conf``).
    """
    from SALib.analyze import sobol

    names = factor_names(problem)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sobol.analyze(problem, np.asarray(y, dtype=float), calc_second_order=second,
                            conf_level=CONF_LEVEL, num_resamples=SOBOL_RESAMPLES, seed=seed)
    first = pd.DataFrame({"outcome": outcome, "parameter": names,
                          "S1": res["S1"], "S1_conf": res["S1_conf"],
                          "ST": res["ST"], "ST_conf": res["ST_conf"]})
    pairs = [{"outcome": outcome, "parameter_1": names[j], "parameter_2": names[k],
              "S2": res["S2"][j, k], "S2_conf": res["S2_conf"][j, k]}
             for j in range(len(names)) for k in range(j + 1, len(names)) if second]
    s2 = pd.DataFrame(pairs, columns=["outcome", "parameter_1", "parameter_2", "S2", "S2_conf"])
    return first, s2


def growing_sizes(n: int, smallest: int = MIN_CONVERGENCE_BASE) -> list[int]:
    """Return powers of two from ``smallest`` up to ``n``, and ``n`` itself."""
    sizes = [2**k for k in range(int(np.log2(max(smallest, 1))), int(np.log2(n)) + 1)
             if smallest <= 2**k <= n] if n >= 1 else []
    if n and (not sizes or sizes[-1] != n):
        sizes.append(n)
    return sizes


def sobol_analysis(spec: dict, samples: pd.DataFrame, runs: pd.DataFrame,
                   outcomes: list[str]) -> Sensitivity:
    """Compute Sobol indices, S2 and convergence for every outcome of a Sobol batch."""
    problem = _problem(spec)
    d = len(factor_names(problem))
    n_base, second = sobol_layout(spec, len(samples))
    block = 2 * d + 2 if second else d + 2
    means = point_means(samples, runs, outcomes)
    seed = analysis_seed(spec)
    result = Sensitivity("sobol")
    firsts, pairs, conv = [], [], []
    for name in outcomes:
        y = means[name].to_numpy()
        keep = complete_rows(y, block)
        if not keep.all():
            result.notes.append(Note("sobol_dropped", (name,), dropped=int((~keep).sum()),
                                     rows=n_base, points=int((~keep).sum()) * block))
        rows = y.reshape(-1, block)[keep]
        if len(rows) < 2:
            result.notes.append(Note("sobol_too_few", (name,)))
            continue
        if np.ptp(rows) == 0:
            result.notes.append(Note("constant", (name,)))
            continue
        steps = []  # the first 2^k base rows, then all: the last step is the result
        for size in growing_sizes(len(rows)):
            if size == len(rows) or np.ptp(rows[:size]) > 0:
                part, s2 = sobol_indices(problem, rows[:size].ravel(), second, seed, name)
                part.insert(2, "n_base", size)
                part.insert(3, "n_points", size * block)
                steps.append(part)
        first = steps[-1].copy()
        for key in ("S1", "ST"):  # how much the indices moved in the last doubling
            first[f"{key}_shift"] = ((steps[-1][key] - steps[-2][key]).abs().to_numpy()
                                     if len(steps) > 1 else np.nan)
        firsts.append(first)
        pairs.append(s2)
        conv += steps
    result.tables["sobol"] = _concat(firsts, ["outcome", "parameter", "S1", "S1_conf", "ST",
                                              "ST_conf", "n_base", "n_points", "S1_shift",
                                              "ST_shift"])
    result.tables["sobol_s2"] = _concat(pairs, ["outcome", "parameter_1", "parameter_2", "S2",
                                                "S2_conf"])
    result.tables["sobol_convergence"] = _concat(conv, ["outcome", "parameter", "n_base",
                                                        "n_points", "S1", "S1_conf", "ST",
                                                        "ST_conf"])
    return result


def morris_analysis(spec: dict, samples: pd.DataFrame, runs: pd.DataFrame,
                    outcomes: list[str]) -> Sensitivity:
    """Compute Morris mu*, its CI and sigma for every outcome of a Morris batch."""
    from SALib.analyze import morris

    problem = _problem(spec)
    block = problem["num_vars"] + 1
    if len(samples) % block:
        raise UsageError(f"{len(samples)} design points do not form Morris trajectories of "
                         f"{block} points")
    x = samples[problem["names"]].to_numpy(dtype=float).reshape(-1, block, problem["num_vars"])
    means = point_means(samples, runs, outcomes)
    levels = int(spec.get("num_levels") or 4)
    seed = analysis_seed(spec)
    result = Sensitivity("morris")
    tables, conv = [], []

    def once(xs: np.ndarray, ys: np.ndarray, name: str) -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = morris.analyze(problem, xs.reshape(-1, problem["num_vars"]), ys.ravel(),
                                 num_resamples=MORRIS_RESAMPLES, conf_level=CONF_LEVEL,
                                 num_levels=levels, seed=seed)
        return pd.DataFrame({"outcome": name, "parameter": problem["names"],
                             "mu_star": res["mu_star"], "mu_star_conf": res["mu_star_conf"],
                             "sigma": res["sigma"], "mu": res["mu"]})

    for name in outcomes:
        y = means[name].to_numpy()
        keep = complete_rows(y, block)
        if not keep.all():
            result.notes.append(Note("morris_dropped", (name,), dropped=int((~keep).sum()),
                                     total=len(keep)))
        ys, xs = y.reshape(-1, block)[keep], x[keep]
        if len(ys) < 2:
            result.notes.append(Note("morris_too_few", (name,)))
            continue
        table = once(xs, ys, name)
        table["trajectories"] = len(ys)
        tables.append(table)
        for size in growing_sizes(len(ys), smallest=4):
            part = once(xs[:size], ys[:size], name)
            part.insert(2, "trajectories", size)
            conv.append(part)
    result.tables["morris"] = _concat(tables, ["outcome", "parameter", "mu_star",
                                               "mu_star_conf", "sigma", "mu", "trajectories"])
    result.tables["morris_convergence"] = _concat(conv, ["outcome", "parameter", "trajectories",
                                                         "mu_star", "mu_star_conf", "sigma",
                                                         "mu"])
    return result


def pawn_analysis(spec: dict, samples: pd.DataFrame, runs: pd.DataFrame,
                  outcomes: list[str], left_out: np.ndarray | None = None) -> Sensitivity:
    """Compute PAWN indices for every outcome of an LHS or grid batch.

    The index is the median over slices of the KS distance (SALib ``pawn``; a parameter with
    few levels is sliced by level); its CI comes from a bootstrap over points, and
    ``pawn_dummy`` is the index that a parameter without any effect gets at this sample size
    (a random column): a parameter near it cannot be told from noise.

    Args:
        spec: The resolved experiment.
        samples: The design, in design order.
        runs: The runs' outcomes (:func:`run_outcomes`) that the indices use.
        outcomes: The outcomes to analyse.
        left_out: Per design point, whether all its finished runs were left out by the
            history check: such points are not counted as missing a finished run (the
            history note counts them).

    """
    problem = _problem(spec)
    x = samples[problem["names"]].to_numpy(dtype=float)
    means = point_means(samples, runs, outcomes)
    seed = analysis_seed(spec)
    result = Sensitivity("pawn")
    tables = []
    for name in outcomes:
        y = means[name].to_numpy()
        keep = np.isfinite(y)
        missing = ~keep if left_out is None else ~keep & ~left_out
        if missing.any():
            result.notes.append(Note("pawn_missing", (name,), missing=int(missing.sum()),
                                     total=len(y)))
        xs, ys = x[keep], y[keep]
        if len(ys) < 10 or np.ptp(ys) == 0:
            result.notes.append(Note("pawn_too_few", (name,)))
            continue
        table = pawn_indices(problem, xs, ys, seed)
        table.insert(0, "outcome", name)
        tables.append(table)
    result.tables["pawn"] = _concat(tables, ["outcome", "parameter", "pawn", "pawn_conf",
                                             "pawn_min", "pawn_max", "pawn_dummy", "slices",
                                             "n_points"])
    return result


def sensitivity(spec: dict, samples: pd.DataFrame, results: pd.DataFrame,
                outcomes: list[str]) -> Sensitivity:
    """Run the sensitivity analysis that fits the batch's design, for each outcome.

    Args:
        spec: The resolved experiment (``design``, ``problem``, ``samples``, ``seed``, ...).
        samples: The design, ``point_id`` and one column per varied parameter, design order.
        results: One row per run (``point_id``, ``status``, the outcomes, ``scenario``).
        outcomes: Outcome columns to analyse; :data:`SCENARIO_SCORE` is made from ``scenario``.

    Returns:
        The method used, its tables (with ``seed_variance``) and notes.

    """
    kept = run_outcomes(kept_runs(results)[0], outcomes)
    design = spec.get("design")
    if design in ("sobol", "morris"):  # the complete design: see the module's docstring
        runs = run_outcomes(results, outcomes)
        analyse = sobol_analysis if design == "sobol" else morris_analysis
        result = analyse(spec, samples, runs, outcomes)
    else:
        finished = results["point_id"][results["status"].eq("ok")] \
            if "status" in results else results["point_id"]
        left_out = (samples["point_id"].isin(finished)
                    & ~samples["point_id"].isin(kept["point_id"])).to_numpy()
        # A crossed design's answer is in its variance shares and policy table; PAWN ranks the
        # parameters on the class only (on every outcome it would take minutes).
        crossed = design == "crossed" and SCENARIO_SCORE in outcomes
        result = pawn_analysis(spec, samples, kept, [SCENARIO_SCORE] if crossed else outcomes,
                               left_out)
        if crossed:
            result.notes.append(Note("crossed_pawn"))
    noise = seed_variance(kept, outcomes)
    result.tables["seed_variance"] = noise
    if noise["var_seed"].isna().all():
        result.notes.append(Note("one_replicate"))
    table = result.tables.get(result.method)
    if table is not None and not table.empty:
        # named as in seed_variance.csv, where seed_share is a single run's share, not this
        share = noise.set_index("outcome")["seed_share_of_means"]
        table["seed_share_of_means"] = table["outcome"].map(share)
    return result


def _problem(spec: dict) -> dict:
    problem = spec["problem"]
    out = {"num_vars": int(problem["num_vars"]), "names": list(problem["names"]),
           "bounds": [list(map(float, b)) for b in problem["bounds"]]}
    if problem.get("groups"):
        out["groups"] = list(problem["groups"])
    return out


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]
