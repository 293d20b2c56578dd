"""Scenario discovery: which parameter ranges lead to the ``low``, ``trend`` or ``high`` class.

Pure functions over a batch's resolved experiment, design and results (one row per run):

- the share of runs in each class, overall and along each varied parameter (binned);
- PRIM boxes per class (EMA Workbench's ``analysis.prim``: peeling and pasting), each picked on
  the peeling trajectory as the best balance of coverage and density (their harmonic mean),
  with restrictions that barely raise the density dropped (:mod:`experiments.analysis.prim`), and
  told as one plain sentence;
- a shallow decision tree (scikit-learn) as a readable cross-check: its leaves as rules, its
  cross-validated accuracy, and how often it agrees with each PRIM box.

Coverage is the share of a class's runs that fall in the box; density is the share of the
box's runs that are of the class. A class's second and third boxes are searched among the runs
outside its earlier boxes (EMA's default), but every box's runs, coverage and density are
counted over all runs, bounds inclusive (:func:`~experiments.analysis.prim.in_box`): a box is
told as a region on its own, so a reader who selects the runs within its stored limits finds
the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from experiments.analysis.notes import Note
from experiments.analysis.prim import (
    MAX_DIMS,
    MIN_CLASS_RUNS,
    box_stats,
    in_box,
    prim_box,
    stands_out_at,
)
from experiments.analysis.recurrence import class_recurrence, told_with_recurrence
from experiments.analysis.sentences import box_sentence, condition, left_out, tree_sentence
from experiments.analysis.spread import COLUMNS as SPREAD_COLUMNS
from experiments.analysis.spread import Crossed
from model.scenarios import SCENARIOS as CLASSES

MAX_BOXES = 3
MIN_COVERAGE = 0.1
SHARE_BINS = 5
TREE_DEPTH = 3
BOX_COLUMNS = ["scenario", "box", "parameter", "low", "high", "coverage", "density",
               "restricted", "left_out", "recurrence", "draws"]
SUMMARY_COLUMNS = ["scenario", "box", "coverage", "density", "share", "mass", "runs", "res_dim",
                   "tree_agreement", *SPREAD_COLUMNS, "sentence"]


@dataclass
class Discovery:
    """What scenario discovery found.

    Attributes:
        shares: ``parameter, bin, bin_low, bin_high, runs, scenario, share`` (``parameter`` is
            ``all`` for the overall shares).
        boxes: One row per restricted parameter of each box (:data:`BOX_COLUMNS`).
        summary: One row per box, with its sentence (:data:`SUMMARY_COLUMNS`: in a crossed
            design, the futures and policies its runs come from,
            :mod:`experiments.analysis.spread`); the report tells the same boxes in its own
            language.
        tree: The decision tree's leaves: ``leaf, scenario, rule, runs, share, sentence``.
        tree_accuracy: Cross-validated accuracy of the tree (NaN without a tree).
        notes: Plain sentences on what was left out or could not be done.

    """

    shares: pd.DataFrame
    boxes: pd.DataFrame
    summary: pd.DataFrame
    tree: pd.DataFrame
    tree_accuracy: float = np.nan
    notes: list[str] = field(default_factory=list)


def classified_runs(spec: dict, samples: pd.DataFrame,
                    results: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Return the varied parameters (floats) and class of each finished, classified run."""
    names = list(spec["problem"]["names"])
    runs = _classified(results)
    if runs is None:
        return pd.DataFrame(columns=names), pd.Series(dtype=object)
    if all(n in runs for n in names):  # the values each run was given (integers rounded)
        x = runs[names]
    else:
        x = samples.set_index("point_id")[names].reindex(runs["point_id"].to_numpy())
    x = x.astype(float).reset_index(drop=True)
    return x, runs["scenario"].astype(str).reset_index(drop=True)


def _classified(results: pd.DataFrame) -> pd.DataFrame | None:
    """The finished runs with a class (``None`` when the model gives no class)."""
    runs = results[results["status"].eq("ok")] if "status" in results else results
    return runs[runs["scenario"].isin(CLASSES)] if "scenario" in runs else None


def _units(samples: pd.DataFrame, results: pd.DataFrame) -> np.ndarray:
    """Each run's unit of resampling: its future in a crossed design, else its point."""
    points = _classified(results)["point_id"].to_numpy()
    if "scenario_id" not in samples:
        return points
    return samples.set_index("point_id")["scenario_id"].reindex(points).to_numpy()


def parameter_ranges(spec: dict, x: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Return each varied parameter's explored range: design bounds, or the data's extent."""
    problem = spec["problem"]
    ranges = {n: (float(lo), float(hi)) for n, (lo, hi) in zip(problem["names"],
                                                                  problem["bounds"],
                                                                  strict=True)}
    for name in x:
        if name not in ranges and len(x):
            ranges[name] = (float(x[name].min()), float(x[name].max()))
    return ranges


def scenario_shares(x: pd.DataFrame, classes: pd.Series,
                    ranges: dict[str, tuple[float, float]], bins: int = SHARE_BINS) -> pd.DataFrame:
    """Count the share of runs in each class, overall and in equal-width bins of each parameter.

    A parameter with at most ``bins`` distinct values (a grid) gets one bin per value.
    """
    rows = []

    def add(parameter: str, b: int, lo: float, hi: float, mask: np.ndarray) -> None:
        counts = classes[mask].value_counts()
        total = int(mask.sum())
        for c in CLASSES:
            rows.append({"parameter": parameter, "bin": b, "bin_low": lo, "bin_high": hi,
                         "runs": total, "scenario": c,
                         "share": counts.get(c, 0) / total if total else np.nan})

    add("all", 0, np.nan, np.nan, np.ones(len(classes), dtype=bool))
    for name in x:
        values = x[name].to_numpy()
        levels = np.unique(values)
        if len(levels) <= bins:
            for b, level in enumerate(levels):
                add(name, b, float(level), float(level), values == level)
            continue
        lo, hi = ranges.get(name, (values.min(), values.max()))
        edges = np.linspace(lo, hi, bins + 1)
        index = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, bins - 1)
        for b in range(bins):
            add(name, b, float(edges[b]), float(edges[b + 1]), index == b)
    return pd.DataFrame(rows)


def find_boxes(x: pd.DataFrame, classes: pd.Series, ranges: dict[str, tuple[float, float]],
               max_boxes: int = MAX_BOXES, max_dims: int = MAX_DIMS, crossed: Crossed | None = None
               ) -> tuple[pd.DataFrame, pd.DataFrame, dict[tuple[str, int], np.ndarray]]:
    """Find PRIM boxes for each class.

    A class with at least :data:`MIN_CLASS_RUNS` runs gets its first box always; further ones,
    searched among the runs outside its earlier boxes, while they reach there a coverage of
    :data:`MIN_COVERAGE`, a density of 0.5 and twice the class's overall share. The stored
    runs, coverage and density are the region's, over all runs. With ``crossed`` (the runs'
    futures and policies), each box also counts those its runs come from, and says so.

    Returns:
        ``(boxes, summary, members)``: the long table of limits (an unrestricted side gets the
        parameter's range bound, widened to the runs' values), one summary row per box, and
        each box's runs (a mask over ``x``: every run within its limits).

    """
    rows, summary, members = [], [], {}
    for scenario in CLASSES:
        y_all = classes.eq(scenario).to_numpy()
        total = int(y_all.sum())
        if total in (0, len(classes)) or total < MIN_CLASS_RUNS:
            summary.append(_trivial(scenario, total, len(classes)))
            continue
        remaining = np.ones(len(x), dtype=bool)
        for number in range(1, max_boxes + 1):
            xs, ys = x[remaining], y_all[remaining]
            if ys.sum() == 0 or ys.all():
                break
            limits, new_coverage, new_density = prim_box(xs, ys, total, max_dims)
            # a further box must add runs of its own: judged on the runs it was searched among
            if number > 1 and (new_coverage < MIN_COVERAGE or new_density < 0.5
                               or not stands_out_at(new_density, total / len(x))):
                break
            # but it is told as a region, which also holds runs of the earlier boxes
            inside = in_box(x, limits)
            coverage, density = box_stats(inside, y_all, total)
            members[(scenario, number)] = inside
            left = left_out(x, limits)
            texts = [condition(n, *limits[n], left[n]) for n in limits]
            spread = crossed.spread(inside, limits) if crossed and limits else {}
            summary.append({"scenario": scenario, "box": number, "coverage": coverage,
                            "density": density, "mass": inside.sum() / len(x),
                            "runs": int(inside.sum()), "res_dim": len(limits),
                            "share": total / len(x), **spread,
                            "sentence": box_sentence(scenario, texts, coverage, density,
                                                     total / len(x), int(inside.sum()), spread)})
            for n, (lo, hi) in limits.items():
                low, high = _span(x[n], ranges)
                rows.append({"scenario": scenario, "box": number, "parameter": n,
                             "low": lo if np.isfinite(lo) else low,
                             "high": hi if np.isfinite(hi) else high,
                             "restricted": ("both" if np.isfinite(lo) and np.isfinite(hi)
                                            else "low" if np.isfinite(lo) else "high"),
                             "left_out": left[n], "coverage": coverage, "density": density})
            remaining &= ~inside
            if not limits:
                break
    boxes = pd.DataFrame(rows, columns=BOX_COLUMNS)
    out = pd.DataFrame(summary)
    out["tree_agreement"] = np.nan
    return boxes, out.reindex(columns=SUMMARY_COLUMNS), members


def _span(values: pd.Series, ranges: dict[str, tuple[float, float]]) -> tuple[float, float]:
    """The limits of an unrestricted side: the parameter's range, widened to hold every run.

    A value rounded to a whole number may fall just outside the design bounds; the stored
    limits must still hold it, or reading them back would lose the run.
    """
    low, high = ranges.get(str(values.name), (float(values.min()), float(values.max())))
    return min(low, float(values.min())), max(high, float(values.max()))


def _trivial(scenario: str, total: int, n: int) -> dict:
    """Return the summary row of a class with no box: no run, every run, or too few runs."""
    if total == 0:
        sentence = f"no run is {scenario}"
    elif total == n:
        sentence = f"every run is {scenario}"
    else:
        sentence = (f"only {total} of {n} runs are {scenario}: too few to find the ranges that "
                    "lead there")
    share = total / n if n else 0.0
    return {"scenario": scenario, "box": 0, "coverage": 1.0 if total else 0.0,
            "density": share, "share": share, "mass": 1.0 if total else 0.0, "runs": total,
            "res_dim": 0,
            "sentence": sentence}


def _pair_boxes(x: pd.DataFrame, classes: pd.Series, boxes: pd.DataFrame,
                summary: pd.DataFrame, members: dict, crossed: Crossed | None = None
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add the densest two-parameter box of a class where PRIM found none that stands out.

    "No zone stands out" is only true when no box holds the class at twice its share: PRIM's
    peeling can miss a corner that an exhaustive search over pairs of deciles finds.
    """
    from experiments.analysis.policies import pair_box, stands_out

    for scenario in CLASSES:
        y = classes.eq(scenario).to_numpy()
        share = float(y.mean())
        mine = summary[summary["scenario"].eq(scenario)]
        if y.sum() < MIN_CLASS_RUNS or any(stands_out_at(d, share) for d in
                                            mine.loc[mine["res_dim"] > 0, "density"]):
            continue
        found = pair_box(x, y)
        if not stands_out(found, share):
            continue
        keep = ~(summary["scenario"].eq(scenario) & summary["res_dim"].eq(0))
        summary = summary[keep]
        number = int(summary.loc[summary["scenario"].eq(scenario), "box"].max()
                     if summary["scenario"].eq(scenario).any() else 0) + 1
        inside = in_box(x, found["limits"])
        members[(scenario, number)] = inside
        # the same rule as every box (pair_box's limits are made to hold exactly its runs)
        coverage, density = box_stats(inside, y, int(y.sum()))
        left = left_out(x, found["limits"])
        texts = [condition(n, lo, hi, left[n]) for n, (lo, hi) in found["limits"].items()]
        spread = crossed.spread(inside, found["limits"]) if crossed else {}
        row = {"scenario": scenario, "box": number, "coverage": coverage,
               "density": density, "mass": inside.mean(), "runs": int(inside.sum()),
               "res_dim": 2, "share": share, "tree_agreement": np.nan, **spread,
               "sentence": box_sentence(scenario, texts, coverage, density, share,
                                        int(inside.sum()), spread)}
        summary = pd.concat([summary, pd.DataFrame([row])], ignore_index=True)
        limits = pd.DataFrame([{"scenario": scenario, "box": number, "parameter": n,
                                "low": lo if np.isfinite(lo) else float(x[n].min()),
                                "high": hi if np.isfinite(hi) else float(x[n].max()),
                                "restricted": ("both" if np.isfinite(lo) and np.isfinite(hi)
                                               else "low" if np.isfinite(lo) else "high"),
                                "left_out": left[n], "coverage": coverage, "density": density}
                               for n, (lo, hi) in found["limits"].items()])
        boxes = pd.concat([boxes, limits], ignore_index=True)[BOX_COLUMNS]
    return boxes, summary.reindex(columns=SUMMARY_COLUMNS)


def tree_rules(x: pd.DataFrame, classes: pd.Series,
               depth: int = TREE_DEPTH) -> tuple[pd.DataFrame, float, object]:
    """Fit a shallow decision tree over the parameters; return its leaves as rules.

    Returns one row per leaf (``leaf, scenario, rule, runs, share, sentence``), the 5-fold
    cross-validated accuracy and the fitted scikit-learn tree.
    """
    from sklearn.model_selection import KFold, cross_val_score
    from sklearn.tree import DecisionTreeClassifier

    leaf_min = max(5, len(x) // 50)
    tree = DecisionTreeClassifier(max_depth=depth, min_samples_leaf=leaf_min, random_state=0)
    folds = KFold(n_splits=5, shuffle=True, random_state=0)
    accuracy = (float(cross_val_score(tree, x, classes, cv=folds).mean())
                if len(x) >= 10 and classes.nunique() > 1 else np.nan)
    tree.fit(x, classes)
    t = tree.tree_
    names = list(x.columns)
    rows = []

    def walk(node: int, bounds: dict[str, list[float]]) -> None:
        if t.children_left[node] == -1:
            counts = t.value[node][0]
            k = int(np.argmax(counts))
            cond = [condition(n, lo, hi, strict_low=True) for n, (lo, hi) in bounds.items()]
            share = float(counts[k] / counts.sum())
            runs = int(t.n_node_samples[node])
            scenario = str(tree.classes_[k])
            rows.append({"leaf": node, "scenario": scenario,
                         "rule": " and ".join(cond) or "all runs", "runs": runs,
                         "share": share, "sentence": tree_sentence(cond, scenario, share, runs)})
            return
        name, cut = names[t.feature[node]], float(t.threshold[node])
        lo, hi = bounds.get(name, [-np.inf, np.inf])
        walk(t.children_left[node], {**bounds, name: [lo, min(hi, cut)]})
        walk(t.children_right[node], {**bounds, name: [max(lo, cut), hi]})

    walk(0, {})
    return pd.DataFrame(rows), accuracy, tree


def discover(spec: dict, samples: pd.DataFrame, results: pd.DataFrame,
             max_boxes: int = MAX_BOXES, max_dims: int = MAX_DIMS) -> Discovery:
    """Find scenario shares, PRIM boxes per class, and a decision tree as a cross-check.

    Args:
        spec: The resolved experiment (``problem`` gives the varied parameters and bounds).
        samples: The design (``point_id`` and the varied parameters).
        results: One row per run with ``point_id``, ``status`` and ``scenario``.
        max_boxes: Most boxes per class.
        max_dims: Most restricted parameters per box.

    """
    x, classes = classified_runs(spec, samples, results)
    ranges = parameter_ranges(spec, x)
    empty = Discovery(pd.DataFrame(), pd.DataFrame(columns=BOX_COLUMNS),
                      pd.DataFrame(columns=SUMMARY_COLUMNS), pd.DataFrame())
    if classes.empty:
        empty.notes.append(Note("no_classes"))
        return empty
    shares = scenario_shares(x, classes, ranges)
    varied = [n for n in x if x[n].nunique() > 1]
    if not varied:
        empty.shares = shares
        empty.notes.append(Note("nothing_varies"))
        return empty
    x = x[varied]
    # the futures and policies of the runs, to tell what each box's runs rest on
    crossed = Crossed.of(spec, samples, _classified(results)["point_id"])
    boxes, summary, members = find_boxes(x, classes, ranges, max_boxes, max_dims, crossed)
    boxes, summary = _pair_boxes(x, classes, boxes, summary, members, crossed)

    def search_again(xs: pd.DataFrame, cs: pd.Series) -> pd.DataFrame:
        again, found, members = find_boxes(xs, cs, ranges, max_boxes, max_dims)
        return _pair_boxes(xs, cs, again, found, members)[0]

    boxes = class_recurrence(search_again, x, classes, boxes, _units(samples, results))
    summary = summary.assign(sentence=told_with_recurrence(summary, boxes))
    summary[SPREAD_COLUMNS] = summary[SPREAD_COLUMNS].astype("Int64")  # counts, blank if none
    leaves, accuracy, tree = tree_rules(x, classes)
    predicted = pd.Series(tree.predict(x))
    for i, row in summary.iterrows():
        mask = members.get((row["scenario"], row["box"]))
        if mask is not None and mask.any():
            summary.loc[i, "tree_agreement"] = float(predicted[mask].eq(row["scenario"]).mean())
    notes = []
    if len(classes) < 100:
        notes.append(Note("few_classified", n=len(classes)))
    return Discovery(shares, boxes, summary, leaves, accuracy, notes)
