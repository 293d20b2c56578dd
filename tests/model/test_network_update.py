"""The network's incremental update, compiled and as numpy, equals a full recount."""

from __future__ import annotations

import numpy as np
import pytest

from agents.jit import numpy_form
from model import network
from model.network import AdopterNetwork, adjacency


def _changes(seed: int, size: int = 600, quarters: int = 12):
    rng = np.random.default_rng(seed)
    indptr, indices = adjacency(rng.integers(0, size, 4000), rng.integers(0, size, 4000), size)
    alive, adopted = rng.random(size) < 0.7, rng.random(size) < 0.2
    steps = []
    for _ in range(quarters):  # leave, enter, adopt: a few per quarter, as in a step
        alive = alive ^ (rng.random(size) < 0.05)
        adopted = adopted | (rng.random(size) < 0.05)
        steps.append((alive.copy(), adopted.copy()))
    return indptr, indices, steps


@pytest.mark.parametrize("compiled", [True, False])
@pytest.mark.parametrize("seed", range(3))
def test_update_counts_equal_a_full_recount_after_each_quarter(seed, compiled):
    indptr, indices, steps = _changes(seed)
    size = len(indptr) - 1
    net = AdopterNetwork(indptr, indices, np.zeros(size, bool), np.zeros(size, bool))
    update = network._update if compiled else numpy_form(network._update)
    for alive, adopted in steps:
        update(net._indptr, net._indices, net._state, net.counts, alive, adopted)
        np.testing.assert_array_equal(net.counts, net.recount())
        np.testing.assert_array_equal(net._state[0], alive)
        np.testing.assert_array_equal(net._state[1], alive & adopted)


def test_update_without_changes_leaves_the_counts():
    indptr, indices, steps = _changes(7, quarters=1)
    alive, adopted = steps[0]
    net = AdopterNetwork(indptr, indices, alive, adopted)
    before = net.counts.copy()
    net.update(alive, adopted)
    np.testing.assert_array_equal(net.counts, before)
