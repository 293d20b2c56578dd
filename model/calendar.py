"""The model's clock: one step is one quarter."""

from __future__ import annotations

QUARTERS_PER_YEAR = 4
DT = 1.0 / QUARTERS_PER_YEAR  # years per step
DAYS_PER_QUARTER = 365.0 / QUARTERS_PER_YEAR


def quarter_label(start_year: int, steps_done: int) -> str:
    """The quarter last simulated, e.g. ``2031Q2`` (``2019Q4`` before any step)."""
    q = steps_done - 1
    return f"{start_year + q // QUARTERS_PER_YEAR}Q{q % QUARTERS_PER_YEAR + 1}"
