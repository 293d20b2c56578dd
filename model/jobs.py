"""Step 9 (jobs): employment follows sales and productivity; service jobs can move abroad.

Production jobs follow goods sales, trend productivity and the firm's digital productivity
gain; service-offer jobs follow service sales. Jobs adjust slowly, so a firm whose sales fall
pays idle staff for a while (less the short-time work refund of 2020-2021): a demand shock
squeezes margins and can push weak firms out. A share ``support_function_share`` of the jobs
that make goods are service functions (logistics, management, commerce, R&D): with the
service-offer jobs they are the service functions of the INSEE count. Offshoring is a choice:
a firm of 50+ employees moves a third of its offshorable service-function jobs abroad with
``offshoring_rate`` a year, twice as often when it is losing money or has 250+ employees,
never beyond the ceiling ``offshorable_service_share``.
"""

from __future__ import annotations

import math

import numpy as np

from agents.economics import WAGE
from model.state import FirmState

JOB_ADJUSTMENT = 0.08  # share of the gap closed each quarter (labour hoarding, short-time work)
SERVICE_REVENUE_PER_JOB = 250_000.0  # EUR per year for the service offer (labour intensive)
OFFSHORING_SIZE = 50.0  # employees from which firms offshore (INSEE counts firms of 50+)
OFFSHORING_STEP = 1 / 3  # share of the offshorable jobs moved by one decision (assumption)
OFFSHORING_PRESSURE = 2.0  # hazard multiplier at a loss, and for 250+ employees (INSEE: 2.7%
#                            of firms of 50-99 vs 10% of 5,000+ over three years)
#: Share of idle staff's wages the State refunded under activité partielle in 2020-2021
#: (70% of the gross wage, decree 2020-325); none outside the Covid years.
SHORT_TIME_COVER = {2020: 0.7, 2021: 0.7}


def productivity_index(t_years: float, growth: float) -> float:
    """Trend labour productivity of production relative to early 2020."""
    return math.exp(growth * t_years)


def regional_jobs(production: np.ndarray, service: np.ndarray, offshored: np.ndarray,
                  support_share: float) -> tuple[np.ndarray, np.ndarray]:
    """Production and service-offer jobs left in the region after offshoring."""
    return production * (1 - support_share * offshored), service * (1 - offshored)


def needed_jobs(firms: FirmState, params: dict, trend_productivity: float
                ) -> tuple[np.ndarray, np.ndarray]:
    """Production and service-offer jobs that this quarter's sales need (rows ``:n``)."""
    n = firms.n
    digital = (1 + firms.productivity_gain_2020[:n]) / (1 + firms.productivity_gain[:n])
    production = firms.goods_revenue[:n] * firms.jobs_per_goods[:n] * digital / trend_productivity
    service = firms.service_revenue[:n] * 4 / SERVICE_REVENUE_PER_JOB
    return regional_jobs(production, service, firms.offshored[:n],
                         params["support_function_share"])


def hoarding_cost(firms: FirmState, params: dict, trend_productivity: float,
                  short_time_cover: float) -> np.ndarray:
    """Wages of the production staff that sales no longer need, EUR this quarter.

    Jobs adjust slowly (``JOB_ADJUSTMENT``): when sales fall, a firm pays idle staff for a
    while, less what a short-time work scheme refunds.
    """
    n = firms.n
    production, _ = needed_jobs(firms, params, trend_productivity)
    idle = np.maximum(firms.production_jobs[:n] - production, 0.0)
    return np.where(firms.alive[:n], idle * WAGE / 4 * (1 - short_time_cover), 0.0)


def update_jobs(firms: FirmState, params: dict, trend_productivity: float) -> None:
    """Move employment toward what goods and service sales need (rows ``:n``)."""
    n = firms.n
    alive = firms.alive[:n]
    production, service = needed_jobs(firms, params, trend_productivity)
    firms.production_jobs[:n] += JOB_ADJUSTMENT * (production - firms.production_jobs[:n])
    firms.service_jobs[:n] += JOB_ADJUSTMENT * (service - firms.service_jobs[:n])
    firms.employees[:n] = np.where(alive, firms.production_jobs[:n] + firms.service_jobs[:n], 0)


def offshore(rng: np.random.Generator, firms: FirmState, params: dict, dt: float) -> int:
    """Draw this quarter's offshoring decisions; returns how many firms moved jobs abroad."""
    n = firms.n
    ceiling = params["offshorable_service_share"]
    draw = rng.random(n)
    able = (firms.alive[:n] & (firms.employees[:n] >= OFFSHORING_SIZE)
            & (firms.offshored[:n] < ceiling))
    pressure = (np.where(firms.margin[:n] < 0, OFFSHORING_PRESSURE, 1.0)
                * np.where(firms.large[:n], OFFSHORING_PRESSURE, 1.0))
    moving = able & (draw < -np.expm1(-params["offshoring_rate"] * pressure * dt))
    firms.offshored[:n] = np.where(
        moving, np.minimum(firms.offshored[:n] + OFFSHORING_STEP * ceiling, ceiling),
        firms.offshored[:n])
    return int(moving.sum())
