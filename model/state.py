"""The firm and platform state as preallocated numpy arrays (a struct of arrays).

Rows are never deleted: an exiting firm is marked not alive, so a row index (and the Mesa agent
that views it) stays valid for the whole run. Entrants take the next free rows.
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

_INT_FIELDS = {"kind", "rung", "transition_quarters", "loss_quarters", "entry_quarter",
               "adoption_quarter", "exit_quarter", "exit_cause", "severe_incidents",
               "last_option", "abandoned"}
_BOOL_FIELDS = {"alive", "large", "adopted", "servitizing", "servitized", "strategic", "cluster",
                "insured", "service_intensive", "cyber_hit"}


@dataclass
class FirmState:
    """Per-firm state; every attribute is an array of length ``capacity``.

    Money is in EUR per quarter for flows and EUR for stocks. ``n`` rows are in use.
    """

    capacity: int
    n: int = 0
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
        c = self.capacity
        for f in fields(self):
            if f.init:
                continue
            if f.name in _INT_FIELDS:
                setattr(self, f.name, np.zeros(c, dtype=np.int32))
            elif f.name in _BOOL_FIELDS:
                setattr(self, f.name, np.zeros(c, dtype=bool))
            elif f.name == "clients":
                self.clients = np.full((c, CLIENTS_PER_SUPPLIER), -1, dtype=np.int64)
            elif f.name == "client_goods_2020":
                self.client_goods_2020 = np.zeros((c, CLIENTS_PER_SUPPLIER))
            else:
                setattr(self, f.name, np.zeros(c, dtype=np.float64))
        self.adoption_quarter[:] = -1
        self.exit_quarter[:] = -1

    def array_names(self) -> list[str]:
        """Names of the per-firm arrays."""
        return [f.name for f in fields(self) if not f.init]


@dataclass
class PlatformState:
    """Per-platform state (service-only entrants); arrays of length ``capacity``."""

    capacity: int
    n: int = 0
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
        c = self.capacity
        self.alive = np.zeros(c, dtype=bool)
        self.capability = np.zeros(c)
        self.reach = np.zeros(c)
        self.market_share = np.zeros(c)
        self.customers = np.zeros(c)
        self.revenue = np.zeros(c)
        self.profit = np.zeros(c)
        self.loss_quarters = np.zeros(c, dtype=np.int32)
        self.entry_quarter = np.zeros(c, dtype=np.int32)
        self.exit_quarter = np.full(c, -1, dtype=np.int32)
