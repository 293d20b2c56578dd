"""agents.jit: arrays a kernel makes come back as numpy's, without a call into Python."""

import numpy as np

from agents.jit import enabled, kernel, rows


def _fresh_arrays(x, n):
    doubled = np.zeros(n)
    counts = np.zeros((2, n), np.int64)
    positive = np.zeros(n, np.bool_)
    for i in rows(n):
        doubled[i] = 2.0 * x[i]
        counts[1, i] = 3
        positive[i] = x[i] > 0
    return doubled, counts, positive, x[:n]


_fresh_arrays_kernel = kernel(_fresh_arrays)  # another name: _fresh_arrays stays numpy's


@kernel
def _one_fresh_array(n):
    out = np.zeros(n)
    for i in rows(n):
        out[i] = 1.5
    return out


def test_kernel_returns_the_arrays_numpy_makes():
    x = np.linspace(-1.0, 2.0, 11)
    got = _fresh_arrays_kernel(x, 7)
    expected = _fresh_arrays(x, 7)
    for a, b in zip(got, expected, strict=True):
        assert type(a) is np.ndarray
        assert a.dtype == b.dtype and a.shape == b.shape and a.flags.writeable
        np.testing.assert_array_equal(a, b)
    got[0][0] = 5.0  # a fresh array owns its memory: writing it changes no input
    assert x[0] == -1.0


def test_compiled_kernel_returns_an_array_without_unpickling_its_type():
    if not enabled():
        return
    from numba.core import serialize

    before = dict(serialize._unpickled_memo)  # numba's boxing adds its pickled type here
    for n in (0, 3, 100):
        np.testing.assert_array_equal(_one_fresh_array(n), np.full(n, 1.5))
    assert serialize._unpickled_memo == before
