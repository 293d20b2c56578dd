"""Servitization effects on model output: a matched before/after (difference-in-differences).

Crozet & Milet (CEPII WP 2014-2015; JEMS 2017) compare French manufacturers that start selling
services with similar firms that do not, before and after. The same comparison on model output:

* **treated**: firms that start selling services in year ``T`` (2021-2034): they climb from
  goods only to the first rung of the service ladder (firms selling services in 2020 are left
  out), alive from the year before (``T - 1``) to ``T + h``;
* **controls**: firms that have not started by ``T + h``, alive over the same years, of the
  same kind (SME, supplier, large) and size class in ``T - 1`` (1-9, 10-49, 50-249, 250+
  employees); each treated firm is matched to the control of its cell with the nearest sales
  in ``T - 1`` (log scale, with replacement);
* **effects** at horizon ``h`` (years after the start year): the mean over treated firms of
  (change from ``T - 1`` to ``T + h``) minus the same change of its control, for
  log employment (``employment_effect``), log sales (``sales_effect``) and the EBIT margin
  rate, relative to the pre-period margin rate (``margin_effect``). Effects in log points are
  reported as percentages (``exp(x) - 1``).

The headline horizon is ``h = 3`` (the fourth year after the last pre-period year, past the
two-year climb), fixed before looking at the results; ``h = 0..6`` show the J-curve.
``simulate(params, seed)`` is the batch function: one full run, every effect.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from agents.kinds import ADDED_SERVICES

EFFECTS = ("margin_effect", "employment_effect", "sales_effect")
HORIZONS = tuple(range(7))
HEADLINE = 3
FIRST_COHORT, LAST_COHORT = 2021, 2034
SIZE_EDGES = (10, 50, 250)  # size classes 1-9, 10-49, 50-249, 250+
SMALL = 50  # "small" firms for the split by size: fewer than 50 employees in T - 1


class Panel:
    """Yearly firm panel of one run: flows summed over the year, stocks at its Q4.

    Attributes:
        years: calendar years (rows of every array).
        alive, employees, sales, ebit: per year and firm row.
        start: year each row started selling services (``-1``: never; ``0``: from the start).
        entry: the quarter each row entered.
        kind: firm kind per row.

    """

    def __init__(self, model: Any):
        p = model.p
        self.years = np.arange(p["start_year"], p["end_year"] + 1)
        cap = model.firms.capacity
        shape = (len(self.years), cap)
        self.alive = np.zeros(shape, dtype=bool)
        self.employees = np.zeros(shape)
        self.sales = np.zeros(shape)
        self.ebit = np.zeros(shape)
        self.start = np.full(cap, -1)
        f = model.firms
        self.start[: f.n][f.rung[: f.n] >= ADDED_SERVICES] = 0
        self.kind = f.kind
        self.entry = f.entry_quarter

    def record(self, model: Any, quarter: int) -> None:
        """Add the quarter just simulated (0 = the first quarter of the run)."""
        f = model.firms
        n = f.n
        y = quarter // 4
        self.sales[y, :n] += f.goods_revenue[:n] + f.service_revenue[:n]
        self.ebit[y, :n] += f.margin[:n]
        started = (f.rung[:n] >= ADDED_SERVICES) & (self.start[:n] == -1)
        self.start[:n][started] = self.years[y]
        if quarter % 4 == 3:
            self.alive[y, :n] = f.alive[:n]
            self.employees[y, :n] = f.employees[:n]


def run_panel(model: Any, kind: type[Panel] | None = None) -> Panel:
    """Run a fresh model to its end, recording the yearly panel (of ``kind``, a Panel)."""
    panel = (kind or Panel)(model)
    quarter = 0
    while model.running:
        model.step()
        panel.record(model, quarter)
        quarter += 1
    return panel


def _size_class(employees: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.array(SIZE_EDGES), employees, side="right")


def _matched_changes(panel: Panel, h: int) -> dict[str, np.ndarray]:
    """Per treated firm (all cohorts), its change minus its matched control's, and its size."""
    out: dict[str, list] = {k: [] for k in (*EFFECTS, "pre_margin", "small")}
    first_year = panel.years[0]
    for cohort in range(FIRST_COHORT, LAST_COHORT + 1):
        pre, post = cohort - 1 - first_year, cohort + h - first_year
        if pre < 0 or post >= len(panel.years):
            continue
        present = ((panel.entry <= 4 * pre) & panel.alive[pre] & panel.alive[post]
                   & (panel.sales[pre] > 0) & (panel.sales[post] > 0)
                   & (panel.employees[pre] > 0) & (panel.employees[post] > 0))
        treated = np.flatnonzero(present & (panel.start == cohort))
        control = np.flatnonzero(present & ((panel.start == -1) | (panel.start > cohort + h)))
        if not len(treated) or not len(control):
            continue
        cell_t = panel.kind[treated] * 10 + _size_class(panel.employees[pre, treated])
        cell_c = panel.kind[control] * 10 + _size_class(panel.employees[pre, control])
        for cell in np.unique(cell_t):
            t = treated[cell_t == cell]
            c = control[cell_c == cell]
            if not len(c):
                continue
            c_sales = np.log(panel.sales[pre, c])
            order = np.argsort(c_sales)
            c, c_sales = c[order], c_sales[order]
            x = np.log(panel.sales[pre, t])
            j = np.searchsorted(c_sales, x)
            lo, hi = np.clip(j - 1, 0, len(c) - 1), np.clip(j, 0, len(c) - 1)
            j = np.where(np.abs(x - c_sales[lo]) <= np.abs(c_sales[hi] - x), lo, hi)
            m = c[j]

            def change(arr: np.ndarray, rows: np.ndarray, a: int = pre, b: int = post):
                return np.log(arr[b, rows]) - np.log(arr[a, rows])

            def rate(year: int, rows: np.ndarray) -> np.ndarray:
                return panel.ebit[year, rows] / panel.sales[year, rows]

            out["employment_effect"].append(change(panel.employees, t)
                                            - change(panel.employees, m))
            out["sales_effect"].append(change(panel.sales, t) - change(panel.sales, m))
            out["margin_effect"].append((rate(post, t) - rate(pre, t))
                                        - (rate(post, m) - rate(pre, m)))
            out["pre_margin"].append(np.concatenate([rate(pre, t), rate(pre, m)]))
            out["small"].append(panel.employees[pre, t] < SMALL)
    return {k: np.concatenate(v) if v else np.empty(0, dtype=bool if k == "small" else float)
            for k, v in out.items()}


def _effect(name: str, diffs: np.ndarray, pre_margin: np.ndarray) -> float:
    if not len(diffs):
        return math.nan
    if name == "margin_effect":
        base = float(np.mean(pre_margin))
        return float(np.mean(diffs)) / base if base > 0 else math.nan
    return math.expm1(float(np.mean(diffs)))


def effects(panel: Panel) -> dict[str, float]:
    """Every effect at every horizon, the headline split by size, and the sample sizes."""
    out: dict[str, float] = {}
    for h in HORIZONS:
        d = _matched_changes(panel, h)
        for name in EFFECTS:
            out[f"{name}_h{h}"] = _effect(name, d[name], d["pre_margin"])
        out[f"treated_h{h}"] = float(len(d["sales_effect"]))
        if h == HEADLINE:
            out["margin_points_h3"] = float(np.mean(d["margin_effect"])) if len(
                d["margin_effect"]) else math.nan
            for label, mask in (("small", d["small"]), ("large", ~d["small"])):
                for name in EFFECTS:
                    out[f"{name}_{label}_h{h}"] = _effect(name, d[name][mask], d["pre_margin"])
    for name in EFFECTS:
        out[name] = out[f"{name}_h{HEADLINE}"]
    return out


def simulate(params: dict[str, Any], seed: int) -> dict[str, float]:
    """Batch function (``f(params, seed) -> dict``): one full run and its matched effects."""
    from model import ServitizationModel

    model = ServitizationModel(rng=seed, headless=True, **params)
    return effects(run_panel(model))


def summarise(runs: Any, targets: dict[str, Any]) -> Any:
    """Effects over the runs (median, 5-95%) next to the CEPII validation ranges.

    Args:
        runs: one row per run with the outputs of :func:`simulate`.
        targets: the targets file's rows (``validate`` rows give the ranges).

    Returns:
        A DataFrame: effect, horizon, group, model median / q05 / q95, CEPII low / high,
        inside (median within the range), runs, treated firms per run (median).

    """
    import pandas as pd

    ranges = {t.model_output: t for t in targets.values() if t.use == "validate"}
    rows = []
    for name in EFFECTS:
        t = ranges.get(name)
        cases = [(h, "all", f"{name}_h{h}") for h in HORIZONS]
        cases += [(HEADLINE, g, f"{name}_{g}_h{HEADLINE}") for g in ("small", "large")]
        for h, group, column in cases:
            values = runs[column].dropna().to_numpy(float) if column in runs else np.empty(0)
            med = float(np.median(values)) if len(values) else math.nan
            low, high = (t.low, t.high) if t is not None else (math.nan, math.nan)
            rows.append({
                "effect": name, "horizon": h, "group": group, "headline": h == HEADLINE
                and group == "all", "model_median": med,
                "model_q05": float(np.quantile(values, 0.05)) if len(values) else math.nan,
                "model_q95": float(np.quantile(values, 0.95)) if len(values) else math.nan,
                "cepii_low": low, "cepii_high": high,
                "inside": bool(low <= med <= high) if not math.isnan(med) else False,
                "runs": len(values),
                "treated_per_run": float(runs[f"treated_h{h}"].median())
                if f"treated_h{h}" in runs else math.nan,
            })
    column = f"margin_points_h{HEADLINE}"
    if column in runs:  # the margin effect in points of margin rate, for reading
        values = runs[column].dropna().to_numpy(float)
        if len(values):
            rows.append({"effect": "margin_points", "horizon": HEADLINE, "group": "all",
                         "headline": False, "model_median": float(np.median(values)),
                         "model_q05": float(np.quantile(values, 0.05)),
                         "model_q95": float(np.quantile(values, 0.95)), "cepii_low": math.nan,
                         "cepii_high": math.nan, "inside": False, "runs": len(values),
                         "treated_per_run": math.nan})
    return pd.DataFrame(rows)
