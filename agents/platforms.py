"""Service-only platform entrants: they sell services on others' machines, make no goods."""

from __future__ import annotations

import mesa

from agents.views import StateField


def _platform(cast: type, doc: str) -> StateField:
    return StateField("platforms", cast, doc)


class PlatformEntrant(mesa.Agent):
    """A new service-only actor: lower cost, network effect, holds the customer data.

    Attributes:
        row: index of this platform in the model's platform arrays.

    """

    alive = _platform(bool, "still active in the region's service market")
    capability = _platform(float, "service capability in [0, 1]; grows with its data")
    customers = _platform(float, "customer firms served (expected count)")
    revenue = _platform(float, "service revenue, EUR per quarter")
    entry_quarter = _platform(int, "step at which it entered")

    def __init__(self, model: mesa.Model, row: int) -> None:
        super().__init__(model)
        self.row = row

    def __repr__(self) -> str:
        return (f"PlatformEntrant(row={self.row}, capability={self.capability:.2f}, "
                f"revenue={self.revenue:.0f}, alive={self.alive})")
