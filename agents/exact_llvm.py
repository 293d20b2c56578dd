"""The LLVM side of ``agents.exact``: calls to loops with numpy's inner-loop signature.

Such a loop has the C signature ``void loop(char **args, npy_intp const *dimensions,
npy_intp const *steps, void *data)`` (here ``agents.libm_llvm``'s, over the C library's
functions). These intrinsics build its arguments on the stack and call it by the symbol name
``agents.exact`` registered for ``n`` contiguous float64 values; for one value they call the C
function the loop calls, by its own bound name (a pure function with vector variants, so that
loops calling it still vectorise). Imported only when numba is.
"""

from __future__ import annotations

from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

_I8P = ir.IntType(8).as_pointer()
_F8 = ir.DoubleType()
_I64 = ir.IntType(64)
#: Lanes of the vector variants of a one-value call (AVX-512 loops use 8; 16 when unrolled).
_WIDTHS = (2, 4, 8, 16)


def _call(context, builder, symbol: str, pointers: list, n, strides: list) -> None:
    """Call ``symbol(args, &n, steps, NULL)`` with the given data pointers and strides."""
    intp = context.get_value_type(types.intp) if context is not None else _I64
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


class _Attributes(ir.values.FunctionAttributes):
    """Function attributes, those llvmlite does not list too (``memory(none)``, strings)."""

    def add(self, name: str) -> None:
        set.add(self, name)


def _lanes_body(fn: ir.Function, c_symbol: str, lanes: int) -> None:
    """``fn``'s body: the C function ``c_symbol`` on each of its arguments' ``lanes`` values.

    Lane by lane, as the loop over a whole array calls it element by element: the same bits,
    without the loop's set-up around each call (about 4 ns of a scalar ``exp``'s 6).
    """
    builder = ir.IRBuilder(fn.append_basic_block("entry"))
    arity = len(fn.args)
    c_function = cgutils.get_or_insert_function(
        builder.module, ir.FunctionType(_F8, [_F8] * arity), c_symbol)
    if lanes == 1:
        builder.ret(builder.call(c_function, list(fn.args)))
        return
    result = ir.Constant(fn.function_type.return_type, None)
    for k in range(lanes):
        lane = ir.Constant(ir.IntType(32), k)
        value = builder.call(c_function, [builder.extract_element(a, lane) for a in fn.args])
        result = builder.insert_element(result, value, lane)
    builder.ret(result)


def _element_function(module: ir.Module, c_symbol: str, arity: int) -> ir.Function:
    """A pure function: the C function ``c_symbol`` on one value of each of ``arity`` arguments.

    ``c_symbol`` is the function the array loop calls on each element. ``memory(none)`` lets
    LLVM hoist it out of loops and merge calls on the same values; its vector variants (the C
    function on each of 2 to 16 lanes, named by ``vector-function-abi-variant``) let a loop
    that calls it vectorise, one call per vector of rows. The variants are ``weak_odr`` so that
    the optimiser keeps them until the vectoriser has used them, and the function itself
    ``noinline`` so that the vectoriser still sees the call. Each lane is the C function's
    result, as each element of an array is through the loop: the same bits.
    """
    name = f"{c_symbol}_one"
    fn = module.globals.get(name)
    if fn is not None:
        return fn
    mappings = []
    for width in _WIDTHS:
        lanes = ir.VectorType(_F8, width)
        variant = ir.Function(module, ir.FunctionType(lanes, [lanes] * arity),
                              f"{c_symbol}_x{width}")
        variant.linkage = "weak_odr"
        _lanes_body(variant, c_symbol, width)
        mappings.append(f"_ZGV_LLVM_N{width}{'v' * arity}_{name}({variant.name})")
    fn = ir.Function(module, ir.FunctionType(_F8, [_F8] * arity), name)
    fn.linkage = "linkonce_odr"
    fn.attributes = _Attributes()
    for attribute in ("noinline", "nounwind", "willreturn", "memory(none)",
                      f'"vector-function-abi-variant"="{",".join(mappings)}"'):
        fn.attributes.add(attribute)
    _lanes_body(fn, c_symbol, 1)
    return fn


def unary_loop(symbol: str, c_symbol: str):
    """Intrinsics for a float64 -> float64 loop: ``(scalar(x), vector(src, dst, n))``.

    ``symbol``: the loop's name; ``c_symbol``: the name of the C function it calls.
    """

    @intrinsic
    def scalar(typingctx, x):
        def codegen(context, builder, signature, args):
            return builder.call(_element_function(builder.module, c_symbol, 1), args)
        return types.float64(types.float64), codegen

    @intrinsic
    def vector(typingctx, src, dst, n):
        def codegen(context, builder, signature, args):
            _call(context, builder, symbol, [args[0], args[1]], args[2], [8, 8])
            return context.get_dummy_value()
        return types.void(types.intp, types.intp, types.intp), codegen

    return scalar, vector


def binary_loop(symbol: str, c_symbol: str):
    """Intrinsics for a (float64, float64) -> float64 loop (numpy's inner-loop signature).

    ``symbol``: the loop's name; ``c_symbol``: the name of the C function it calls.

    Returns ``(scalar(x, y), vector(a, b, dst, n, a_stride, b_stride))``, strides in bytes:
    8, or 0 to broadcast.
    """

    @intrinsic
    def scalar(typingctx, x, y):
        def codegen(context, builder, signature, args):
            return builder.call(_element_function(builder.module, c_symbol, 2), args)
        return types.float64(types.float64, types.float64), codegen

    @intrinsic
    def vector(typingctx, a, b, dst, n, a_stride, b_stride):
        def codegen(context, builder, signature, args):
            _call(context, builder, symbol, list(args[:3]), args[3], [args[4], args[5], 8])
            return context.get_dummy_value()
        return types.void(*([types.intp] * 6)), codegen

    return scalar, vector
