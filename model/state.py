"""The firm and platform state as preallocated numpy arrays (a struct of arrays).

Rows are never deleted: an exiting firm is marked not alive, so a row index (and the Mesa agent
that views it) stays valid for the whole run. Entrants take the next free rows.

The arrays of one dtype are the rows of one block (``values``: float64, ``codes``: int32,
``flags``: bool), so a compiled kernel takes three arrays instead of forty and reads a field as
``values[CASH]``; each named attribute (``firms.cash``) is a view on its row, so the names and
the blocks always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from agents.kinds import (  # noqa: F401 - the codes stored in these arrays
    ADDED_SERVICES,
    GOODS_ONLY,
    LARGE,
    PAY_PER_USE,
    PERFORMANCE,
    SME,
    SUPPLIER,
)

#: Exit causes, as stored in ``FirmState.exit_cause``.
ALIVE, EXIT_BASELINE, EXIT_TRANSITION, EXIT_CYBER, EXIT_CASH = 0, 1, 2, 3, 4

#: Suppliers' regional clients per supplier (``FirmState.clients`` columns).
CLIENTS_PER_SUPPLIER = 2

#: The firm fields of each block, in row order (the constants below name the rows).
FIRM_VALUES = ("employees", "production_jobs", "service_jobs", "offshored", "base_demand",
               "service_potential", "jobs_per_goods", "goods_demand", "goods_revenue",
               "service_revenue", "service_demand", "platform_share", "margin",
               "service_profit", "cash", "debt", "repayment", "digital", "productivity_gain",
               "productivity_gain_2020", "service", "security", "trust", "climb_cost",
               "invested", "subsidy_received")
FIRM_CODES = ("kind", "rung", "transition_quarters", "loss_quarters", "abandoned",
              "entry_quarter", "adoption_quarter", "exit_quarter", "exit_cause",
              "severe_incidents", "last_option")
FIRM_FLAGS = ("alive", "large", "adopted", "servitizing", "servitized", "strategic", "cluster",
              "insured", "service_intensive", "cyber_hit")
(EMPLOYEES, PRODUCTION_JOBS, SERVICE_JOBS, OFFSHORED, BASE_DEMAND, SERVICE_POTENTIAL,
 JOBS_PER_GOODS, GOODS_DEMAND, GOODS_REVENUE, SERVICE_REVENUE, SERVICE_DEMAND, PLATFORM_SHARE,
 MARGIN, SERVICE_PROFIT, CASH, DEBT, REPAYMENT, DIGITAL, PRODUCTIVITY_GAIN,
 PRODUCTIVITY_GAIN_2020, SERVICE, SECURITY, TRUST, CLIMB_COST, INVESTED,
 SUBSIDY_RECEIVED) = range(len(FIRM_VALUES))
(KIND, RUNG, TRANSITION_QUARTERS, LOSS_QUARTERS, ABANDONED, ENTRY_QUARTER, ADOPTION_QUARTER,
 EXIT_QUARTER, EXIT_CAUSE, SEVERE_INCIDENTS, LAST_OPTION) = range(len(FIRM_CODES))
(IS_ALIVE, IS_LARGE, IS_ADOPTED, IS_SERVITIZING, IS_SERVITIZED, IS_STRATEGIC, IS_CLUSTER,
 IS_INSURED, IS_SERVICE_INTENSIVE, IS_CYBER_HIT) = range(len(FIRM_FLAGS))

#: The platform fields of each block, in row order.
PLATFORM_VALUES = ("capability", "reach", "market_share", "customers", "revenue", "profit")
PLATFORM_CODES = ("loss_quarters", "entry_quarter", "exit_quarter")
PLATFORM_FLAGS = ("alive",)
P_CAPABILITY, P_REACH, P_MARKET_SHARE, P_CUSTOMERS, P_REVENUE, P_PROFIT = range(6)
P_LOSS_QUARTERS, P_ENTRY_QUARTER, P_EXIT_QUARTER = range(3)
P_ALIVE = 0

_BLOCKS = ("values", "codes", "flags")


def _bind_blocks(state, names: tuple[tuple[str, ...], ...]) -> None:
    """Allocate the three blocks and make each named field a view on its row."""
    for block, dtype, row_names in zip(_BLOCKS, (np.float64, np.int32, np.bool_), names,
                                       strict=True):
        array = np.zeros((len(row_names), state.capacity), dtype=dtype)
        setattr(state, block, array)
        for row, name in enumerate(row_names):
            setattr(state, name, array[row])


@dataclass
class FirmState:
    """Per-firm state; every attribute is an array of length ``capacity``.

    Money is in EUR per quarter for flows and EUR for stocks. ``n`` rows are in use.
    """

    capacity: int
    n: int = 0
    values: np.ndarray = field(init=False, repr=False)  # the float64 fields, one row each
    codes: np.ndarray = field(init=False, repr=False)  # the int32 fields
    flags: np.ndarray = field(init=False, repr=False)  # the bool fields
    kind: np.ndarray = field(init=False)  # SME / SUPPLIER / LARGE
    large: np.ndarray = field(init=False)  # kind == LARGE (kinds never change)
    alive: np.ndarray = field(init=False)
    employees: np.ndarray = field(init=False)  # regional jobs in the firm
    production_jobs: np.ndarray = field(init=False)  # jobs making goods (support functions in)
    service_jobs: np.ndarray = field(init=False)  # jobs of the service offer, in the region
    offshored: np.ndarray = field(init=False)  # share of service-function jobs moved abroad
    base_demand: np.ndarray = field(init=False)  # goods demand at macro index 1, EUR/quarter
    service_potential: np.ndarray = field(init=False)  # added services EUR per EUR of goods
    jobs_per_goods: np.ndarray = field(init=False)  # production jobs per EUR/quarter of goods
    goods_demand: np.ndarray = field(init=False)  # customers' demand for its goods, EUR/quarter
    goods_revenue: np.ndarray = field(init=False)  # EUR/quarter
    service_revenue: np.ndarray = field(init=False)  # EUR/quarter
    service_demand: np.ndarray = field(init=False)  # service market on its installed base
    platform_share: np.ndarray = field(init=False)  # platforms' share of its service market
    margin: np.ndarray = field(init=False)  # EBIT, EUR/quarter
    service_profit: np.ndarray = field(init=False)  # EBIT of its usage offer, EUR/quarter
    cash: np.ndarray = field(init=False)  # EUR, never negative for a live firm
    debt: np.ndarray = field(init=False)  # EUR borrowed to finance investments or losses
    repayment: np.ndarray = field(init=False)  # EUR/quarter of principal due (linear plan)
    digital: np.ndarray = field(init=False)  # capability in [0, 1]
    productivity_gain: np.ndarray = field(init=False)  # realised digital productivity gain
    productivity_gain_2020: np.ndarray = field(init=False)  # its value when the firm started
    service: np.ndarray = field(init=False)  # capability in [0, 1]
    security: np.ndarray = field(init=False)  # level in [0, 1]
    trust: np.ndarray = field(init=False)  # customers' trust in [0, 1]
    rung: np.ndarray = field(init=False)  # GOODS_ONLY .. PERFORMANCE
    adopted: np.ndarray = field(init=False)  # digital capability has passed the adoption mark
    servitizing: np.ndarray = field(init=False)  # climbing a rung of the service ladder
    servitized: np.ndarray = field(init=False)  # service share >= threshold
    transition_quarters: np.ndarray = field(init=False)  # quarters into the current climb
    climb_cost: np.ndarray = field(init=False)  # organisation cost per quarter of its climb
    loss_quarters: np.ndarray = field(init=False)  # quarters its usage offer lost money
    abandoned: np.ndarray = field(init=False)  # climbs abandoned (the paradox)
    strategic: np.ndarray = field(init=False)  # False = myopic ("navigate by sight")
    cluster: np.ndarray = field(init=False)
    insured: np.ndarray = field(init=False)
    service_intensive: np.ndarray = field(init=False)  # serves more than its own base
    cyber_hit: np.ndarray = field(init=False)  # borne a cyber loss this quarter
    clients: np.ndarray = field(init=False)  # suppliers: rows of their regional clients
    client_goods_2020: np.ndarray = field(init=False)  # the clients' goods demand at the start
    entry_quarter: np.ndarray = field(init=False)
    adoption_quarter: np.ndarray = field(init=False)  # -1: not adopted in the run
    exit_quarter: np.ndarray = field(init=False)  # -1: alive
    exit_cause: np.ndarray = field(init=False)
    severe_incidents: np.ndarray = field(init=False)
    invested: np.ndarray = field(init=False)  # cumulative capex, EUR
    subsidy_received: np.ndarray = field(init=False)  # cumulative, EUR
    last_option: np.ndarray = field(init=False)  # last investment option taken (0 = none)

    def __post_init__(self) -> None:
        _bind_blocks(self, (FIRM_VALUES, FIRM_CODES, FIRM_FLAGS))
        self.clients = np.full((self.capacity, CLIENTS_PER_SUPPLIER), -1, dtype=np.int64)
        self.client_goods_2020 = np.zeros((self.capacity, CLIENTS_PER_SUPPLIER))
        self.adoption_quarter[:] = -1
        self.exit_quarter[:] = -1

    def array_names(self) -> list[str]:
        """Names of the per-firm arrays."""
        return [f.name for f in fields(self) if not f.init and f.name not in _BLOCKS]

    def copy(self) -> FirmState:
        """An independent copy of the state (to run a rule twice from the same rows, say)."""
        twin = FirmState(self.capacity)
        twin.n = self.n
        for name in (*_BLOCKS, "clients", "client_goods_2020"):
            getattr(twin, name)[:] = getattr(self, name)
        return twin


@dataclass
class PlatformState:
    """Per-platform state (service-only entrants); arrays of length ``capacity``."""

    capacity: int
    n: int = 0
    values: np.ndarray = field(init=False, repr=False)
    codes: np.ndarray = field(init=False, repr=False)
    flags: np.ndarray = field(init=False, repr=False)
    alive: np.ndarray = field(init=False)
    capability: np.ndarray = field(init=False)
    reach: np.ndarray = field(init=False)  # share of the region's customers who know it
    market_share: np.ndarray = field(init=False)  # share of the region's service revenue
    customers: np.ndarray = field(init=False)  # customer firms served (expected count)
    revenue: np.ndarray = field(init=False)  # EUR/quarter
    profit: np.ndarray = field(init=False)  # EUR/quarter, after fixed costs
    loss_quarters: np.ndarray = field(init=False)  # consecutive quarters losing money
    entry_quarter: np.ndarray = field(init=False)
    exit_quarter: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        _bind_blocks(self, (PLATFORM_VALUES, PLATFORM_CODES, PLATFORM_FLAGS))
        self.exit_quarter[:] = -1
