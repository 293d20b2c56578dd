"""Offshoring and jobs in one pass over the firms: the same bits as the two passes it replaced.

The kernel runs compiled (when numba is there) and as numpy; both must agree with them.
"""

from __future__ import annotations

import numpy as np
import pytest

from agents.economics import WAGE
from agents.jit import numpy_form
from agents.libm import expm1
from model import jobs
from model.state import (
    EMPLOYEES,
    IS_ALIVE,
    IS_LARGE,
    MARGIN,
    OFFSHORED,
    PRODUCTION_JOBS,
    SERVICE_JOBS,
)


@pytest.fixture
def model(stepped_run):
    return stepped_run(4, 0.2, 12)  # read only


def _offshore_then_update(values, flags, n, draw, ceiling, rate, dt, support, trend):
    """The two passes the one-pass kernel replaced, in numpy."""
    alive, large = flags[IS_ALIVE, :n], flags[IS_LARGE, :n]
    offshored, margin = values[OFFSHORED, :n], values[MARGIN, :n]
    employees = values[EMPLOYEES, :n]
    pressure = np.array([1.0, 2.0, 2.0, 4.0])
    probability = expm1(-rate * pressure * dt)
    able = alive & (employees >= jobs.OFFSHORING_SIZE) & (offshored < ceiling)
    chance = -np.where(margin < 0, np.where(large, probability[3], probability[2]),
                       np.where(large, probability[1], probability[0]))
    moves = able & (draw[:n] < chance)
    offshored[:] = np.where(moves, np.minimum(offshored + jobs.OFFSHORING_STEP * ceiling,
                                              ceiling), offshored)
    v = values
    production, service = jobs.jobs_needed(
        v[jobs.GOODS_REVENUE, :n], v[jobs.SERVICE_REVENUE, :n], v[jobs.JOBS_PER_GOODS, :n],
        v[jobs.PRODUCTIVITY_GAIN_2020, :n], v[jobs.PRODUCTIVITY_GAIN, :n], offshored, support,
        trend)
    held = v[PRODUCTION_JOBS, :n] + jobs.JOB_ADJUSTMENT * (production - v[PRODUCTION_JOBS, :n])
    offered = v[SERVICE_JOBS, :n] + jobs.JOB_ADJUSTMENT * (service - v[SERVICE_JOBS, :n])
    v[PRODUCTION_JOBS, :n], v[SERVICE_JOBS, :n] = held, offered
    employees[:] = np.where(alive, held + offered, 0)
    return int(np.count_nonzero(moves))


def test_offshoring_and_jobs_in_one_pass_are_the_two_passes_to_the_last_bit(model):
    f, p = model.firms, model.p
    rng = np.random.default_rng(8)
    values = f.values.copy()
    values[MARGIN, : f.n : 3] *= -1.0  # losses too
    values[EMPLOYEES, : f.n : 2] += 60.0  # and firms big enough to offshore
    draw = rng.random(f.n) * 0.3
    args = (f.n, draw, p["offshorable_service_share"], 0.4, 0.25,
            p["support_function_share"], 1.07)
    want_values = values.copy()
    want = _offshore_then_update(want_values, f.flags, *args)
    assert want > 0
    for run in (jobs._offshore_and_update, numpy_form(jobs._offshore_and_update)):
        got_values = values.copy()
        assert int(run(got_values, f.flags.copy(), *args)) == want
        np.testing.assert_array_equal(got_values, want_values)


def test_idle_staff_cost_wages_and_a_dead_firm_employs_no_one():
    held, offered, staff = jobs.adjusted_jobs(False, 1e6, 1e5, 1e-5, 0.0, 0.0, 0.0, 10.0, 2.0,
                                              0.2, 1.0)
    assert staff == 0 and held > 0 and offered > 0
    assert jobs.idle_wages(True, 0.0, 1e-5, 0.0, 0.0, 0.0, 10.0, 0.2, 1.0, 0.0) == 10 * WAGE / 4
