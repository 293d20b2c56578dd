"""Step 6: cyber attacks, lognormal losses, severe incidents (production stop, trust, exit)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from agents.decisions import attack_rate
from model.investment import yearly_hazard
from model.population import REFERENCE_SME_EMPLOYEES
from model.state import EXIT_CYBER, LARGE, FirmState

INSURANCE_COVER = 0.7  # share of a loss paid by the insurer of an insured firm
TRUST_LOSS = 0.15  # share of customers' trust lost in a severe incident
TRUST_RECOVERY = 0.05  # per quarter, towards full trust
SECURITY_DECAY = 0.10  # per year, without maintenance
LOSS_SIZE_EXPONENT = 0.5  # losses scale with (employees / 20) ** this


@dataclass
class CyberOutcome:
    """One quarter's cyber events."""

    attacks: int = 0
    severe: int = 0
    exits: int = 0
    losses: float = 0.0  # EUR borne by firms
    insured_losses: float = 0.0  # EUR paid by insurers


def attacks(rng: np.random.Generator, firms: FirmState, params: dict, quarter: int,
            dt: float) -> CyberOutcome:
    """Draw attacks and their consequences for every live firm (rows ``:n``).

    Random numbers are drawn for every row in use, alive or not, so that the stream does not
    depend on who is alive (and headless runs equal runs with agents).
    """
    n = firms.n
    alive = firms.alive[:n]
    large = firms.kind[:n] == LARGE
    hazard = np.where(large, yearly_hazard(params["attack_prob_large"]),
                      yearly_hazard(params["attack_prob_sme"]))
    rate = attack_rate(hazard, firms.digital[:n], firms.security[:n],
                       params["digital_exposure"], params["secure_framework"])
    u_attack, u_severe, u_exit = rng.random(n), rng.random(n), rng.random(n)
    draws = rng.normal(0.0, 1.0, n)
    attacked = alive & (u_attack < -np.expm1(-rate * dt))
    severe = attacked & (u_severe < params["severe_share"])
    size = (np.maximum(firms.employees[:n], 1.0) / REFERENCE_SME_EMPLOYEES) ** LOSS_SIZE_EXPONENT
    loss = params["cyber_loss_median"] * np.exp(params["cyber_loss_sigma"] * draws) * size
    loss += np.where(severe, params["severe_loss_days"] / 91.25 * firms.goods_revenue[:n], 0.0)
    loss = np.where(attacked, loss, 0.0)
    paid = np.where(firms.insured[:n], INSURANCE_COVER * loss, 0.0)
    borne = loss - paid
    firms.cash[:n] -= borne
    firms.trust[:n] = np.where(severe, firms.trust[:n] * (1 - TRUST_LOSS),
                               np.minimum(1.0, firms.trust[:n] + TRUST_RECOVERY))
    firms.severe_incidents[:n] += severe
    exit_prob = params["severe_exit_prob"] * np.where(firms.insured[:n], 0.5, 1.0)
    exits = severe & (u_exit < exit_prob)
    firms.alive[:n] &= ~exits
    firms.exit_cause[:n][exits] = EXIT_CYBER
    firms.exit_quarter[:n][exits] = quarter
    firms.security[:n] *= math.exp(-SECURITY_DECAY * dt)
    return CyberOutcome(int(attacked.sum()), int(severe.sum()), int(exits.sum()),
                        float(borne.sum()), float(paid.sum()))
