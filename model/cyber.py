"""Step 6: cyber attacks, lognormal losses, severe incidents (production stop, trust, exit)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from agents.chance import below_bound, happening
from agents.draws import normal_draws, uniform_draws
from agents.economics import attack_rate
from agents.exact import count, exp_into, nonzero, psum
from agents.jit import call_drawing, kernel, maximum, minimum, rows, rule, where
from agents.uniforms import uniforms
from model.calendar import DAYS_PER_QUARTER
from model.population import REFERENCE_SME_EMPLOYEES
from model.state import (
    CASH,
    DIGITAL,
    EMPLOYEES,
    EXIT_CAUSE,
    EXIT_CYBER,
    EXIT_QUARTER,
    GOODS_REVENUE,
    IS_ALIVE,
    IS_CYBER_HIT,
    IS_INSURED,
    SECURITY,
    SEVERE_INCIDENTS,
    TRUST,
    FirmState,
)

INSURANCE_COVER = 0.7  # share of a loss paid by the insurer of an insured firm
TRUST_LOSS = 0.15  # share of customers' trust lost in a severe incident
TRUST_RECOVERY = 0.05  # per quarter, towards full trust
SECURITY_DECAY = 0.10  # per year, without maintenance
LOSS_SIZE_EXPONENT = 0.5  # losses scale with (employees / 20) ** this
INSURED_EXIT_FACTOR = 0.5  # an insured firm's exit probability after a severe incident


def yearly_hazard(prob: float) -> float:
    """Convert a yearly probability into a yearly hazard rate."""
    return -math.log1p(-min(prob, 0.999999))


@rule
def loss_size(employees):
    """How an attack's loss scales with the firm's size (1 for the reference SME)."""
    # The square root: numpy computes ``x ** 0.5`` as sqrt(x), and so must a kernel.
    return np.sqrt(maximum(employees, 1.0) / REFERENCE_SME_EMPLOYEES)


assert LOSS_SIZE_EXPONENT == 0.5, "loss_size computes a square root"


def mean_attack_loss(params: dict) -> float:
    """The lognormal mean of an attack's direct loss for the reference SME, EUR."""
    return params["cyber_loss_median"] * math.exp(params["cyber_loss_sigma"] ** 2 / 2)


def stop_share(params: dict) -> float:
    """Expected production stop of an attack, as a share of a quarter's goods sales."""
    return params["severe_share"] * params["severe_loss_days"] / DAYS_PER_QUARTER


def expected_attack_loss(firms: FirmState, rows: np.ndarray, params: dict) -> np.ndarray:
    """Expected cost of one attack to each firm, after insurance, EUR.

    The lognormal mean of the direct loss, plus the expected production stop of a severe
    incident, as :func:`attacks` draws them.
    """
    stop = stop_share(params) * firms.goods_revenue[rows]
    borne = np.where(firms.insured[rows], 1 - INSURANCE_COVER, 1.0)
    return (mean_attack_loss(params) * loss_size(firms.employees[rows]) + stop) * borne


@dataclass
class CyberOutcome:
    """One quarter's cyber events.

    Attributes:
        attacks: number of firms attacked.
        severe: attacks that were severe incidents.
        exits: severely attacked firms that closed.
        losses: EUR borne by firms (after insurance).
        insured_losses: EUR paid by insurers.
        rows: the attacked firm rows, ascending.
        gross_losses: EUR lost per attacked row, before insurance (aligned with ``rows``).
        threatened: attacked firms whose borne loss exceeded their cash before the attack
            (cash below zero counts as zero).

    """

    attacks: int = 0
    severe: int = 0
    exits: int = 0
    losses: float = 0.0
    insured_losses: float = 0.0
    rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    gross_losses: np.ndarray = field(default_factory=lambda: np.empty(0))
    threatened: int = 0


def attacks(rng: np.random.Generator, firms: FirmState, params: dict, hazard: np.ndarray,
            quarter: int, dt: float) -> CyberOutcome:
    """Draw attacks and their consequences for every live firm (rows ``:n``).

    One uniform per row in use decides the attacks; severity, exit and loss are then drawn
    for the attacked firms only (the stream depends on the state, never on agent objects).

    Args:
        rng: the model's generator.
        firms: firm state, updated in place.
        params: resolved parameters.
        hazard: yearly attack hazard per row, by size class (before exposure and security).
        quarter: current step.
        dt: step length in years.

    """
    n = firms.n
    terms = (params["digital_exposure"], params["secure_framework"], dt,
             math.exp(-SECURITY_DECAY * dt), params["severe_share"], params["cyber_loss_median"],
             params["cyber_loss_sigma"], params["severe_loss_days"] / DAYS_PER_QUARTER,
             params["severe_exit_prob"], quarter)
    attacked, loss, hit, gone, borne, paid, threatened = call_drawing(
        _quarter, rng, firms.values, firms.codes, firms.flags, n, hazard, uniforms(rng, n), terms)
    return CyberOutcome(len(attacked), len(hit), int(gone), float(borne), float(paid),
                        attacked, loss, int(threatened))


@kernel
def _quarter(values, codes, flags, n, hazard, draw, terms, source):
    """A quarter's attacks, losses and exits, drawing from ``source`` between the passes.

    The draws come in numpy's order: one uniform per row (``draw``, made by the caller), then
    for the attacked rows a uniform each (severity) and a standard normal each (the loss), then,
    only if a severe incident happened, a uniform per severely hit row (exit). Compiled, one
    call: the draws are numpy's C fills on the generator (``agents.draws``).
    """
    (exposure, framework, dt, security_kept, severe_share, median, sigma, stop_share,
     severe_exit_prob, quarter) = terms
    attacked = _attacked(values, flags, n, hazard, draw, exposure, framework, dt, security_kept)
    k = len(attacked)
    severe_draw = uniform_draws(source, k)
    normal = normal_draws(source, k)
    loss, hit, exit_prob, borne, paid, threatened = _losses(
        values, codes, flags, attacked, severe_draw, normal, severe_share, median, sigma,
        stop_share, severe_exit_prob)
    # No severe incident (a sixth of the quarters at small scales): no exit to draw, and
    # ``rng.random(0)`` would not move the stream anyway.
    gone = 0
    if len(hit):
        gone = _exits(codes, flags, hit, uniform_draws(source, len(hit)), exit_prob, quarter)
    return attacked, loss, hit, gone, borne, paid, threatened


@rule
def _attacked(values, flags, n, hazard, draw, exposure, framework, dt, security_kept):
    """The attacked rows, ascending: one uniform per row against the quarter's hazard.

    The same pass starts the quarter's cyber state of every row: the cyber-hit marks cleared,
    trust recovering, security decaying (after the hazard has read it). What follows in
    :func:`attacks` reads none of the three before it writes them.
    """
    minus_hazard = np.empty(n)
    maybe = np.zeros(n, np.bool_)
    for i in rows(n):
        minus_hazard[i] = -attack_rate(hazard[i], values[DIGITAL, i], values[SECURITY, i],
                                       exposure, framework) * dt
        maybe[i] = below_bound(minus_hazard[i], draw[i], flags[IS_ALIVE, i])
        flags[IS_CYBER_HIT, i] = False
        values[TRUST, i] = minimum(1.0, values[TRUST, i] + TRUST_RECOVERY)
        values[SECURITY, i] *= security_kept
    return happening(minus_hazard, draw, maybe, n)


@rule
def _losses(values, codes, flags, attacked, severe_draw, normal, severe_share, median,
            sigma, stop_share, severe_exit_prob):
    """Losses of the attacked rows, what they bear, trust and incidents.

    Returns the gross losses, the severely hit rows and their exit probabilities, what firms
    bore and insurers paid, and how many firms were threatened.
    """
    k = len(attacked)
    log_scale, scale, loss, paid, borne, exit_prob = np.empty((6, k))
    severe, insured, threatened = np.zeros((3, k), np.bool_)
    for j in rows(k):
        log_scale[j] = sigma * normal[j]
    exp_into(log_scale, scale, k)
    for j in rows(k):
        i = attacked[j]
        severe[j] = severe_draw[j] < severe_share
        loss[j] = median * scale[j] * loss_size(values[EMPLOYEES, i])
        loss[j] += where(severe[j], stop_share * values[GOODS_REVENUE, i], 0.0)
        insured[j] = flags[IS_INSURED, i]
        paid[j] = where(insured[j], INSURANCE_COVER * loss[j], 0.0)
        borne[j] = loss[j] - paid[j]
        # Against the cash held when hit, not after: a threat means the attack alone cost
        # more than the firm had.
        threatened[j] = borne[j] > maximum(values[CASH, i], 0.0)
        values[CASH, i] -= borne[j]
        exit_prob[j] = severe_exit_prob * where(insured[j], INSURED_EXIT_FACTOR, 1.0)
        # A firm that runs out of cash this quarter after a loss closes for cyber reasons
        # (_attacked cleared every mark and let trust recover first).
        flags[IS_CYBER_HIT, i] = borne[j] > 0
        values[TRUST, i] *= where(severe[j], 1 - TRUST_LOSS, 1.0)
        codes[SEVERE_INCIDENTS, i] += severe[j]
    hit = nonzero(severe, k)
    return (loss, attacked[hit], exit_prob[hit], psum(borne, k), psum(paid, k),
            count(threatened, k))


@rule
def _exits(codes, flags, hit, draw, exit_prob, quarter):
    """Severely hit firms close with their exit probability (security decayed in _attacked)."""
    gone = np.zeros(len(hit), np.bool_)
    for j in rows(len(hit)):
        i = hit[j]
        gone[j] = draw[j] < exit_prob[j]
        flags[IS_ALIVE, i] &= ~gone[j]
        codes[EXIT_CAUSE, i] = where(gone[j], EXIT_CYBER, codes[EXIT_CAUSE, i])
        codes[EXIT_QUARTER, i] = where(gone[j], quarter, codes[EXIT_QUARTER, i])
    return count(gone, len(hit))
