"""The state's helpers: gathering scattered firms' fields for a kernel."""

from __future__ import annotations

import numpy as np

from agents.jit import kernel
from model.state import CASH, DIGITAL, IS_ADOPTED, KIND, RUNG, FirmState, gather_firms


@kernel
def _gathered(values, codes, flags, indices, fields):
    return gather_firms(values, codes, flags, indices, fields)


def _state() -> FirmState:
    firms = FirmState(capacity=6)
    firms.values[:] = np.arange(firms.values.size, dtype=float).reshape(firms.values.shape)
    firms.codes[:] = np.arange(firms.codes.size).reshape(firms.codes.shape) + 1
    firms.flags[:] = True
    return firms


def test_the_listed_fields_are_gathered_at_the_indices_in_their_order():
    firms, indices = _state(), np.array([4, 0, 2])
    fields = ((CASH, DIGITAL), (RUNG,), (IS_ADOPTED,))
    values, codes, flags = _gathered(firms.values, firms.codes, firms.flags, indices, fields)
    assert np.array_equal(values[[CASH, DIGITAL]], firms.values[[CASH, DIGITAL]][:, indices])
    assert np.array_equal(codes[RUNG], firms.codes[RUNG, indices])
    assert flags[IS_ADOPTED].all()


def test_the_other_fields_are_nan_zero_and_false():
    firms = _state()
    values, codes, flags = _gathered(firms.values, firms.codes, firms.flags, np.array([1, 3]),
                                     ((CASH,), (RUNG,), (IS_ADOPTED,)))
    assert values.shape == (firms.values.shape[0], 2)
    assert np.isnan(np.delete(values, CASH, axis=0)).all()
    assert (np.delete(codes, RUNG, axis=0) == 0).all() and codes.dtype == firms.codes.dtype
    assert not np.delete(flags, IS_ADOPTED, axis=0).any()
    assert codes[KIND].tolist() == [0, 0]
