"""Steps 3-4 of a quarter: who considers investing, then the decision round.

Firms consider investing through Bass attention (external influence and their neighbours'
adoptions) or because a subsidy call opened and they prepared a project. Each kind's own rule
says who weighs the options (``agents.firms.evaluating``: myopic SMEs only under a call or peer
pressure); the choice itself, subsidy application included, is ``agents.decisions.decide``,
the function an agent's ``decide()`` calls too. This module gathers its inputs and books what
was chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents import decisions as rules
from agents.firms import evaluating
from agents.kinds import PAY_PER_USE, PERFORMANCE
from model import cyber, finance, ladder, market
from model.calendar import DT
from model.policy import ELIGIBLE_EMPLOYEES
from model.population import REFERENCE_SME_EMPLOYEES


@dataclass
class InvestmentRound:
    """What happened in one quarter's investment round."""

    considering: int = 0
    adoptions: int = 0  # digital adoptions or climbs
    cluster_adoptions: int = 0
    capex: float = 0.0
    subsidy: float = 0.0
    additional_capex: float = 0.0  # capex of subsidised projects not worth it without subsidy


def package_cost(model, rows: np.ndarray) -> np.ndarray:
    """Capex of the digital+service package, by size, after Wright's law.

    The size effect is ``investment_size_exponent``.
    """
    size = np.maximum(model.firms.employees[rows], 1.0) / REFERENCE_SME_EMPLOYEES
    return (model.p["investment_cost_sme"] * size ** model.p["investment_size_exponent"]
            * model.wright_multiplier)


def eligible(model, rows: np.ndarray) -> np.ndarray:
    """Firms that a subsidy call accepts (10+ employees, mid-caps included)."""
    return model.firms.employees[rows] >= ELIGIBLE_EMPLOYEES


def decision_context(model, rows: np.ndarray, prompted: np.ndarray | None = None
                     ) -> rules.DecisionContext:
    """Gather what the firms in ``rows`` know if they evaluate their options now.

    Args:
        model: the ``ServitizationModel``.
        rows: the firms.
        prompted: per row, a firm that prepares a project because a subsidy call opened (its
            digital project is a call project); ``None``: none is.

    """
    f, p = model.firms, model.p
    strategic = f.strategic[rows]
    horizon = np.where(strategic, p["strategic_horizon_years"], p["myopic_horizon_years"]) * 4
    # Firms anticipate the (known) shift to usage: they value the market at mid-horizon.
    mid_usage = model.usage_at(model.t_years + horizon / 8.0)
    pay = ladder.payroll(f, rows)
    open_call = model.policy.is_open()
    return rules.DecisionContext(
        hurdle=model.hurdle[rows],
        horizon_quarters=horizon,
        subsidy_rate=np.where(open_call & eligible(model, rows), p["subsidy_rate"], 0.0),
        package_cost=package_cost(model, rows),
        goods_demand=f.goods_demand[rows],
        potential=f.service_potential[rows],
        usage_factor=market.usage_reach(f, rows),
        gain=f.productivity_gain[rows],
        gain_2020=f.productivity_gain_2020[rows],
        competitor_gain=model.competitor_gain,
        competitor_gain_2020=model.competitor_gain_2020,
        digital_gain=p["digital_productivity_gain"],
        digital_step=np.where(prompted if prompted is not None else False,
                              p["call_project_gain"], p["digital_project_gain"]),
        sales_ratio=p["digital_sales_ratio"],
        ramp_quarters=4 * p["digital_rampup_years"],
        product_margin=p["product_margin"],
        market=model.market_view(mid_usage),
        attack_hazard=model.attack_hazard[rows],
        exposure=p["digital_exposure"],
        framework=p["secure_framework"],
        expected_loss=cyber.expected_attack_loss(f, rows, p),
        transition_cost_share=p["transition_cost_share"],
        transition_quarters=p["transition_quarters"],
        overhead=p["service_overhead_share"] * pay,
        adoption_mark=p["adoption_mark"],
        digital=f.digital[rows],
        service=f.service[rows],
        security=f.security[rows],
        trust=f.trust[rows],
        rung=f.rung[rows],
        adopted=f.adopted[rows],
        servitizing=f.servitizing[rows],
    )


def decide_for(model, rows: np.ndarray, spend: bool, prompted: np.ndarray | None = None
               ) -> rules.Decision:
    """The decision of the firms in ``rows``, in that order (``agents.decisions.decide``).

    Args:
        model: the ``ServitizationModel``.
        rows: the deciding firms, in the order their applications reach the call.
        spend: grant subsidies from the budget (the step); else only ask whether it would.
        prompted: per row, the firm prepares a project because a call opened.

    """
    policy = model.policy
    financing = finance.financing_capacity(model.firms, rows, model.p["cash_constraint"])
    return rules.decide(decision_context(model, rows, prompted), financing,
                        model.p["adopt_when_considering"],
                        policy.grant if spend else policy.would_grant)


def considering(model, neighbour_share: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows that consider investing this quarter: Bass attention, or a call's projects.

    Returns:
        (rows, prompted): the rows, and per row whether only a call's opening brought it.

    """
    f, p, rng = model.firms, model.p, model.rng
    n = f.n
    alive = f.alive[:n]
    draw = rng.random(n)
    # The pool: firms with something left to adopt (not digital yet, or a rung to climb).
    pool = np.flatnonzero(alive & ~(f.adopted[:n] & ((f.rung[:n] >= PERFORMANCE)
                                                   | f.servitizing[:n])))
    bass_p = model.bass_p[pool]
    multiplier = model.imitation[pool]
    mid = rules.mid_step_share(bass_p, p["bass_q"], neighbour_share[pool], multiplier, DT)
    prob = rules.attention_probability(bass_p, p["bass_q"], mid, multiplier, DT)
    chosen = pool[draw[pool] < prob]
    if model.policy.call_opened and p["call_response_share"] > 0:
        heard = rng.random(n) < p["call_response_share"]
        projects = np.flatnonzero(alive & heard & (f.employees[:n] >= ELIGIBLE_EMPLOYEES))
        both = np.union1d(chosen, projects)
        return both, ~np.isin(both, chosen)
    return chosen, np.zeros(len(chosen), dtype=bool)


def invest(model, candidates: np.ndarray, prompted: np.ndarray,
           neighbour_share: np.ndarray) -> InvestmentRound:
    """Evaluate, finance and book the investments of the considering firms.

    Args:
        model: the ``ServitizationModel``.
        candidates: rows that considered investing this quarter.
        prompted: per candidate, only a call's opening brought it (a call project).
        neighbour_share: adopter share among the neighbours of rows ``:n``.

    """
    f, p = model.firms, model.p
    result = InvestmentRound(considering=len(candidates))
    if not p["adopt_when_considering"]:
        call = np.full(len(candidates), model.policy.is_open()) & eligible(model, candidates)
        keep = evaluating(f.kind[candidates], f.strategic[candidates], call,
                          neighbour_share[candidates], p["peer_push_share"])
        candidates, prompted = candidates[keep], prompted[keep]
    if len(candidates) == 0:
        return result
    order = model.rng.permutation(len(candidates))
    rows, prompted = candidates[order], prompted[order]
    decision = decide_for(model, rows, spend=True, prompted=prompted)
    acting = (decision.choice != rules.NONE) | decision.security
    steps = np.where(prompted, p["call_project_gain"], p["digital_project_gain"])[acting]
    rows, choice, secure = rows[acting], decision.choice[acting], decision.security[acting]
    cost, subsidy = decision.cost[acting], decision.subsidy[acting]
    f.climb_cost[rows] = np.where(choice == rules.CLIMB, decision.organisation[acting],
                                  f.climb_cost[rows])
    _book(model, rows, choice, secure, cost, subsidy, steps)
    adopting = (choice == rules.DIGITAL) | (choice == rules.CLIMB)
    result.adoptions = int(adopting.sum())
    result.cluster_adoptions = int((adopting & f.cluster[rows]).sum())
    result.capex = float(cost.sum())
    result.subsidy = float(subsidy.sum())
    result.additional_capex = decision.additional_capex
    return result


def _book(model, rows: np.ndarray, choice: np.ndarray, secure: np.ndarray, cost: np.ndarray,
          subsidy: np.ndarray, steps: np.ndarray) -> None:
    """Pay for the chosen investments and raise capabilities (diminishing returns)."""
    f = model.firms
    f.cash[rows] += subsidy - cost
    # The part not paid from cash is borrowed (within capacity when cash is constrained).
    short = np.maximum(-f.cash[rows], 0.0)
    finance.lend(f, rows, short, model.ledger)
    f.invested[rows] += cost
    f.subsidy_received[rows] += subsidy
    f.last_option[rows] = np.where(choice != rules.NONE, choice, rules.SECURITY)
    model.ledger["capex"] += float(cost.sum())
    model.ledger["subsidy"] += float(subsidy.sum())
    climbing = choice == rules.CLIMB
    digital = (choice == rules.DIGITAL) | (climbing & (f.rung[rows] + 1 >= PAY_PER_USE)
                                           & (f.digital[rows] < model.p["adoption_mark"]))
    d = rows[digital]
    f.digital[d] += steps[digital] * (1 - f.digital[d])
    s = rows[climbing]
    f.service[s] += rules.SERVICE_GAIN * (1 - f.service[s])
    ladder.start_climbs(f, s)
    k = rows[secure]
    f.security[k] += rules.SECURITY_GAIN * (1 - f.security[k])
    model.cumulative_adoptions += int(digital.sum())
