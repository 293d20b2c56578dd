"""The network's incremental update, compiled and as numpy, equals a full recount."""

from __future__ import annotations

import numpy as np
import pytest

from agents.jit import numpy_form
from model import ServitizationModel, network
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


def test_links_added_during_a_run_are_counted_as_a_full_recount_counts_them():
    model = ServitizationModel(rng=4, headless=True, population_scale=0.05)
    for _ in range(8):
        model.step()
    f, network = model.firms, model.network
    network.update(f.alive, f.adopted)
    src = np.flatnonzero(f.adopted)[:20]
    dst = np.flatnonzero(~f.adopted[: f.n])[:20]
    before = network.counts.copy()
    network.add_links(src, dst, f.alive, f.adopted)
    assert np.array_equal(network.counts, network.recount())
    assert (network.counts[:, 0] >= before[:, 0]).all()
    assert (network.counts[dst[f.alive[dst]], 1] > before[dst[f.alive[dst]], 1]).any()
