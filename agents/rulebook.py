"""The rules compiled kernels may call, and whether kernels run compiled.

Its own module so that :mod:`agents.exact` (numpy's arithmetic for kernels) can mark its
helpers as rules without importing :mod:`agents.jit`, which installs them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RULES: list[Callable] = []
#: ``enabled``: None until the first kernel call decides, then whether kernels are compiled.
STATE: dict[str, Any] = {"enabled": None}


def rule(fn: Callable) -> Callable:
    """Mark a numpy-style function as callable from kernels (it stays a plain function)."""
    RULES.append(fn)
    if STATE["enabled"]:  # installed already: register this late one too
        from numba.extending import register_jitable

        register_jitable(error_model="numpy", forceinline=True)(fn)
    return fn
