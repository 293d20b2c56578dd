"""agents.uniforms: ``rng.random(n)``'s values and the generator's state, to the last bit."""

import threading

import numpy as np
import pytest

from agents import jit, rulebook
from agents import uniforms as module
from agents.uniforms import uniforms

SIZES = (0, 1, 3, 31, 32, 33, 63, 64, 65, 195, 2435, 9740)  # 32 lanes


class _PCG64Subclass(np.random.PCG64):
    """PCG64 by inheritance only: the fast path must not assume a subclass keeps its layout."""


def _pair(bit_generator, seed):
    return np.random.Generator(bit_generator(seed)), np.random.Generator(bit_generator(seed))


def _assert_same(ours, numpys, n):
    got, expected = uniforms(ours, n), numpys.random(n)
    assert type(got) is np.ndarray and got.dtype == np.float64 and got.shape == (n,)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_equal(ours.bit_generator.state, numpys.bit_generator.state)


@pytest.fixture
def no_fast_fill(monkeypatch):
    """Fail any call of the compiled fill (the fast path, decided or not, is one that raises)."""
    def refuse(*args):
        raise AssertionError("the compiled fill was called")

    monkeypatch.setattr(module, "_FILL", refuse)


def test_uniforms_are_numpys_values_and_state_for_many_seeds_and_sizes():
    for seed in (0, 1, 42, 2**32 + 5, 2**100 + 3):
        ours, numpys = _pair(np.random.PCG64, seed)
        for n in SIZES:
            _assert_same(ours, numpys, n)


def test_uniforms_continue_numpys_stream_across_calls_interleaved_with_other_draws():
    ours, numpys = _pair(np.random.PCG64, 2024)
    sizes = np.random.default_rng(1).integers(0, 40, 200)
    for k, n in enumerate(sizes):
        _assert_same(ours, numpys, int(n))
        if k % 3 == 0:  # numpy's own draws in between: a 32-bit one leaves a half word kept
            np.testing.assert_array_equal(ours.standard_normal(3), numpys.standard_normal(3))
            assert ours.integers(0, 10, 5, dtype=np.int32).tolist() == numpys.integers(
                0, 10, 5, dtype=np.int32).tolist()
            assert ours.random() == numpys.random()
            np.testing.assert_array_equal(ours.poisson(3.0, 4), numpys.poisson(3.0, 4))


def test_uniforms_take_numpy_integer_sizes():
    ours, numpys = _pair(np.random.PCG64, 9)
    for n in (np.int64(13), np.int32(5), np.intp(0)):
        _assert_same(ours, numpys, n)


def test_uniforms_of_a_negative_size_raise_as_numpy():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError):
        uniforms(rng, -1)


@pytest.mark.parametrize("bit_generator", [np.random.PCG64DXSM, np.random.Philox,
                                           np.random.MT19937, np.random.SFC64, _PCG64Subclass])
def test_other_bit_generators_take_numpys_draw(bit_generator, no_fast_fill):
    ours, numpys = _pair(bit_generator, 77)
    for n in (0, 1, 5, 195):
        _assert_same(ours, numpys, n)


def test_a_generator_subclass_and_a_random_state_take_their_own_draw(no_fast_fill):
    class Halved(np.random.Generator):
        def random(self, size=None):
            return super().random(size) / 2

    halved, numpys = Halved(np.random.PCG64(4)), np.random.default_rng(4)
    np.testing.assert_array_equal(uniforms(halved, 50), numpys.random(50) / 2)
    legacy = np.random.RandomState(np.random.PCG64(4))
    np.testing.assert_array_equal(uniforms(legacy, 50),
                                  np.random.RandomState(np.random.PCG64(4)).random(50))


def test_uniforms_without_compiled_kernels_are_numpys_draw(monkeypatch, no_fast_fill):
    monkeypatch.setitem(rulebook.STATE, "enabled", False)  # as with SERVISIM_JIT=0
    monkeypatch.setattr(module, "_FILL", None)  # decided again, now without kernels
    ours, numpys = _pair(np.random.PCG64, 5)
    for n in (0, 3, 9740):
        _assert_same(ours, numpys, n)
    assert module._FILL is False


def test_fast_path_is_taken_when_kernels_are_compiled():
    if not jit.enabled():
        pytest.skip("kernels are not compiled (SERVISIM_JIT=0)")
    uniforms(np.random.default_rng(0), 3)
    assert callable(module._FILL)


def test_a_fill_that_draws_other_values_fails_the_check():
    if not jit.enabled():
        pytest.skip("kernels are not compiled (SERVISIM_JIT=0)")
    from agents import uniforms_llvm

    right = jit.Kernel(uniforms_llvm.fill)._compile()
    assert module._check(right)
    assert not module._check(lambda address, n: right(address, n) * 0.5)
    assert not module._check(lambda address, n: right(address, n + 1)[:n])


def test_uniforms_wait_for_the_bit_generators_lock():
    ours, numpys = _pair(np.random.PCG64, 3)
    drawn = []
    lock = ours.bit_generator.lock
    with lock:  # another thread drawing: uniforms must wait for it, as numpy's draws do
        worker = threading.Thread(target=lambda: drawn.append(uniforms(ours, 100)))
        worker.start()
        worker.join(0.2)
        assert worker.is_alive() and not drawn
    worker.join()
    np.testing.assert_array_equal(drawn[0], numpys.random(100))


def test_a_fill_that_fails_to_build_leaves_numpys_draw_with_a_warning(monkeypatch):
    if not jit.enabled():
        pytest.skip("kernels are not compiled (SERVISIM_JIT=0)")

    def broken(fill):
        raise RuntimeError("no LLVM today")

    monkeypatch.setattr(module, "_FILL", None)
    monkeypatch.setattr(module, "_check", broken)
    ours, numpys = _pair(np.random.PCG64, 8)
    with pytest.warns(RuntimeWarning, match="no LLVM today"):
        _assert_same(ours, numpys, 40)
    assert module._FILL is False
