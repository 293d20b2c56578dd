"""The three kinds of industrial firm: SMEs, large firms and upstream suppliers.

Each agent is a view on one row of ``model.firms``: its attributes read and write the arrays
that the vectorised step uses, and :meth:`Firm.decide` applies the same decision rules as the
step, on its own row.
"""

from __future__ import annotations

import mesa
import numpy as np

from agents import decisions
from agents.views import StateField


def _firm(cast: type, doc: str) -> StateField:
    return StateField("firms", cast, doc)


class Firm(mesa.Agent):
    """An industrial establishment of Hauts-de-France (base class of the three kinds).

    Attributes:
        row: index of this firm in the model's state arrays.

    """

    alive = _firm(bool, "still operating in the region")
    employees = _firm(float, "jobs in the region (production + service offer)")
    production_jobs = _firm(float, "jobs making goods")
    service_jobs = _firm(float, "jobs of the service offer located in the region")
    goods_revenue = _firm(float, "goods sales, EUR per quarter")
    service_revenue = _firm(float, "service sales, EUR per quarter")
    service_demand = _firm(float, "service market on its installed base, EUR per quarter")
    margin = _firm(float, "EBIT, EUR per quarter")
    cash = _firm(float, "cash, EUR")
    debt = _firm(float, "debt, EUR")
    digital = _firm(float, "digital capability in [0, 1]")
    service = _firm(float, "service capability in [0, 1]")
    security = _firm(float, "security level in [0, 1]")
    trust = _firm(float, "customers' trust in [0, 1]")
    adopted = _firm(bool, "digital capability has passed the adoption mark")
    servitizing = _firm(bool, "has started its service transition")
    servitized = _firm(bool, "service share of revenue at or above the threshold")
    transition_quarters = _firm(int, "quarters since its service transition began")
    strategic = _firm(bool, "plans ahead (False: myopic, 'navigates by sight')")
    cluster = _firm(bool, "member of a cluster / lab partnership")
    insured = _firm(bool, "holds cyber insurance")
    severe_incidents = _firm(int, "severe cyber incidents suffered")

    def __init__(self, model: mesa.Model, row: int) -> None:
        super().__init__(model)
        self.row = row

    @property
    def service_share(self) -> float:
        """Service revenue / total revenue."""
        total = self.goods_revenue + self.service_revenue
        return self.service_revenue / total if total > 0 else 0.0

    @property
    def months_in_transition(self) -> int:
        """Months since the service transition began (0 if not servitizing)."""
        return 3 * self.transition_quarters if self.servitizing else 0

    def option_values(self) -> dict[str, float]:
        """NPV of each investment option for this firm now, by the step's own rule."""
        npv, _ = decisions.option_values(self.model.decision_context(np.array([self.row])))
        return dict(zip(decisions.OPTION_NAMES, npv[0].tolist(), strict=True))

    def decide(self) -> str:
        """The option this firm would choose now if it considered investing.

        Uses the same functions as the vectorised step (``agents.decisions``), on this row.
        """
        rows = np.array([self.row])
        ctx = self.model.decision_context(rows)
        npv, capex = decisions.option_values(ctx)
        own = capex * (1 - ctx.subsidy_rate[:, None])
        financing = self.model.financing_capacity(rows)
        choice = decisions.choose_option(npv, own, financing,
                                         self.model.p["adopt_when_considering"],
                                         ctx.servitizing)
        return decisions.OPTION_NAMES[int(choice[0])]

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(row={self.row}, employees={self.employees:.0f}, "
                f"digital={self.digital:.2f}, service={self.service:.2f}, alive={self.alive})")


class SME(Firm):
    """Industrial SME or micro firm (< 250 employees) selling to end customers.

    Cash-constrained, high hurdle rate, low initial digital capability; a share of them are
    myopic.
    """


class LargeFirm(Firm):
    """ETI or large establishment (>= 250 employees).

    Means to invest, low hurdle rate, high initial capability, usually insured against cyber
    losses.
    """


class UpstreamSupplier(Firm):
    """SME positioned upstream (intermediate goods, subcontracting).

    A small service potential on its installed base: servitization is 'not central' to its
    business.
    """
