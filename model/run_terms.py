"""The parts of a quarter's kernel arguments that stay the same for a whole run.

Every quarter the step hands its kernels tuples of a few dozen numbers, most of them
parameters. Read from the parameters dict, converted and packed anew each quarter, they cost
more than some kernels; here they are packed once per model, and a quarter only fills in
what changes (time, the open call, the platforms' nest, Wright's multiplier, the live levers).

Only parameters that no lever changes during a run are packed once (:data:`FIXED_CHECK`
refuses a live lever); the live levers (``model.levers.LIVE_LEVERS``) are read each quarter,
so a lever set during a run acts from the next quarter as before.
"""

from __future__ import annotations

from typing import Any

from agents.economics import ServiceMarket
from agents.jit import kernel
from model import cyber, market, platforms
from model.calendar import DT
from model.levers import LIVE_LEVERS
from model.macro import usage_curve
from model.policy import RELANCE_LAST_YEAR

#: The slots of ``model.investment.decision_terms`` that change during a run (tuple indices).
T_YEARS, CALL_OPEN, SUBSIDY_RATE, WRIGHT, COMPETITOR_GAIN, COMPETITOR_GAIN_2020 = (
    2, 6, 7, 10, 13, 14)
IN_HOUSE, NEST, PENALTY, SECURE_FRAMEWORK = 19, 20, 23, 33
#: Run-long slots the first round discounts with (``model.investment_book.discounting_of``).
STRATEGIC_HORIZON, MYOPIC_HORIZON, RAMP_QUARTERS, TRANSITION_QUARTERS = 0, 1, 17, 37


def _decision_template(p: dict) -> list:
    """``decision_terms`` with its run-long values, and ``None`` in the slots that change."""
    return [
        p["strategic_horizon_years"], p["myopic_horizon_years"], None,
        *usage_curve(p["usage_share_2040"]), None, None,
        p["investment_cost_sme"], p["investment_size_exponent"], None,
        p["call_project_gain"], p["digital_project_gain"], None, None,
        p["digital_productivity_gain"], p["digital_sales_ratio"],
        4 * p["digital_rampup_years"], p["product_margin"], None, None,
        p["platform_usage_edge"], p["usage_share_2040"], None,
        p["capability_weight"], p["installed_base_bonus"], p["trust_weight"],
        p["performance_bonus"], p["usage_service_ratio"], p["platform_goods_squeeze"],
        p["service_margin"], p["servitization_threshold"], p["digital_exposure"],
        None, cyber.mean_attack_loss(p), cyber.stop_share(p),
        p["transition_cost_share"], p["transition_quarters"], p["service_overhead_share"],
        p["adoption_mark"]]


#: The parameters packed once per run (none may be a live lever).
FIXED = ("strategic_horizon_years", "myopic_horizon_years", "usage_share_2040",
         "investment_cost_sme", "investment_size_exponent", "call_project_gain",
         "digital_project_gain", "digital_productivity_gain", "digital_sales_ratio",
         "digital_rampup_years", "product_margin", "platform_usage_edge", "capability_weight",
         "installed_base_bonus", "trust_weight", "performance_bonus", "usage_service_ratio",
         "platform_goods_squeeze", "service_margin", "servitization_threshold",
         "digital_exposure", "cyber_loss_median", "cyber_loss_sigma", "severe_share",
         "severe_loss_days", "transition_cost_share", "transition_quarters",
         "service_overhead_share", "adoption_mark", "platform_nest_dissimilarity",
         "platform_reach_years")
FIXED_CHECK = not set(FIXED) & set(LIVE_LEVERS)
assert FIXED_CHECK, "a live lever cannot be packed once per run"


class RunTerms:
    """What a model's quarters read that is fixed for its run.

    Args:
        p: the model's resolved parameters.

    Attributes:
        decision: ``decision_terms``' values, ``None`` where they change.
        market: the market view's fields after ``nest_usage`` (``agents.economics``'s
            ``ServiceMarket``, in order).
        usage_edge: ``platform_usage_edge`` and ``usage_share_2040``
            (``market.usage_edge_at``'s first arguments).
        reach_growth: ``platforms.reach_growth`` per quarter.

    """

    def __init__(self, p: dict) -> None:
        self.decision = _decision_template(p)
        self.market = (p["capability_weight"], p["installed_base_bonus"], p["trust_weight"],
                       p["performance_bonus"], p["usage_service_ratio"],
                       p["platform_goods_squeeze"], p["service_margin"],
                       p["servitization_threshold"])
        self.usage_edge = (p["platform_usage_edge"], p["usage_share_2040"])
        self.reach_growth = platforms.reach_growth(p, DT)


def run_terms(model: Any) -> RunTerms:
    """The model's :class:`RunTerms`, built on first use."""
    terms = model.__dict__.get("_run_terms")
    if terms is None:
        terms = model._run_terms = RunTerms(model.p)
    return terms


def decision_terms(model: Any, nest: float | None = None) -> tuple:
    """What every firm deciding this quarter knows alike, in ``investment._context``'s order.

    Args:
        model: the ``ServitizationModel``.
        nest: the platform nest's value this quarter, if known (``market.platform_view``).

    """
    p = model.p
    if nest is None:
        _, nest = market.platform_view(model.platforms, p, model.know_how_penalty)
    terms = run_terms(model).decision.copy()
    terms[T_YEARS] = model.t_years
    terms[CALL_OPEN] = model.policy.is_open()
    terms[SUBSIDY_RATE] = (p["subsidy_rate_relance"] if model.year <= RELANCE_LAST_YEAR
                           else p["subsidy_rate"])
    terms[WRIGHT] = model.wright_multiplier
    terms[COMPETITOR_GAIN] = model.competitor_gain
    terms[COMPETITOR_GAIN_2020] = model.competitor_gain_2020
    terms[IN_HOUSE] = model.in_house
    terms[NEST] = nest
    terms[PENALTY] = model.know_how_penalty
    terms[SECURE_FRAMEWORK] = p["secure_framework"]
    return tuple(terms)


@kernel
def nest_usage_at(edge: float, usage_2040: float, usage: float, nest: float,
                  penalty: float) -> float:
    """The platform nest's value in pay-per-use: ``nest`` plus the penalty it has shed.

    One compiled call: as numpy scalars the usage edge's clipping costs more than the rest
    of a quarter's market view.

    Args:
        edge: ``platform_usage_edge``.
        usage_2040: ``usage_share_2040``.
        usage: the usage share this quarter.
        nest: the platform nest's value in added services.
        penalty: the platforms' know-how penalty.

    Returns:
        ``nest + market.usage_edge_at(edge, usage_2040, usage) * penalty``.

    """
    return nest + market.usage_edge_at(edge, usage_2040, usage) * penalty


def quarter_market(model: Any, nest: float, usage: float) -> ServiceMarket:
    """``market.market_view`` of the step: the run's terms, this quarter's nest and usage.

    Args:
        model: the ``ServitizationModel``.
        nest: the platform nest's value (``market.platform_view``).
        usage: the usage share this quarter (a number).

    """
    terms = run_terms(model)
    penalty = model.know_how_penalty
    # tuple.__new__ is what ServiceMarket's own constructor calls, without its frame.
    return tuple.__new__(ServiceMarket, (
        usage, model.in_house, nest, nest_usage_at(*terms.usage_edge, usage, nest, penalty),
        *terms.market))
