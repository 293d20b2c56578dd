"""The LLVM side of ``agents.exact``'s sums: numpy's pairwise sum, and packing by a mask.

numpy's ``pairwise_sum`` keeps eight partial sums; here they are the lanes of one vector,
which add exactly as the eight scalars do (no fast-math flags: LLVM may not reassociate) and
are combined in numpy's order. Packing (the selected elements of ``psum_where``, the indices
of ``nonzero``) compresses eight lanes at a time, with AVX-512's compress where the CPU has
it. Imported only when numba is.
"""

from __future__ import annotations

from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

_F8 = ir.DoubleType()
_I64 = ir.IntType(64)

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


def _compress_store(builder: ir.IRBuilder, x, keep, dst, compress_native: bool) -> None:
    """Store the kept lanes of the 8-lane vector ``x`` contiguously at ``dst``.

    Natively (AVX-512) a compress in registers and one plain store of eight slots; else
    LLVM's masked compress-store, which writes the kept lanes only.
    """
    suffix = f"v8{'f' if x.type.element == _F8 else 'i'}64"
    mask_type = ir.VectorType(ir.IntType(1), 8)
    if compress_native:
        compress = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(x.type, [x.type, x.type, mask_type]),
            f"llvm.x86.avx512.mask.compress.{suffix}")
        packed = builder.call(compress, [x, ir.Constant(x.type, None), keep])
        builder.store(packed, builder.bitcast(dst, x.type.as_pointer()), align=8)
    else:
        store = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [x.type, dst.type, mask_type]),
            f"llvm.masked.compressstore.{suffix}")
        builder.call(store, [x, dst, keep])


def _build_pack(compress_native: bool, indices: bool):
    """Body of ``k = pack([src,] mask, n, dst)``: ``dst[:k]`` the kept values (or indices).

    ``dst`` holds ``n`` slots: a slot past the last kept value may be written.
    """
    element = _I64 if indices else _F8
    lanes = ir.VectorType(element, 8)

    def build(fn: ir.Function) -> None:
        src, (mask, n, dst) = (None, fn.args) if indices else (fn.args[0], fn.args[1:])
        builder = ir.IRBuilder(fn.append_basic_block("entry"))
        byte = ir.IntType(8)
        whole = builder.and_(n, ir.Constant(_I64, -8))
        popcount = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(byte, [byte]), "llvm.ctpop.i8")

        def eight_values(i):
            if indices:  # i, i + 1, ..., i + 7
                first = builder.insert_element(ir.Constant(lanes, None), i,
                                               ir.Constant(ir.IntType(32), 0))
                splat = builder.shuffle_vector(first, ir.Constant(lanes, None),
                                               ir.Constant(ir.VectorType(ir.IntType(32), 8),
                                                           [0] * 8))
                return builder.add(splat, ir.Constant(lanes, list(range(8))))
            return builder.load(builder.bitcast(builder.gep(src, [i]), lanes.as_pointer()),
                                align=8)

        def eight(i, carried):
            k = carried[0]
            flags = builder.load(builder.bitcast(builder.gep(mask, [i]),
                                                 ir.VectorType(byte, 8).as_pointer()), align=1)
            keep = builder.icmp_unsigned("!=", flags, ir.Constant(ir.VectorType(byte, 8), None))
            _compress_store(builder, eight_values(i), keep, builder.gep(dst, [k]),
                            compress_native)
            kept = builder.call(popcount, [builder.bitcast(keep, byte)])
            return [builder.add(k, builder.zext(kept, _I64))]

        def one(i, carried):  # without a branch: the slot is overwritten unless kept
            k = carried[0]
            value = i if indices else builder.load(builder.gep(src, [i]), align=8)
            builder.store(value, builder.gep(dst, [k]), align=8)
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
            fn = _function(builder.module, name, fnty, _build_pack(compress_native, False))
            pointers = [builder.bitcast(_data(context, builder, signature.args[k], args[k]), ty)
                        for k, ty in ((0, _F8.as_pointer()), (1, ir.IntType(8).as_pointer()),
                                      (3, _F8.as_pointer()))]
            return builder.call(fn, [pointers[0], pointers[1], args[2], pointers[2]])
        return types.intp(x, mask, types.intp, out), codegen

    return pack


def nonzero_intrinsic(compress_native: bool):
    """``nonzero(mask, n, out)``: ``out[:k]`` the indices of the true bools of ``mask[:n]``; ``k``.

    ``out`` a contiguous int64 array of ``n`` slots at least.
    """

    @intrinsic
    def nonzero(typingctx, mask, n, out):
        def codegen(context, builder, signature, args):
            fnty = ir.FunctionType(_I64, [ir.IntType(8).as_pointer(), _I64, _I64.as_pointer()])
            name = "servisim_nonzero" + ("_avx512" if compress_native else "")
            fn = _function(builder.module, name, fnty, _build_pack(compress_native, True))
            flags = builder.bitcast(_data(context, builder, signature.args[0], args[0]),
                                    ir.IntType(8).as_pointer())
            rows = builder.bitcast(_data(context, builder, signature.args[2], args[2]),
                                   _I64.as_pointer())
            return builder.call(fn, [flags, args[1], rows])
        return types.intp(mask, types.intp, out), codegen

    return nonzero
