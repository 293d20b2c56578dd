"""Steps 3-4 of a quarter: who considers investing, then the decision round.

Firms consider investing through Bass attention (external influence and their neighbours'
adoptions) or because a subsidy call opened and they prepared a project. Each kind's own rule
says who weighs the options (``agents.firms.evaluating``: myopic SMEs only under a call or peer
pressure); the choice itself, subsidy application included, is the rules of
``agents.decisions`` (``decide``, the function an agent's ``decide()`` ends in too). This
module gathers their inputs and books what was chosen; its kernels (``agents.jit``) apply the
same rules one firm at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents import decisions as rules
from agents.draws import permutation
from agents.economics import WAGE
from agents.exact import expm1_into, nonzero, power_of_array, psum_where
from agents.firms import borrowing_limit, evaluates_by_kind
from agents.jit import call_drawing, kernel, maximum, rows, rule, where
from agents.kinds import PERFORMANCE
from agents.uniforms import uniforms
from model import cyber, market
from model import investment_book as book
from model.calendar import DT
from model.investment_book import (
    CAPEX_CLIMB,
    CAPEX_DIGITAL,
    CAPEX_SECURITY,
    COST,
    FINANCING,
    NPV_CLIMB,
    NPV_DIGITAL,
    NPV_SECURITY,
    ORGANISATION,
    RATE,
)
from model.macro import usage_on_curve
from model.policy import ELIGIBLE_EMPLOYEES
from model.population import REFERENCE_SME_EMPLOYEES
from model.run_terms import decision_terms
from model.state import (
    CASH,
    DEBT,
    DIGITAL,
    EMPLOYEES,
    GOODS_DEMAND,
    GOODS_REVENUE,
    IS_ADOPTED,
    IS_ALIVE,
    IS_INSURED,
    IS_SERVITIZING,
    IS_STRATEGIC,
    KIND,
    MARGIN,
    PRODUCTIVITY_GAIN,
    PRODUCTIVITY_GAIN_2020,
    RUNG,
    SECURITY,
    SERVICE,
    SERVICE_POTENTIAL,
    SERVICE_REVENUE,
    TRUST,
)


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
    return _package_cost(model.firms.employees[rows], model.p["investment_cost_sme"],
                         model.p["investment_size_exponent"], model.wright_multiplier)


@rule
def _package_cost(employees, cost_sme: float, size_exponent: float, wright: float):
    size = maximum(employees, 1.0) / REFERENCE_SME_EMPLOYEES
    return cost_sme * power_of_array(size, size_exponent) * wright


def eligible(model, rows: np.ndarray) -> np.ndarray:
    """Firms that a subsidy call accepts (10+ employees, mid-caps included)."""
    return model.firms.employees[rows] >= ELIGIBLE_EMPLOYEES


@rule
def _context(values, codes, flags, hurdle, attack_hazard, i, prompted, terms):
    """The decision context of row(s) ``i`` (what :func:`decision_context` returns)."""
    (strategic_horizon, myopic_horizon, t_years, usage_lo, usage_hi, usage_ceiling, call_open,
     subsidy_rate, cost_sme, size_exponent, wright, call_gain, project_gain, competitor_gain,
     competitor_gain_2020, digital_gain, sales_ratio, ramp_quarters, product_margin, in_house,
     nest, usage_edge_share, usage_2040, penalty, capability_weight, installed_base_bonus,
     trust_weight, performance_bonus, usage_service_ratio, goods_squeeze, service_margin,
     threshold, exposure, framework, loss_mean, stop_share, transition_cost_share,
     transition_quarters, overhead_share, adoption_mark) = terms
    employees = values[EMPLOYEES, i]
    horizon = book.horizon(flags[IS_STRATEGIC, i], strategic_horizon, myopic_horizon)
    # Firms anticipate the (known) shift to usage: they value the market at mid-horizon.
    usage = usage_on_curve(t_years + horizon / 8.0, usage_lo, usage_hi, usage_ceiling)
    view = rules.ServiceMarket(
        usage, in_house, nest,
        nest + market.usage_edge_at(usage_edge_share, usage_2040, usage) * penalty,
        capability_weight, installed_base_bonus, trust_weight, performance_bonus,
        usage_service_ratio, goods_squeeze, service_margin, threshold)
    borne = where(flags[IS_INSURED, i], 1 - cyber.INSURANCE_COVER, 1.0)
    return rules.DecisionContext(
        hurdle[i], horizon,
        where(call_open & (employees >= ELIGIBLE_EMPLOYEES), subsidy_rate, 0.0),
        _package_cost(employees, cost_sme, size_exponent, wright),
        values[GOODS_DEMAND, i], values[SERVICE_POTENTIAL, i],
        market.usage_reach_of(codes[KIND, i]), values[PRODUCTIVITY_GAIN, i],
        values[PRODUCTIVITY_GAIN_2020, i], competitor_gain, competitor_gain_2020, digital_gain,
        where(prompted, call_gain, project_gain), sales_ratio, ramp_quarters, product_margin,
        view, attack_hazard[i], exposure, framework,
        (loss_mean * cyber.loss_size(employees) + stop_share * values[GOODS_REVENUE, i])
        * borne,
        transition_cost_share, transition_quarters,
        overhead_share * (employees * WAGE / 4), adoption_mark,
        values[DIGITAL, i], values[SERVICE, i], values[SECURITY, i], values[TRUST, i],
        codes[RUNG, i], flags[IS_ADOPTED, i], flags[IS_SERVITIZING, i])


def decision_context(model, rows: np.ndarray, prompted: np.ndarray | None = None
                     ) -> rules.DecisionContext:
    """Gather what the firms in ``rows`` know if they evaluate their options now.

    Args:
        model: the ``ServitizationModel``.
        rows: the firms.
        prompted: per row, a firm that prepares a project because a subsidy call opened (its
            digital project is a call project); ``None``: none is.

    """
    f = model.firms
    prompted = np.zeros(len(rows), bool) if prompted is None else prompted
    return _context(f.values, f.codes, f.flags, model.hurdle, model.attack_hazard, rows,
                    prompted, decision_terms(model))


@rule
def financing_of(values, codes, i, cash_constraint):
    """Cash plus borrowing capacity of row(s) ``i``; ``inf`` without a cash limit."""
    sales = values[GOODS_REVENUE, i] + values[SERVICE_REVENUE, i]
    capacity = maximum(borrowing_limit(codes[KIND, i], values[MARGIN, i], sales)
                       - values[DEBT, i], 0.0)
    return where(cash_constraint, maximum(values[CASH, i], 0.0) + capacity, np.inf)


@kernel
def _first_round(values, codes, flags, hurdle, attack_hazard, firm_rows, prompted, terms,
                 cash_constraint, adopt_always):
    """Each deciding firm's options and its choice before it applies for the subsidy.

    Compiled, one firm per pass of a loop that vectorises (numpy's exp and power called on
    eight firms at a time: ``agents.exact``), with nothing allocated per rule.
    """
    m = len(firm_rows)
    # Gathered first: LLVM cannot bound reads through firm_rows, and would not vectorise them.
    own_values, own_codes, own_flags, own_hurdle, own_hazard = book.gathered(
        values, codes, flags, hurdle, attack_hazard, firm_rows, m)
    table = np.empty((10, m))
    choice = np.empty(m, np.int64)
    discounts = book.discounting_of(own_hurdle, own_flags[IS_STRATEGIC], terms, m)
    for k in rows(m):
        ctx = _context(own_values, own_codes, own_flags, own_hurdle, own_hazard, k, prompted[k],
                       terms)
        options = rules.option_terms_at(ctx, discounts[0, k], discounts[1, k], discounts[2, k])
        financing = financing_of(own_values, own_codes, k, cash_constraint)
        choice[k], cost = rules.first_choice(options[NPV_DIGITAL], options[NPV_CLIMB],
                                             options[CAPEX_DIGITAL], options[CAPEX_CLIMB],
                                             ctx.subsidy_rate, financing, adopt_always,
                                             ctx.adopted)
        for column in range(7):
            table[column, k] = options[column]
        table[RATE, k], table[FINANCING, k], table[COST, k] = ctx.subsidy_rate, financing, cost
    # The applications (agents.decisions.ask's), in row order: read back by no numpy pass.
    applied = (choice != rules.NONE) & (table[RATE] > 0)
    applying = nonzero(applied, m)
    return table, choice, applied, applying, table[COST][applying] * table[RATE][applying]


@kernel
def _final_round(flags, firm_rows, table, choice, applied, granted, adopt_always):
    """After the subsidy book's answers: ``agents.decisions.final_choice`` for each firm."""
    m = len(firm_rows)
    final = np.zeros(m, np.int64)
    security, additional = np.zeros((2, m), np.bool_)
    total, subsidy, cost = np.empty((3, m))
    for k in rows(m):
        (final[k], security[k], total[k], subsidy[k], cost[k],
         additional[k]) = rules.final_choice(
            choice[k], table[COST, k], table[RATE, k], applied[k], granted[k],
            table[NPV_DIGITAL, k], table[NPV_CLIMB, k], table[NPV_SECURITY, k],
            table[CAPEX_DIGITAL, k], table[CAPEX_CLIMB, k], table[CAPEX_SECURITY, k],
            table[FINANCING, k], adopt_always, flags[IS_ADOPTED, firm_rows[k]])
    return final, security, total, subsidy, psum_where(cost, additional, m)


def decide_for(model, rows: np.ndarray, spend: bool, prompted: np.ndarray | None = None,
               nest: float | None = None) -> rules.Decision:
    """The decision of the firms in ``rows``, in that order (``agents.decisions.decide``).

    Args:
        model: the ``ServitizationModel``.
        rows: the deciding firms, in the order their applications reach the call.
        spend: grant subsidies from the budget (the step); else only ask whether it would.
        prompted: per row, the firm prepares a project because a call opened.
        nest: the platform nest's value this quarter, if known.

    """
    f, p, policy = model.firms, model.p, model.policy
    prompted = np.zeros(len(rows), bool) if prompted is None else prompted
    adopt_always = p["adopt_when_considering"]
    table, choice, applied, applying, requests = _first_round(
        f.values, f.codes, f.flags, model.hurdle, model.attack_hazard, rows, prompted,
        decision_terms(model, nest), p["cash_constraint"], adopt_always)
    granted = np.zeros(len(rows), dtype=bool)
    if len(applying):  # as agents.decisions.ask: the book is not asked without applications
        granted[applying] = (policy.grant if spend else policy.would_grant)(requests)
    choice, security, total, subsidy, additional = _final_round(
        f.flags, rows, table, choice, applied, granted, adopt_always)
    return rules.Decision(choice, security, total, subsidy, table[ORGANISATION],
                          float(additional) if len(applying) else 0.0)


#: Relative margin of :func:`_may_attend`'s bound (as ``agents.chance.SURE_MARGIN``): numpy's
#: ``expm1`` errs by a few units in the last place (2e-16 each), this by millions of them.
ATTENTION_MARGIN = 1e-9


@rule
def _may_attend(bass_p, q: float, neighbour_share, imitation, dt: float, draw):
    """Whether a row's draw may fall below its Bass attention probability over ``dt``.

    The probability is ``-expm1(-x2)``, ``x2`` the hazard at the mid-step share
    ``s + (1 - s) (-expm1(-x1))``, ``x1`` the hazard at the share ``s`` over ``dt / 2``
    (:func:`_attention`). As ``1 - exp(-x) <= x``, the mid-step share is at most
    ``s + (1 - s) x1`` and the probability at most the hazard ``x2`` at that share: a draw at
    or above that bound (plus a margin far wider than the roundings) cannot be below the
    probability. The bound holds where every term is non-negative (``p``, ``q m``, ``dt``,
    ``s`` and ``1 - s``); any other row (NaN included) may attend.
    """
    x1 = -rules.attention_exponent(bass_p, q, neighbour_share, imitation, dt / 2)
    highest_mid = neighbour_share + (1 - neighbour_share) * x1
    bound = -rules.attention_exponent(bass_p, q, highest_mid, imitation, dt)
    monotone = ((bass_p >= 0) & (q * imitation >= 0) & (dt >= 0) & (neighbour_share >= 0)
                & (neighbour_share <= 1))
    return ~monotone | (draw < bound + abs(bound) * ATTENTION_MARGIN)


@kernel
def _attention(codes, flags, n, neighbour_share, bass_p, imitation, q, dt, draw):
    """Bass attention: who of the firms with something left to adopt considers investing.

    Only the rows whose draw :func:`_may_attend` (one or two in a hundred) get numpy's
    ``expm1``: every other row's draw is above its probability, so the choice is the one
    ``expm1`` over all rows would give, to the last bit.
    """
    maybe = np.empty(n, np.bool_)
    for i in rows(n):
        # The pool: firms with something left to adopt (not digital yet, or a rung to climb).
        in_pool = flags[IS_ALIVE, i] & ~(flags[IS_ADOPTED, i]
                                         & ((codes[RUNG, i] >= PERFORMANCE)
                                            | flags[IS_SERVITIZING, i]))
        maybe[i] = in_pool & _may_attend(bass_p[i], q, neighbour_share[i], imitation[i], dt,
                                         draw[i])
    close = nonzero(maybe, n)
    k = len(close)
    exponent, half, full = np.empty((3, k))
    # The hazard at the expected mid-step share (rules.mid_step_share), then over the quarter.
    for j in rows(k):
        i = close[j]
        exponent[j] = rules.attention_exponent(bass_p[i], q, neighbour_share[i], imitation[i],
                                                dt / 2)
    expm1_into(exponent, half, k)
    for j in rows(k):
        i = close[j]
        mid = rules.share_after(neighbour_share[i], -half[j])
        exponent[j] = rules.attention_exponent(bass_p[i], q, mid, imitation[i], dt)
    expm1_into(exponent, full, k)
    chosen = np.zeros(n, np.bool_)
    for j in rows(k):
        chosen[close[j]] = draw[close[j]] < -full[j]
    return chosen


@kernel
def _with_projects(values, flags, n, chosen, heard):
    """Add the firms that heard of a call and prepare a project (10+ employees)."""
    marked = np.zeros(n, np.bool_)
    for i in rows(n):
        project = flags[IS_ALIVE, i] & heard[i] & (values[EMPLOYEES, i] >= ELIGIBLE_EMPLOYEES)
        marked[i] = chosen[i] | project
    both = nonzero(marked, n)
    return both, ~chosen[both]


def considering(model, neighbour_share: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows that consider investing this quarter: Bass attention, or a call's projects.

    Returns:
        (rows, prompted): the rows, and per row whether only a call's opening brought it.

    """
    f, p, rng = model.firms, model.p, model.rng
    n = f.n
    chosen = _attention(f.codes, f.flags, n, neighbour_share, model.bass_p, model.imitation,
                        p["bass_q"], DT, uniforms(rng, n))
    if model.policy.call_opened and p["call_response_share"] > 0:
        heard = uniforms(rng, n) < p["call_response_share"]
        return _with_projects(f.values, f.flags, n, chosen, heard)
    rows_ = chosen.nonzero()[0]  # chosen has the n rows
    return rows_, np.zeros(len(rows_), dtype=bool)


@rule
def _weighing(values, codes, flags, candidates, prompted, call_open, neighbour_share,
              peer_push):
    """The candidates that weigh their options at all (each kind's ``evaluates`` rule).

    Returns them and their ``prompted`` marks, in order.
    """
    keep = np.zeros(len(candidates), np.bool_)
    for k in rows(len(candidates)):
        i = candidates[k]
        call = call_open & (values[EMPLOYEES, i] >= ELIGIBLE_EMPLOYEES)
        keep[k] = evaluates_by_kind(codes[KIND, i], flags[IS_STRATEGIC, i], call,
                                    neighbour_share[i], peer_push)
    return candidates[keep], prompted[keep]


@kernel
def _in_order(values, codes, flags, candidates, prompted, call_open, neighbour_share,
              peer_push, weigh, source):
    """The candidates that weigh their options (all if not ``weigh``), in a random order.

    The order their applications reach the call in: ``rng.permutation`` of their number,
    drawn from ``source`` (``agents.draws``), in the same compiled call.
    """
    if weigh:
        candidates, prompted = _weighing(values, codes, flags, candidates, prompted, call_open,
                                         neighbour_share, peer_push)
    order = permutation(source, len(candidates))
    return candidates[order], prompted[order]


def invest(model, candidates: np.ndarray, prompted: np.ndarray, neighbour_share: np.ndarray,
           nest: float | None = None) -> InvestmentRound:
    """Evaluate, finance and book the investments of the considering firms.

    Args:
        model: the ``ServitizationModel``.
        candidates: rows that considered investing this quarter.
        prompted: per candidate, only a call's opening brought it (a call project).
        neighbour_share: adopter share among the neighbours of rows ``:n``.
        nest: the platform nest's value this quarter, if known.

    """
    f, p = model.firms, model.p
    result = InvestmentRound(considering=len(candidates))
    rows_, prompted = call_drawing(_in_order, model.rng, f.values, f.codes, f.flags, candidates,
                                   prompted, model.policy.is_open(), neighbour_share,
                                   p["peer_push_share"], not p["adopt_when_considering"])
    if len(rows_) == 0:
        return result
    # decide_for's rounds with the booking fused in: the step reads no Decision.
    table, choice, applied, applying, requests = _first_round(
        f.values, f.codes, f.flags, model.hurdle, model.attack_hazard, rows_, prompted,
        decision_terms(model, nest), p["cash_constraint"], p["adopt_when_considering"])
    granted = model.policy.grant(requests) if len(applying) else book.NO_GRANTS
    sums, counts, additional = book.settle(
        f.values, f.codes, f.flags, rows_, table, choice, applied, applying, granted,
        p["adopt_when_considering"], prompted, p["call_project_gain"],
        p["digital_project_gain"], p["adoption_mark"])
    capex, subsidy, borrowed = map(float, sums)
    model.ledger["borrowed"] += borrowed
    model.ledger["capex"] += capex
    model.ledger["subsidy"] += subsidy
    result.adoptions, result.cluster_adoptions, digital = map(int, counts)
    model.cumulative_adoptions += digital
    result.capex, result.subsidy = capex, subsidy
    result.additional_capex = float(additional) if len(applying) else 0.0
    return result

