"""How firm a policy box is: how often its restrictions come back when half the futures are redrawn.

A PRIM box is one answer of a search over a sample of futures; another sample from the same
ranges may restrict other parameters. EMA Workbench's ``PrimBox.resample`` measures this by
running PRIM again on random halves of the experiments and counting, for each restricted
parameter, the share of the halves whose box restricts it too (its "reproducibility"; Kwakkel
& Cunningham 2016, "Improving scenario discovery by bagging random boxes", *Technological
Forecasting and Social Change* 111). In a crossed design the futures are the sample drawn from
the uncertainties, and a policy's runs belong to the futures it met, so a half here is half of
the futures, drawn without replacement, with every run of every policy in them; the policy
ranking the box depends on (the best policies) is made again on each half. A half has half
the runs, so PRIM finds less in it: the count is conservative.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import numpy as np
import pandas as pd

DRAWS = 20
"""Random halves of the futures each box is searched again in."""
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
    futures = np.sort(samples["scenario_id"].unique())
    found = dict.fromkeys(parameters, 0)
    if len(futures) < 2 or not parameters:
        return found
    rng = np.random.default_rng([SEED, zlib.crc32(kind.encode())])
    for _ in range(draws):
        half = rng.choice(futures, len(futures) // 2, replace=False)
        drawn = samples[samples["scenario_id"].isin(half)]
        box = search(drawn, kept[kept["point_id"].isin(drawn["point_id"])])
        for name in (box or {}).get("limits", {}):
            if name in found:
                found[name] += 1
    return found
