"""agents.chance.happens: the kept rows' decisions are those of expm1 over every row."""

import numpy as np

from agents.chance import below_bound, happens
from agents.exact import nonzero
from agents.jit import kernel, rows
from agents.libm import expm1


@kernel
def _happens(minus_x, draw, eligible, n):
    maybe = np.zeros(n, np.bool_)
    for i in rows(n):
        maybe[i] = below_bound(minus_x[i], draw[i], eligible[i])
    close = nonzero(maybe, n)
    k = len(close)
    argument = np.empty(k)
    for j in rows(k):
        argument[j] = minus_x[close[j]]
    return close, happens(argument, draw, close, k)


_HAPPENS_NUMPY = _happens.fn  # the body as plain numpy (the name may become the compiled one)


def test_happens_decides_the_kept_rows_as_expm1_over_every_row():
    rng = np.random.default_rng(1)
    for trial in range(200):
        size = int(rng.integers(0, 3000))
        minus_x = -rng.exponential(10.0 ** rng.uniform(-6, 1), size)
        draw = rng.random(size)
        if trial % 2:  # draws right at the probability
            draw = np.where(rng.random(size) < 0.5, -expm1(minus_x), draw)
        eligible = rng.random(size) < 0.9
        expected = eligible & (draw < -expm1(minus_x))
        for close, hit in (_happens(minus_x, draw, eligible, size),
                           _HAPPENS_NUMPY(minus_x, draw, eligible, size)):
            assert hit.dtype == np.bool_ and len(hit) == len(close)
            np.testing.assert_array_equal(close[hit], np.flatnonzero(expected))
