"""Steps 3-4 of a quarter: Bass attention, then the NPV decision of considering firms.

The rules themselves live in ``agents.decisions``; this module gathers their inputs for the
rows concerned, grants subsidies from the budget and books the investments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from agents import decisions as rules
from model.market import rivals_exp_sum, service_demand, trust_term
from model.policy import SubsidyPolicy
from model.population import REFERENCE_SME_EMPLOYEES
from model.state import LARGE, FirmState


@dataclass
class InvestmentRound:
    """What happened in one quarter's investment round."""

    considering: int = 0
    adoptions: int = 0  # digital or servitize investments
    cluster_adoptions: int = 0
    capex: float = 0.0
    subsidy: float = 0.0
    additional_capex: float = 0.0  # capex of subsidised projects not worth it without subsidy


def yearly_hazard(prob: float) -> float:
    """Convert a yearly probability into a yearly hazard rate."""
    return -math.log1p(-min(prob, 0.999999))


def expected_attack_loss(firms: FirmState, rows: np.ndarray, params: dict) -> np.ndarray:
    """Expected cost of one attack for each row: lognormal mean, plus production stops."""
    mean = params["cyber_loss_median"] * math.exp(params["cyber_loss_sigma"] ** 2 / 2)
    size = (np.maximum(firms.employees[rows], 1.0) / REFERENCE_SME_EMPLOYEES) ** 0.5
    stop = params["severe_share"] * params["severe_loss_days"] / 91.25 * firms.goods_revenue[rows]
    cover = np.where(firms.insured[rows], 0.3, 1.0)
    return (mean * size + stop) * cover


def package_cost(firms: FirmState, rows: np.ndarray, params: dict, wright: float) -> np.ndarray:
    """Capex of the digital+service package: scales with employees^0.75 and Wright's law."""
    size = np.maximum(firms.employees[rows], 1.0) / REFERENCE_SME_EMPLOYEES
    return params["investment_cost_sme"] * size**0.75 * wright


def decision_context(model, rows: np.ndarray, subsidy_open: bool,
                     platform_u: np.ndarray) -> rules.DecisionContext:
    """Gather what the firms in ``rows`` know when they evaluate their options.

    Args:
        model: the ``ServitizationModel``.
        rows: row indices of the considering firms.
        subsidy_open: whether a subsidy can be expected this quarter.
        platform_u: current platform utilities.

    """
    f, p = model.firms, model.p
    large = f.kind[rows] == LARGE
    strategic = f.strategic[rows]
    horizon = np.where(strategic, p["strategic_horizon_years"], p["myopic_horizon_years"]) * 4
    mid_usage = model.usage_at(model.t_years + horizon / 8.0)
    goods = f.goods_revenue[rows]
    # Firms anticipate the (known) shift to usage: they value the market at mid-horizon.
    market = service_demand(f, goods, mid_usage, p, rows)
    threshold = p["servitization_threshold"]
    need = np.divide(threshold * goods, (1 - threshold) * market, out=np.full(len(rows), np.inf),
                     where=market > 0)
    hazard = np.where(large, yearly_hazard(p["attack_prob_large"]),
                      yearly_hazard(p["attack_prob_sme"]))
    return rules.DecisionContext(
        hurdle=model.hurdle[rows],
        horizon_quarters=horizon,
        subsidy_rate=np.where(subsidy_open & ~large, p["subsidy_rate"], 0.0),
        package_cost=package_cost(f, rows, p, model.wright_multiplier),
        service_market=market,
        goods_revenue=goods,
        rivals_exp_sum=rivals_exp_sum(platform_u, p),
        capability_weight=p["capability_weight"],
        installed_base_bonus=p["installed_base_bonus"],
        trust_term=trust_term(f, p)[rows],
        service_margin=p["service_margin"],
        threshold_share=need,
        attack_hazard=hazard,
        exposure=p["digital_exposure"],
        framework=p["secure_framework"],
        expected_loss=expected_attack_loss(f, rows, p),
        transition_cost=p["transition_cost_share"] * f.employees[rows] * rules.WAGE / 4,
        transition_quarters=p["transition_quarters"],
        digital=f.digital[rows],
        service=f.service[rows],
        security=f.security[rows],
        adopted=f.adopted[rows],
        servitizing=f.servitizing[rows],
    )


def borrowing_capacity(firms: FirmState, rows) -> np.ndarray:
    """What a firm can still borrow, less its debt.

    The limit is two years of positive EBIT or a credit line of 10% of yearly sales,
    whichever is larger.
    """
    limit = np.maximum(8.0 * np.maximum(firms.margin[rows], 0.0),
                       0.4 * (firms.goods_revenue[rows] + firms.service_revenue[rows]))
    return np.maximum(limit - firms.debt[rows], 0.0)


def financing_capacity(firms: FirmState, rows: np.ndarray, cash_constraint: bool) -> np.ndarray:
    """Cash plus borrowing capacity; ``inf`` without a cash limit (Bass docking)."""
    if not cash_constraint:
        return np.full(len(rows), np.inf)
    return np.maximum(firms.cash[rows], 0.0) + borrowing_capacity(firms, rows)


def invest(model, considering: np.ndarray, neighbour_share: np.ndarray,
           policy: SubsidyPolicy, platform_u: np.ndarray) -> InvestmentRound:
    """Evaluate, finance and book the investments of the considering firms.

    Myopic firms evaluate only when a subsidy is open or their peers push; applicants for the
    subsidy are served in a random order while the budget lasts, and those refused invest only
    if the project is still worth it without.

    Args:
        model: the ``ServitizationModel``.
        considering: rows that considered investing this quarter.
        neighbour_share: adopter share among each row's neighbours (aligned with ``considering``).
        policy: the subsidy book.
        platform_u: current platform utilities.

    """
    f, p = model.firms, model.p
    result = InvestmentRound(considering=len(considering))
    subsidy_open = policy.is_open()
    if not p["adopt_when_considering"]:
        keep = f.strategic[considering] | subsidy_open | (neighbour_share >= p["peer_push_share"])
        considering = considering[keep]
    if len(considering) == 0:
        return result
    considering = considering[model.rng.permutation(len(considering))]
    ctx = decision_context(model, considering, subsidy_open, platform_u)
    npv, capex = rules.option_values(ctx)
    financing = financing_capacity(f, considering, p["cash_constraint"])
    own = capex * (1 - ctx.subsidy_rate[:, None])
    choice = rules.choose_option(npv, own, financing, p["adopt_when_considering"],
                                 ctx.servitizing)
    chosen = np.arange(len(considering))
    cost = capex[chosen, choice]
    wants_subsidy = (choice != rules.NONE) & (ctx.subsidy_rate > 0)
    subsidy = np.zeros(len(considering))
    if wants_subsidy.any():
        idx = np.flatnonzero(wants_subsidy)
        asked = cost[idx] * ctx.subsidy_rate[idx]
        granted = policy.grant(asked)
        subsidy[idx[granted]] = asked[granted]
        refused = idx[~granted]
        # Without the subsidy: re-choose on the unsubsidised values.
        if len(refused):
            retry = rules.choose_option(
                npv[refused] - capex[refused] * ctx.subsidy_rate[refused, None],
                capex[refused], financing[refused], p["adopt_when_considering"],
                ctx.servitizing[refused])
            choice[refused] = retry
            cost[refused] = capex[refused, retry]
        npv_without = npv[chosen, choice] - cost * ctx.subsidy_rate
        result.additional_capex = float(cost[(subsidy > 0) & (npv_without <= 0)].sum())
    acting = choice != rules.NONE
    rows, choice, cost, subsidy = (considering[acting], choice[acting], cost[acting],
                                   subsidy[acting])
    _book(model, rows, choice, cost, subsidy)
    adopting = (choice == rules.DIGITAL) | (choice == rules.SERVITIZE)
    result.adoptions = int(adopting.sum())
    result.cluster_adoptions = int((adopting & f.cluster[rows]).sum())
    result.capex = float(cost.sum())
    result.subsidy = float(subsidy.sum())
    return result


def _book(model, rows: np.ndarray, choice: np.ndarray, cost: np.ndarray,
          subsidy: np.ndarray) -> None:
    """Pay for the chosen investments and raise capabilities (diminishing returns)."""
    f = model.firms
    f.cash[rows] += subsidy - cost
    # The part not paid from cash is borrowed (within capacity when cash is constrained).
    loan = np.maximum(-f.cash[rows], 0.0)
    f.debt[rows] += loan
    f.cash[rows] += loan
    model.ledger["borrowed"] += float(loan.sum())
    f.invested[rows] += cost
    f.subsidy_received[rows] += subsidy
    f.last_option[rows] = choice
    model.ledger["capex"] += float(cost.sum())
    model.ledger["subsidy"] += float(subsidy.sum())
    digital = (choice == rules.DIGITAL) | (choice == rules.SERVITIZE)
    d = rows[digital]
    f.digital[d] += rules.DIGITAL_GAIN * (1 - f.digital[d])
    s = rows[choice == rules.SERVITIZE]
    f.service[s] += rules.SERVICE_GAIN * (1 - f.service[s])
    f.servitizing[s] = True
    f.transition_quarters[s] = 0
    k = rows[choice == rules.SECURITY]
    f.security[k] += rules.SECURITY_GAIN * (1 - f.security[k])
    model.cumulative_adoptions += int(digital.sum())
