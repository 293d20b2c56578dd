"""ladder.advance_climbs: its three counts are Python ints, compiled or as numpy."""

from __future__ import annotations

import numpy as np
import pytest

from agents.jit import numpy_form
from agents.kinds import PAY_PER_USE
from model import ladder


def _expected_counts(firms, transition_quarters):
    n = firms.n
    servitizing = firms.servitizing[:n]
    starting = servitizing & (firms.transition_quarters[:n] == 0)
    climbing = firms.alive[:n] & servitizing
    finished = climbing & (firms.transition_quarters[:n] + climbing >= transition_quarters)
    return (int(starting.sum()), int((starting & (firms.rung[:n] >= PAY_PER_USE)).sum()),
            int(finished.sum()))


@pytest.mark.parametrize("compiled", [True, False])
def test_advance_climbs_counts_are_python_ints_equal_to_numpys(stepped_run, monkeypatch,
                                                                compiled):
    model = stepped_run(3, 0.05, 12)
    firms = model.firms.copy()
    if not compiled:
        monkeypatch.setattr(ladder, "_advance", numpy_form(ladder._advance))
    expected = _expected_counts(firms, model.p["transition_quarters"])
    got = ladder.advance_climbs(firms, model.p)
    assert got == expected
    assert all(type(count) is int for count in got)
    assert np.any(model.firms.servitizing[: model.firms.n])  # the run has climbs to count
