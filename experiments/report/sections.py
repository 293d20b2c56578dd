"""The sections of the workshop report: plain sentences, tables and figures from a batch.

Each function takes the :class:`~experiments.report.build.Batch` (and the finished ``ok`` runs) and
a :class:`~experiments.report.i18n.Translator`, and returns plain data for the templates: strings
already written in the report's language, and figures as ``data:`` URIs.
"""

from __future__ import annotations

import base64
import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from experiments.analysis.precision import above_one
from experiments.analysis.sensitivity import INDEX_COLUMNS, SCENARIO_SCORE
from experiments.figures import convergence as convergence_figure
from experiments.figures import fans, indices, scenario_map
from experiments.figures import final_values as final_figure
from experiments.figures import shares as shares_figure
from experiments.report.boxes import box_sentences, classes_of, leading_sentences, ranges, units
from experiments.report.i18n import Translator
from experiments.report.ranking import leading, lever_outcome, ranked, reaching
from experiments.report.votes import band_text, votes
from model.scenarios import SCENARIOS as CLASSES

if TYPE_CHECKING:
    from experiments.report.batch import Batch

SCORE = SCENARIO_SCORE
HEADLINE = 6
"""Outcomes of a custom model shown first (the rest are folded away)."""
FIRST_PAGE_BOXES = 2
"""Most regions per class on the first page (the details section lists them all)."""


def _uri(png: bytes) -> str:
    """A PNG as a ``data:`` URI, to embed in the page."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def bands(batch: Batch) -> dict[str, dict[str, Any]]:
    """The classification bands (servisim batches only)."""
    if not batch.is_servisim:
        return {}
    from model.scenarios import load_bands

    return load_bands()


def first_page(batch: Batch, ok: pd.DataFrame, t: Translator) -> dict[str, Any]:
    """The answer on one page: class shares, what leads to each class, the main levers."""
    classes = classes_of(ok)
    classified = classes.notna()
    total = int(classified.sum())
    varied = list(ranges(batch)) or list(batch.spec.get("parameters") or {})
    cards = []
    intervals = batch.table("class_shares")
    for klass in CLASSES:
        count = int((classes == klass).sum())
        cards.append({"klass": klass, "name": t.klass(klass),
                      "title": t(f"scenario.{klass}.title") if batch.is_servisim else "",
                      "share": t.pct(count / total) if total else "—",
                      "count": t("first.share_card", count=t.integer(count),
                                 total=t.integer(total)),
                      "interval": _share_interval(intervals, klass, count, t)})
    sentences = leading_sentences(batch, ok, t)
    outcome = lever_outcome(batch)
    levers = ""
    if outcome:
        rows = ranked(batch, outcome)
        leaders, tied = leading(rows)
        # others whose intervals reach the named ones': the runs do not say these weigh most
        reach = reaching(rows, leaders + tied)
        names = [t.param_label(p) for p, *_ in leaders]
        key = ("first.levers_score" if outcome == SCORE else "first.levers_outcome") \
            + ("_first" if reach else "")
        none = "first.levers_none_score" if outcome == SCORE else "first.levers_none_outcome"
        phrase = t.indicator_phrase(outcome)
        levers = t(key, params=t.join(names), outcome=phrase) if names \
            else "" if tied else t(none, outcome=phrase)
        if _overlapping(leaders):
            levers += " " + t("first.levers_overlap")
        if tied:
            levers += (" " if levers else "") + t("first.levers_tied", n=t.integer(len(tied)),
                                                  params=t.join([t.param_label(p)
                                                                 for p, *_ in tied]))
        if reach:
            levers += " " + t("first.levers_reach_one" if reach == 1 else "first.levers_reach",
                              n=t.integer(reach))
    shown = {k: v[:FIRST_PAGE_BOXES] for k, v in sentences.items()}
    return {"classified": total > 0, "cards": cards, "sentences": shown,
            "levers": levers, "cautions": cautions(batch, ok, total, t),
            "intro": t("first.intro" if batch.is_servisim else "first.intro_custom",
                       model=str(batch.spec.get("model")), runs=t.integer(len(batch.results)),
                       k=len(varied), params=t.join([t.param_label(p) for p in varied]))}


def _overlapping(leaders: list[tuple[str, float, float]]) -> bool:
    """Whether the 95% intervals of the parameters named first all overlap one another.

    Then the runs do not order them, and the first page, which names them without their
    numbers, has to say so.
    """
    if len(leaders) < 2 or any(not math.isfinite(c) for _, _, c in leaders):
        return False
    return max(v - c for _, v, c in leaders) <= min(v + c for _, v, c in leaders)


def _share_interval(intervals: pd.DataFrame, klass: str, count: int, t: Translator) -> str:
    """A class's 95% interval from ``class_shares.csv`` (a crossed design), else nothing.

    Only when the table counts the same runs as the card: an analysis of other runs would
    put an interval beside a share it was not made for.
    """
    if intervals.empty or "scenario" not in intervals:
        return ""
    row = intervals[intervals["scenario"].eq(klass)]
    if row.empty or int(row.iloc[0]["runs"]) != count or pd.isna(row.iloc[0]["share_lo"]):
        return ""
    lo, hi = float(row.iloc[0]["share_lo"]), float(row.iloc[0]["share_hi"])
    digits = 1 if hi - lo < 0.02 else 0  # a rare class: "0% to 0%" would hide its width
    return t("first.share_interval", lo=t.pct(lo, digits), hi=t.pct(hi, digits))


def cautions(batch: Batch, ok: pd.DataFrame, classified: int, t: Translator) -> list[str]:
    """What a reader must keep in mind: unfinished batch, failed runs, few runs."""
    planned = int(batch.spec.get("n_runs") or len(batch.results))
    out = []
    if len(batch.results) < planned:
        out.append(t("caution.partial", done=t.integer(len(batch.results)),
                     planned=t.integer(planned)))
    # Runs that stopped on an error, apart from finished runs the history check left out.
    failed = int(batch.results["status"].ne("ok").sum())
    left_out = len(batch.results) - failed - len(ok)
    if failed:
        out.append(t("caution.failed", failed=t.integer(failed)))
    method = batch.summary.get("method")
    if left_out and method in ("sobol", "morris"):  # their estimators need whole design rows
        out.append(t("caution.left_out_indices", left_out=t.integer(left_out),
                     method=method.capitalize()))
    elif left_out:
        out.append(t("caution.left_out", left_out=t.integer(left_out)))
    if 0 < classified < 100:
        out.append(t("caution.few", n=t.integer(classified)))
    return out


def final_values(batch: Batch, ok: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """The 2040 value of each indicator for each ``ok`` run: outcomes, else trajectories."""
    out = pd.DataFrame(index=ok.index)
    missing = [n for n in names if n not in ok]
    last = None
    if missing and batch.trajectories is not None:
        traj = batch.trajectories
        last = traj.sort_values("quarter").groupby("run_id").tail(1).set_index("run_id")
    for name in names:
        if name in ok:
            out[name] = pd.to_numeric(ok[name], errors="coerce")
        elif last is not None and name in last:
            out[name] = ok["run_id"].map(last[name]).astype(float)
    return out


def scenarios(batch: Batch, ok: pd.DataFrame, t: Translator,
              described: dict[str, str]) -> dict[str, Any]:
    """The three micro-scenarios beside their runs: fan charts, 2040 values, votes.

    Args:
        batch: the batch.
        ok: the runs the conclusions use.
        t: the report's language.
        described: each class's runs described from their medians.

    """
    band_table = bands(batch)
    classes = classes_of(ok)
    total = int(classes.notna().sum())
    final = final_values(batch, ok, list(band_table))
    banded = [n for n in band_table if n in final]
    traj = batch.trajectories
    drawn = [n for n in banded if traj is not None and n in traj]
    blocks = []
    for klass in CLASSES:
        runs = ok.loc[classes == klass, "run_id"]
        fan = None
        if drawn and len(runs):
            part = traj[traj["run_id"].isin(set(runs))]
            fan = _uri(fans.fan_chart(part, klass, drawn, band_table, t))
        blocks.append({"klass": klass, "name": t.klass(klass),
                       "title": t(f"scenario.{klass}.title"),
                       "story": t(f"scenario.{klass}.story"),
                       "model": described[klass],
                       "share": t("scen.share_line", share=t.pct(len(runs) / total),
                                  count=t.integer(len(runs)), total=t.integer(total))
                       if total else "", "fan": fan, "n": len(runs)})
    rows = [{"indicator": t.indicator(n),
             "cells": [band_text(band_table[n].get(c), n, c, t) for c in CLASSES]}
            for n in band_table]
    values = None
    if banded and total:
        keep = classes.notna()
        values = _uri(final_figure.final_values(final[keep].reset_index(drop=True),
                                        classes[keep].reset_index(drop=True), banded,
                                        band_table, t, seed=int(batch.spec.get("seed") or 0)))
    return {"blocks": blocks, "bands": rows if band_table else [], "final_values": values,
            "votes": votes(final, classes, banded, t), "voters": len(band_table),
            "has_trajectories": bool(drawn), "has_bands": bool(banded) and total > 0}


def sensitivity(batch: Batch, t: Translator) -> dict[str, Any]:
    """Which parameters matter: sentences first, then the index charts with 95% CIs."""
    method = batch.summary.get("method")
    table = batch.table(method or "")
    outcomes = [o for o in batch.summary.get("outcomes") or [] if not table.empty
                and (table.get("outcome") == o).any()]
    result: dict[str, Any] = {"method": method, "intro": "", "sentences": [], "figure": None,
                              "more": [], "more_figure": None, "convergence": None, "seed": "",
                              "above_one": "", "precision": ""}
    if method not in INDEX_COLUMNS or not outcomes:
        result["intro"] = t("sens.none")
        return result
    result["intro"] = t(f"sens.intro_{method}")
    first = (SCORE, *bands(batch)) if batch.is_servisim else (SCORE, *outcomes[:HEADLINE])
    headline = list(dict.fromkeys(o for o in first if o in outcomes))
    rest = [o for o in outcomes if o not in headline]
    columns = [(c, k, t(legend)) for c, k, legend in INDEX_COLUMNS[method]]
    for chosen, key, figure in ((headline, "sentences", "figure"), (rest, "more", "more_figure")):
        if not chosen:
            continue
        result[key] = [_index_sentence(batch, outcome, t) for outcome in chosen]
        result[figure] = _uri(indices.index_bars(table, columns, chosen, t))
    result["above_one"] = _above_one(table, method, outcomes, t)
    conv = batch.table(f"{method}_convergence")
    outcome = lever_outcome(batch)
    sizes = conv.loc[conv["outcome"] == outcome, "n_points"].nunique() \
        if not conv.empty and outcome and "n_points" in conv else 0
    if sizes >= 2:
        names = [p for p, *_ in ranked(batch, outcome)[:5]]
        result["convergence"] = _uri(convergence_figure.convergence(
            conv, [columns[0][0]], outcome, names, t))
        result["convergence_caption"] = t("sens.convergence_caption",
                                          outcome=t.indicator_phrase(outcome))
    precision = batch.summary.get("precision")
    if isinstance(precision, dict):
        result["precision"] = t("sens.precision", top=precision["top"],
                                share=t.pct(precision["share_within"]),
                                target=t.num(precision["target"], 1),
                                widest=t.num(precision["widest"], 2),
                                param=t.param_label(precision["parameter"]),
                                outcome=t.indicator(precision["outcome"]))
        if precision["share_within"] < 1.0:
            result["precision"] += " " + t("sens.precision_more")
    seed = batch.table("seed_variance")
    if not seed.empty and "seed_share" in seed and seed["seed_share"].notna().any():
        parts = [t("sens.seed_part", outcome=t.indicator(r.outcome), share=t.pct(r.seed_share))
                 for r in seed.itertuples() if pd.notna(r.seed_share) and r.outcome in headline]
        result["seed"] = t("sens.seed", parts="; ".join(parts))
    elif not seed.empty:
        result["seed"] = t("sens.seed_unknown")
    return result


def _above_one(table: pd.DataFrame, method: str, outcomes: list[str], t: Translator) -> str:
    """Say so when a Sobol index shows above 1 (``precision.above_one``).

    The sentences above name such indices all the same, so the reader is told how to take them.
    """
    top = above_one(table, outcomes) if method == "sobol" else None
    if top is None:
        return ""
    return t("sens.above_one", value=t.num(top["value"], 2),
             param=t.param_label(top["parameter"]), outcome=t.indicator(top["outcome"]))


def _index_sentence(batch: Batch, outcome: str, t: Translator) -> str:
    """``outcome: mostly A (0.52 ± 0.14), B (...) and C (...)``, or which ones tie."""
    rows = ranked(batch, outcome)
    leaders, tied = leading(rows)
    names = [t("sens.param_value", param=t.param_label(p), value=t.num(v, 2), conf=t.num(c, 2))
             for p, v, c in leaders]
    if not names and not tied:
        return t("sens.sentence_zero", outcome=t.indicator(outcome))
    reach = reaching(rows, leaders + tied)
    key = "sens.sentence" if not reach else \
        "sens.sentence_reach_one" if reach == 1 else "sens.sentence_reach"
    text = t(key, outcome=t.indicator(outcome), params=t.join(names), n=t.integer(reach)) \
        if names else t("sens.sentence_none", outcome=t.indicator(outcome))
    if tied:
        text += " " + t("sens.tied", n=t.integer(len(tied)), value=t.num(tied[0][1], 2),
                        conf=t.num(tied[0][2], 2),
                        params=t.join([t.param_label(p) for p, *_ in tied]))
    return text


def discovery_details(batch: Batch, ok: pd.DataFrame, t: Translator) -> dict[str, Any]:
    """The discovered boxes as a table, the scenario map and the shares along parameters."""
    summary, limits = batch.table("discovery_boxes"), batch.table("discovery")
    classes = classes_of(ok)
    span, unit = ranges(batch), units(batch)
    out: dict[str, Any] = {"rows": [], "map": None, "shares": None, "tree": ""}
    if classes.notna().sum() == 0:
        return out
    sentences = box_sentences(batch, ok, t)
    for klass in CLASSES:
        rows = summary[summary["scenario"] == klass] if "scenario" in summary else summary
        for row, sentence in zip(rows.itertuples(), sentences[klass], strict=False):
            out["rows"].append({"klass": klass, "name": t.klass(klass), "box": int(row.box),
                                "sentence": sentence, "density": t.pct(float(row.density)),
                                "coverage": t.pct(float(row.coverage)),
                                "runs": t.integer(int(getattr(row, "runs", 0) or 0))})
    varied = [n for n in span if n in ok and ok[n].nunique() > 1]
    outcome = lever_outcome(batch)
    order = [p for p, *_ in ranked(batch, outcome)] if outcome else []
    if not limits.empty:
        order += list(dict.fromkeys(limits["parameter"]))
    pair = [p for p in dict.fromkeys([*order, *varied]) if p in varied][:2]
    keep = classes.notna()
    if len(pair) == 2:
        x = ok.loc[keep, pair].astype(float).reset_index(drop=True)
        out["map"] = _uri(scenario_map.scenario_map(x, classes[keep].reset_index(drop=True),
                                                    pair, limits, span, unit, t))
        out["map_caption"] = t("disc.map_caption", x=t.param_label(pair[0]),
                               y=t.param_label(pair[1]))
    shares = batch.table("scenario_shares")
    along = [p for p in varied if not shares.empty and (shares["parameter"] == p).any()]
    if along:
        out["shares"] = _uri(shares_figure.shares_along(shares, along, unit, t))
    accuracy = batch.summary.get("tree_accuracy")
    if accuracy is not None and not (isinstance(accuracy, float) and math.isnan(accuracy)):
        # Beside the share a tree that always answers the commonest scenario would recover.
        common = classes.dropna().value_counts(normalize=True)
        out["tree"] = t("disc.tree", accuracy=t.pct(float(accuracy)),
                        baseline=t.pct(float(common.iloc[0])), klass=t.klass(common.index[0]))
    return out
