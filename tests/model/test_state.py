"""FirmState: the per-firm arrays."""

import numpy as np

from model import ServitizationModel


def test_a_copy_holds_the_same_rows_and_changes_apart_from_the_original():
    model = ServitizationModel(rng=3, headless=True, population_scale=0.05)
    model.step()
    f = model.firms
    twin = f.copy()
    assert twin.n == f.n
    for name in ("values", "codes", "flags", "clients", "client_goods_2020"):
        np.testing.assert_array_equal(getattr(twin, name), getattr(f, name))
    twin.cash[0] += 1.0
    twin.clients[0, 0] = -7
    assert twin.cash[0] != f.cash[0] and f.clients[0, 0] != -7
