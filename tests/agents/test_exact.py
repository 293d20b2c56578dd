"""agents.exact: what compiled kernels compute is numpy's result, to the last bit."""

import numpy as np

from agents.exact import quantile
from agents.jit import kernel


@kernel
def _quantile(x, q):
    return quantile(x, q)


def test_quantile_is_numpys_at_every_rank_ties_included():
    rng = np.random.default_rng(0)
    for trial in range(600):
        n = int(rng.integers(1, 40)) if trial % 2 else int(rng.integers(1, 3000))
        x = rng.lognormal(0.0, 1.0, n)
        if trial % 3 == 0:
            x = np.round(x, 1)  # ties
        q = (0.0, 1.0, 0.5, 1e-12, 1 - 1e-12, float(rng.random()))[trial % 6]
        assert _quantile(x, q) == np.quantile(x, q)
