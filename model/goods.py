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
from agents.exact import nonzero
from agents.firms import supplier_demand
from agents.jit import divide_where, kernel, maximum, rows, rule, where
from agents.kinds import SUPPLIER
from model.state import (
    BASE_DEMAND,
    CLIENTS_PER_SUPPLIER,
    GOODS_DEMAND,
    IS_ALIVE,
    KIND,
    PRODUCTIVITY_GAIN,
    PRODUCTIVITY_GAIN_2020,
    TRUST,
    FirmState,
)

#: Competitors' digital path: logistic in time, half-way in 2030, steepness per year.
COMPETITOR_MIDPOINT_YEARS = 10.0
COMPETITOR_STEEPNESS = 0.35
#: Goods demand lost at zero customers' trust (the rest follows trust linearly).
TRUST_SENSITIVITY = 0.3


def _competitor_path(t: float) -> float:
    """The logistic behind :func:`competitor_digital`, in years since 2020."""
    return 1.0 / (1.0 + math.exp(-COMPETITOR_STEEPNESS * (t - COMPETITOR_MIDPOINT_YEARS)))


#: The path in 2020 and its rise to 2040, computed once (the same numbers every quarter).
_PATH_2020 = _competitor_path(0.0)
_PATH_SPAN = _competitor_path(20.0) - _PATH_2020


def competitor_digital(t_years: float, level_2020: float, level_2040: float) -> float:
    """Mean digital capability of competitors outside the region (S-shaped, 2020 to 2040)."""
    progress = (_competitor_path(t_years) - _PATH_2020) / _PATH_SPAN
    return level_2020 + (level_2040 - level_2020) * progress


@rule
def clients_output(alive, goods_demand, clients, client_goods_2020, i):
    """Row ``i``'s regional clients' output relative to 2020 (1 without clients)."""
    total, count = 0.0, 0
    for c in range(CLIENTS_PER_SUPPLIER):
        client = clients[i, c]
        has = client >= 0
        # Unsigned: compiled, a signed index costs a check of its sign (see agents.jit).
        safe = np.uint64(where(has, client, 0))
        now = where(has & alive[safe], goods_demand[safe], 0.0)
        base = client_goods_2020[i, c]
        total = total + divide_where(now, base, has & (base > 0))
        count = count + has
    return where(count > 0, total / maximum(count, 1), 1.0)


def client_index(firms: FirmState) -> np.ndarray:
    """Per firm, its regional clients' output relative to 2020 (1 for non-suppliers).

    A client's output is the demand for its goods, whether it sells them or their use: a
    machine sold per use still needs its parts. A client that closed buys nothing.
    """
    return clients_output(firms.alive, firms.goods_demand, firms.clients,
                          firms.client_goods_2020, slice(0, firms.n))


def update_demand(firms: FirmState, params: dict, demand_index: float,
                  competitor_gain: float, competitor_gain_2020: float) -> None:
    """Set every live firm's goods demand for this quarter (rows ``:n``)."""
    _update_demand(firms.values, firms.codes, firms.flags, firms.clients,
                   firms.client_goods_2020, firms.n, demand_index, competitor_gain,
                   competitor_gain_2020, params["digital_sales_ratio"],
                   params["regional_client_share"])


@kernel
def _update_demand(values, codes, flags, clients, client_goods_2020, n, demand_index,
                   competitor_gain, competitor_gain_2020, sales_ratio, regional_client_share):
    alive, kind, goods_demand = flags[IS_ALIVE], codes[KIND], values[GOODS_DEMAND]
    gain, gain_2020 = values[PRODUCTIVITY_GAIN], values[PRODUCTIVITY_GAIN_2020]
    trust = values[TRUST]
    base_demand = values[BASE_DEMAND]
    index = np.empty(n)
    supplier = np.empty(n, np.bool_)
    for i in rows(n):
        supplier[i] = kind[i] == SUPPLIER
        index[i] = demand_index
    # Suppliers' demand follows their clients' demand of last quarter: read it all first.
    # Only suppliers (some two in five firms) walk their clients, by unsigned rows: the
    # clients' gathers are most of the kernel's time.
    suppliers = nonzero(supplier, n)
    for k in rows(len(suppliers)):
        i = np.uint64(suppliers[k])
        index[i] = supplier_demand(demand_index, clients_output(alive, goods_demand, clients,
                                                                client_goods_2020, i),
                                   regional_client_share)
    # Then the new demand goes straight into the state (a staging array cost one more pass).
    for i in rows(n):
        edge = competitiveness(gain[i], gain_2020[i], competitor_gain, competitor_gain_2020,
                               sales_ratio)
        kept = 1 - TRUST_SENSITIVITY + TRUST_SENSITIVITY * trust[i]
        goods_demand[i] = where(alive[i], base_demand[i] * index[i] * edge * kept, 0.0)


def margin_rates(firms: FirmState, params: dict, competitor_gain: float,
                 competitor_gain_2020: float) -> np.ndarray:
    """Goods EBIT margin rate of every firm this quarter (rows ``:n``)."""
    n = firms.n
    return goods_margin_rate(params["product_margin"], firms.productivity_gain[:n],
                             firms.productivity_gain_2020[:n], competitor_gain,
                             competitor_gain_2020)
