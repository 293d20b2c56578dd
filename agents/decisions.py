"""Decision rules shared by the agent classes and the vectorised step.

Every function here takes arrays (or scalars: numpy ufuncs work on both) and a small context
object, and returns arrays. Nothing here knows the model class: the model gathers the inputs of
the rows it is deciding for, and an agent's ``decide()`` calls :func:`decide` on its own row,
the same function the step calls on all considering firms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from agents.attention import annuity as annuity
from agents.attention import attention_exponent as attention_exponent
from agents.attention import attention_probability as attention_probability
from agents.attention import discounting as discounting
from agents.attention import mid_step_share as mid_step_share
from agents.attention import share_after as share_after
from agents.economics import (
    PERFORMANCE_SERVICE_MIN,
    PERFORMANCE_TRUST_MIN,
    ServiceMarket,
    cyber_cost,
    digital_effects,
    profit_with_effects,
)
from agents.jit import maximum, minimum, rule, where
from agents.kinds import PAY_PER_USE, PERFORMANCE

#: Investment options, the columns of :func:`option_values`. ``climb`` is the next rung of the
#: service ladder (with the digital part it needs, if the firm has not adopted yet). A firm
#: takes at most one project (digital or climb) and, besides it, security if that pays: a
#: small add-on does not crowd out a project.
NONE, DIGITAL, CLIMB, SECURITY = 0, 1, 2, 3
PROJECTS = (NONE, DIGITAL, CLIMB)
OPTION_NAMES = ("none", "digital", "climb", "security")

#: Capability gained by one investment, as a share of the distance to full capability (a
#: digital project's gain is in the context: ``digital_project_gain`` or, for a project
#: prepared for a subsidy call, ``call_project_gain``).
SERVICE_GAIN = 0.5
SECURITY_GAIN = 0.5
#: Cost of the options relative to the full digital+service package. Climbing to added
#: services (a service desk, spare parts, training) costs a tenth of it; pay-per-use and
#: performance contracts (connected machines, billing by use, financing) the service part.
DIGITAL_COST_SHARE = 0.4
CLIMB_COST_SHARE = (0.0, 0.1, 0.6, 0.6)  # by the rung climbed to
SECURITY_COST_SHARE = 0.1
_CLIMB_COST_SHARES = np.array(CLIMB_COST_SHARE)  # indexable by an array of rungs too


class DecisionContext(NamedTuple):
    """What considering firms know when they evaluate their options (one quarter).

    Per-firm fields are arrays aligned with the rows being evaluated (in a compiled kernel,
    one row's values: a named tuple, so that kernels can take it).

    Attributes:
        hurdle: yearly hurdle rate (incl. the Covid premium while it lasts).
        horizon_quarters: NPV horizon.
        subsidy_rate: expected subsidy share of capex (0 if not eligible or no call open).
        package_cost: capex of the full digital+service package, after Wright's law.
        goods_demand: customers' demand for the firm's goods now, EUR/quarter.
        potential, usage_factor: the firm's added-services and pay-per-use reach.
        gain, gain_2020: realised digital productivity gain now and at the firm's start.
        competitor_gain, competitor_gain_2020: the same for competitors outside the region.
        digital_gain: productivity gain at the adoption mark (``digital_productivity_gain``).
        digital_step: per row, share of the gap to full digital capability its digital
            project closes (smaller for a project prepared for a subsidy call).
        sales_ratio: goods-sales gain per unit of relative productivity gain.
        ramp_quarters: time constant of the productivity ramp-up.
        product_margin: goods EBIT margin at 2020 productivity.
        market: the service market expected at mid-horizon.
        attack_hazard: yearly attack hazard before exposure and security.
        exposure, framework: ``digital_exposure`` and ``secure_framework``.
        expected_loss: expected cost of one attack, EUR.
        transition_cost_share: organisation cost per quarter of a climb, per EUR of the
            quarterly service sales the new rung is expected to bring.
        transition_quarters: length of a climb.
        overhead: cost per quarter of running a pay-per-use or performance offer.
        adoption_mark: digital capability of an adopter.
        digital, service, security, trust, rung: the firm's state.
        adopted, servitizing: digital adopter; climbing a rung now.

    """

    hurdle: np.ndarray
    horizon_quarters: np.ndarray
    subsidy_rate: np.ndarray
    package_cost: np.ndarray
    goods_demand: np.ndarray
    potential: np.ndarray
    usage_factor: np.ndarray
    gain: np.ndarray
    gain_2020: np.ndarray
    competitor_gain: float
    competitor_gain_2020: float
    digital_gain: float
    digital_step: np.ndarray
    sales_ratio: float
    ramp_quarters: float
    product_margin: float
    market: ServiceMarket
    attack_hazard: np.ndarray
    exposure: float
    framework: float
    expected_loss: np.ndarray
    transition_cost_share: float
    transition_quarters: int
    overhead: np.ndarray
    adoption_mark: float
    digital: np.ndarray
    service: np.ndarray
    security: np.ndarray
    trust: np.ndarray
    rung: np.ndarray
    adopted: np.ndarray
    servitizing: np.ndarray


@rule
def profit_and_sales(ctx: DecisionContext, digital, service, security, rung):
    """Expected quarterly profit once a state's gains have come in, and its service sales.

    Profit is EBIT less the expected cyber cost per quarter; sales are in EUR per quarter.
    """
    return profit_with_effects(ctx, digital_effects(ctx, digital, security), digital, service,
                               rung)


def quarterly_profit(ctx: DecisionContext, digital, service, security, rung,
                     with_sales: bool = False):
    """Expected EBIT less expected cyber cost per quarter, once a state's gains have come in.

    With ``with_sales``, also the state's service sales (EUR per quarter).
    """
    profit, sales = profit_and_sales(ctx, digital, service, security, rung)
    return (profit, sales) if with_sales else profit


@rule
def climb_cost(share: float, new_service_sales):
    """Organisation cost per quarter of a climb: a share of the service sales it should bring."""
    return share * maximum(new_service_sales, 0.0)


def option_values(ctx: DecisionContext) -> tuple[np.ndarray, np.ndarray]:
    """Expected NPV and capex of each option for each considering firm.

    NPV = discounted gain in quarterly profit over the horizon (digital gains come in with the
    productivity ramp-up) - the climb's service-organisation cost - capex x (1 - subsidy).
    Option ``none`` is worth 0; an option a firm cannot take is worth ``-inf``.

    Returns:
        (npv, capex), both of shape (rows, 4), columns ``OPTION_NAMES``.

    """
    npv, capex, _ = valuation(ctx)
    return npv, capex


def valuation(ctx: DecisionContext) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`option_values`, and the organisation cost per quarter a climb would run up.

    Returns:
        (npv, capex, organisation): the first two of shape (rows, 4), the last (rows,).

    """
    *columns, organisation = option_terms(ctx)
    rows = len(np.atleast_1d(ctx.digital))
    npv = np.zeros((rows, 4))
    capex = np.zeros((rows, 4))
    npv[:, DIGITAL], npv[:, CLIMB], npv[:, SECURITY] = columns[:3]
    capex[:, DIGITAL], capex[:, CLIMB], capex[:, SECURITY] = columns[3:]
    return npv, capex, organisation


@rule
def option_terms(ctx: DecisionContext):
    """The options' values, one row or arrays: what :func:`valuation` puts in columns.

    Returns:
        (npv digital, npv climb, npv security, capex digital, capex climb, capex security,
        organisation cost per quarter of the climb).

    """
    return option_terms_at(ctx, *discounting(ctx.hurdle, ctx.horizon_quarters,
                                             ctx.ramp_quarters, ctx.transition_quarters))


@rule
def option_terms_at(ctx: DecisionContext, annuity_h, delayed, annuity_t):
    """:func:`option_terms` given its :func:`discounting`."""
    d0, s0, k0, r0 = ctx.digital, ctx.service, ctx.security, ctx.rung
    d_new = d0 + ctx.digital_step * (1 - d0)
    s_new = s0 + SERVICE_GAIN * (1 - s0)
    k_new = k0 + SECURITY_GAIN * (1 - k0)
    base_effects, new_effects = digital_effects(ctx, d0, k0), digital_effects(ctx, d_new, k0)
    base, base_sales = profit_with_effects(ctx, base_effects, d0, s0, r0)
    digital_cost = DIGITAL_COST_SHARE * ctx.package_cost

    # Digital: a first adoption, or an upgrade of capability that has aged.
    gain = profit_with_effects(ctx, new_effects, d_new, s0, r0)[0] - base
    npv_digital = gain * delayed - digital_cost * (1 - ctx.subsidy_rate)

    target = minimum(r0 + 1, PERFORMANCE)
    possible = (~ctx.servitizing & (r0 < PERFORMANCE)
                & ((target < PERFORMANCE) | ((s0 >= PERFORMANCE_SERVICE_MIN)
                                             & (ctx.trust >= PERFORMANCE_TRUST_MIN))))
    needs_digital = (target >= PAY_PER_USE) & (d0 < ctx.adoption_mark)
    d_climb = where(needs_digital, d_new, d0)
    capex_climb = (where(needs_digital, digital_cost, 0.0)
                   + _CLIMB_COST_SHARES[target] * ctx.package_cost)
    # The climb's digital level is d_new or d0: their effects, selected, not computed again.
    climb_effects = (where(needs_digital, new_effects[0], base_effects[0]),
                     where(needs_digital, new_effects[1], base_effects[1]),
                     where(needs_digital, new_effects[2], base_effects[2]))
    climbed, sales = profit_with_effects(ctx, climb_effects, d_climb, s_new, target)
    organisation = climb_cost(ctx.transition_cost_share, sales - base_sales)
    npv_climb = where(
        possible, (climbed - base) * where(needs_digital, delayed, annuity_h)
        - organisation * annuity_t - capex_climb * (1 - ctx.subsidy_rate), -np.inf)

    # Security is not what the digitalisation calls fund: its NPV carries no subsidy.
    capex_security = SECURITY_COST_SHARE * ctx.package_cost
    # Only the cyber cost differs from the base state's effects.
    security_effects = (base_effects[0], base_effects[1], cyber_cost(ctx, d0, k_new))
    gain = profit_with_effects(ctx, security_effects, d0, s0, r0)[0] - base
    npv_security = gain * annuity_h - capex_security
    return (npv_digital, npv_climb, npv_security, digital_cost, capex_climb, capex_security,
            organisation)


def choose_option(npv: np.ndarray, own_capex: np.ndarray, financing: np.ndarray,
                  adopt_always: bool, adopted: np.ndarray | None = None) -> np.ndarray:
    """Pick each firm's project: the best positive NPV among those it can finance.

    Args:
        npv: (rows, 4) option values.
        own_capex: (rows, 4) capex the firm pays itself (after subsidy).
        financing: (rows,) cash + borrowing capacity (``inf`` without a cash limit).
        adopt_always: Bass docking: every considering firm adopts (digital, or the next rung
            for a firm that has adopted already, when there is one).
        adopted: (rows,) digital adopters (used with adopt_always).

    Returns:
        (rows,) chosen project codes (``none``, ``digital`` or ``climb``).

    """
    done = np.zeros(npv.shape[0], bool) if adopted is None else adopted
    return np.asarray(pick_project(npv[:, DIGITAL], npv[:, CLIMB], own_capex[:, DIGITAL],
                                   own_capex[:, CLIMB], financing, adopt_always, done))


@rule
def pick_project(npv_digital, npv_climb, own_digital, own_climb, financing, adopt_always,
                 adopted):
    """:func:`choose_option` by columns (one row in a kernel).

    The first best of none, digital and climb, each counted only if its NPV is positive and
    the firm can finance it.
    """
    docking = where(adopted, where(np.isfinite(npv_climb), CLIMB, NONE), DIGITAL)
    digital = where((npv_digital > 0) & (own_digital <= financing), npv_digital, -np.inf)
    climb = where((npv_climb > 0) & (own_climb <= financing), npv_climb, -np.inf)
    best = where(digital > 0.0, digital, 0.0)
    chosen = where(climb > best, CLIMB, where(digital > 0.0, DIGITAL, NONE))
    return where(adopt_always, docking, chosen)


def add_security(npv: np.ndarray, capex: np.ndarray, financing_left: np.ndarray,
                 adopt_always: bool) -> np.ndarray:
    """Which firms also buy security: it pays and they can still finance it."""
    return np.asarray(buys_security(npv[:, SECURITY], capex[:, SECURITY], financing_left,
                                    adopt_always), dtype=bool)


@rule
def buys_security(npv_security, capex_security, financing_left, adopt_always):
    """:func:`add_security` by columns (one row in a kernel)."""
    return where(adopt_always, False, (npv_security > 0) & (capex_security <= financing_left))


@rule
def project_cost(choice, capex_digital, capex_climb):
    """Capex of the chosen project (0 for none)."""
    return where(choice == DIGITAL, capex_digital, where(choice == CLIMB, capex_climb, 0.0))


@rule
def first_choice(npv_digital, npv_climb, capex_digital, capex_climb, rate, financing,
                 adopt_always, adopted):
    """A firm's choice before it applies for the subsidy, and its capex."""
    choice = pick_project(npv_digital, npv_climb, capex_digital * (1 - rate),
                          capex_climb * (1 - rate), financing, adopt_always, adopted)
    return choice, project_cost(choice, capex_digital, capex_climb)


@rule
def final_choice(choice, cost, rate, applied, granted, npv_digital, npv_climb, npv_security,
                 capex_digital, capex_climb, capex_security, financing, adopt_always, adopted):
    """After the subsidy book's answer: a firm refused chooses again without the subsidy.

    Returns:
        (choice, security, total cost, subsidy, project cost, whether the granted project
        would not have been worth it without the subsidy).

    """
    subsidy = where(applied & granted, cost * rate, 0.0)
    retry = pick_project(npv_digital - capex_digital * rate, npv_climb - capex_climb * rate,
                         capex_digital, capex_climb, financing, adopt_always, adopted)
    refused = applied & ~granted
    choice = where(refused, retry, choice)
    cost = where(refused, project_cost(retry, capex_digital, capex_climb), cost)
    chosen_npv = where(choice == DIGITAL, npv_digital, where(choice == CLIMB, npv_climb, 0.0))
    additional = (subsidy > 0) & (chosen_npv - cost * rate <= 0)
    security = buys_security(npv_security, capex_security, financing - (cost - subsidy),
                             adopt_always)
    total = cost + where(security, capex_security, 0.0)
    return choice, security, total, subsidy, cost, additional


@dataclass
class Decision:
    """What considering firms chose, aligned with their rows.

    Attributes:
        choice: project codes (``none``, ``digital`` or ``climb``).
        security: also buys security.
        cost: capex of the chosen project and of security, EUR.
        subsidy: subsidy granted, EUR (0 if none asked or refused).
        organisation: organisation cost per quarter of the climb, for the rows that climb.
        additional_capex: capex of subsidised projects not worth it without the subsidy.

    """

    choice: np.ndarray
    security: np.ndarray
    cost: np.ndarray
    subsidy: np.ndarray
    organisation: np.ndarray
    additional_capex: float = 0.0

    def names(self) -> list[str]:
        """Each row's decision in words, e.g. ``climb + security``."""
        return [" + ".join([OPTION_NAMES[c]] * (c != NONE) + ["security"] * s) or "none"
                for c, s in zip(self.choice.tolist(), self.security.tolist(), strict=True)]


def decide(ctx: DecisionContext, financing: np.ndarray, adopt_always: bool,
           grant: Callable[[np.ndarray], np.ndarray]) -> Decision:
    """Choose, apply for the subsidy, and choose again if it is refused.

    Applications go in the rows' order; ``grant`` answers them (first come, first served
    while the budget lasts). A firm refused keeps an option only if it is still worth it,
    and financeable, without the subsidy.

    Args:
        ctx: the decision context of the rows.
        financing: cash plus borrowing capacity per row.
        adopt_always: Bass docking switch.
        grant: EUR asked per application, in order -> mask of those granted in full (the
            subsidy book's ``grant``, or ``would_grant`` for a question without effect).

    Returns:
        The decision of every row.

    """
    npv_d, npv_c, npv_s, capex_d, capex_c, capex_s, organisation = option_terms(ctx)
    rate = ctx.subsidy_rate
    choice, cost = first_choice(npv_d, npv_c, capex_d, capex_c, rate, financing, adopt_always,
                                ctx.adopted)
    applied = (choice != NONE) & (rate > 0)
    granted = ask(grant, cost, rate, applied)
    choice, security, total, subsidy, cost, additional = final_choice(
        choice, cost, rate, applied, granted, npv_d, npv_c, npv_s, capex_d, capex_c, capex_s,
        financing, adopt_always, ctx.adopted)
    return Decision(np.asarray(choice), security, total, subsidy, organisation,
                    float(cost[additional].sum()) if applied.any() else 0.0)


def ask(grant: Callable[[np.ndarray], np.ndarray], cost: np.ndarray, rate: np.ndarray,
        applied: np.ndarray) -> np.ndarray:
    """Send the applications, in row order, to ``grant`` (not called if none): granted rows."""
    granted = np.zeros(len(applied), dtype=bool)
    applying = applied.nonzero()[0]  # applied is one row per firm
    if len(applying):
        granted[applying] = grant(cost[applying] * rate[applying])
    return granted
