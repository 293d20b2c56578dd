"""Adopter counts over the supply-chain / sector / cluster network, kept up to date cheaply.

A full sparse product over all firms each quarter costs more than the rest of the attention
step; only a few dozen firms adopt, leave or enter in a quarter, so the counts are updated
from the rows that changed (integer arithmetic: exactly equal to a full recount).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


class AdopterNetwork:
    """Per-firm counts of live neighbours and of live adopting neighbours.

    Args:
        adjacency: symmetric 0/1 CSR matrix over all rows (capacity x capacity).
        alive: live mask over all rows.
        adopted: adopter mask over all rows.

    """

    def __init__(self, adjacency: sp.csr_matrix, alive: np.ndarray, adopted: np.ndarray):
        self.adjacency = adjacency.astype(np.int32)
        self._state = np.zeros((len(alive), 2), dtype=np.int32)
        self.counts = np.zeros((len(alive), 2), dtype=np.int64)
        self.update(alive, adopted)

    def update(self, alive: np.ndarray, adopted: np.ndarray) -> None:
        """Bring the counts up to date with the current live and adopter masks."""
        state = np.empty_like(self._state)
        state[:, 0] = alive
        state[:, 1] = alive & adopted
        delta = state - self._state
        changed = np.flatnonzero(delta[:, 0] | delta[:, 1])
        if len(changed):
            # Symmetric matrix: a changed firm's row lists the neighbours whose counts move.
            indptr, indices = self.adjacency.indptr, self.adjacency.indices
            starts = indptr[changed]
            lengths = indptr[changed + 1] - starts
            offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
            neighbours = indices[offsets + np.arange(lengths.sum())]
            size = len(self.counts)
            for column in (0, 1):
                weights = np.repeat(delta[changed, column], lengths)
                if weights.any():
                    self.counts[:, column] += np.bincount(
                        neighbours, weights=weights, minlength=size).astype(np.int64)
        self._state = state

    def recount(self) -> np.ndarray:
        """The counts by a full sparse product (for checking the incremental update)."""
        return self.adjacency @ self._state.astype(np.int64)

    def adopter_share(self, n: int) -> np.ndarray:
        """Adopter share among the live neighbours of rows ``:n`` (0 without neighbours)."""
        links = self.counts[:n, 0]
        return np.divide(self.counts[:n, 1], links, out=np.zeros(n), where=links > 0)
