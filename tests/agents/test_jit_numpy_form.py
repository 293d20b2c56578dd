"""agents.jit.numpy_form: a kernel's body as plain numpy, before and after its first call."""

import numpy as np

from agents import jit
from model import ladder


def test_numpy_form_is_the_kernels_body_before_and_after_its_module_binds_it():
    kernel = ladder._advance
    # Once called, the module holds numba's dispatcher, or with SERVISIM_JIT=0 the body itself.
    body = kernel.fn if isinstance(kernel, jit.Kernel) else getattr(kernel, "py_func", kernel)
    assert jit.numpy_form(kernel) is body
    codes, flags = np.zeros((16, 4), np.int32), np.zeros((8, 4), bool)
    ladder._advance(codes, flags, 0, 4)  # the first call may bind the compiled function
    assert jit.numpy_form(ladder._advance) is body
