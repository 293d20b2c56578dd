"""The firm and platform state as preallocated numpy arrays (a struct of arrays).

Rows are never deleted: an exiting firm is marked not alive, so a row index (and the Mesa agent
that views it) stays valid for the whole run. Entrants take the next free rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

#: Firm kinds, as stored in ``FirmState.kind``.
SME, SUPPLIER, LARGE = 0, 1, 2
KIND_NAMES = {SME: "SME", SUPPLIER: "UpstreamSupplier", LARGE: "LargeFirm"}

#: Exit causes, as stored in ``FirmState.exit_cause``.
ALIVE, EXIT_BASELINE, EXIT_TRANSITION, EXIT_CYBER, EXIT_CASH = 0, 1, 2, 3, 4
EXIT_CAUSE_NAMES = {
    ALIVE: "alive",
    EXIT_BASELINE: "baseline",
    EXIT_TRANSITION: "transition",
    EXIT_CYBER: "cyber",
    EXIT_CASH: "cash",
}


def _f(n: int) -> np.ndarray:
    return np.zeros(n, dtype=np.float64)


def _b(n: int) -> np.ndarray:
    return np.zeros(n, dtype=bool)


def _i(n: int) -> np.ndarray:
    return np.zeros(n, dtype=np.int32)


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
    production_jobs: np.ndarray = field(init=False)
    service_jobs: np.ndarray = field(init=False)  # jobs of the service offer, in the region
    base_demand: np.ndarray = field(init=False)  # goods demand at macro index 1, EUR/quarter
    service_potential: np.ndarray = field(init=False)  # aftermarket EUR per EUR of goods
    jobs_per_goods: np.ndarray = field(init=False)  # production jobs per EUR/quarter of goods
    goods_revenue: np.ndarray = field(init=False)  # EUR/quarter
    service_revenue: np.ndarray = field(init=False)  # EUR/quarter
    service_demand: np.ndarray = field(init=False)  # service market on its installed base
    platform_share: np.ndarray = field(init=False)  # platforms' share of its service market
    margin: np.ndarray = field(init=False)  # EBIT, EUR/quarter
    cash: np.ndarray = field(init=False)  # EUR, never negative for a live firm
    debt: np.ndarray = field(init=False)  # EUR borrowed to finance investments or losses
    digital: np.ndarray = field(init=False)  # capability in [0, 1]
    service: np.ndarray = field(init=False)  # capability in [0, 1]
    security: np.ndarray = field(init=False)  # level in [0, 1]
    trust: np.ndarray = field(init=False)  # customers' trust in [0, 1]
    adopted: np.ndarray = field(init=False)  # digital capability has passed the adoption mark
    servitizing: np.ndarray = field(init=False)  # has started a service transition
    servitized: np.ndarray = field(init=False)  # service share >= threshold
    transition_quarters: np.ndarray = field(init=False)  # quarters since the transition began
    strategic: np.ndarray = field(init=False)  # False = myopic ("navigate by sight")
    cluster: np.ndarray = field(init=False)
    insured: np.ndarray = field(init=False)
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
            if f.name in {"kind", "transition_quarters", "entry_quarter", "adoption_quarter",
                          "exit_quarter", "exit_cause", "severe_incidents", "last_option"}:
                setattr(self, f.name, _i(c))
            elif f.name in {"alive", "large", "adopted", "servitizing", "servitized", "strategic",
                            "cluster", "insured"}:
                setattr(self, f.name, _b(c))
            else:
                setattr(self, f.name, _f(c))
        self.adoption_quarter[:] = -1
        self.exit_quarter[:] = -1

    @property
    def live(self) -> np.ndarray:
        """Boolean mask of rows in use and alive (length ``n``)."""
        return self.alive[: self.n]

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
    customers: np.ndarray = field(init=False)  # customer firms served (expected count)
    revenue: np.ndarray = field(init=False)  # EUR/quarter
    weak_quarters: np.ndarray = field(init=False)  # consecutive quarters below min revenue
    entry_quarter: np.ndarray = field(init=False)
    exit_quarter: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        c = self.capacity
        self.alive = _b(c)
        self.capability = _f(c)
        self.customers = _f(c)
        self.revenue = _f(c)
        self.weak_quarters = _i(c)
        self.entry_quarter = _i(c)
        self.exit_quarter = np.full(c, -1, dtype=np.int32)
