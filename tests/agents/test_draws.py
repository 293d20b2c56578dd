"""agents.draws: a kernel's draws are numpy's values and leave numpy's stream, compiled or not."""

import numpy as np
import pytest

from agents import draws, jit
from agents.draws import normal_draws, permutation, source_of, uniform_draws

SIZES = (0, 1, 2, 7, 195, 2435)
BIT_GENERATORS = (np.random.PCG64, np.random.MT19937, np.random.Philox, np.random.SFC64)


@jit.kernel
def _draw_in_turn(sizes, source):
    """Uniforms then normals for each size, in one compiled call, as a quarter's kernel would."""
    total = 0
    for k in range(len(sizes)):
        total += sizes[k]
    out = np.empty(2 * total)
    at = 0
    for k in range(len(sizes)):
        out[at:at + sizes[k]] = uniform_draws(source, sizes[k])
        at += sizes[k]
        out[at:at + sizes[k]] = normal_draws(source, sizes[k])
        at += sizes[k]
    return out


@jit.kernel
def _orders(sizes, source):
    """One permutation of each size after the other, in one compiled call."""
    total = 0
    for k in range(len(sizes)):
        total += sizes[k]
    out = np.empty(total, np.int64)
    at = 0
    for k in range(len(sizes)):
        out[at:at + sizes[k]] = permutation(source, sizes[k])
        at += sizes[k]
    return out


def _numpys(rng, sizes):
    return np.concatenate([np.concatenate([rng.random(k), rng.standard_normal(k)])
                           for k in sizes])


@pytest.mark.parametrize("bit_generator", BIT_GENERATORS)
@pytest.mark.parametrize("seed", [0, 12345])
def test_a_drawing_kernel_draws_numpys_uniforms_and_normals_and_leaves_its_stream(
        bit_generator, seed):
    ours, numpys = (np.random.Generator(bit_generator(seed)) for _ in range(2))
    assert jit.enabled() == (source_of(ours) is not None)  # compiled where kernels are
    got = jit.call_drawing(_draw_in_turn, ours, np.array(SIZES))
    np.testing.assert_array_equal(got, _numpys(numpys, SIZES))
    np.testing.assert_equal(ours.bit_generator.state, numpys.bit_generator.state)


def test_the_numpy_form_draws_from_the_generator_itself():
    ours, numpys = np.random.default_rng(7), np.random.default_rng(7)
    got = jit.numpy_form(_draw_in_turn)(list(SIZES), ours)
    np.testing.assert_array_equal(got, _numpys(numpys, SIZES))
    np.testing.assert_equal(ours.bit_generator.state, numpys.bit_generator.state)


def test_a_million_drawn_normals_are_numpys_tails_included():
    ours, numpys = np.random.default_rng(3), np.random.default_rng(3)
    got = jit.call_drawing(_draw_in_turn, ours, np.array([1_000_000]))[1_000_000:]
    numpys.random(1_000_000)  # the kernel draws its uniforms first
    expected = numpys.standard_normal(1_000_000)
    assert np.abs(got).max() > 4.5  # the ziggurat's tail was drawn
    np.testing.assert_array_equal(got, expected)


class _Subclass(np.random.Generator):
    """A Generator by inheritance only: it may draw otherwise, so kernels must not draw for it."""


def test_kernels_draw_only_for_a_numpy_generator_itself():
    assert source_of(_Subclass(np.random.PCG64(1))) is None
    assert source_of(np.random.RandomState(1)) is None


def test_without_compiled_kernels_there_is_no_source(monkeypatch):
    monkeypatch.setattr(draws, "_BOUND", [])
    assert source_of(np.random.default_rng(1)) is None


@pytest.mark.parametrize("bit_generator", BIT_GENERATORS)
def test_a_drawing_kernel_shuffles_as_numpys_permutation_and_leaves_its_stream(bit_generator):
    ours, numpys = (np.random.Generator(bit_generator(5)) for _ in range(2))
    got = jit.call_drawing(_orders, ours, np.array(SIZES))
    np.testing.assert_array_equal(got, np.concatenate([numpys.permutation(k) for k in SIZES]))
    np.testing.assert_equal(ours.bit_generator.state, numpys.bit_generator.state)


def test_the_numpy_form_shuffles_with_the_generator_itself():
    ours, numpys = np.random.default_rng(8), np.random.default_rng(8)
    got = jit.numpy_form(_orders)(list(SIZES), ours)
    np.testing.assert_array_equal(got, np.concatenate([numpys.permutation(k) for k in SIZES]))


def test_a_drawing_kernel_draws_the_same_for_a_generator_it_cannot_reach():
    ours, numpys = _Subclass(np.random.PCG64(9)), np.random.default_rng(9)
    got = jit.call_drawing(_orders, ours, np.array(SIZES))
    np.testing.assert_array_equal(got, np.concatenate([numpys.permutation(k) for k in SIZES]))
    np.testing.assert_equal(ours.bit_generator.state, numpys.bit_generator.state)
