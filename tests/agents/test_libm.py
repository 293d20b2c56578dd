"""exp, expm1, log and power are the C library's, in plain numpy and in compiled kernels alike.

numpy's own loops for these functions depend on the CPU (SVML on machines with AVX-512), so a
model that used them gave a seed other numbers on another machine.
"""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from agents import exact, jit, libm
from agents.jit import kernel, rows

ROOT = Path(__file__).resolve().parents[2]


def _values(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.normal(0.0, 4.0, 3000), rng.uniform(-700.0, 700.0, 1000),
                           [0.0, -0.0, 1e-300, -1e-300, 709.0, -745.0]])


def _c(name: str, *args: np.ndarray) -> np.ndarray:
    return np.array(list(map(libm.C_FUNCTIONS[name], *(a.tolist() for a in args))))


def test_plain_forms_give_the_c_librarys_bits_element_by_element():
    x = _values()
    positive = np.abs(x) + 1e-9
    np.testing.assert_array_equal(exact.exp(x), _c("exp", x))
    np.testing.assert_array_equal(exact.expm1(x), _c("expm1", x))
    np.testing.assert_array_equal(exact.log(positive), _c("log", positive))
    exponent = np.resize([-0.625, 0.37, 2.5, -3.0], len(positive))
    np.testing.assert_array_equal(exact.power(positive, exponent),
                                  _c("pow", positive, exponent))
    np.testing.assert_array_equal(exact.power_of_array(positive, -0.625),
                                  _c("pow", positive, np.full(len(positive), -0.625)))


def test_overflow_and_domain_edges_give_c_values_not_exceptions():
    assert exact.exp(1000.0) == np.inf and exact.expm1(np.array([800.0]))[0] == np.inf
    np.testing.assert_array_equal(exact.log(np.array([0.0, np.inf])), [-np.inf, np.inf])
    assert np.isnan(exact.log(-1.0)) and np.isnan(exact.power(-2.0, 0.5))
    assert exact.power(np.array([0.0]), -1.0)[0] == np.inf


def test_a_scalar_gives_a_numpy_float_and_an_array_keeps_its_shape():
    assert type(exact.exp(0.5)) is np.float64 and type(exact.exp(np.float64(0.5))) is np.float64
    assert exact.power(np.ones((2, 3)), np.array([1.0, 2.0, 3.0])).shape == (2, 3)


@kernel
def _transcendentals(x, positive, out, n):
    exact.exp_into(x, out[0], n)
    exact.expm1_into(x, out[1], n)
    for i in rows(n):
        out[2, i] = exact.log(positive[i])
        out[3, i] = exact.exp(x[i]) + exact.power(positive[i], -0.625)
    out[4, :n] = exact.power_of_array(positive[:n], 0.37)


@pytest.mark.skipif(not jit.enabled(), reason="kernels run as numpy (SERVISIM_JIT=0)")
def test_compiled_kernels_give_the_c_librarys_bits():
    x = _values(1)
    positive = np.abs(x) + 1e-9
    n = len(x)
    out = np.empty((5, n))
    _transcendentals(x, positive, out, n)
    np.testing.assert_array_equal(out[0], _c("exp", x))
    np.testing.assert_array_equal(out[1], _c("expm1", x))
    np.testing.assert_array_equal(out[2], _c("log", positive))
    np.testing.assert_array_equal(
        out[3], _c("exp", x) + _c("pow", positive, np.full(n, -0.625)))
    np.testing.assert_array_equal(out[4], _c("pow", positive, np.full(n, 0.37)))


_RUN = """
import json, sys
import numpy as np
if sys.argv[1] == "other":  # a numpy whose loops round these functions otherwise
    for name in ("exp", "expm1", "log", "log1p", "power"):
        real = getattr(np, name)
        setattr(np, name, lambda *a, _f=real, **k: np.nextafter(_f(*a, **k), np.inf))
from model import ServitizationModel
model = ServitizationModel(rng=3, headless=True, population_scale=0.05)
model.run()
print(json.dumps(model.trajectory().drop(columns="quarter").to_numpy().tolist()))
"""


def test_a_numpy_with_other_transcendental_loops_gives_the_same_run():
    def run(which: str) -> list:
        env = {**os.environ, "SERVISIM_JIT": "0"}  # every kernel body as numpy
        done = subprocess.run([sys.executable, "-c", _RUN, which], cwd=ROOT, env=env,
                              capture_output=True, text=True, check=True)
        return json.loads(done.stdout)

    assert run("other") == run("numpy")


_BROKEN = """
import warnings
from agents import jit, libm_llvm
def refuse():
    raise RuntimeError("no LLVM here")
libm_llvm.loop_addresses = refuse
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    print(jit.enabled(), [str(w.message) for w in caught])
"""


def test_kernels_run_as_numpy_with_a_warning_when_the_c_loops_cannot_be_built():
    env = {k: v for k, v in os.environ.items() if k != "SERVISIM_JIT"}  # kernels asked for
    done = subprocess.run([sys.executable, "-c", _BROKEN], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    assert done.stdout.startswith("False ")
    assert "servisim runs without compiled kernels: no LLVM here" in done.stdout


def test_compiled_loops_call_the_c_librarys_core_where_it_exports_one():
    for name in ("exp", "log", "pow"):
        core = libm._core(name)
        expected = libm.address(name) if core is None else ctypes.cast(core, ctypes.c_void_p).value
        assert libm.core_address(name) == expected


def test_a_core_that_gives_other_bits_than_its_public_function_is_not_called(monkeypatch):
    # expm1 posing as exp's core: it gives other values, so loops keep the public exp.
    expm1 = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)(libm.address("expm1"))
    monkeypatch.setattr(libm, "_core", lambda name: expm1)
    assert libm.core_address("exp") == libm.address("exp")


def test_a_c_library_without_cores_gives_the_public_functions(monkeypatch):
    monkeypatch.setattr(libm, "_core", lambda name: None)
    assert [libm.core_address(n) for n in ("exp", "log", "pow")] == [
        libm.address(n) for n in ("exp", "log", "pow")]


@kernel
def _one_by_one(x, positive, out):
    # A call per element outside a vectorisable loop: the element functions' scalar forms.
    for i in range(len(x)):
        if x[i] < 3.0 or x[i] > 3.0:
            out[0, i] = exact.exp(x[i])
            out[1, i] = exact.expm1(x[i])
            out[2, i] = exact.log(positive[i])
            out[3, i] = exact.power(positive[i], x[i])


def test_single_value_calls_give_the_c_librarys_bits_at_the_edges():
    # Compiled, the element functions' scalar forms; with SERVISIM_JIT=0, the plain forms.
    x = np.array([0.0, -0.0, 1e-310, 709.78, 709.79, -745.1, -746.0, 1000.0, -np.inf, np.inf,
                  np.nan, 0.5, -2.5])
    positive = np.array([1.0, 0.0, 1e-310, 1e300, 2.0, 0.5, 1e-5, 3.0, 7.0, np.inf, 2.0, -1.0,
                         np.nan])
    out = np.full((4, len(x)), -7.0)
    _one_by_one(x, positive, out)
    np.testing.assert_array_equal(out[0, :10], _c("exp", x[:10]))
    np.testing.assert_array_equal(out[1, :10], _c("expm1", x[:10]))
    np.testing.assert_array_equal(out[2, :10], _c("log", positive[:10]))
    np.testing.assert_array_equal(out[3, :10], _c("pow", positive[:10], x[:10]))
    np.testing.assert_array_equal(out[:, 10], -7.0)  # NaN compares false: not computed
    np.testing.assert_array_equal(out[0, 11:], _c("exp", x[11:]))
    assert np.isnan(out[2, 11]) and np.isnan(out[3, 12])
