"""Adopter counts over the supply-chain / sector / cluster network, kept up to date cheaply.

A full sparse product over all firms each quarter costs more than the rest of the attention
step; only a few dozen firms adopt, leave or enter in a quarter, so the counts are updated
from the rows that changed (integer arithmetic: exactly equal to a full recount).
"""

from __future__ import annotations

import sys

import numpy as np
import scipy.sparse as sp

from agents import jit
from agents.exact import nonzero
from agents.jit import divide_where, kernel, rows, rule


def adjacency(src: np.ndarray, dst: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The symmetric 0/1 adjacency of undirected links, as CSR arrays without the data.

    Args:
        src: one end of each link (int64).
        dst: the other end; self-links are dropped, repeated links kept once.
        size: number of rows (and columns).

    Returns:
        (indptr int64, indices int32) of the canonical CSR matrix (each row's columns sorted,
        no duplicates): the structure of scipy's ``coo_matrix(...).tocsr()``.

    """
    if jit.enabled():
        return _adjacency(src, dst, size)
    # Kernels off: scipy's conversion (a compiled counting sort is several times faster, but as
    # Python loops it would be far slower); the canonical form is unique, so the same arrays.
    keep = src != dst
    s, d = src[keep], dst[keep]
    adj = sp.coo_matrix((np.ones(2 * len(s), dtype=np.float32),
                         (np.concatenate([s, d]), np.concatenate([d, s]))),
                        shape=(size, size)).tocsr()
    return adj.indptr.astype(np.int64), adj.indices.astype(np.int32)


@kernel
def _adjacency(src, dst, size):
    """:func:`adjacency` compiled (called only with kernels compiled)."""
    return csr_of(src, dst, size)


@rule
def csr_of(src, dst, size):
    """:func:`adjacency` by counting sorts only, no comparison sort.

    The links are bucketed by row; reading those rows in order and bucketing again by the
    column (the matrix is symmetric: the same rows) lists each row's columns in increasing
    order, so duplicates are neighbours. Loops over links, not a ufunc-style body: kernels
    call it only when compiled.
    """
    start = np.zeros(size + 1, np.int64)
    for e in range(len(src)):
        if src[e] != dst[e]:
            start[src[e] + 1] += 1
            start[dst[e] + 1] += 1
    for i in range(size):
        start[i + 1] += start[i]
    fill = start[:-1].copy()
    unsorted = np.empty(start[size], np.int32)
    for e in range(len(src)):
        a, b = src[e], dst[e]
        if a != b:
            unsorted[fill[a]] = b
            fill[a] += 1
            unsorted[fill[b]] = a
            fill[b] += 1
    fill[:] = start[:-1]
    columns = np.empty(start[size], np.int32)
    for i in range(size):
        for j in range(start[i], start[i + 1]):
            row = unsorted[j]
            columns[fill[row]] = i
            fill[row] += 1
    indptr = np.zeros(size + 1, np.int64)
    k = 0
    for i in range(size):
        for j in range(start[i], start[i + 1]):  # written back in place, behind the reads
            if j == start[i] or columns[j] != columns[j - 1]:
                columns[k] = columns[j]
                k += 1
        indptr[i + 1] = k
    return indptr, columns[:k].copy()


@kernel
def network_csr(sector, sectors, uniform, clients, members, partners, size):
    """:func:`model.population.build_network`'s links and their CSR (as :func:`adjacency`).

    The firms' ``sector`` (0 to ``sectors - 1``), the ``(half, size)`` uniform draws that
    pick their sector links, the suppliers' ``clients`` (-1: none) and the cluster links
    ``members`` to ``partners`` give the same links as the numpy code there, in another
    order, which the canonical CSR forgets. Loops over firms and links, not a ufunc-style
    body: called only with kernels compiled.
    """
    block = np.zeros(sectors + 1, np.int64)  # each sector's block in the stable order
    for i in range(size):
        block[sector[i] + 1] += 1
    for s in range(sectors):
        block[s + 1] += block[s]
    fill = block[:-1].copy()
    order = np.empty(size, np.int64)
    for i in range(size):
        order[fill[sector[i]]] = i
        fill[sector[i]] += 1
    links = uniform.shape[0] * size + len(members)
    for i in range(size):
        for k in range(clients.shape[1]):
            links += clients[i, k] >= 0
    src, dst = np.empty(links, np.int64), np.empty(links, np.int64)
    e = 0
    for h in range(uniform.shape[0]):
        for i in range(size):
            lo = block[sector[i]]
            src[e] = i
            dst[e] = order[lo + np.int64(uniform[h, i] * (block[sector[i] + 1] - lo))]
            e += 1
    for i in range(size):
        for k in range(clients.shape[1]):
            if clients[i, k] >= 0:
                src[e] = i
                dst[e] = clients[i, k]
                e += 1
    for j in range(len(members)):
        src[e] = members[j]
        dst[e] = partners[j]
        e += 1
    return csr_of(src, dst, size)


class AdopterNetwork:
    """Per-firm counts of live neighbours and of live adopting neighbours.

    Args:
        indptr: the symmetric 0/1 adjacency over all rows (capacity x capacity), as CSR
            row pointers (int64) ...
        indices: ... and column indices (int32), as :func:`adjacency` returns them.
        alive: live mask over all rows.
        adopted: adopter mask over all rows.

    """

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, alive: np.ndarray,
                 adopted: np.ndarray):
        # Small types, and a row's two counts side by side: an update touches a few thousand
        # scattered counts, mostly out of cache, so each cache line fetched should serve both.
        self._indptr = indptr
        self._indices = indices
        self._adjacency: sp.csr_matrix | None = None
        self._count(alive, adopted)

    def _count(self, alive: np.ndarray, adopted: np.ndarray) -> None:
        self._state = np.zeros((2, len(alive)), dtype=np.int8)
        self._counts = np.zeros((len(alive), 2), dtype=np.int32)
        if jit.enabled():
            _first_counts(self._indptr, self._indices, self._state, self._counts, alive,
                          adopted)
        else:
            self.update(alive, adopted)

    def add_links(self, src: np.ndarray, dst: np.ndarray, alive: np.ndarray,
                  adopted: np.ndarray) -> None:
        """Add undirected links (contacts made during a run) and count the neighbours again.

        Args:
            src: one end of each new link (int64).
            dst: the other end (a link already there, or to itself, adds nothing).
            alive: live mask over all rows, now.
            adopted: adopter mask over all rows, now.

        """
        size = len(self._indptr) - 1
        ends = np.repeat(np.arange(size, dtype=np.int64), np.diff(self._indptr))
        self._indptr, self._indices = adjacency(
            np.concatenate([ends, src]), np.concatenate([self._indices.astype(np.int64), dst]),
            size)
        self._adjacency = None
        self._count(alive, adopted)

    @property
    def adjacency(self) -> sp.csr_matrix:
        """The adjacency as a scipy CSR matrix of int32 ones (built on first use: runs don't)."""
        if self._adjacency is None:
            size = len(self._indptr) - 1
            self._adjacency = sp.csr_matrix(
                (np.ones(len(self._indices), np.int32), self._indices,
                 self._indptr.astype(np.int32)), shape=(size, size))
        return self._adjacency

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


#: Where a row's counts sit in the int64 that :func:`_update` and :func:`_share` read them as.
LIVE_SHIFT, ADOPTERS_SHIFT = (0, 32) if sys.byteorder == "little" else (32, 0)


@kernel
def _update(indptr, indices, state, counts, alive, adopted):
    size = len(alive)
    changed = np.empty(size, np.bool_)
    for i in rows(size):
        changed[i] = (alive[i] != state[0, i]) | ((alive[i] & adopted[i]) != state[1, i])
    # Only a few dozen firms adopt, leave or enter in a quarter: the matrix is symmetric, so a
    # changed firm's row lists the neighbours whose counts move (integers: a full recount's).
    moved = nonzero(changed, size)
    k = len(moved)
    start, stop, delta = np.empty((3, k), np.int64)
    # The rows' bounds and changes first, each firm's independent of the others': out of
    # cache, their loads overlap, instead of each row's links waiting for its bounds.
    for j in rows(k):
        c = moved[j]
        start[j] = indptr[c]
        stop[j] = indptr[c + 1]
        # A neighbour's two counts move as one int64 (its halves never carry: counts stay
        # between 0 and the row's links while they change).
        delta[j] = (((alive[c] * 1 - state[0, c]) << LIVE_SHIFT)
                    + (((alive[c] & adopted[c]) * 1 - state[1, c]) << ADOPTERS_SHIFT))
        state[0, c] = alive[c]
        state[1, c] = alive[c] & adopted[c]
    pairs = counts.view(np.int64).reshape(-1)
    for j in range(k):
        for e in range(start[j], stop[j]):
            pairs[indices[e]] += delta[j]


@kernel
def _first_counts(indptr, indices, state, counts, alive, adopted):
    """:func:`_update` from all-zero counts: the same integers, gathered rather than scattered.

    At the start every live firm has changed, so the update would scatter each one to all its
    neighbours; the matrix is symmetric, so each row can instead sum its own neighbours' state
    in one sequential pass. Loops over links: called only with kernels compiled.
    """
    size = len(alive)
    for i in range(size):
        state[0, i] = alive[i]
        state[1, i] = alive[i] & adopted[i]
    for i in range(size):
        live, adopters = 0, 0
        for j in range(indptr[i], indptr[i + 1]):
            live += state[0, indices[j]]
            adopters += state[1, indices[j]]
        counts[i, 0] = live
        counts[i, 1] = adopters


@kernel
def _share(counts, n, share):
    # A row's two counts read as one int64: LLVM vectorises loads of whole words, not of the
    # interleaved columns of ``counts``. Which half holds which count depends on the CPU's
    # byte order (live neighbours are the low half on a little-endian one).
    pairs = counts.view(np.int64).reshape(-1)
    for i in rows(n):
        live = (pairs[i] >> LIVE_SHIFT) & 0xFFFFFFFF
        adopters = (pairs[i] >> ADOPTERS_SHIFT) & 0xFFFFFFFF
        share[i] = divide_where(adopters, live, live > 0)
