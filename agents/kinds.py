"""Codes shared by the agents and the model's state arrays: firm kinds and service-ladder rungs."""

from __future__ import annotations

#: Firm kinds, as stored in ``FirmState.kind``.
SME, SUPPLIER, LARGE = 0, 1, 2

#: Rungs of the service ladder, as stored in ``FirmState.rung``: goods only, goods with added
#: services (installation, maintenance, repair), pay-per-use, performance contracts.
GOODS_ONLY, ADDED_SERVICES, PAY_PER_USE, PERFORMANCE = 0, 1, 2, 3
RUNG_NAMES = ("goods only", "added services", "pay-per-use", "performance contracts")
