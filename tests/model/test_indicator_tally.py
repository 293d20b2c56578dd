"""The indicators' tally, its counts kept as int32: numpy's counts and sums, in both modes."""

from __future__ import annotations

import numpy as np
import pytest

from agents.jit import numpy_form
from agents.kinds import ADDED_SERVICES, PAY_PER_USE
from model import ServitizationModel, indicators
from model.state import EXIT_CYBER


def _reference(f, p, initial_10plus, support):
    n = f.n
    alive, large = f.alive[:n], f.large[:n]
    sme, big, makers = alive & ~large, alive & large, ~f.service_intensive[:n]
    servitized, adopted, rung = f.servitized[:n], f.adopted[:n], f.rung[:n]
    gone = initial_10plus & ~f.alive[: len(initial_10plus)]
    counts = [alive, sme & makers, servitized & sme & makers, big & makers,
              servitized & big & makers, sme, adopted & sme, big, adopted & big,
              initial_10plus, gone, gone & (f.exit_cause[: len(gone)] == EXIT_CYBER),
              alive & f.cluster[:n], (rung >= ADDED_SERVICES) & alive, (rung >= PAY_PER_USE) & sme]
    functions = support * f.production_jobs[:n] + f.service_jobs[:n]
    offshored = f.offshored[:n]
    lost = np.zeros(n)
    np.divide(functions * offshored, 1 - offshored, out=lost, where=offshored < 1)
    sums = (f.service_revenue[:n][alive].sum(), p.revenue[: p.n][p.alive[: p.n]].sum(),
            f.goods_revenue[:n][alive].sum(), f.employees[:n][alive].sum(),
            functions[alive].sum(), lost[alive].sum())
    return sums, [int(np.count_nonzero(c)) for c in counts]


@pytest.mark.parametrize("compiled", [True, False])
def test_tally_gives_numpys_counts_and_sums_to_the_last_bit(compiled):
    model = ServitizationModel(rng=4, headless=True, population_scale=0.1)
    tally = indicators._tally if compiled else numpy_form(indicators._tally)
    for quarter in range(16):
        f, p = model.firms, model.platforms
        support = model.p["support_function_share"]
        sums, counts = tally(f.values, f.codes, f.flags, f.n, p.values, p.flags, p.n,
                             model.initial_10plus, support)
        expected_sums, expected_counts = _reference(f, p, model.initial_10plus, support)
        assert [float(s) for s in sums] == [float(s) for s in expected_sums], quarter
        assert counts.tolist() == expected_counts, quarter
        model.step()
    assert expected_counts[indicators.TEN_PLUS_GONE] > 0


def test_counted_adds_a_condition_as_an_int32():
    total = indicators.counted(np.int32(5), np.array([True, False, True]))
    assert total == 7 and isinstance(total, np.int32)
