"""What the region can do: policies against uncertainty scenarios (crossed designs).

A crossed design runs every policy (a combination of levers) in every scenario (a combination
of uncertainties) with a few seeds. From its plausible runs (those whose 2020-2024 history
agrees with the data, :mod:`model.history`):

- per policy, the probability of each class across the scenarios, with Wilson 95% intervals,
  the mean scenario score and the mean regret (Savage's regret of the policy in each scenario
  against the best policy there, on the cells' mean score, averaged over the scenarios: with
  two seeds a cell, the maximum regret is saturated by seed noise);
- the share of each outcome's variance held by the policy, by the scenario, by their
  interaction and by the seed, with bootstrap intervals (:mod:`experiments.analysis.variance`);
- PRIM over the levers (which policies make ``high`` likely, across the scenarios) and over the
  uncertainties (what breaks the best policies: where they miss ``high``);
- an exhaustive search over two-parameter boxes on decile edges: the densest box of a class
  holding at least :data:`MIN_BOX_RUNS` runs. "No zone stands out" may only be said when
  neither PRIM nor this search finds a box at twice the class's share of the runs.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from experiments.analysis.prim import (
    DROP_TOLERANCE,
    MIN_CLASS_RUNS,
    in_box,
    prim_box,
    stands_out_at,
)
from experiments.analysis.recurrence import DRAWS, BoxSearch, recurrence
from experiments.analysis.sentences import left_out
from experiments.analysis.spread import COLUMNS as SPREAD_COLUMNS
from experiments.analysis.spread import policy_box_spread
from experiments.analysis.variance import class_shares, variance_shares
from model.scenarios import SCENARIOS, SCORES

Z95 = 1.959963984540054
#: Smallest box the two-parameter search reports: runs, and share of all runs.
MIN_BOX_RUNS = 10
MIN_BOX_MASS = 0.05
EDGES = np.linspace(0, 1, 11)
#: The best policies whose failures PRIM explains: this share of the policies, at least one.
TOP_POLICIES = 0.25
#: A box over the levers holds at least this many policies' runs (over the uncertainties, this
#: many futures'): a box around one policy or one future only restates the table.
MIN_BOX_UNITS = 3


def wilson(successes: int, n: int) -> tuple[float, float]:
    """Wilson score 95% interval of a proportion (``nan`` for no trial)."""
    return wilson_share(successes / n, n) if n > 0 else (math.nan, math.nan)


def clustered_wilson(hits: np.ndarray, clusters: np.ndarray) -> tuple[float, float]:
    """Wilson 95% interval of a proportion over runs that come in clusters (a future's seeds).

    The runs of one future share everything but their seed, so they agree more often than
    independent runs would, and a Wilson interval over the runs is too narrow. The interval
    here is Wilson's at the effective number of runs, ``n / deff`` (Korn & Graubard 1998,
    Survey Methodology 24(2)), with Kish's design effect ``deff`` the cluster-robust variance
    of the proportion over the binomial one (at least 1: never narrower than Wilson's; 1 at a
    proportion of 0 or 1, where both variances vanish).

    Args:
        hits: one boolean a run (the run is of the class).
        clusters: one label a run (its future).

    """
    hits = np.asarray(hits, dtype=float)
    n = len(hits)
    if n == 0:
        return math.nan, math.nan
    p = float(hits.mean())
    labels, index = np.unique(clusters, return_inverse=True)
    sizes = np.bincount(index).astype(float)
    sums = np.bincount(index, hits)
    deff = 1.0
    if 0 < p < 1 and len(labels) > 1:
        clustered = len(labels) / (len(labels) - 1) * float(((sums - p * sizes) ** 2).sum())
        deff = max(1.0, clustered / (n * p * (1 - p)))
    return wilson_share(p, n / deff)


def wilson_share(p: float, n: float) -> tuple[float, float]:
    """Wilson score 95% interval of a proportion ``p`` observed over ``n`` (effective) trials."""
    if n <= 0:
        return math.nan, math.nan
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def kept_runs(results: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split the finished runs into those the conclusions use and those left out.

    A run is left out when its history check says it is implausible; runs of a model that
    gives no check (``plausible`` missing) are all kept.

    Returns:
        ``(kept, left_out)``: the ``ok`` runs with a plausible (or unchecked) history, and the
        ``ok`` runs whose history contradicts the data.

    """
    ok = results[results["status"].eq("ok")]
    if "plausible" not in ok:
        return ok, ok.iloc[0:0]
    implausible = ok["plausible"].eq(False).to_numpy()
    return ok[~implausible], ok[implausible]


def history_misses(left_out: pd.DataFrame) -> pd.Series:
    """How many left-out runs miss each target (most missed first)."""
    if left_out.empty or "history_misses" not in left_out:
        return pd.Series(dtype=int)
    names = left_out["history_misses"].fillna("").str.split().explode()
    return names[names.astype(bool)].value_counts()


def _with_design(samples: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in ("policy_id", "scenario_id") if c in samples]
    return runs.merge(samples[["point_id", *cols]], on="point_id", how="left")


def policy_table(samples: pd.DataFrame, kept: pd.DataFrame, levers: list[str]) -> pd.DataFrame:
    """One row per policy: its levers, runs, class probabilities with intervals, regret.

    Args:
        samples: the crossed design (``point_id``, ``policy_id``, ``scenario_id``, levers).
        kept: the runs the conclusions use (with ``point_id`` and ``scenario``).
        levers: the lever columns.

    Returns:
        ``policy_id``, the levers, ``runs``, ``p_low``/``p_trend``/``p_high`` with
        ``*_lo``/``*_hi`` (Wilson 95% over the runs, widened for the seeds a future shares:
        :func:`clustered_wilson`), ``score`` (mean of low = -1, trend = 0, high = 1) and
        ``regret``; sorted by highest ``p_high``, then lowest ``p_low``, then least regret.

    """
    runs = _with_design(samples, kept[kept["scenario"].isin(SCENARIOS)])
    runs = runs.assign(score=runs["scenario"].map(SCORES).astype(float))
    cells = runs.groupby(["policy_id", "scenario_id"])["score"].mean().unstack()
    regret = (cells.max(axis=0) - cells).mean(axis=1)  # a scenario's best minus the policy's
    rows = []
    lever_values = samples.drop_duplicates("policy_id").set_index("policy_id")[levers]
    for policy, group in runs.groupby("policy_id"):
        n = len(group)
        row = {"policy_id": int(policy), **lever_values.loc[policy].to_dict(), "runs": n,
               "scenarios": int(group["scenario_id"].nunique())}
        for klass in SCENARIOS:
            hits = group["scenario"].eq(klass).to_numpy()
            lo, hi = clustered_wilson(hits, group["scenario_id"].to_numpy())
            row.update({f"p_{klass}": hits.mean(), f"p_{klass}_lo": lo, f"p_{klass}_hi": hi})
        row["score"] = float(group["score"].mean())
        row["regret"] = float(regret.get(policy, math.nan))
        rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    return table.sort_values(["p_high", "p_low", "regret"], ascending=[False, True, True],
                             kind="stable").reset_index(drop=True)


def pair_box(x: pd.DataFrame, y: np.ndarray, min_runs: int = 0) -> dict | None:
    """The densest box on two parameters (decile edges) holding enough runs, if any.

    Every rectangle of deciles on every pair of parameters is counted with 2-D prefix sums.
    The bins are half-open, so a box's limits are not its decile edges (a run on the upper
    edge belongs to the next bin) but the lowest and highest values of its runs: read with
    inclusive bounds (:func:`~experiments.analysis.prim.in_box`), as every box is, they hold
    exactly the runs counted.

    Returns:
        ``{"limits": {name: (low, high)}, "density", "coverage", "runs"}`` of the densest box
        with at least :data:`MIN_BOX_RUNS` runs, :data:`MIN_BOX_MASS` of all runs and
        ``min_runs``, or ``None`` when there are fewer than two parameters or no such box.
        A side that reaches the lowest or highest bin is unbounded (infinite).

    """
    y = np.asarray(y, dtype=bool)
    names = [n for n in x if x[n].nunique() > 1]
    if len(names) < 2 or not y.any():
        return None
    need = max(MIN_BOX_RUNS, math.ceil(MIN_BOX_MASS * len(y)), min_runs)
    edges = {n: np.unique(np.quantile(x[n].to_numpy(float), EDGES)) for n in names}
    bins = {n: np.clip(np.searchsorted(edges[n], x[n].to_numpy(float), side="right") - 1,
                       0, len(edges[n]) - 2) for n in names}
    best: tuple[float, dict[str, tuple[int, int]]] | None = None
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            na, nb = len(edges[a]) - 1, len(edges[b]) - 1
            runs = np.zeros((na + 1, nb + 1))
            hits = np.zeros((na + 1, nb + 1))
            np.add.at(runs, (bins[a] + 1, bins[b] + 1), 1)
            np.add.at(hits, (bins[a] + 1, bins[b] + 1), y)
            runs, hits = runs.cumsum(0).cumsum(1), hits.cumsum(0).cumsum(1)
            a0, a1, b0, b1 = _rectangles(na, nb)
            count = runs[a1, b1] - runs[a0, b1] - runs[a1, b0] + runs[a0, b0]
            inside = hits[a1, b1] - hits[a0, b1] - hits[a1, b0] + hits[a0, b0]
            ok = count >= need
            if not ok.any():
                continue
            density = np.where(ok, inside / np.maximum(count, 1), -1.0)
            k = int(np.argmax(density))
            if best is None or density[k] > best[0] + 1e-12:
                best = (float(density[k]), {a: (int(a0[k]), int(a1[k])),
                                            b: (int(b0[k]), int(b1[k]))})
    if best is None:
        return None
    chosen = best[1]
    members = np.ones(len(y), dtype=bool)
    for name, (lo, hi) in chosen.items():  # prefix-sum corners: bins lo .. hi - 1
        members &= (bins[name] >= lo) & (bins[name] < hi)
    limits = {name: _member_limits(x[name].to_numpy(float)[members], lo == 0,
                                   hi == len(edges[name]) - 1)
              for name, (lo, hi) in chosen.items()}
    hits = int(y[members].sum())
    return {"limits": limits, "density": hits / int(members.sum()),
            "coverage": hits / int(y.sum()), "runs": int(members.sum())}


def _member_limits(values: np.ndarray, from_lowest: bool, to_highest: bool
                   ) -> tuple[float, float]:
    """A side's limits: its runs' lowest and highest values, unbounded at the explored ends."""
    return (-math.inf if from_lowest else float(values.min()),
            math.inf if to_highest else float(values.max()))


def _rectangles(na: int, nb: int) -> tuple[np.ndarray, ...]:
    """Every rectangle of bins as prefix-sum corners ``(a0, a1, b0, b1)``."""
    a0, a1 = np.triu_indices(na + 1, k=1)
    b0, b1 = np.triu_indices(nb + 1, k=1)
    grid = np.meshgrid(np.arange(len(a0)), np.arange(len(b0)), indexing="ij")
    ia, ib = grid[0].ravel(), grid[1].ravel()
    return a0[ia], a1[ia], b0[ib], b1[ib]


def stands_out(box: dict | None, share: float) -> bool:
    """Whether a box stands out for its class (:func:`~experiments.analysis.prim.stands_out_at`)."""
    return box is not None and stands_out_at(box["density"], share)


def lever_box(samples: pd.DataFrame, kept: pd.DataFrame, levers: list[str],
              klass: str = "high") -> dict | None:
    """PRIM over the levers: the policies under which ``klass`` is most likely.

    Returns:
        ``limits``, ``density``, ``coverage``, ``share`` (the class's share of the runs) and
        ``runs``, or ``None`` with fewer than :data:`MIN_CLASS_RUNS` runs of the class.

    """
    runs = _with_design(samples, kept[kept["scenario"].isin(SCENARIOS)])
    x = samples.set_index("point_id").loc[runs["point_id"], levers].reset_index(drop=True)
    per_policy = float(runs.groupby("policy_id").size().median()) if len(runs) else 0.0
    y = runs["scenario"].eq(klass).to_numpy()
    return _box(x, y, math.ceil(MIN_BOX_UNITS * per_policy), runs)


def breaking_box(samples: pd.DataFrame, kept: pd.DataFrame, policies: pd.DataFrame,
                 uncertainties: list[str]) -> dict | None:
    """PRIM over the uncertainties: where the best policies miss ``high``.

    The best policies are the first :data:`TOP_POLICIES` of ``policies`` (ranked).

    Returns:
        As :func:`lever_box`, with ``policies`` (the ids looked at), or ``None``.

    """
    if policies.empty:
        return None
    top = policies["policy_id"].head(max(1, round(TOP_POLICIES * len(policies)))).tolist()
    runs = _with_design(samples, kept[kept["scenario"].isin(SCENARIOS)])
    runs = runs[runs["policy_id"].isin(top)]
    x = samples.set_index("point_id").loc[runs["point_id"], uncertainties]
    per_future = float(runs.groupby("scenario_id").size().median()) if len(runs) else 0.0
    found = _box(x.reset_index(drop=True), runs["scenario"].ne("high").to_numpy(),
                 math.ceil(MIN_BOX_UNITS * per_future), runs)
    if found is not None:
        found["policies"] = top
    return found


def _box(x: pd.DataFrame, y: np.ndarray, min_runs: int, runs: pd.DataFrame) -> dict | None:
    """PRIM's box for ``y`` (or the pair search's when denser), with ``units``: its runs' ids.

    Either box must hold ``min_runs`` runs; a smaller PRIM box counts as no box.
    """
    total = int(y.sum())
    if total < MIN_CLASS_RUNS or total == len(y):
        return None
    limits, coverage, density = prim_box(x, y, total)
    if limits and in_box(x, limits).sum() < min_runs:
        limits, coverage, density = {}, 1.0, total / len(y)
    found = {"limits": limits, "density": density, "coverage": coverage,
             "share": total / len(y), "runs": int(in_box(x, limits).sum()), "method": "prim"}
    pair = pair_box(x, y, min_runs)
    if stands_out(pair, found["share"]) and (not limits or pair["density"] > density + 0.05):
        found.update(_simplest(x, y, pair), method="pair")
    found["left_out"] = left_out(x, found["limits"])
    found["units"] = runs[np.asarray(in_box(x, found["limits"]))][["scenario_id", "policy_id"]]
    return found


def _simplest(x: pd.DataFrame, y: np.ndarray, pair: dict) -> dict:
    """The pair box, or one of its two sides alone when that side holds the density."""
    best = pair
    for name, (lo, hi) in pair["limits"].items():
        inside = in_box(x, {name: (lo, hi)})
        density = float(y[inside].mean()) if inside.any() else 0.0
        if density >= pair["density"] - DROP_TOLERANCE and (
                best is pair or density > best["density"]):
            best = {"limits": {name: (lo, hi)}, "density": density,
                    "coverage": float(y[inside].sum() / y.sum()), "runs": int(inside.sum())}
    return best


def class_medians(kept: pd.DataFrame, indicators: list[str]) -> pd.DataFrame:
    """Per class, the runs and the median of each indicator (what the class looks like)."""
    rows = []
    for klass in SCENARIOS:
        runs = kept[kept["scenario"].eq(klass)]
        rows.append({"scenario": klass, "runs": len(runs),
                     **{n: float(runs[n].median()) if len(runs) and n in runs else math.nan
                        for n in indicators}})
    return pd.DataFrame(rows)


def _box_rows(kind: str, search: BoxSearch, samples: pd.DataFrame,
              kept: pd.DataFrame) -> list[dict]:
    """The box ``search`` finds, a row per restriction, with its recurrence and spread."""
    found = search(samples, kept)
    if found is None:
        return []
    again = recurrence(search, samples, kept, list(found["limits"]), kind)
    spread = policy_box_spread(kind, found, samples)
    return [{"kind": kind, "parameter": n, "low": lo, "high": hi, "density": found["density"],
             "coverage": found["coverage"], "share": found["share"], "runs": found["runs"],
             "method": found["method"], "left_out": found["left_out"][n],
             "recurrence": again[n], "draws": DRAWS, **spread}
            for n, (lo, hi) in found["limits"].items()]


def policy_analysis(spec: dict, samples: pd.DataFrame, results: pd.DataFrame,
                    outcomes: list[str]) -> tuple[dict[str, pd.DataFrame], dict]:
    """Every table of the policy analysis, and the facts the summary keeps.

    Args:
        spec: the resolved experiment (``groups`` and ``design``).
        samples: the design.
        results: every finished run.
        outcomes: the numeric outcomes (the variance shares are computed for them and for the
            scenario score).

    Returns:
        ``(tables, facts)``: tables ``plausibility`` (always), and for a crossed design
        ``policies``, ``variance_shares``, ``class_shares``, ``policy_boxes`` (with the
        futures and policies each box's runs come from, :mod:`~experiments.analysis.spread`)
        and ``class_medians``; facts
        ``checked``, ``left_out``, ``kept``, ``misses``.

    """
    kept, left_out = kept_runs(results)
    misses = history_misses(left_out)
    checked = int(results["plausible"].notna().sum()) if "plausible" in results else 0
    tables = {"plausibility": pd.DataFrame({"target": misses.index, "runs": misses.to_numpy()})}
    facts = {"checked": checked, "left_out": len(left_out), "kept": len(kept),
             "misses": {str(k): int(v) for k, v in misses.items()}}
    indicators = [o for o in outcomes if o in kept and o != "scenario_score"]
    if "scenario" in kept and kept["scenario"].notna().any():
        tables["class_medians"] = class_medians(kept, indicators)
    groups = spec.get("groups") or {}
    if spec.get("design") != "crossed" or not groups:
        return tables, facts
    levers = [n for n, g in groups.items() if g == "levers"]
    uncertainties = [n for n, g in groups.items() if g == "uncertainties"]
    scored = kept.assign(scenario_score=kept["scenario"].map(SCORES).astype(float)) \
        if "scenario" in kept else kept
    tables["variance_shares"] = variance_shares(
        samples, scored, (["scenario_score"] if "scenario" in kept else []) + indicators)
    if "scenario" not in kept or not kept["scenario"].isin(SCENARIOS).any():
        return tables, facts
    tables["class_shares"] = class_shares(samples, kept, SCENARIOS)
    policies = policy_table(samples, kept, levers)
    tables["policies"] = policies

    def breaks(some: pd.DataFrame, their_runs: pd.DataFrame) -> dict | None:
        # the best policies of these futures: a half of the futures ranks them again
        return breaking_box(some, their_runs, policy_table(some, their_runs, levers),
                            uncertainties)

    tables["policy_boxes"] = pd.DataFrame(
        _box_rows("levers_high", lambda s, k: lever_box(s, k, levers, "high"), samples, kept)
        + _box_rows("levers_low", lambda s, k: lever_box(s, k, levers, "low"), samples, kept)
        + _box_rows("breaks_best", breaks, samples, kept),
        columns=["kind", "parameter", "low", "high", "density", "coverage", "share", "runs",
                 "method", "left_out", "recurrence", "draws", *SPREAD_COLUMNS])
    return tables, facts
