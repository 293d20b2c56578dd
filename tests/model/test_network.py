"""The network's CSR structure, built by counting sorts, is scipy's canonical CSR."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from model.network import AdopterNetwork, adjacency, network_csr


def _scipy_csr(src: np.ndarray, dst: np.ndarray, size: int) -> sp.csr_matrix:
    keep = src != dst
    s, d = src[keep], dst[keep]
    return sp.coo_matrix((np.ones(2 * len(s)), (np.r_[s, d], np.r_[d, s])),
                         shape=(size, size)).tocsr()


@pytest.mark.parametrize("seed", range(6))
def test_adjacency_is_scipys_canonical_csr(seed):
    rng = np.random.default_rng(seed)
    size = int(rng.integers(2, 3000))
    links = int(rng.integers(0, 20000))
    src, dst = rng.integers(0, size, links), rng.integers(0, size, links)
    dst[: links // 3] = rng.integers(0, min(size, 4), links // 3)  # hubs, repeated links
    src[: links // 10] = dst[: links // 10]  # self-links, dropped
    indptr, indices = adjacency(src, dst, size)
    expected = _scipy_csr(src, dst, size)
    assert indptr.dtype == np.int64 and indices.dtype == np.int32
    np.testing.assert_array_equal(indptr, expected.indptr)
    np.testing.assert_array_equal(indices, expected.indices)


def test_adjacency_without_links_is_empty():
    indptr, indices = adjacency(np.zeros(0, np.int64), np.zeros(0, np.int64), 5)
    np.testing.assert_array_equal(indptr, np.zeros(6))
    assert len(indices) == 0


@pytest.mark.parametrize("seed", range(4))
def test_network_csr_links_as_the_numpy_code_does(seed):
    rng = np.random.default_rng(seed)
    size, sectors, half = int(rng.integers(2, 400)), 5, int(rng.integers(1, 4))
    sector = rng.integers(0, sectors, size)
    uniform = rng.random((half, size))
    clients = np.where(rng.random((size, 2)) < 0.3, rng.integers(0, size, (size, 2)), -1)
    members = np.flatnonzero(rng.random(size) < 0.2)
    partners = members[rng.integers(0, len(members), len(members))]
    order = np.argsort(sector, kind="stable")
    ends = np.cumsum(np.bincount(sector, minlength=sectors))
    lo = (ends - np.bincount(sector, minlength=sectors))[sector]
    picks = order[lo + (uniform * (ends[sector] - lo)).astype(np.int64)]
    suppliers, column = np.nonzero(clients >= 0)
    expected = _scipy_csr(np.concatenate([np.tile(np.arange(size), half), suppliers, members]),
                          np.concatenate([picks.ravel(), clients[suppliers, column], partners]),
                          size)
    indptr, indices = network_csr(sector, sectors, uniform, clients, members, partners, size)
    np.testing.assert_array_equal(indptr, expected.indptr)
    np.testing.assert_array_equal(indices, expected.indices)


@pytest.mark.parametrize("seed", range(3))
def test_first_counts_equal_a_full_recount(seed):
    rng = np.random.default_rng(seed)
    size, links = 500, 3000
    indptr, indices = adjacency(rng.integers(0, size, links), rng.integers(0, size, links), size)
    alive, adopted = rng.random(size) < 0.8, rng.random(size) < 0.3
    network = AdopterNetwork(indptr, indices, alive, adopted)
    np.testing.assert_array_equal(network.counts, network.recount())
    alive[:50] = ~alive[:50]  # and an update from them, as in a step
    network.update(alive, adopted)
    np.testing.assert_array_equal(network.counts, network.recount())
