"""agents.brent visits the points scipy's brentq visits and returns its root, to the last bit."""

import numpy as np
import pytest
from scipy.optimize import brentq as scipy_brentq

from agents import brent, libm
from agents.exact import exp
from agents.jit import kernel, rule


def _functions():
    rng = np.random.default_rng(3)
    shapes = [
        lambda x, a, b: a * np.tanh(b * (x - 1.3)) + 0.01 * (x - 1.3) ** 3,
        lambda x, a, b: np.exp(b * (x - a)) - 1.0,
        lambda x, a, b: np.floor((x - a) * 7) / 7.0 + 1e-9,  # flat steps: bisections
        lambda x, a, b: 0.0 if abs(x - a) < b else x - a,  # an exact zero
        lambda x, a, b: (x - a) * (x - a - 1) * (x + 3),
    ]
    for k in range(150):
        a, b = rng.uniform(-4, 4), rng.uniform(0.1, 3)
        # The last bracket may hold no sign change (scipy raises).
        bracket = [(-20.0, 40.0), (-20.0, 20.0), (a, 10.0), (1.0, 2.0)][k % 4]
        options = {"xtol": [1e-10, 2e-12, 1e-3][k % 3], "rtol": [brent.RTOL, 1e-6][k % 2],
                   "maxiter": [100, 4][k % 5 == 0]}
        yield shapes[k % len(shapes)], (a, b), bracket, options


def _scipy(f, args, bracket, options):
    points = []

    def recorded(x):
        points.append(x)
        return float(f(x, *args))

    try:
        return scipy_brentq(recorded, *bracket, **options), None, points
    except (ValueError, RuntimeError) as err:
        return None, str(err), points


def test_the_port_follows_scipy_point_by_point():
    for f, args, bracket, options in _functions():
        expected = _scipy(f, args, bracket, options)
        points = []

        def recorded(x, *a, f=f, points=points):
            points.append(x)
            return float(f(x, *a))

        root, outcome = brent.brentq(recorded, *bracket, options["xtol"], options["rtol"],
                                     options["maxiter"], args)
        try:
            brent.raise_for(outcome, root, options["maxiter"])
            found = (root, None, points)
        except (ValueError, RuntimeError) as err:
            found = (None, str(err), points)
        assert found == expected


def test_a_nan_stops_the_search_as_in_scipy():
    def f(x):
        return np.nan if x > 0.5 else x - 0.7

    with pytest.raises(ValueError, match="NaN") as expected:
        scipy_brentq(f, 0.0, 1.0)
    root, outcome = brent.brentq(lambda x: f(x), 0.0, 1.0, 2e-12, brent.RTOL, 100, ())
    with pytest.raises(ValueError, match="NaN") as found:
        brent.raise_for(outcome, root)
    assert str(found.value) == str(expected.value)


@rule
def _logistic(x, centre, points, count):
    points[count[0]] = x
    count[0] += 1
    return 1.0 / (1.0 + exp(-(x - centre) * 3.0)) - 0.25


@kernel
def _search(centre, points, count):
    return brent.brentq(_logistic, -20.0, 40.0, 1e-10, brent.RTOL, brent.MAXITER,
                        (centre, points, count))


def test_a_kernel_runs_the_same_search():
    for centre in np.linspace(-5.0, 5.0, 7):
        points, count = np.zeros(200), np.zeros(1, np.int64)
        root, outcome = _search(centre, points, count)
        seen = []

        def f(x, centre=centre, seen=seen):
            seen.append(x)
            # The C library's exp, as the kernel's: numpy's differs with AVX-512.
            return 1.0 / (1.0 + libm.exp(-(x - centre) * 3.0)) - 0.25

        assert outcome == brent.CONVERGED
        assert root == scipy_brentq(f, -20.0, 40.0, xtol=1e-10)
        assert list(points[:count[0]]) == seen
