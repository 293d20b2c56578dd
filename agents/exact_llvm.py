"""The LLVM side of ``agents.exact``: calls to numpy's inner loops, and numpy's sums.

A numpy inner loop has the C signature ``void loop(char **args, npy_intp const *dimensions,
npy_intp const *steps, void *data)``. These intrinsics build its arguments on the stack and
call it by the symbol name ``agents.exact`` registered, for one value (a pure function with
vector variants, so that loops calling it still vectorise) or for ``n`` contiguous float64
values. Imported only when numba is.
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


def _lanes_body(fn: ir.Function, symbol: str, lanes: int) -> None:
    """``fn``'s body: numpy's loop ``symbol`` on its arguments' ``lanes`` values, returned."""
    builder = ir.IRBuilder(fn.append_basic_block("entry"))
    slots = [cgutils.alloca_once_value(builder, arg) for arg in fn.args]
    out = cgutils.alloca_once(builder, fn.function_type.return_type)
    _call(None, builder, symbol, [*slots, out], ir.Constant(_I64, lanes), [8] * (len(slots) + 1))
    builder.ret(builder.load(out))


def _element_function(module: ir.Module, symbol: str, arity: int) -> ir.Function:
    """A pure function: numpy's loop ``symbol`` on one value of each of ``arity`` arguments.

    ``memory(none)`` lets LLVM hoist it out of loops and merge calls on the same values; its
    vector variants (the same loop on 2 to 16 lanes, named by ``vector-function-abi-variant``)
    let a loop that calls it vectorise, one call per vector of rows. The variants are
    ``weak_odr`` so that the optimiser keeps them until the vectoriser has used them, and the
    function itself ``noinline`` so that the vectoriser still sees the call. numpy computes
    each lane as it computes that element of a whole array, so results are the same bits.
    """
    name = f"{symbol}_one"
    fn = module.globals.get(name)
    if fn is not None:
        return fn
    mappings = []
    for width in _WIDTHS:
        lanes = ir.VectorType(_F8, width)
        variant = ir.Function(module, ir.FunctionType(lanes, [lanes] * arity),
                              f"{symbol}_x{width}")
        variant.linkage = "weak_odr"
        _lanes_body(variant, symbol, width)
        mappings.append(f"_ZGV_LLVM_N{width}{'v' * arity}_{name}({variant.name})")
    fn = ir.Function(module, ir.FunctionType(_F8, [_F8] * arity), name)
    fn.linkage = "linkonce_odr"
    fn.attributes = _Attributes()
    for attribute in ("noinline", "nounwind", "willreturn", "memory(none)",
                      f'"vector-function-abi-variant"="{",".join(mappings)}"'):
        fn.attributes.add(attribute)
    _lanes_body(fn, symbol, 1)
    return fn


def unary_loop(symbol: str):
    """Intrinsics for a float64 -> float64 loop: ``(scalar(x), vector(src, dst, n))``."""

    @intrinsic
    def scalar(typingctx, x):
        def codegen(context, builder, signature, args):
            return builder.call(_element_function(builder.module, symbol, 1), args)
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
            return builder.call(_element_function(builder.module, symbol, 2), args)
        return types.float64(types.float64, types.float64), codegen

    @intrinsic
    def vector(typingctx, a, b, dst, n, a_stride, b_stride):
        def codegen(context, builder, signature, args):
            _call(context, builder, symbol, list(args[:3]), args[3], [args[4], args[5], 8])
            return context.get_dummy_value()
        return types.void(*([types.intp] * 6)), codegen

    return scalar, vector


# --- numpy's pairwise sum, eight partial sums as one vector ------------------------------------
_V8 = ir.VectorType(_F8, 8)
_BLOCK = 128  # numpy's PW_BLOCKSIZE


def _function(module: ir.Module, name: str, fnty: ir.FunctionType, build) -> ir.Function:
    """The module's internal function ``name``, its body built by ``build(fn)`` on first use."""
    fn = module.globals.get(name)
    if fn is None:
        fn = ir.Function(module, fnty, name)
        fn.linkage = "internal"
        fn.attributes.add("nounwind")
        build(fn)
    return fn


def _loop(builder: ir.IRBuilder, start, stop, step: int, carried: list, body):
    """``for k in range(start, stop, step)``, with ``carried = body(k, carried)`` each time.

    Returns the index at which the loop stopped and the carried values after it.
    """
    before = builder.block
    head, loop, done = (builder.append_basic_block(name) for name in ("head", "body", "done"))
    builder.branch(head)
    builder.position_at_end(head)
    k = builder.phi(_I64)
    k.add_incoming(start, before)
    phis = []
    for value in carried:
        phis.append(builder.phi(value.type))
        phis[-1].add_incoming(value, before)
    builder.cbranch(builder.icmp_signed("<", k, stop), loop, done)
    builder.position_at_end(loop)
    after = body(k, phis)
    for phi, value in zip(phis, after, strict=True):
        phi.add_incoming(value, builder.block)
    k.add_incoming(builder.add(k, ir.Constant(_I64, step)), builder.block)
    builder.branch(head)
    builder.position_at_end(done)
    return k, phis


def _build_leaf(fn: ir.Function) -> None:
    """Sum at most 128 elements as numpy does: eight partial sums (one vector's lanes), the rest.

    The lanes add exactly as numpy's eight scalar accumulators do (no fast-math flags: LLVM
    may not reassociate), and are combined in numpy's order.
    """
    p, n = fn.args
    builder = ir.IRBuilder(fn.append_basic_block("entry"))
    small, wide = fn.append_basic_block("small"), fn.append_basic_block("wide")
    builder.cbranch(builder.icmp_signed("<", n, ir.Constant(_I64, 8)), small, wide)

    def one(k, carried):
        return [builder.fadd(carried[0], builder.load(builder.gep(p, [k]), align=8))]

    def eight(k, carried):
        x = builder.load(builder.bitcast(builder.gep(p, [k]), _V8.as_pointer()), align=8)
        return [builder.fadd(carried[0], x)]

    builder.position_at_end(small)  # fewer than 8: from 0.0, one element at a time
    _, (res,) = _loop(builder, ir.Constant(_I64, 0), n, 1, [ir.Constant(_F8, 0.0)], one)
    builder.ret(res)
    builder.position_at_end(wide)
    first = builder.load(builder.bitcast(p, _V8.as_pointer()), align=8)
    whole = builder.and_(n, ir.Constant(_I64, -8))  # n - n % 8 (n > 0)
    k, (r,) = _loop(builder, ir.Constant(_I64, 8), whole, 8, [first], eight)
    lane = [builder.extract_element(r, ir.Constant(ir.IntType(32), j)) for j in range(8)]
    res = builder.fadd(builder.fadd(builder.fadd(lane[0], lane[1]), builder.fadd(lane[2], lane[3])),
                       builder.fadd(builder.fadd(lane[4], lane[5]), builder.fadd(lane[6], lane[7])))
    _, (res,) = _loop(builder, k, n, 1, [res], one)
    builder.ret(res)


def _build_pairwise(fn: ir.Function) -> None:
    """Numpy's ``pairwise_sum``: blocks of 128, else the halves (the first a multiple of 8)."""
    p, n = fn.args
    builder = ir.IRBuilder(fn.append_basic_block("entry"))
    leaf_block, split = fn.append_basic_block("leaf"), fn.append_basic_block("split")
    builder.cbranch(builder.icmp_signed("<=", n, ir.Constant(_I64, _BLOCK)), leaf_block, split)
    builder.position_at_end(leaf_block)
    leaf = _function(fn.module, "servisim_leaf_sum", fn.function_type, _build_leaf)
    builder.ret(builder.call(leaf, [p, n]))
    builder.position_at_end(split)
    half = builder.sdiv(n, ir.Constant(_I64, 2))
    half = builder.sub(half, builder.srem(half, ir.Constant(_I64, 8)))
    left = builder.call(fn, [p, half])
    right = builder.call(fn, [builder.gep(p, [half]), builder.sub(n, half)])
    builder.ret(builder.fadd(left, right))


def _pack_eight(builder: ir.IRBuilder, x, keep, dst, compress_native: bool) -> None:
    """Store the kept lanes of ``x`` contiguously at ``dst`` (eight slots may be written)."""
    if compress_native:  # AVX-512's register compress, then one plain store
        fnty = ir.FunctionType(_V8, [_V8, _V8, ir.VectorType(ir.IntType(1), 8)])
        compress = cgutils.get_or_insert_function(builder.module, fnty,
                                                  "llvm.x86.avx512.mask.compress.v8f64")
        packed = builder.call(compress, [x, ir.Constant(_V8, None), keep])
        builder.store(packed, builder.bitcast(dst, _V8.as_pointer()), align=8)
    else:
        fnty = ir.FunctionType(ir.VoidType(), [_V8, _F8.as_pointer(),
                                               ir.VectorType(ir.IntType(1), 8)])
        store = cgutils.get_or_insert_function(builder.module, fnty,
                                               "llvm.masked.compressstore.v8f64")
        builder.call(store, [x, dst, keep])


def _build_pack(compress_native: bool):
    def build(fn: ir.Function) -> None:
        """``dst[:k] = src[:n][mask[:n]]``; returns ``k`` (``dst`` holds ``n`` slots)."""
        src, mask, n, dst = fn.args
        builder = ir.IRBuilder(fn.append_basic_block("entry"))
        byte = ir.IntType(8)
        whole = builder.and_(n, ir.Constant(_I64, -8))
        popcount = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(byte, [byte]), "llvm.ctpop.i8")

        def eight(i, carried):
            k = carried[0]
            x = builder.load(builder.bitcast(builder.gep(src, [i]), _V8.as_pointer()), align=8)
            flags = builder.load(builder.bitcast(builder.gep(mask, [i]),
                                                 ir.VectorType(byte, 8).as_pointer()), align=1)
            keep = builder.icmp_unsigned("!=", flags, ir.Constant(ir.VectorType(byte, 8), None))
            _pack_eight(builder, x, keep, builder.gep(dst, [k]), compress_native)
            kept = builder.call(popcount, [builder.bitcast(keep, byte)])
            return [builder.add(k, builder.zext(kept, _I64))]

        def one(i, carried):  # without a branch: the slot is overwritten unless kept
            k = carried[0]
            builder.store(builder.load(builder.gep(src, [i]), align=8), builder.gep(dst, [k]),
                          align=8)
            flag = builder.load(builder.gep(mask, [i]), align=1)
            kept = builder.zext(builder.icmp_unsigned("!=", flag, ir.Constant(byte, 0)), _I64)
            return [builder.add(k, kept)]

        i, (k,) = _loop(builder, ir.Constant(_I64, 0), whole, 8, [ir.Constant(_I64, 0)], eight)
        _, (k,) = _loop(builder, i, n, 1, [k], one)
        builder.ret(k)
    return build


def _data(context, builder, arraytype, value):
    """The data pointer of an array argument (the call holds the array for its duration)."""
    return context.make_array(arraytype)(context, builder, value).data


def pairwise_intrinsic():
    """``pairwise(x, n)``: numpy's pairwise sum of ``x[:n]``, a contiguous float64 array."""

    @intrinsic
    def pairwise(typingctx, x, n):
        def codegen(context, builder, signature, args):
            fnty = ir.FunctionType(_F8, [_F8.as_pointer(), _I64])
            fn = _function(builder.module, "servisim_pairwise_sum", fnty, _build_pairwise)
            data = builder.bitcast(_data(context, builder, signature.args[0], args[0]),
                                   _F8.as_pointer())
            total = builder.call(fn, [data, args[1]])
            # numpy's reduction adds the sum to its identity: 0.0 + -0.0 is 0.0.
            return builder.fadd(ir.Constant(_F8, 0.0), total)
        return types.float64(x, types.intp), codegen

    return pairwise


def pack_intrinsic(compress_native: bool):
    """``pack(x, mask, n, out)``: ``out[:k] = x[:n][mask[:n]]``; returns ``k``.

    Contiguous arrays: ``x`` and ``out`` float64 (``out`` of ``n`` slots at least), ``mask``
    bool. ``compress_native``: the target has AVX-512 (compress in registers, then store
    eight slots).
    """

    @intrinsic
    def pack(typingctx, x, mask, n, out):
        def codegen(context, builder, signature, args):
            fnty = ir.FunctionType(_I64, [_F8.as_pointer(), ir.IntType(8).as_pointer(), _I64,
                                          _F8.as_pointer()])
            name = "servisim_pack" + ("_avx512" if compress_native else "")
            fn = _function(builder.module, name, fnty, _build_pack(compress_native))
            pointers = [builder.bitcast(_data(context, builder, signature.args[k], args[k]), ty)
                        for k, ty in ((0, _F8.as_pointer()), (1, ir.IntType(8).as_pointer()),
                                      (3, _F8.as_pointer()))]
            return builder.call(fn, [pointers[0], pointers[1], args[2], pointers[2]])
        return types.intp(x, mask, types.intp, out), codegen

    return pack
