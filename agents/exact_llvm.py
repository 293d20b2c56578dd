"""The LLVM side of ``agents.exact``: calls to numpy's inner loops from compiled code.

A numpy inner loop has the C signature ``void loop(char **args, npy_intp const *dimensions,
npy_intp const *steps, void *data)``. These intrinsics build its arguments on the stack and
call it by the symbol name ``agents.exact`` registered, for one value or for ``n`` contiguous
float64 values. Imported only when numba is.
"""

from __future__ import annotations

from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

_I8P = ir.IntType(8).as_pointer()


def _call(context, builder, symbol: str, pointers: list, n, strides: list) -> None:
    """Call ``symbol(args, &n, steps, NULL)`` with the given data pointers and strides."""
    intp = context.get_value_type(types.intp)
    argv = cgutils.alloca_once(builder, _I8P, size=len(pointers))
    for k, ptr in enumerate(pointers):
        builder.store(builder.bitcast(ptr, _I8P) if ptr.type.is_pointer
                      else builder.inttoptr(ptr, _I8P), cgutils.gep(builder, argv, k))
    dims = cgutils.alloca_once_value(builder, n)
    steps = cgutils.alloca_once(builder, intp, size=len(strides))
    for k, stride in enumerate(strides):
        value = ir.Constant(intp, stride) if isinstance(stride, int) else stride
        builder.store(value, cgutils.gep(builder, steps, k))
    fnty = ir.FunctionType(ir.VoidType(), [_I8P.as_pointer(), intp.as_pointer(),
                                           intp.as_pointer(), _I8P])
    fn = cgutils.get_or_insert_function(builder.module, fnty, symbol)
    builder.call(fn, [argv, dims, steps, ir.Constant(_I8P, None)])


def unary_loop(symbol: str):
    """Intrinsics for a float64 -> float64 loop: ``(scalar(x), vector(src, dst, n))``."""

    @intrinsic
    def scalar(typingctx, x):
        def codegen(context, builder, signature, args):
            intp = context.get_value_type(types.intp)
            src = cgutils.alloca_once_value(builder, args[0])
            dst = cgutils.alloca_once(builder, ir.DoubleType())
            _call(context, builder, symbol, [src, dst], ir.Constant(intp, 1), [8, 8])
            return builder.load(dst)
        return types.float64(types.float64), codegen

    @intrinsic
    def vector(typingctx, src, dst, n):
        def codegen(context, builder, signature, args):
            _call(context, builder, symbol, [args[0], args[1]], args[2], [8, 8])
            return context.get_dummy_value()
        return types.void(types.intp, types.intp, types.intp), codegen

    return scalar, vector


def binary_loop(symbol: str):
    """Intrinsics for a (float64, float64) -> float64 loop of numpy.

    Returns ``(scalar(x, y), vector(a, b, dst, n, a_stride, b_stride))``, strides in bytes:
    8, or 0 to broadcast.
    """

    @intrinsic
    def scalar(typingctx, x, y):
        def codegen(context, builder, signature, args):
            intp = context.get_value_type(types.intp)
            a = cgutils.alloca_once_value(builder, args[0])
            b = cgutils.alloca_once_value(builder, args[1])
            dst = cgutils.alloca_once(builder, ir.DoubleType())
            _call(context, builder, symbol, [a, b, dst], ir.Constant(intp, 1), [8, 8, 8])
            return builder.load(dst)
        return types.float64(types.float64, types.float64), codegen

    @intrinsic
    def vector(typingctx, a, b, dst, n, a_stride, b_stride):
        def codegen(context, builder, signature, args):
            _call(context, builder, symbol, list(args[:3]), args[3], [args[4], args[5], 8])
            return context.get_dummy_value()
        return types.void(*([types.intp] * 6)), codegen

    return scalar, vector
