"""Step 7 (goods side): demand for each firm's goods against competitors outside the region.

A firm's goods demand is its 2020 demand times the region's demand index, its customers' trust
and its competitiveness: its digital productivity gain relative to competitors outside the
region, who digitalise along their own path (``competitor_digital_2040``). The region's firms
win market share by going digital faster than their competitors and lose it by lagging.
Upstream suppliers sell part of their output to regional clients, and that part follows those
clients' sales (``UpstreamSupplier.demand_from_clients``).
"""

from __future__ import annotations

import math

import numpy as np

from agents.economics import competitiveness, goods_margin_rate
from agents.firms import UpstreamSupplier
from agents.kinds import SUPPLIER
from model.state import FirmState

#: Competitors' digital path: logistic in time, half-way in 2030, steepness per year.
COMPETITOR_MIDPOINT_YEARS = 10.0
COMPETITOR_STEEPNESS = 0.35
#: Goods demand lost at zero customers' trust (the rest follows trust linearly).
TRUST_SENSITIVITY = 0.3


def competitor_digital(t_years: float, level_2020: float, level_2040: float) -> float:
    """Mean digital capability of competitors outside the region (S-shaped, 2020 to 2040)."""
    def s(t: float) -> float:
        return 1.0 / (1.0 + math.exp(-COMPETITOR_STEEPNESS * (t - COMPETITOR_MIDPOINT_YEARS)))

    progress = (s(t_years) - s(0.0)) / (s(20.0) - s(0.0))
    return level_2020 + (level_2040 - level_2020) * progress


def client_index(firms: FirmState) -> np.ndarray:
    """Per firm, its regional clients' output relative to 2020 (1 for non-suppliers).

    A client's output is the demand for its goods, whether it sells them or their use: a
    machine sold per use still needs its parts. A client that closed buys nothing.
    """
    n = firms.n
    clients = firms.clients[:n]
    has = clients >= 0
    safe = np.where(has, clients, 0)
    now = np.where(has & firms.alive[safe], firms.goods_demand[safe], 0.0)
    base = firms.client_goods_2020[:n]
    ratio = np.divide(now, base, out=np.zeros_like(now), where=has & (base > 0))
    count = has.sum(axis=1)
    return np.where(count > 0, ratio.sum(axis=1) / np.maximum(count, 1), 1.0)


def update_demand(firms: FirmState, params: dict, demand_index: float,
                  competitor_gain: float, competitor_gain_2020: float) -> None:
    """Set every live firm's goods demand for this quarter (rows ``:n``)."""
    n = firms.n
    index = np.full(n, demand_index)
    suppliers = firms.kind[:n] == SUPPLIER
    if suppliers.any():
        index[suppliers] = UpstreamSupplier.demand_from_clients(
            demand_index, client_index(firms)[suppliers], params["regional_client_share"])
    edge = competitiveness(firms.productivity_gain[:n], firms.productivity_gain_2020[:n],
                           competitor_gain, competitor_gain_2020, params["digital_sales_ratio"])
    trust = 1 - TRUST_SENSITIVITY + TRUST_SENSITIVITY * firms.trust[:n]
    firms.goods_demand[:n] = np.where(firms.alive[:n],
                                      firms.base_demand[:n] * index * edge * trust, 0.0)


def margin_rates(firms: FirmState, params: dict, competitor_gain: float,
                 competitor_gain_2020: float) -> np.ndarray:
    """Goods EBIT margin rate of every firm this quarter (rows ``:n``)."""
    n = firms.n
    return goods_margin_rate(params["product_margin"], firms.productivity_gain[:n],
                             firms.productivity_gain_2020[:n], competitor_gain,
                             competitor_gain_2020)
