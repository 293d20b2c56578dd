"""Service-only platform entrants: they sell services on others' machines, make no goods.

A platform is a view on one row of ``model.platforms``. Its rules, over arrays: a candidate
enters when the share it expects of the region's service market pays its entry cost; a
platform that loses money for a year leaves.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from agents.jit import rule
from agents.views import RowAgent, StateField


def _platform(cast: type, doc: str) -> StateField:
    return StateField("platforms", cast, doc)


class PlatformEntrant(RowAgent):
    """A new service-only actor: lower cost, network effect, holds the customer data.

    Attributes:
        row: index of this platform in the model's platform arrays.

    """

    #: A start-up's required return (venture funding) and the years it looks ahead.
    HURDLE_RATE: ClassVar[float] = 0.20
    HORIZON_YEARS: ClassVar[int] = 5
    #: Quarters of losses after which a platform leaves the region's market.
    PATIENCE_QUARTERS: ClassVar[int] = 4

    alive = _platform(bool, "still active in the region's service market")
    capability = _platform(float, "service capability in [0, 1]; grows with its data")
    market_share = _platform(float, "share of the region's service revenue")
    customers = _platform(float, "customer firms served (expected count)")
    revenue = _platform(float, "service revenue, EUR per quarter")
    profit = _platform(float, "EBIT after fixed costs, EUR per quarter")
    entry_quarter = _platform(int, "step at which it entered")

    @classmethod
    def enters(cls, expected_profit: np.ndarray, entry_cost: float) -> np.ndarray:
        """Whether candidates enter: the discounted profit they expect pays the entry cost.

        Args:
            expected_profit: per candidate, EBIT after fixed costs per quarter it expects.
            entry_cost: cost of entering the region's market, EUR.

        """
        return entrant_enters(np.asarray(expected_profit), cls.annuity(), entry_cost)

    @classmethod
    def annuity(cls) -> float:
        """What a profit of 1 a quarter over the horizon is worth now, at the hurdle rate."""
        v = (1 + cls.HURDLE_RATE) ** -0.25
        quarters = 4 * cls.HORIZON_YEARS
        return v * (1 - v**quarters) / (1 - v)

    @classmethod
    def leaves(cls, loss_quarters: np.ndarray) -> np.ndarray:
        """Whether platforms leave: they have lost money for a year."""
        return platform_leaves(np.asarray(loss_quarters), cls.PATIENCE_QUARTERS)

    def __repr__(self) -> str:
        return (f"PlatformEntrant(row={self.row}, capability={self.capability:.2f}, "
                f"share={self.market_share:.3f}, alive={self.alive})")


@rule
def platform_leaves(loss_quarters, patience: int):
    """A platform leaves once it has lost money for ``patience`` quarters in a row."""
    return loss_quarters >= patience


@rule
def entrant_enters(expected_profit, annuity: float, entry_cost: float):
    """:meth:`PlatformEntrant.enters` with its :meth:`PlatformEntrant.annuity`."""
    return expected_profit * annuity > entry_cost
