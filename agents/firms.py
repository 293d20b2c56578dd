"""The three kinds of industrial firm: SMEs, large firms and upstream suppliers.

Each agent is a view on one row of ``model.firms``: its attributes read and write the arrays
that the vectorised step uses. Where the regional sheet gives a kind its own behaviour, the
class carries it as a rule over arrays that the step applies to the rows of that kind:

* ``SME``: a myopic SME ("navigates by sight") weighs an investment only when a subsidy call
  is open or its neighbours push;
* ``UpstreamSupplier``: its sales follow its regional clients' sales;
* ``LargeFirm``: the means of a group: it always plans, and borrows against more.

:meth:`Firm.decide` asks the model the step's own question (``agents.decisions.decide``) for
this one row, with a subsidy book that answers without spending; a firm that a subsidy call
brought to the last investment round weighs its project as a call project, as the step did.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from agents import decisions, kinds
from agents.jit import maximum, rule, where
from agents.views import RowAgent, StateField


def _firm(cast: type, doc: str) -> StateField:
    return StateField("firms", cast, doc)


class Firm(RowAgent):
    """An industrial establishment of Hauts-de-France (base class of the three kinds).

    Attributes:
        row: index of this firm in the model's state arrays.

    """

    KIND: ClassVar[int] = -1
    #: Borrowing limit: years of positive EBIT, or a credit line as a share of yearly sales.
    EBIT_YEARS: ClassVar[float] = 2.0
    CREDIT_LINE: ClassVar[float] = 0.10

    alive = _firm(bool, "still operating in the region")
    employees = _firm(float, "jobs in the region (production + service offer)")
    production_jobs = _firm(float, "jobs making goods, support functions included")
    service_jobs = _firm(float, "jobs of the service offer located in the region")
    goods_revenue = _firm(float, "goods sales, EUR per quarter")
    service_revenue = _firm(float, "service sales, EUR per quarter")
    service_demand = _firm(float, "service market on its installed base, EUR per quarter")
    margin = _firm(float, "EBIT, EUR per quarter")
    cash = _firm(float, "cash, EUR")
    debt = _firm(float, "debt, EUR")
    digital = _firm(float, "digital capability in [0, 1]")
    productivity_gain = _firm(float, "realised productivity gain from digital technology")
    service = _firm(float, "service capability in [0, 1]")
    security = _firm(float, "security level in [0, 1]")
    trust = _firm(float, "customers' trust in [0, 1]")
    rung = _firm(int, "service ladder: 0 goods only, 1 added services, 2 pay-per-use, "
                      "3 performance contracts")
    adopted = _firm(bool, "digital capability has passed the adoption mark")
    servitizing = _firm(bool, "climbing a rung of the service ladder now")
    servitized = _firm(bool, "service share of revenue at or above the threshold")
    transition_quarters = _firm(int, "quarters into its current climb")
    abandoned = _firm(int, "climbs abandoned because the offer lost money")
    strategic = _firm(bool, "plans ahead (False: myopic, 'navigates by sight')")
    cluster = _firm(bool, "member of a cluster / lab partnership")
    insured = _firm(bool, "holds cyber insurance")
    severe_incidents = _firm(int, "severe cyber incidents suffered")

    # --- rules of this kind, over arrays (the step applies them to the kind's rows) -------
    @staticmethod
    def evaluates(strategic: np.ndarray, call_open: np.ndarray, peer_share: np.ndarray,
                  peer_push: float) -> np.ndarray:
        """Which considering firms weigh their options at all (a planning firm always does)."""
        return np.ones(len(strategic), dtype=bool)

    @classmethod
    def borrowing_limit(cls, margin: np.ndarray, sales: np.ndarray) -> np.ndarray:
        """Debt the lenders accept: years of positive EBIT or a credit line, the larger."""
        return credit_limit(cls.EBIT_YEARS, cls.CREDIT_LINE, margin, sales)

    # --- this one firm ---------------------------------------------------------------------------
    @property
    def service_share(self) -> float:
        """Service revenue / total revenue."""
        total = self.goods_revenue + self.service_revenue
        return self.service_revenue / total if total > 0 else 0.0

    @property
    def rung_name(self) -> str:
        """Its rung of the service ladder, in words."""
        return kinds.RUNG_NAMES[self.rung]

    def option_values(self) -> dict[str, float]:
        """NPV of each investment option for this firm now, by the step's own rule.

        Its digital project is a call project if a subsidy call brought it to the last
        investment round (``model.considered``), as in :meth:`decide`.
        """
        ctx = self.model.decision_context(np.array([self.row]))
        npv, _ = decisions.option_values(ctx)
        return dict(zip(decisions.OPTION_NAMES, npv[0].tolist(), strict=True))

    def decide(self) -> str:
        """What this firm would do now if it considered investing, e.g. ``climb + security``.

        The step's own decision (``agents.decisions.decide``) on this row, subsidy
        application included; the subsidy book answers without granting anything, for this
        request alone (in the step, earlier applicants may have used the budget first). A
        firm that a subsidy call brought to the last investment round (its ``prompted`` flag
        in ``model.considered``) weighs a call project, as the step did; any other firm an
        ordinary project. Between steps that is the last round's flag, not the next one's:
        who a call brings is drawn in the next step.
        """
        return self.model.decide_for(np.array([self.row]), spend=False).names()[0]

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(row={self.row}, employees={self.employees:.0f}, "
                f"digital={self.digital:.2f}, rung={self.rung}, alive={self.alive})")


class SME(Firm):
    """Industrial SME or micro firm (< 250 employees) selling to end customers.

    Cash-constrained, high hurdle rate, low initial digital capability; a share of them are
    myopic: they weigh an investment only when a subsidy call is open or their peers push.
    """

    KIND = kinds.SME

    @staticmethod
    def evaluates(strategic: np.ndarray, call_open: np.ndarray, peer_share: np.ndarray,
                  peer_push: float) -> np.ndarray:
        """Myopic SMEs weigh an investment only under a subsidy call or peer pressure."""
        return sme_weighs_options(strategic, call_open, peer_share, peer_push)


class UpstreamSupplier(SME):
    """SME positioned upstream (intermediate goods, subcontracting).

    Its sales follow its regional clients' sales: when they shrink or lose their customers
    to platforms, so does it. Servitization is 'not central': a small service potential.
    """

    KIND = kinds.SUPPLIER

    @staticmethod
    def demand_from_clients(macro_index: float, client_index: np.ndarray,
                            regional_client_share: float) -> np.ndarray:
        """Demand index of suppliers: the regional clients' part follows those clients.

        Args:
            macro_index: the region's demand index (for sales outside the region).
            client_index: per supplier, its clients' goods sales relative to 2020.
            regional_client_share: share of a supplier's sales to regional clients.

        """
        return supplier_demand(macro_index, client_index, regional_client_share)


class LargeFirm(Firm):
    """ETI or large establishment (>= 250 employees).

    The means of a group: always plans ahead, a low hurdle rate, borrows against four years of
    EBIT or a fifth of its yearly sales, usually insured against cyber losses.
    """

    KIND = kinds.LARGE
    EBIT_YEARS = 4.0
    CREDIT_LINE = 0.20


#: Agent class per firm kind code (``agents.kinds``: 0 SME, 1 supplier, 2 large).
FIRM_CLASSES: tuple[type[Firm], ...] = (SME, UpstreamSupplier, LargeFirm)

# --- the kinds' rules as compiled kernels call them (a kernel cannot read a class) ----------
# Kernels apply the kinds' rules by kind code: large firms keep Firm's rules, suppliers SME's.
assert LargeFirm.evaluates is Firm.evaluates and UpstreamSupplier.evaluates is SME.evaluates
assert (UpstreamSupplier.EBIT_YEARS, UpstreamSupplier.CREDIT_LINE) == (SME.EBIT_YEARS,
                                                                      SME.CREDIT_LINE)
_SME_TERMS = (SME.EBIT_YEARS, SME.CREDIT_LINE)
_LARGE_TERMS = (LargeFirm.EBIT_YEARS, LargeFirm.CREDIT_LINE)


@rule
def sme_weighs_options(strategic, call_open, peer_share, peer_push):
    """An SME weighs its options if it plans ahead, a call is open, or its peers push."""
    return strategic | call_open | (peer_share >= peer_push)


@rule
def credit_limit(ebit_years, credit_line, margin, sales):
    """Debt lenders accept: ``ebit_years`` of positive EBIT or a credit line, the larger."""
    return maximum(4 * ebit_years * maximum(margin, 0.0), 4 * credit_line * sales)


@rule
def supplier_demand(macro_index, client_index, regional_client_share):
    """A supplier's demand index: its regional clients' part follows those clients."""
    return (1 - regional_client_share) * macro_index + regional_client_share * client_index


def evaluating(kind: np.ndarray, strategic: np.ndarray, call_open: np.ndarray,
               peer_share: np.ndarray, peer_push: float) -> np.ndarray:
    """Apply each kind's :meth:`Firm.evaluates` rule to its rows."""
    out = np.ones(len(kind), dtype=bool)
    for cls in FIRM_CLASSES:
        rows = kind == cls.KIND
        if rows.any():
            out[rows] = cls.evaluates(strategic[rows], call_open[rows], peer_share[rows],
                                      peer_push)
    return out


@rule
def evaluates_by_kind(kind, strategic, call_open, peer_share, peer_push):
    """:func:`evaluating` for kernels: one row, or arrays."""
    return where(kind == kinds.LARGE, True,
                 sme_weighs_options(strategic, call_open, peer_share, peer_push))


@rule
def borrowing_limit(kind, margin, sales):
    """Apply each kind's :meth:`Firm.borrowing_limit` to its rows."""
    small = credit_limit(_SME_TERMS[0], _SME_TERMS[1], margin, sales)
    large = credit_limit(_LARGE_TERMS[0], _LARGE_TERMS[1], margin, sales)
    return where(kind == kinds.LARGE, large, small)
