"""The report's answer to the workshop: what the region can do, and what it cannot control.

Every number here is read from the analysis tables (``policies``, ``variance_shares``,
``policy_boxes``, ``class_medians``, ``plausibility``), which are computed from the stored
runs; no sentence is fixed text about the results.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from experiments.analysis.policies import MIN_BOX_UNITS, TOP_POLICIES
from experiments.analysis.variance import PARTS
from experiments.report import boxes, sections
from experiments.report.i18n import Translator
from model.scenarios import SCENARIOS as CLASSES

if TYPE_CHECKING:
    from experiments.report.batch import Batch

#: Policies shown in the table: the best ones, then the worst.
SHOWN_BEST = 5
#: Indicators that describe a class, in this order (those the batch stored).
DESCRIBED = ("servitized_share_sme", "industrial_service_capture", "digital_adoption_sme",
             "jobs_index_2017", "cumulative_exits_share", "two_tier_gap")


def history(batch: Batch, t: Translator) -> str:
    """How many runs the history check left out, and which targets they missed most."""
    facts = batch.summary.get("plausibility") or {}
    checked, left = int(facts.get("checked") or 0), int(facts.get("left_out") or 0)
    if not checked:
        return ""
    if not left:
        return t("region.history_all", checked=t.integer(checked))
    misses = list((facts.get("misses") or {}).items())[:3]
    return t("region.history", left=t.integer(left), checked=t.integer(checked),
             share=t.pct(left / checked),
             targets=t.join([t("region.miss" if v != 1 else "region.miss_one",
                               target=t(f"target.{k}") if f"target.{k}" in t.text else k,
                               runs=t.integer(v)) for k, v in misses]))


def _interval(row: Any, klass: str, t: Translator) -> str:
    return t("region.interval", p=t.pct(row[f"p_{klass}"]), lo=t.pct(row[f"p_{klass}_lo"]),
             hi=t.pct(row[f"p_{klass}_hi"]))


def _box_text(box: pd.DataFrame, batch: Batch, t: Translator) -> str:
    """A PRIM box's restrictions in words."""
    conds = []
    for r in box.itertuples():
        lo_free, hi_free = not math.isfinite(r.low), not math.isfinite(r.high)
        side = "high" if lo_free else "low" if hi_free else "both"
        conds.append(boxes.condition(r.parameter, r.low, r.high, side, batch, t,
                                     getattr(r, "left_out", None)))
    return t.join(conds)


def box_sentence(batch: Batch, kind: str, t: Translator) -> str:
    """The sentence of one policy box (levers for high, uncertainties that break)."""
    table = batch.table("policy_boxes")
    box = table[table["kind"].eq(kind)] if not table.empty else table
    # the count of best policies whose failures the analysis explains (policies.breaking_box)
    best = t.integer(max(1, round(TOP_POLICIES * len(batch.table("policies")))))
    if box.empty:
        return t(f"region.{kind}_none", units=MIN_BOX_UNITS, best=best)
    first = box.iloc[0]
    words = {"conditions": _box_text(box, batch, t), "best": best,
             "density": t.pct(float(first["density"])),
             "share": t.pct(float(first["share"])), "coverage": t.pct(float(first["coverage"]))}
    counts = box_counts(first)
    if counts is None or counts[2] == counts[0]:  # no run outside the box to set it against
        return t(f"region.{kind}", **words) + boxes.recurrence_text(box, "futures", t)
    inside, _, runs, in_class = counts
    outside = runs - inside
    return t(f"region.{kind}_outside", runs=t.integer(inside), outside_runs=t.integer(outside),
             outside_share=t.pct((in_class - round(float(first["density"]) * inside)) / outside),
             **words) + boxes.recurrence_text(box, "futures", t)


def box_counts(row: pd.Series) -> tuple[int, int, int, int] | None:
    """A box's runs, its runs of the class, all runs and all runs of the class.

    The table stores the box's runs and three ratios of run counts (density, coverage, share),
    from which the counts follow exactly; ``None`` when they do not (no run of the class in
    the box) or when the read-back disagrees with the ratios.
    """
    inside = int(row["runs"])
    density, coverage, share = (float(row[k]) for k in ("density", "coverage", "share"))
    in_box = round(density * inside)
    if inside <= 0 or in_box <= 0 or coverage <= 0 or share <= 0:
        return None
    in_class = round(in_box / coverage)
    runs = round(in_class / share)
    if not (math.isclose(in_box / inside, density, rel_tol=1e-9)
            and math.isclose(in_box / in_class, coverage, rel_tol=1e-9)
            and math.isclose(in_class / runs, share, rel_tol=1e-9)):
        return None
    return inside, in_box, runs, in_class


def policy_rows(batch: Batch, t: Translator) -> list[dict[str, Any]]:
    """The best policies and the worst, with their levers in the council's units."""
    table = batch.table("policies")
    levers = [n for n, g in (batch.spec.get("groups") or {}).items() if g == "levers"]
    unit = boxes.units(batch)
    shown = pd.concat([table.head(SHOWN_BEST), table.tail(1)]).drop_duplicates("policy_id")
    rows = []
    for position, row in shown.iterrows():
        rows.append({"rank": t.integer(int(position) + 1),
                     "levers": [t.value(float(row[n]), unit.get(n)) for n in levers],
                     **{klass: t.pct(row[f"p_{klass}"]) for klass in ("high", "low")},
                     **{f"{klass}_range": t("region.range", lo=t.pct(row[f"p_{klass}_lo"]),
                                            hi=t.pct(row[f"p_{klass}_hi"]))
                        for klass in ("high", "low")},
                     "regret": t.num(float(row["regret"])),
                     "worst": position == len(table) - 1 and len(table) > SHOWN_BEST})
    return rows


def control_sentence(batch: Batch, t: Translator) -> str:
    """Which share of the scenario score's variance is the region's to move."""
    shares = batch.table("variance_shares")
    row = shares[shares["outcome"].eq(sections.SCENARIO_SCORE)] if not shares.empty else shares
    if row.empty:
        return ""
    r = row.iloc[0]
    text = t("region.control", **{part: _share(r, part, "region.interval", t)
                                  for part in PARTS})
    return text + (" " + t("region.control_intervals") if _has_interval(r, "policy") else "")


def share_rows(batch: Batch, t: Translator) -> list[dict[str, str]]:
    """The variance shares of every outcome, as a table (with their 95% intervals)."""
    shares = batch.table("variance_shares")
    return [{"outcome": t("region.score") if r["outcome"] == sections.SCENARIO_SCORE
             else t.indicator(r["outcome"]),
             "cells": [_share(r, part, "region.interval_short", t) for part in PARTS]}
            for _, r in shares.iterrows()]


def shares_note(batch: Batch, t: Translator) -> str:
    """Which results' shares add up to more than 100%, their interaction's estimate below 0.

    The interaction is what the cells' means add to the policy and the uncertainties, less the
    seeds' noise they carry; where that noise is the larger, the estimate falls below 0 and is
    set to 0 (:func:`experiments.analysis.variance.variance_shares`), so the four shares add up
    to more than one: 103% for the large firms' digital adoption on the workshop study.
    """
    shares = batch.table("variance_shares")
    if shares.empty or not set(PARTS) <= set(shares):
        return ""
    total = shares[list(PARTS)].sum(axis=1)
    over = shares[shares["interaction"].eq(0) & (total.round(2) > 1)]
    if over.empty:
        return ""
    names = [t("region.score") if o == sections.SCENARIO_SCORE else t.indicator(o)
             for o in over["outcome"]]
    key = "region.shares_over_one" if len(over) == 1 else "region.shares_over"
    return t(key, outcomes=t.join(names), top=t.pct(float(total[over.index].max())))


def _has_interval(row: pd.Series, part: str) -> bool:
    lo, hi = row.get(f"{part}_lo"), row.get(f"{part}_hi")
    return lo is not None and hi is not None and not (pd.isna(lo) or pd.isna(hi))


def _share(row: pd.Series, part: str, key: str, t: Translator) -> str:
    """One part's share, with its interval where the analysis gave one ("-" when missing)."""
    value = row[part]
    if pd.isna(value):
        return "-"
    if not _has_interval(row, part):
        return t.pct(float(value))
    return t(key, p=t.pct(float(value)), lo=t.pct(float(row[f"{part}_lo"])),
             hi=t.pct(float(row[f"{part}_hi"])))


def region_page(batch: Batch, t: Translator) -> dict[str, Any] | None:
    """The answer of a policies x scenarios study (``None`` for another design)."""
    table = batch.table("policies")
    if batch.spec.get("design") != "crossed" or table.empty:
        return None
    groups = batch.spec.get("groups") or {}
    levers = [n for n, g in groups.items() if g == "levers"]
    uncertainties = [n for n, g in groups.items() if g == "uncertainties"]
    best, worst = table.iloc[0], table.iloc[-1]
    crossed = batch.spec.get("crossed") or {}
    return {
        "intro": t("region.intro", policies=t.integer(table["policy_id"].nunique()),
                   k=len(levers), levers=t.join([t.param_phrase(n) for n in levers]),
                   scenarios=t.integer(crossed.get("scenarios") or 0), u=len(uncertainties),
                   seeds=t.integer(int(batch.spec.get("replicates") or 1))) + _lever_year(batch, t),
        "history": history(batch, t),
        "lever_names": [t.param_label(n) for n in levers],
        "best_worst": t("region.best_worst", best_high=_interval(best, "high", t),
                        best_low=_interval(best, "low", t),
                        worst_high=_interval(worst, "high", t),
                        worst_low=_interval(worst, "low", t)) + " " + _ties(table, t)
        + _worst_ties(table, t),
        "rows": policy_rows(batch, t),
        "levers_high": box_sentence(batch, "levers_high", t),
        "control": control_sentence(batch, t),
        "shares": share_rows(batch, t),
        "shares_note": shares_note(batch, t),
        "breaks": box_sentence(batch, "breaks_best", t),
    }


def _ties(table: pd.DataFrame, t: Translator) -> str:
    """How many policies after the best have a chance of high whose interval reaches its own.

    The best is the highest of many noisy estimates: its order among those is not firm, and
    the maximum overstates (the winner's curse, Thaler 1988; Smith & Winkler 2006).
    """
    if "p_high_hi" not in table or table["p_high_hi"].isna().all():
        return ""
    floor = float(table["p_high_lo"].iloc[0])
    tied = int((table["p_high_hi"].iloc[1:] >= floor).sum())
    policies = t.integer(len(table))
    if tied:
        key = "region.tie_one" if tied == 1 else "region.ties"
        return t(key, tied=t.integer(tied), policies=policies)
    return t("region.no_ties", policies=policies)


def _worst_ties(table: pd.DataFrame, t: Translator) -> str:
    """With a leading space, how many policies' chance of high reaches the worst one's interval.

    The worst is the last of the ranking: when others' intervals reach down to its own, as
    a dozen do on the workshop study (0% to 2% of high for the last ones), which is worst is
    no firmer than which is best.
    """
    if "p_high_lo" not in table or len(table) < 2 or table["p_high_lo"].isna().all():
        return ""
    ceiling = float(table["p_high_hi"].iloc[-1])
    tied = int((table["p_high_lo"].iloc[1:-1] <= ceiling).sum())
    if not tied:
        return ""
    key = "region.worst_tie_one" if tied == 1 else "region.worst_ties"
    return " " + t(key, tied=t.integer(tied))


def _lever_year(batch: Batch, t: Translator) -> str:
    """When the levers take their values, if later than the start (``model.levers.hold``)."""
    if not batch.is_servisim:
        return ""
    fixed, known = batch.spec.get("fixed") or {}, boxes.registry(batch)
    year = fixed.get("lever_start_year")
    if not isinstance(year, int) or year <= fixed.get("start_year", known["start_year"].default):
        return ""
    return " " + t("region.lever_year", year=str(year), last=str(year - 1))


def class_description(batch: Batch, klass: str, t: Translator) -> str:
    """What a class's runs look like, from their medians (empty without runs)."""
    medians = batch.table("class_medians")
    row = medians[medians["scenario"].eq(klass)] if not medians.empty else medians
    if row.empty or int(row.iloc[0]["runs"]) == 0:
        return t("region.class_none", klass=t.klass(klass))
    r = row.iloc[0]
    parts = [t("region.median_item", indicator=t.indicator(n),
               value=t.indicator_value(n, float(r[n])))
             for n in DESCRIBED if n in r and pd.notna(r[n])]
    runs = int(r["runs"])
    key = "region.class_medians_one" if runs == 1 else "region.class_medians"
    return t(key, klass=t.klass(klass), runs=t.integer(runs), items=t.join(parts))


__all__ = ["CLASSES", "class_description", "history", "region_page"]
