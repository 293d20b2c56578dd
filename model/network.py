"""Adopter counts over the supply-chain / sector / cluster network, kept up to date cheaply.

A full sparse product over all firms each quarter costs more than the rest of the attention
step; only a few dozen firms adopt, leave or enter in a quarter, so the counts are updated
from the rows that changed (integer arithmetic: exactly equal to a full recount).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from agents.exact import nonzero
from agents.jit import divide_where, kernel, rows


class AdopterNetwork:
    """Per-firm counts of live neighbours and of live adopting neighbours.

    Args:
        adjacency: symmetric 0/1 CSR matrix over all rows (capacity x capacity).
        alive: live mask over all rows.
        adopted: adopter mask over all rows.

    """

    def __init__(self, adjacency: sp.csr_matrix, alive: np.ndarray, adopted: np.ndarray):
        self.adjacency = adjacency.astype(np.int32)
        # Small types, and a row's two counts side by side: an update touches a few thousand
        # scattered counts, mostly out of cache, so each cache line fetched should serve both.
        self._indptr = self.adjacency.indptr.astype(np.int64)
        self._indices = self.adjacency.indices.astype(np.int32)
        self._state = np.zeros((2, len(alive)), dtype=np.int8)
        self._counts = np.zeros((len(alive), 2), dtype=np.int32)
        self.update(alive, adopted)

    @property
    def counts(self) -> np.ndarray:
        """Per row: (live neighbours, live adopting neighbours)."""
        return self._counts

    def update(self, alive: np.ndarray, adopted: np.ndarray) -> None:
        """Bring the counts up to date with the current live and adopter masks."""
        _update(self._indptr, self._indices, self._state, self._counts, alive, adopted)

    def recount(self) -> np.ndarray:
        """The counts by a full sparse product (for checking the incremental update)."""
        return self.adjacency @ self._state.T

    def adopter_share(self, n: int) -> np.ndarray:
        """Adopter share among the live neighbours of rows ``:n`` (0 without neighbours)."""
        share = np.empty(n)
        _share(self._counts, n, share)
        return share


@kernel
def _update(indptr, indices, state, counts, alive, adopted):
    size = len(alive)
    changed = np.empty(size, np.bool_)
    for i in rows(size):
        changed[i] = (alive[i] != state[0, i]) | ((alive[i] & adopted[i]) != state[1, i])
    # Only a few dozen firms adopt, leave or enter in a quarter: the matrix is symmetric, so a
    # changed firm's row lists the neighbours whose counts move (integers: a full recount's).
    for c in nonzero(changed, size):
        live = int(alive[c]) - int(state[0, c])
        adopter = int(alive[c] & adopted[c]) - int(state[1, c])
        state[0, c] += live
        state[1, c] += adopter
        for j in range(indptr[c], indptr[c + 1]):
            counts[indices[j], 0] += live
            counts[indices[j], 1] += adopter


@kernel
def _share(counts, n, share):
    # A row's two counts read as one int64 (little-endian: live neighbours in its low half):
    # LLVM vectorises loads of whole words, not of the interleaved columns of ``counts``.
    pairs = counts.view(np.int64).reshape(-1)
    for i in rows(n):
        live, adopters = pairs[i] & 0xFFFFFFFF, pairs[i] >> 32
        share[i] = divide_where(adopters, live, live > 0)
