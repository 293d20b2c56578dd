"""Decision rules shared by the agent classes and the vectorised step.

Every function here takes arrays (or scalars: numpy ufuncs work on both) and a small context
object, and returns arrays. Nothing here knows the model class: the model gathers the inputs of
the rows it is deciding for, and an agent's ``decide()`` calls the same functions on its row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Investment options, the columns of :func:`option_values`.
NONE, DIGITAL, SERVITIZE, SECURITY = 0, 1, 2, 3
OPTION_NAMES = ("none", "digital", "servitize", "security")

#: Capability gained by one investment, as a share of the distance to full capability.
DIGITAL_GAIN = 0.6
SERVICE_GAIN = 0.5
SECURITY_GAIN = 0.5
#: Cost of the options relative to the full digital+service package.
DIGITAL_COST_SHARE = 0.4
SERVICE_ONLY_COST_SHARE = 0.6
SECURITY_COST_SHARE = 0.1
#: Goods margin gained per unit of digital capability (process efficiency).
DIGITAL_MARGIN_GAIN = 0.005
#: Yearly cost of an employee, for the service-organisation cost of the transition.
WAGE = 45_000.0


def attention_probability(
    p: np.ndarray | float,
    q: float,
    neighbour_share: np.ndarray | float,
    imitation_multiplier: np.ndarray | float,
    dt: float,
) -> np.ndarray:
    """Bass hazard in agent form: the probability of considering an investment this step.

    ``1 - exp(-(p + q * m * A) * dt)`` with A the adopter share among the neighbours and m
    the imitation multiplier (``cluster_imitation_multiplier`` for cluster members, else 1).

    Args:
        p: external influence per year (per firm or scalar).
        q: imitation per year.
        neighbour_share: adopter share among neighbours, in [0, 1].
        imitation_multiplier: per firm or scalar.
        dt: step length in years (0.25 for a quarter).

    Returns:
        Probabilities in [0, 1).

    """
    return -np.expm1(-(p + q * imitation_multiplier * neighbour_share) * dt)


def mid_step_share(
    p: np.ndarray | float,
    q: float,
    neighbour_share: np.ndarray | float,
    imitation_multiplier: np.ndarray | float,
    dt: float,
) -> np.ndarray:
    """Adopter share among the neighbours expected half-way through the step.

    The Bass hazard is a continuous-time rate; evaluating it on the share at the start of a
    quarter makes the agent-form curve lag the Bass (1969) curve by up to 3.5 percentage points
    at q = 0.6/yr. Evaluating it at the expected mid-step share (a midpoint step) keeps the lag
    near 0.1 points, with the hazard formula unchanged.

    Args:
        p: external influence per year.
        q: imitation per year.
        neighbour_share: adopter share among neighbours at the start of the step.
        imitation_multiplier: per firm or scalar.
        dt: step length in years.

    Returns:
        The expected share at mid-step, in [0, 1].

    """
    a = np.asarray(neighbour_share, dtype=float)
    return a + (1 - a) * attention_probability(p, q, a, imitation_multiplier, dt / 2)


def annuity(rate: np.ndarray | float, quarters: np.ndarray | float) -> np.ndarray:
    """Present value of 1 EUR per quarter for ``quarters`` quarters at a yearly rate."""
    v = (1.0 + np.asarray(rate, dtype=float)) ** -0.25
    quarters = np.asarray(quarters, dtype=float)
    return np.where(v < 1.0, v * (1 - v**quarters) / np.where(v < 1.0, 1 - v, 1.0), quarters)


def logit_share(own_utility: np.ndarray, rivals_exp_sum: float | np.ndarray) -> np.ndarray:
    """Multinomial-logit share of one provider against rivals (platforms + outside option)."""
    e = np.exp(own_utility)
    return e / (e + rivals_exp_sum)


@dataclass(frozen=True)
class DecisionContext:
    """What a considering firm knows when it evaluates its options (one quarter).

    Per-firm fields are arrays aligned with the rows being evaluated.

    Attributes:
        hurdle: yearly hurdle rate (incl. the Covid premium while it lasts).
        horizon_quarters: NPV horizon.
        subsidy_rate: expected subsidy share of capex (0 if not eligible or no budget).
        package_cost: capex of the full digital+service package, after Wright's law.
        service_market: service demand on the installed base, EUR/quarter, at mid-horizon.
        goods_revenue: EUR/quarter.
        rivals_exp_sum: sum of exp(utility) of platforms and the outside option.
        capability_weight, installed_base_bonus, trust_term: incumbent utility parts.
        service_margin: EBIT margin on services.
        threshold_share: service-market capture at which the firm would be servitized.
        attack_hazard: yearly attack hazard before exposure and security.
        exposure: ``digital_exposure`` parameter.
        expected_loss: expected loss of one attack, EUR.
        transition_cost: service-organisation cost per quarter during the transition.
        transition_quarters: J-curve length.
        digital, service, security: current capabilities.
        adopted: digital capability already past the mark.
        servitizing: service transition already started.

    """

    hurdle: np.ndarray
    horizon_quarters: np.ndarray
    subsidy_rate: np.ndarray
    package_cost: np.ndarray
    service_market: np.ndarray
    goods_revenue: np.ndarray
    rivals_exp_sum: float
    capability_weight: float
    installed_base_bonus: float
    trust_term: np.ndarray
    service_margin: float
    threshold_share: np.ndarray
    attack_hazard: np.ndarray
    exposure: float
    framework: float
    expected_loss: np.ndarray
    transition_cost: np.ndarray
    transition_quarters: int
    digital: np.ndarray
    service: np.ndarray
    security: np.ndarray
    adopted: np.ndarray
    servitizing: np.ndarray


def incumbent_utility(
    service: np.ndarray, digital: np.ndarray, capability_weight: float,
    installed_base_bonus: float, trust_term: np.ndarray,
) -> np.ndarray:
    """Customers' utility of buying services from the maker of their machines.

    The installed-base bonus counts fully only when the machines are digitally connected.
    """
    return (capability_weight * (0.7 * service + 0.3 * digital)
            + installed_base_bonus * (0.5 + 0.5 * digital) + trust_term)


def attack_rate(
    hazard: np.ndarray, digital: np.ndarray, security: np.ndarray, exposure: float,
    framework: float,
) -> np.ndarray:
    """Yearly attack hazard given exposure from digital capability and protection."""
    return hazard * (1 + (exposure - 1) * digital) * (1 - 0.6 * security) * (1 - framework)


def realised_service_margin(capture: np.ndarray, threshold_share: np.ndarray,
                            service_margin: float) -> np.ndarray:
    """Service EBIT margin: lower below the servitization threshold (scale of the service unit)."""
    ratio = np.clip(capture / np.maximum(threshold_share, 1e-9), 0.0, 1.0)
    return service_margin * (0.5 + 0.5 * ratio)


def option_values(ctx: DecisionContext) -> tuple[np.ndarray, np.ndarray]:
    """Expected NPV and capex of each option for each considering firm.

    NPV = discounted [service margin uplift - transition cost - change in expected cyber loss
    + digital efficiency] - capex x (1 - subsidy). Option ``none`` is worth 0.

    Args:
        ctx: the decision context of the rows being evaluated.

    Returns:
        (npv, capex), both of shape (rows, 4), columns ``OPTION_NAMES``.

    """
    d0, s0, k0 = ctx.digital, ctx.service, ctx.security
    d_new = np.where(ctx.adopted, d0, d0 + DIGITAL_GAIN * (1 - d0))
    s_new = s0 + SERVICE_GAIN * (1 - s0)
    k_new = k0 + SECURITY_GAIN * (1 - k0)
    annuity_h = annuity(ctx.hurdle, ctx.horizon_quarters)
    annuity_t = annuity(ctx.hurdle, np.minimum(ctx.transition_quarters, ctx.horizon_quarters))

    def service_profit(service, digital):
        u = incumbent_utility(service, digital, ctx.capability_weight,
                              ctx.installed_base_bonus, ctx.trust_term)
        capture = logit_share(u, ctx.rivals_exp_sum)
        margin = realised_service_margin(capture, ctx.threshold_share, ctx.service_margin)
        return ctx.service_market * capture * margin

    def cyber_cost(digital, security):
        rate = attack_rate(ctx.attack_hazard, digital, security, ctx.exposure, ctx.framework)
        return -np.expm1(-rate * 0.25) * ctx.expected_loss

    base_profit = service_profit(s0, d0)
    base_cyber = cyber_cost(d0, k0)
    rows = len(np.atleast_1d(d0))
    npv = np.zeros((rows, 4))
    capex = np.zeros((rows, 4))

    digital_cost = np.where(ctx.adopted, 0.0, DIGITAL_COST_SHARE * ctx.package_cost)
    capex[:, DIGITAL] = DIGITAL_COST_SHARE * ctx.package_cost
    gain = (service_profit(s0, d_new) - base_profit
            + ctx.goods_revenue * DIGITAL_MARGIN_GAIN * (d_new - d0)
            - (cyber_cost(d_new, k0) - base_cyber))
    npv[:, DIGITAL] = np.where(ctx.adopted, -np.inf,
                               gain * annuity_h - capex[:, DIGITAL] * (1 - ctx.subsidy_rate))

    capex[:, SERVITIZE] = digital_cost + SERVICE_ONLY_COST_SHARE * ctx.package_cost
    gain = (service_profit(s_new, d_new) - base_profit
            + ctx.goods_revenue * DIGITAL_MARGIN_GAIN * (d_new - d0)
            - (cyber_cost(d_new, k0) - base_cyber))
    npv[:, SERVITIZE] = np.where(
        ctx.servitizing, -np.inf,
        gain * annuity_h - ctx.transition_cost * annuity_t
        - capex[:, SERVITIZE] * (1 - ctx.subsidy_rate))

    capex[:, SECURITY] = SECURITY_COST_SHARE * ctx.package_cost
    gain = base_cyber - cyber_cost(d0, k_new)
    npv[:, SECURITY] = gain * annuity_h - capex[:, SECURITY] * (1 - ctx.subsidy_rate)
    return npv, capex


def choose_option(
    npv: np.ndarray, own_capex: np.ndarray, financing: np.ndarray, adopt_always: bool,
    servitizing: np.ndarray | None = None,
) -> np.ndarray:
    """Pick each firm's option: the best positive NPV among those it can finance.

    Args:
        npv: (rows, 4) option values.
        own_capex: (rows, 4) capex the firm pays itself (after subsidy).
        financing: (rows,) cash + borrowing capacity (``inf`` without a cash limit).
        adopt_always: Bass docking: every considering firm adopts (the full package, or the
            digital part for a firm whose service transition has already started).
        servitizing: (rows,) service transition already started (used with adopt_always).

    Returns:
        (rows,) chosen option codes.

    """
    if adopt_always:
        started = np.zeros(npv.shape[0], bool) if servitizing is None else servitizing
        return np.where(started, DIGITAL, SERVITIZE)
    ok = (npv > 0) & (own_capex <= financing[:, None])
    ok[:, NONE] = True
    value = np.where(ok, npv, -np.inf)
    value[:, NONE] = 0.0
    return np.argmax(value, axis=1)
