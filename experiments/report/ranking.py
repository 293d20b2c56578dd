"""Which parameters the report names first: the sensitivity indices, ranked, and their ties."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from experiments.analysis.sensitivity import INDEX_COLUMNS, SCENARIO_SCORE

if TYPE_CHECKING:
    from experiments.report.batch import Batch

TOP = 3
"""Parameters named first for each outcome."""


def ranked(batch: Batch, outcome: str) -> list[tuple[str, float, float]]:
    """Parameters of one outcome, most influential first: ``(name, index, confidence)``."""
    method = batch.summary.get("method")
    table = batch.table(method or "")
    if not method or table.empty or method not in INDEX_COLUMNS:
        return []
    col, conf, _ = INDEX_COLUMNS[method][0]
    rows = table[table["outcome"] == outcome].sort_values(col, ascending=False)
    return [(r["parameter"], float(r[col]), float(r.get(conf, float("nan"))))
            for _, r in rows.iterrows()]


def lever_outcome(batch: Batch) -> str | None:
    """The outcome that decides the class (``scenario_score``), else the first one ranked."""
    for outcome in [SCENARIO_SCORE, *(batch.summary.get("outcomes") or [])]:
        if ranked(batch, outcome):
            return outcome
    return None


def leading(rows: list[tuple[str, float, float]]) -> tuple[list, list]:
    """The :data:`TOP` parameters ahead, and those tied where the top ones end.

    Where the index of the last one shown equals the next one's, the design cannot rank them
    (in a crossed design with few policies, every lever varies with the policy alone and gets
    the same index): the tied parameters are set apart instead of picked in file order.

    A parameter whose index is 0 or less (or missing) has no effect that shows in the runs:
    it is never named, however few parameters there are.

    Returns:
        (the parameters ranked ahead of any such tie, the tied ones; empty without a tie).

    """
    rows = [r for r in rows if r[1] > 0]  # NaN is not > 0 either
    if len(rows) <= TOP or not math.isclose(rows[TOP - 1][1], rows[TOP][1], rel_tol=1e-9):
        return rows[:TOP], []
    tie = rows[TOP - 1][1]
    tied = [r for r in rows if math.isclose(r[1], tie, rel_tol=1e-9)]
    return [r for r in rows[:TOP] if r not in tied], tied


def reaching(rows: list[tuple[str, float, float]], named: list[tuple[str, float, float]]) -> int:
    """How many parameters not named have an index whose 95% interval reaches a named one's.

    The parameters named first are those with the highest indices; when the interval of a
    parameter left out reaches the lower end of a named one's, the runs do not say that the
    named ones weigh more (the workshop study's three first PAWN indices, 0.08 +/- 0.02 to
    0.08 +/- 0.04, are reached by 17 of the 20 others).

    Args:
        rows: every parameter of the outcome, ``(name, index, confidence)`` (:func:`ranked`).
        named: the parameters named (those :func:`leading` sets ahead, and any tied ones).

    Returns:
        The count; 0 when an interval is missing.

    """
    shown = {name for name, *_ in named}
    if not shown or any(not math.isfinite(c) for _, _, c in named):
        return 0
    floor = min(v - c for _, v, c in named)
    return sum(1 for name, v, c in rows
               if name not in shown and v > 0 and math.isfinite(c) and v + c >= floor)
