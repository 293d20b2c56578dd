"""The network's CSR structure, built by counting sorts, is scipy's canonical CSR."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from model.network import adjacency


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
