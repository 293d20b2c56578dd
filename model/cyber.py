"""Step 6: cyber attacks, lognormal losses, severe incidents (production stop, trust, exit)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from agents.economics import attack_rate
from model.calendar import DAYS_PER_QUARTER
from model.population import REFERENCE_SME_EMPLOYEES
from model.state import EXIT_CYBER, FirmState

INSURANCE_COVER = 0.7  # share of a loss paid by the insurer of an insured firm
TRUST_LOSS = 0.15  # share of customers' trust lost in a severe incident
TRUST_RECOVERY = 0.05  # per quarter, towards full trust
SECURITY_DECAY = 0.10  # per year, without maintenance
LOSS_SIZE_EXPONENT = 0.5  # losses scale with (employees / 20) ** this
INSURED_EXIT_FACTOR = 0.5  # an insured firm's exit probability after a severe incident


def yearly_hazard(prob: float) -> float:
    """Convert a yearly probability into a yearly hazard rate."""
    return -math.log1p(-min(prob, 0.999999))


def loss_size(employees: np.ndarray) -> np.ndarray:
    """How an attack's loss scales with the firm's size (1 for the reference SME)."""
    return (np.maximum(employees, 1.0) / REFERENCE_SME_EMPLOYEES) ** LOSS_SIZE_EXPONENT


def expected_attack_loss(firms: FirmState, rows: np.ndarray, params: dict) -> np.ndarray:
    """Expected cost of one attack to each firm, after insurance, EUR.

    The lognormal mean of the direct loss, plus the expected production stop of a severe
    incident, as :func:`attacks` draws them.
    """
    mean = params["cyber_loss_median"] * math.exp(params["cyber_loss_sigma"] ** 2 / 2)
    stop = (params["severe_share"] * params["severe_loss_days"] / DAYS_PER_QUARTER
            * firms.goods_revenue[rows])
    borne = np.where(firms.insured[rows], 1 - INSURANCE_COVER, 1.0)
    return (mean * loss_size(firms.employees[rows]) + stop) * borne


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
    alive = firms.alive[:n]
    rate = attack_rate(hazard[:n], firms.digital[:n], firms.security[:n],
                       params["digital_exposure"], params["secure_framework"])
    attacked = alive & (rng.random(n) < -np.expm1(-rate * dt))
    rows = np.flatnonzero(attacked)
    k = len(rows)
    severe = rng.random(k) < params["severe_share"]
    loss = params["cyber_loss_median"] * np.exp(params["cyber_loss_sigma"]
                                                * rng.standard_normal(k)) * loss_size(
        firms.employees[rows])
    loss += np.where(severe, params["severe_loss_days"] / DAYS_PER_QUARTER
                     * firms.goods_revenue[rows], 0.0)
    insured = firms.insured[rows]
    paid = np.where(insured, INSURANCE_COVER * loss, 0.0)
    borne = loss - paid
    # Against the cash held when hit, not after: a threat means the attack alone cost more
    # than the firm had.
    threatened = int((borne > np.maximum(firms.cash[rows], 0.0)).sum())
    firms.cash[rows] -= borne
    # A firm that runs out of cash this quarter after a loss closes for cyber reasons.
    firms.cyber_hit[:n] = False
    firms.cyber_hit[rows] = borne > 0
    firms.trust[:n] = np.minimum(1.0, firms.trust[:n] + TRUST_RECOVERY)
    hit = rows[severe]
    firms.trust[hit] *= 1 - TRUST_LOSS
    firms.severe_incidents[hit] += 1
    exit_prob = params["severe_exit_prob"] * np.where(insured[severe], INSURED_EXIT_FACTOR, 1.0)
    gone = hit[rng.random(len(hit)) < exit_prob]
    firms.alive[gone] = False
    firms.exit_cause[gone] = EXIT_CYBER
    firms.exit_quarter[gone] = quarter
    firms.security[:n] *= math.exp(-SECURITY_DECAY * dt)
    return CyberOutcome(k, len(hit), len(gone), float(borne.sum()), float(paid.sum()),
                        rows, loss, threatened)
