"""The fast PAWN distances that serve the bootstrap are SALib's, to the last bit."""

from __future__ import annotations

import numpy as np
import pytest
from SALib.analyze import pawn

from experiments.analysis.pawn import pawn_indices, pawn_slices, slice_distances


def _salib(x: np.ndarray, y: np.ndarray, slices: int) -> dict[str, np.ndarray]:
    problem = {"num_vars": x.shape[1], "names": [f"p{j}" for j in range(x.shape[1])],
               "bounds": [[0.0, 1.0]] * x.shape[1]}
    return pawn.analyze(problem, x, y, S=slices, seed=3)


def _sample(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(n, 4))
    x[:, 3] = rng.integers(0, 20, n) / 19  # a parameter with ties
    y = np.sin(6 * x[:, 0]) + 0.3 * x[:, 1] + 0.05 * rng.normal(size=n)
    y[: n // 5] = np.round(y[: n // 5], 1)  # outcomes with ties
    return x, y


@pytest.mark.parametrize(("n", "slices", "seed"), [(600, 10, 1), (97, 5, 2), (45, 3, 3),
                                                   (4096, 10, 4), (30, 2, 5), (120, 8, 6)])
def test_slice_distances_give_salibs_median_minimum_and_maximum_exactly(n, slices, seed):
    x, y = _sample(n, seed)
    distances = slice_distances(x, y, slices)
    salib = _salib(x, y, slices)
    assert np.array_equal(np.nanmedian(distances, axis=0), salib["median"])
    assert np.array_equal(np.nanmin(distances, axis=0), salib["minimum"])
    assert np.array_equal(np.nanmax(distances, axis=0), salib["maximum"])


def test_slice_distances_match_salib_on_a_bootstrap_resample_with_repeated_points():
    x, y = _sample(500, 7)
    idx = np.random.default_rng(8).integers(0, 500, 500)
    distances = slice_distances(x[idx], y[idx], 10)
    assert np.array_equal(np.nanmedian(distances, axis=0), _salib(x[idx], y[idx], 10)["median"])


def test_an_empty_slice_is_left_out_as_salib_leaves_it():
    # four levels cut at deciles: most slices are empty, as in SALib
    x = np.repeat([0.0, 1.0, 2.0, 3.0], 25)[:, None]
    y = np.arange(100.0)
    distances = slice_distances(x, y, 10)
    assert np.isnan(distances).any() and not np.isnan(distances).all()
    assert np.array_equal(np.nanmedian(distances, axis=0), _salib(x, y, 10)["median"])


@pytest.mark.parametrize("n", [90, 100, 104, 135, 149])
def test_pawn_indices_work_where_salib_cannot_cut_six_or_nine_slices(n):
    rng = np.random.default_rng(n)
    x = rng.uniform(size=(n, 2))
    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0.0, 1.0]] * 2}
    table = pawn_indices(problem, x, x[:, 0] + 0.1 * x[:, 1], seed=1)
    assert table["slices"].iloc[0] == pawn_slices(n) and pawn_slices(n) in (5, 8)
    assert table.set_index("parameter").loc["a", "pawn"] > table["pawn_dummy"].iloc[0]
