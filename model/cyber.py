"""Step 6: cyber attacks, lognormal losses, severe incidents (production stop, trust, exit)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from agents.decisions import attack_rate
from model.population import REFERENCE_SME_EMPLOYEES
from model.state import EXIT_CYBER, FirmState

INSURANCE_COVER = 0.7  # share of a loss paid by the insurer of an insured firm
TRUST_LOSS = 0.15  # share of customers' trust lost in a severe incident
TRUST_RECOVERY = 0.05  # per quarter, towards full trust
SECURITY_DECAY = 0.10  # per year, without maintenance
LOSS_SIZE_EXPONENT = 0.5  # losses scale with (employees / 20) ** this


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
    size = (np.maximum(firms.employees[rows], 1.0) / REFERENCE_SME_EMPLOYEES) ** LOSS_SIZE_EXPONENT
    loss = params["cyber_loss_median"] * np.exp(params["cyber_loss_sigma"]
                                                * rng.standard_normal(k)) * size
    loss += np.where(severe, params["severe_loss_days"] / 91.25 * firms.goods_revenue[rows], 0.0)
    insured = firms.insured[rows]
    paid = np.where(insured, INSURANCE_COVER * loss, 0.0)
    borne = loss - paid
    # Against the cash held when hit, not after: a threat means the attack alone cost more
    # than the firm had.
    threatened = int((borne > np.maximum(firms.cash[rows], 0.0)).sum())
    firms.cash[rows] -= borne
    firms.trust[:n] = np.minimum(1.0, firms.trust[:n] + TRUST_RECOVERY)
    hit = rows[severe]
    firms.trust[hit] *= 1 - TRUST_LOSS
    firms.severe_incidents[hit] += 1
    exit_prob = params["severe_exit_prob"] * np.where(insured[severe], 0.5, 1.0)
    gone = hit[rng.random(len(hit)) < exit_prob]
    firms.alive[gone] = False
    firms.exit_cause[gone] = EXIT_CYBER
    firms.exit_quarter[gone] = quarter
    firms.security[:n] *= math.exp(-SECURITY_DECAY * dt)
    return CyberOutcome(k, len(hit), len(gone), float(borne.sum()), float(paid.sum()),
                        rows, loss, threatened)
