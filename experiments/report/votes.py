"""The classification in the report: each indicator's thresholds and how the runs voted.

The table of thresholds and the table of votes say what ``model.scenarios`` does, vote by vote:
the cut points as they are (not rounded to the nearest percent, which would class the runs
near a cut otherwise than the model), and each vote as the model casts it, including the
conditions a ``high`` vote needs on another indicator (``high_needs``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from experiments.report.i18n import Translator
from model.scenarios import SCENARIOS as CLASSES
from model.scenarios import load_votes


def band_text(band: Any, name: str, klass: str, t: Translator) -> str:
    """One cell of the thresholds table: the values of ``name`` that vote for ``klass``.

    Args:
        band: the band (``model.scenarios.Band``), ``None`` if the indicator never votes so.
        name: the indicator.
        klass: the class the band votes for (a ``high`` band adds its ``high_needs``).
        t: the report's language.

    """
    if band is None:
        return "—"
    lo = t.indicator_cut(name, band.lo) if math.isfinite(band.lo) else None
    hi = t.indicator_cut(name, band.hi) if math.isfinite(band.hi) else None
    if lo is None:
        text = f"{'<' if band.hi_open else '≤'} {hi}"
    elif hi is None:
        text = f"{'>' if band.lo_open else '≥'} {lo}"
    else:
        text = t("cond.range", low=lo, high=hi)
    if klass != "high":
        return text
    table = load_votes()
    for other, cut in table[name].high_needs.items():
        sign = "≥" if table[other].better == "higher" else "≤"
        text += t("scen.high_needs", indicator=t.indicator(other),
                  cut=f"{sign} {t.indicator_cut(other, cut)}")
    return text


def cast_votes(final: pd.DataFrame, banded: list[str]) -> dict[str, np.ndarray]:
    """Each run's vote on each indicator, as the model casts it (``none``: value missing).

    Args:
        final: the runs' 2040 indicators (one row a run).
        banded: the voting indicators in ``final``.

    """
    table = load_votes()
    # A vote may read another indicator (high_needs): only votes whose indicators are all
    # there are cast; the others are missing.
    castable = [n for n in banded if set(table[n].high_needs) <= set(final)]
    records = final.to_dict("records")
    out = {}
    for name in castable:
        vote = table[name]
        needed = (name, *vote.high_needs)
        out[name] = np.array([vote.cast(r, table) if all(math.isfinite(r[k]) for k in needed)
                              else "none" for r in records], dtype=object)
    return out


def votes(final: pd.DataFrame, classes: pd.Series, banded: list[str],
          t: Translator) -> list[dict[str, Any]]:
    """For each class, how its runs' 2040 indicators voted (share per class, or none)."""
    if not banded:
        return []
    cast = cast_votes(final, banded)
    rows = []
    for klass in CLASSES:
        mask = (classes == klass).to_numpy()
        if not mask.any():
            continue
        cells = []
        for name in banded:
            mine = cast[name][mask] if name in cast else np.full(mask.sum(), "none")
            shares = [(c, float((mine == c).mean())) for c in (*CLASSES, "none")]
            cells.append([{"klass": c, "text": t("scen.vote", klass=t.klass(c) if c != "none"
                                                  else t("word.none"), share=share_text(s, t))}
                          for c, s in sorted(shares, key=lambda p: -p[1]) if s > 0])
        rows.append({"klass": klass, "name": t.klass(klass), "cells": cells})
    return rows


def share_text(share: float, t: Translator) -> str:
    """A share of votes that reads 100% only when every run cast it.

    Nineteen of the workshop's 6,384 trend runs vote otherwise on exits: "trend 100%" would
    say none does. A share under one gets the decimals that keep it under 100% (``99.7%``),
    and one that is not zero never reads 0% (:func:`model.labels.reads_as_zero`), so every
    vote cast is shown.
    """
    for digits in range(4):
        text = t.pct(share, digits)
        if share >= 1 or text != t.pct(1.0, digits):
            return text
    return text
