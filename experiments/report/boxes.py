"""The regions scenario discovery found, told as sentences backed by the runs they count.

A box is told by what its runs show: a region that stands out (its class at least twice as
often as over all runs) as what leads to the class; a region that holds almost all of a class's
runs without standing out as where the class happens, with the runs outside it counted; any
other as a region that does not stand out. For a class of half the runs or more, which no
region can hold twice as often, a box is told with its numbers alone. In a crossed design a
box also says how many of the design's futures its runs come from (and, restricting a lever,
how many of its policies), and calls itself a lead resting on few of them under
:data:`~experiments.analysis.spread.FEW` (:mod:`experiments.analysis.spread`). The parameters'
words and units come from the registry, their explored ranges from the batch's design.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from experiments.analysis.prim import could_stand_out, stands_out_at
from experiments.analysis.sentences import NARROW, outward
from experiments.analysis.spread import FEW, counted, few
from experiments.report.i18n import Translator
from model.scenarios import SCENARIOS as CLASSES

if TYPE_CHECKING:
    from experiments.report.batch import Batch

HOLDS_ALMOST_ALL = 0.9
"""Coverage from which a box that does not stand out is told as where its class happens."""


class BoxText(NamedTuple):
    """One box of a class in words, whether it stands out and whether it is firm.

    Firm: no restriction comes back in fewer than half of its random halves
    (:func:`is_fragile`), and its runs do not rest on few futures or policies
    (:func:`~experiments.analysis.spread.few`). The first page tells the firm boxes that stand
    out first.
    """

    box: int
    stands_out: bool
    sentence: str
    firm: bool = True


def registry(batch: Batch) -> dict[str, Any]:
    """The registry's parameters by name for a servisim batch (empty for a custom model)."""
    if not batch.is_servisim:
        return {}
    from model import PARAMETERS

    return {p.name: p for p in PARAMETERS}


def units(batch: Batch) -> dict[str, str | None]:
    """Each parameter's registry unit (``None`` when unknown)."""
    return {name: prm.unit for name, prm in registry(batch).items()}


def ranges(batch: Batch) -> dict[str, tuple[float, float]]:
    """The explored range of each varied parameter (design bounds)."""
    problem = batch.spec.get("problem") or {}
    return {n: (float(lo), float(hi)) for n, (lo, hi) in
            zip(problem.get("names", []), problem.get("bounds", []), strict=False)}


def classes_of(ok: pd.DataFrame) -> pd.Series:
    """The class of each ``ok`` run (missing when it has none)."""
    if "scenario" not in ok:
        return pd.Series([None] * len(ok), index=ok.index, dtype=object)
    return ok["scenario"].where(ok["scenario"].isin(CLASSES))


def condition(name: str, low: float, high: float, restricted: str, batch: Batch,
              t: Translator, left: float | None = None) -> str:
    """One restriction of a box in words (``the subsidy rate is at least 20%``).

    The stored limits hold the runs on them (a crossed design puts a policy's lever value
    exactly on a limit): "at least" and "at most", not "above" and "below", each rounded away
    from the box (:func:`~experiments.analysis.sentences.outward`), so that the runs on it meet
    the printed condition too. A limit that leaves out few runs (``left``, the analysis's
    ``left_out``, under :data:`~experiments.analysis.sentences.NARROW`) says so: most futures
    meet it.
    """
    unit = units(batch).get(name)
    phrase = t.param_phrase(name)
    def shown(value: float, side: str) -> str:
        return t.value(outward(float(value), side), unit)

    if restricted == "low":
        text = t("cond.above", param=phrase, low=shown(low, "low"))
    elif restricted == "high":
        text = t("cond.below", param=phrase, high=shown(high, "high"))
    else:
        text = t("cond.between", param=phrase, low=shown(low, "low"),
                 high=shown(high, "high"))
    if left is not None and left == left and left < NARROW:  # NaN: a table without the column
        text = t("cond.narrow", condition=text, share=t.pct(float(left)))
    return text


def _restricted(row: Any, span: tuple[float, float] | None) -> str:
    side = getattr(row, "restricted", None)
    if isinstance(side, str) and side in ("low", "high", "both"):
        return side
    if span is None:
        return "both"
    lo_free, hi_free = row.low <= span[0], row.high >= span[1]
    return "high" if lo_free else "low" if hi_free else "both"


def box_texts(batch: Batch, ok: pd.DataFrame, t: Translator) -> dict[str, list[BoxText]]:
    """Each class's discovered boxes in words, in the order of ``discovery_boxes.csv``.

    A box's density is a share of the runs the conclusions use (``ok``): so is the share it is
    set against, and so are the runs counted outside it.
    """
    summary, limits = batch.table("discovery_boxes"), batch.table("discovery")
    span = ranges(batch)
    out: dict[str, list[BoxText]] = {c: [] for c in CLASSES}
    if summary.empty or "scenario" not in summary:
        return out
    classes = classes_of(ok).dropna()
    counts = classes.value_counts()
    halved = "futures" if batch.spec.get("design") == "crossed" else "points"
    for row in summary.itertuples():
        spread = row._asdict()  # the futures and policies it rests on (a crossed design)
        klass = str(row.scenario)
        if klass not in out:
            continue
        runs, density = int(getattr(row, "runs", 0) or 0), float(row.density)
        if int(row.box) == 0:
            out[klass].append(BoxText(0, False, _trivial(klass, runs, density, t)))
            continue
        if int(getattr(row, "res_dim", 1) or 0) == 0:
            # a class most runs reach cannot stand out anywhere: "scattered" would tell nothing
            key = "first.scattered" if could_stand_out(density) else "first.majority"
            out[klass].append(BoxText(int(row.box), False, t(
                key, klass=t.klass(klass), density=t.pct(density))))
            continue
        rows = limits[(limits["scenario"] == klass) & (limits["box"] == row.box)] \
            if not limits.empty else limits
        conds = [condition(r.parameter, r.low, r.high, _restricted(r, span.get(r.parameter)),
                           batch, t, getattr(r, "left_out", None)) for r in rows.itertuples()]
        in_class, total = int(counts.get(klass, 0)), len(classes)
        overall = in_class / total if total else 0.0
        coverage = float(row.coverage)
        stands_out = stands_out_at(density, overall)
        weak = could_stand_out(overall) and not stands_out
        origin = units_text(spread, t)
        words = {"conditions": t.join(conds), "klass": t.klass(klass),
                 "overall": t.pct(overall), "runs": t.integer(runs),
                 "density": t.pct(density), "coverage": t.pct(coverage),
                 "spread": t("spread.inside", units=origin) if origin else ""}
        if not weak:
            sentence = t("first.box", **words)
        elif coverage >= HOLDS_ALMOST_ALL and runs < total:
            outside = in_class - round(coverage * in_class)
            sentence = t("first.box_holds", outside=t.integer(outside),
                         outside_runs=t.integer(total - runs), **words)
        else:
            sentence = t("first.box_weak", **words)
        sentence += lead_text(spread, t) + halves_text(rows, halved, t)
        out[klass].append(BoxText(int(row.box), stands_out, sentence,
                                  not is_fragile(rows) and not few(spread)))
    return out


def box_sentences(batch: Batch, ok: pd.DataFrame, t: Translator) -> dict[str, list[str]]:
    """Each class's discovered boxes as plain sentences, in the order of the analysis."""
    return {k: [b.sentence for b in v] for k, v in box_texts(batch, ok, t).items()}


def leading_sentences(batch: Batch, ok: pd.DataFrame, t: Translator) -> dict[str, list[str]]:
    """Each class's box sentences for the first page, the firm boxes first.

    Among the firm boxes, and then among the fragile ones (leads), those that stand out first.
    """
    return {k: [b.sentence for b in sorted(v, key=lambda b: (not b.firm, not b.stands_out))]
            for k, v in box_texts(batch, ok, t).items()}


def is_fragile(box: pd.DataFrame) -> bool:
    """Whether a restriction of the box comes back in fewer than half of its random halves.

    Args:
        box: the box's rows of ``policy_boxes.csv`` or ``discovery.csv`` (an analysis made
            before ``recurrence`` was stored is not called fragile).

    """
    return _counted(box) and bool((2 * box["recurrence"] < box["draws"]).any())


def _counted(box: pd.DataFrame) -> bool:
    """Whether the box's rows hold their halves' counts (an older analysis has none)."""
    return {"recurrence", "draws"} <= set(box.columns) and not box["draws"].isna().any()


def units_text(spread: Any, t: Translator) -> str:
    """The futures (and policies) a box's runs come from: ``6 of the 128 futures`` (or ``""``).

    Args:
        spread: the box's stored counts (a row of ``discovery_boxes.csv`` or
            ``policy_boxes.csv``; an older analysis, or another design, has none).
        t: the report's language.

    """
    parts = {unit: t(f"spread.{unit}", n=t.integer(n), total=t.integer(total))
             for unit, n, total in counted(spread)}
    if "futures" in parts and "policies" in parts:
        return t("spread.both", **parts)
    return "".join(parts.values())


def lead_text(spread: Any, t: Translator) -> str:
    """With a leading space, that a box resting on few futures (or policies) is a lead, or ``""``.

    The rule is :func:`~experiments.analysis.spread.few`, the words the report's own: a box
    whose conditions come back in fewer than half of the halves is a lead, not a finding, and
    so is one whose runs come from a handful of futures, whatever its run count.
    """
    units = few(spread)
    if not units:
        return ""
    words = [t(f"spread.{unit}_word") for unit in units]
    return " " + t("spread.lead", fewer=t.join([t("spread.fewer", n=t.integer(FEW), units=w)
                                                for w in words]),
                   few=t.join([t("spread.few", units=w) for w in words]))


def recurrence_text(box: pd.DataFrame, units: str, t: Translator) -> str:
    """What a policy box's runs rest on, then how firm it is (or nothing).

    The policy boxes' sentences end with it: which futures (and policies) the box's runs
    come from, as ``policy_boxes.csv`` counts them, a lead resting on few of them when
    :func:`~experiments.analysis.spread.few` says so, then :func:`halves_text`.

    Args:
        box: the box's rows of ``policy_boxes.csv``.
        units: what was halved (:func:`halves_text`).
        t: the report's language.

    """
    if box.empty:
        return halves_text(box, units, t)
    spread = box.iloc[0]
    origin = units_text(spread, t)
    told = " " + t("spread.runs", runs=t.integer(int(spread["runs"])), units=origin) \
        if origin and "runs" in spread else ""
    return told + (lead_text(spread, t) if told else "") + halves_text(box, units, t)


def halves_text(box: pd.DataFrame, units: str, t: Translator) -> str:
    """How often each restriction of a box comes back over random halves (or nothing).

    Args:
        box: the box's rows of ``policy_boxes.csv`` or ``discovery.csv`` (``recurrence`` and
            ``draws``: analyses made before they were stored have neither, and their report
            says nothing).
        units: what was halved: ``futures`` (a crossed design) or ``points`` (another).
        t: the report's language.

    Returns:
        A sentence, with a leading space, or ``""``; when a restriction comes back in fewer
        than half of the draws, a second sentence says it depends on the sample drawn.

    """
    if not _counted(box):
        return ""
    draws = int(box["draws"].iloc[0])
    items = [t("firm.item", param=t.param_phrase(r.parameter),
               found=t.integer(int(r.recurrence)), draws=t.integer(draws))
             for r in box.itertuples()]
    return " " + t("firm.sentence", units=t(f"firm.{units}"), draws=t.integer(draws),
                   items=t.join(items)) + (" " + t("firm.fragile") if is_fragile(box) else "")


def _trivial(klass: str, runs: int, density: float, t: Translator) -> str:
    """A class with no box: no run, every run, or too few runs to find where they come from."""
    if runs == 0 or density == 0:
        return t("first.no_run", klass=t.klass(klass))
    if density >= 1:
        return t("first.every_run", klass=t.klass(klass))
    total = round(runs / density)
    return t("first.too_few", klass=t.klass(klass), share=t.pct(density),
             count=t.integer(runs), total=t.integer(total))
