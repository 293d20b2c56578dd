"""How firm a box is: how often its restrictions come back when half the sample is redrawn.

A PRIM box is one answer of a search over a sample of futures; another sample from the same
ranges may restrict other parameters. EMA Workbench's ``PrimBox.resample`` measures this by
running PRIM again on random halves of the experiments and counting, for each restricted
parameter, the share of the halves whose box restricts it too (its "reproducibility"; Kwakkel
& Cunningham 2016, "Improving scenario discovery by bagging random boxes", *Technological
Forecasting and Social Change* 111). Here the whole search is made again on each half. In a
crossed design the futures are the sample drawn from the uncertainties, and a policy's runs
belong to the futures it met, so a half is half of the futures, drawn without replacement,
with every run of every policy in them (for a policy box, the ranking of the best policies is
made again on each half); in another design it is half of the design points, each with its
seeds. A half has half the runs, so the search finds less in it: the count is conservative.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd

DRAWS = 20
"""Random halves of the futures each policy box is searched again in."""
DISCOVERY_DRAWS = 10
"""Random halves each scenario-discovery search is made again in (EMA Workbench's default
``iterations``: the whole search, every class, costs seconds a half on the workshop study)."""
SEED = 20160801
"""The draws' own seed (with the box's kind): the same runs, the same counts."""

BoxSearch = Callable[[pd.DataFrame, pd.DataFrame], dict | None]
"""Finds a box from ``(samples, kept)`` of some futures (``None``: no box)."""


def recurrence(search: BoxSearch, samples: pd.DataFrame, kept: pd.DataFrame,
               parameters: list[str], kind: str, draws: int = DRAWS) -> dict[str, int]:
    """How many halves of the futures give a box that restricts each of ``parameters`` again.

    Args:
        search: the box search (the same one that found the box).
        samples: the crossed design (``point_id``, ``scenario_id``).
        kept: the runs the conclusions use (``point_id``, ``scenario``).
        parameters: the box's restricted parameters.
        kind: the box's kind (seeds the draws, so each box has its own).
        draws: halves to draw.

    Returns:
        For each parameter, the number of halves (of ``draws``) whose box restricts it.

    """
    def held(half: np.ndarray) -> set[str]:
        drawn = samples[half]
        box = search(drawn, kept[kept["point_id"].isin(drawn["point_id"])])
        return set((box or {}).get("limits", {}))

    counts = _count_again(held, samples["scenario_id"].to_numpy(), parameters, draws, kind)
    return dict(zip(parameters, counts.tolist(), strict=True))

def halves(units: np.ndarray, draws: int, kind: str) -> Iterator[np.ndarray]:
    """``draws`` random halves of the units (futures, or design points), as masks over rows.

    Args:
        units: each row's unit; a half holds half of the distinct units, drawn without
            replacement, and every row of each.
        draws: how many halves.
        kind: what the halves are for (seeds the draws with :data:`SEED`).

    """
    labels = np.unique(units)
    rng = np.random.default_rng([SEED, zlib.crc32(kind.encode())])
    for _ in range(draws):
        yield np.isin(units, rng.choice(labels, len(labels) // 2, replace=False))


def class_recurrence(search: Callable[[pd.DataFrame, pd.Series], pd.DataFrame],
                     x: pd.DataFrame, classes: pd.Series, boxes: pd.DataFrame,
                     units: np.ndarray, draws: int = DISCOVERY_DRAWS) -> pd.DataFrame:
    """Add to each scenario-discovery restriction how many halves restrict it again.

    The whole search is made again on each half (:func:`halves` of ``units``); a box's number
    may change from a half to the next, so a restriction counts as found again when any box of
    its class restricts the same parameter.

    Args:
        search: the search, from the runs' parameters and classes to its boxes' restrictions
            (``scenario`` and ``parameter`` columns).
        x: each classified run's parameters.
        classes: each run's class.
        boxes: the restrictions found on every run (``scenario``, ``parameter``).
        units: each run's unit of resampling (its future, or its design point).
        draws: halves to draw.

    Returns:
        ``boxes`` with ``recurrence`` (halves, of ``draws``) and ``draws``.

    """
    def held(half: np.ndarray) -> set[tuple[str, str]]:
        again = search(x[half].reset_index(drop=True), classes[half].reset_index(drop=True))
        return set(zip(again["scenario"], again["parameter"], strict=True))

    wanted = list(zip(boxes["scenario"], boxes["parameter"], strict=True))
    return boxes.assign(recurrence=_count_again(held, units, wanted, draws, "discovery"),
                        draws=draws)


def _count_again(held: Callable[[np.ndarray], set], units: np.ndarray, wanted: list,
                 draws: int, kind: str) -> np.ndarray:
    """For each of ``wanted``, how many of ``draws`` halves of ``units`` hold it again."""
    found = np.zeros(len(wanted), dtype=int)
    if wanted and len(np.unique(units)) > 1:
        for half in halves(units, draws, kind):
            again = held(half)
            found += [key in again for key in wanted]
    return found

def told_with_recurrence(summary: pd.DataFrame, boxes: pd.DataFrame) -> pd.Series:
    """Each box's English sentence, with how many halves restrict each of its parameters again.

    Args:
        summary: one row per box (``scenario``, ``box``, ``sentence``).
        boxes: the boxes' restrictions with their ``recurrence`` and ``draws``.

    Returns:
        The sentences, in ``summary``'s order; a box with no restriction keeps its own.

    """
    told = []
    for row in summary.itertuples():
        mine = boxes[boxes["scenario"].eq(row.scenario) & boxes["box"].eq(row.box)]
        counts = ", ".join(f"{r.parameter} {r.recurrence}" for r in mine.itertuples())
        draws = int(mine["draws"].iloc[0]) if len(mine) else 0
        told.append(f"{row.sentence}; found again in {draws} halves: {counts}" if counts
                    else row.sentence)
    return pd.Series(told, index=summary.index, dtype=object)
