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
from agents.exact import expm1_into
from agents.jit import kernel, maximum, minimum, rows, rule, tally, where
from agents.uniforms import uniforms
from model.state import (
    EMPLOYEES,
    GOODS_REVENUE,
    IS_ALIVE,
    IS_LARGE,
    JOBS_PER_GOODS,
    MARGIN,
    OFFSHORED,
    PRODUCTION_JOBS,
    PRODUCTIVITY_GAIN,
    PRODUCTIVITY_GAIN_2020,
    SERVICE_JOBS,
    SERVICE_REVENUE,
    FirmState,
)

JOB_ADJUSTMENT = 0.08  # share of the gap closed each quarter (labour hoarding, short-time work)
SERVICE_REVENUE_PER_JOB = 250_000.0  # EUR per year for the service offer (labour intensive)
OFFSHORING_SIZE = 50.0  # employees from which firms offshore (INSEE counts firms of 50+)
OFFSHORING_STEP = 1 / 3  # share of the offshorable jobs moved by one decision (assumption)
OFFSHORING_PRESSURE = 2.0  # hazard multiplier at a loss, and for 250+ employees (INSEE: 2.7%
#                            of firms of 50-99 vs 10% of 5,000+ over three years)
#: Share of idle staff's wages the State refunded under activité partielle in 2020-2021
#: (70% of the gross wage, decree 2020-325); none outside the Covid years.
SHORT_TIME_COVER = {2020: 0.7, 2021: 0.7}


def set_initial_jobs(firms: FirmState, rows: np.ndarray) -> None:
    """Split the 2020 staff of ``rows`` into service-offer and production jobs.

    The service offer employs what its sales pay for (at most 90% of the staff); the rest
    make goods, which sets each firm's jobs per EUR of goods sold.
    """
    f = firms
    service = np.minimum(0.9 * f.employees[rows],
                         f.service_revenue[rows] * 4 / SERVICE_REVENUE_PER_JOB)
    f.service_jobs[rows] = service
    f.production_jobs[rows] = f.employees[rows] - service
    f.jobs_per_goods[rows] = f.production_jobs[rows] / np.maximum(f.goods_revenue[rows], 1e-9)


def productivity_index(t_years: float, growth: float) -> float:
    """Trend labour productivity of production relative to early 2020."""
    return math.exp(growth * t_years)


@rule
def regional_jobs(production, service, offshored, support_share):
    """Production and service-offer jobs left in the region after offshoring."""
    return production * (1 - support_share * offshored), service * (1 - offshored)


@rule
def jobs_needed(goods_revenue, service_revenue, jobs_per_goods, gain_2020, gain, offshored,
                support_share: float, trend_productivity: float):
    """Production and service-offer jobs that a firm's sales need this quarter."""
    digital = (1 + gain_2020) / (1 + gain)
    production = goods_revenue * jobs_per_goods * digital / trend_productivity
    service = service_revenue * 4 / SERVICE_REVENUE_PER_JOB
    return regional_jobs(production, service, offshored, support_share)


def needed_jobs(firms: FirmState, params: dict, trend_productivity: float
                ) -> tuple[np.ndarray, np.ndarray]:
    """Production and service-offer jobs that this quarter's sales need (rows ``:n``)."""
    n = firms.n
    return jobs_needed(firms.goods_revenue[:n], firms.service_revenue[:n],
                       firms.jobs_per_goods[:n], firms.productivity_gain_2020[:n],
                       firms.productivity_gain[:n], firms.offshored[:n],
                       params["support_function_share"], trend_productivity)


@rule
def idle_wages(alive, goods_revenue, jobs_per_goods, gain_2020, gain, offshored,
               production_jobs, support_share: float, trend_productivity: float,
               short_time_cover: float):
    """A firm's wages of production staff its sales no longer need, less the refund."""
    production, _ = jobs_needed(goods_revenue, 0.0, jobs_per_goods, gain_2020, gain, offshored,
                                support_share, trend_productivity)
    idle = maximum(production_jobs - production, 0.0)
    return where(alive, idle * WAGE / 4 * (1 - short_time_cover), 0.0)


def hoarding_cost(firms: FirmState, params: dict, trend_productivity: float,
                  short_time_cover: float) -> np.ndarray:
    """Wages of the production staff that sales no longer need, EUR this quarter.

    Jobs adjust slowly (``JOB_ADJUSTMENT``): when sales fall, a firm pays idle staff for a
    while, less what a short-time work scheme refunds.
    """
    n = firms.n
    return np.asarray(idle_wages(firms.alive[:n], firms.goods_revenue[:n],
                                 firms.jobs_per_goods[:n], firms.productivity_gain_2020[:n],
                                 firms.productivity_gain[:n], firms.offshored[:n],
                                 firms.production_jobs[:n], params["support_function_share"],
                                 trend_productivity, short_time_cover), dtype=float)


def update_jobs(firms: FirmState, params: dict, trend_productivity: float) -> None:
    """Move employment toward what goods and service sales need (rows ``:n``)."""
    _update_jobs(firms.values, firms.flags, firms.n, params["support_function_share"],
                 trend_productivity)


@kernel
def _update_jobs(values, flags, n, support_share, trend_productivity):
    _update_job_rows(values, flags, n, support_share, trend_productivity)


@rule
def _update_job_rows(values, flags, n, support_share, trend_productivity):
    alive, offshored = flags[IS_ALIVE], values[OFFSHORED]
    goods, services = values[GOODS_REVENUE], values[SERVICE_REVENUE]
    per_goods, gain_2020, gain = (values[JOBS_PER_GOODS], values[PRODUCTIVITY_GAIN_2020],
                                  values[PRODUCTIVITY_GAIN])
    production_jobs, service_jobs = values[PRODUCTION_JOBS], values[SERVICE_JOBS]
    employees = values[EMPLOYEES]
    for i in rows(n):
        production_jobs[i], service_jobs[i], employees[i] = adjusted_jobs(
            alive[i], goods[i], services[i], per_goods[i], gain_2020[i], gain[i], offshored[i],
            production_jobs[i], service_jobs[i], support_share, trend_productivity)


@rule
def adjusted_jobs(alive, goods_revenue, service_revenue, jobs_per_goods, gain_2020, gain,
                  offshored, production_jobs, service_jobs, support_share: float,
                  trend_productivity: float):
    """A firm's production and service-offer jobs after this quarter's adjustment, and its staff.

    Jobs close ``JOB_ADJUSTMENT`` of the gap to what sales need (:func:`jobs_needed`); a dead
    firm employs no one.
    """
    production, service = jobs_needed(goods_revenue, service_revenue, jobs_per_goods, gain_2020,
                                      gain, offshored, support_share, trend_productivity)
    held = production_jobs + JOB_ADJUSTMENT * (production - production_jobs)
    offered = service_jobs + JOB_ADJUSTMENT * (service - service_jobs)
    return held, offered, where(alive, held + offered, 0)


def offshore(rng: np.random.Generator, firms: FirmState, params: dict, dt: float) -> int:
    """Draw this quarter's offshoring decisions; returns how many firms moved jobs abroad."""
    draw = uniforms(rng, firms.n)
    return int(_offshore(firms.values, firms.flags, firms.n, draw,
                         params["offshorable_service_share"], params["offshoring_rate"], dt))


def offshore_and_update(rng: np.random.Generator, firms: FirmState, params: dict, dt: float,
                        trend_productivity: float) -> int:
    """:func:`offshore`, then :func:`update_jobs`, in one compiled call (the step's).

    Returns:
        How many firms moved jobs abroad.

    """
    draw = uniforms(rng, firms.n)
    return int(_offshore_and_update(
        firms.values, firms.flags, firms.n, draw, params["offshorable_service_share"],
        params["offshoring_rate"], dt, params["support_function_share"], trend_productivity))


@kernel
def _offshore(values, flags, n, draw, ceiling, rate, dt):
    return _offshore_rows(values, flags, n, draw, ceiling, rate, dt)


@kernel
def _offshore_and_update(values, flags, n, draw, ceiling, rate, dt, support_share,
                         trend_productivity):
    # One pass over the rows: a row's offshoring, then its jobs (which read its new share).
    alive, large = flags[IS_ALIVE], flags[IS_LARGE]
    offshored, margin, employees = values[OFFSHORED], values[MARGIN], values[EMPLOYEES]
    goods, services = values[GOODS_REVENUE], values[SERVICE_REVENUE]
    per_goods, gain_2020, gain = (values[JOBS_PER_GOODS], values[PRODUCTIVITY_GAIN_2020],
                                  values[PRODUCTIVITY_GAIN])
    production_jobs, service_jobs = values[PRODUCTION_JOBS], values[SERVICE_JOBS]
    chances = _offshoring_chances(rate, dt)
    moving = 0
    for i in rows(n):
        moves, share = offshoring_move(alive[i], large[i], offshored[i], margin[i], employees[i],
                                       draw[i], ceiling, chances)
        offshored[i] = share
        moving += tally(moves)
        production_jobs[i], service_jobs[i], employees[i] = adjusted_jobs(
            alive[i], goods[i], services[i], per_goods[i], gain_2020[i], gain[i], share,
            production_jobs[i], service_jobs[i], support_share, trend_productivity)
    return moving


@rule
def _offshoring_chances(rate, dt):
    """The chance of a move at each of the hazard's four values (see :func:`offshoring_move`)."""
    # The hazard takes four values (at a loss or not, large or not): expm1 of those four,
    # each computed as a row's would be, then looked up, instead of expm1 over every row.
    minus_hazard, probability = np.empty(4), np.empty(4)
    for loss in range(2):
        for big in range(2):
            pressure = (where(loss == 1, OFFSHORING_PRESSURE, 1.0)
                        * where(big == 1, OFFSHORING_PRESSURE, 1.0))
            minus_hazard[2 * loss + big] = -rate * pressure * dt
    expm1_into(minus_hazard, probability, 4)
    return probability[0], probability[1], probability[2], probability[3]


@rule
def offshoring_move(alive, large, offshored, margin, employees, draw, ceiling, chances):
    """Whether a firm moves jobs abroad this quarter, and its offshored share after.

    ``chances``: :func:`_offshoring_chances` (``expm1`` of minus the hazard: small firms,
    large ones, small ones at a loss, large ones at a loss).
    """
    small, big, small_at_loss, big_at_loss = chances
    able = alive & (employees >= OFFSHORING_SIZE) & (offshored < ceiling)
    # Chosen by selects, not indexed: LLVM vectorises a loop that loads through an index
    # only if it can bound the index.
    chance = -where(margin < 0, where(large, big_at_loss, small_at_loss),
                    where(large, big, small))
    moves = able & (draw < chance)
    return moves, where(moves, minimum(offshored + OFFSHORING_STEP * ceiling, ceiling),
                        offshored)


@rule
def _offshore_rows(values, flags, n, draw, ceiling, rate, dt):
    alive, large = flags[IS_ALIVE], flags[IS_LARGE]
    offshored, margin, employees = values[OFFSHORED], values[MARGIN], values[EMPLOYEES]
    chances = _offshoring_chances(rate, dt)
    moving = 0
    for i in rows(n):
        moves, offshored[i] = offshoring_move(alive[i], large[i], offshored[i], margin[i],
                                              employees[i], draw[i], ceiling, chances)
        moving += tally(moves)
    return moving
