"""The compiled side of ``agents.libm``: loops that call the C library's functions.

Each loop has the C signature of a numpy inner loop, ``void loop(char **args, npy_intp const
*dimensions, npy_intp const *steps, void *data)``, so that ``agents.exact_llvm`` calls it as it
would call numpy's, and applies the C library's ``exp``, ``expm1``, ``log`` or ``pow`` to each
element in order. The C functions (``agents.libm.core_address``: glibc's cores,
without the public functions' ``errno`` wrappers) are called through names of our own (bound to
their addresses), which LLVM does not recognise as library calls: it can neither fold nor vectorise
them into other code, so every element is the C library's own result. Compiled once per process
(a few milliseconds); imported only when numba is.
"""

from __future__ import annotations

from llvmlite import binding, ir

from agents import libm

_I8P = ir.IntType(8).as_pointer()
_F8 = ir.DoubleType()
_I64 = ir.IntType(64)
_ARITY = {"exp": 1, "expm1": 1, "log": 1, "pow": 2}
_ENGINE: list = []  # the compiled module's engine, kept alive for the process


def c_symbol(name: str) -> str:
    """The name compiled code calls the C library's ``name`` by (see :func:`loop_addresses`)."""
    return f"servisim_libm_{name}"


def _loop(module: ir.Module, name: str) -> None:
    """Define ``servisim_libm_loop_<name>``: the numpy-style loop over ``name``."""
    arity = _ARITY[name]
    c_function = ir.Function(module, ir.FunctionType(_F8, [_F8] * arity), c_symbol(name))
    loop = ir.Function(module, ir.FunctionType(ir.VoidType(), [
        _I8P.as_pointer(), _I64.as_pointer(), _I64.as_pointer(), _I8P]),
        f"servisim_libm_loop_{name}")
    args, dims, steps, _ = loop.args
    entry = loop.append_basic_block("entry")
    body = loop.append_basic_block("body")
    done = loop.append_basic_block("done")
    builder = ir.IRBuilder(entry)
    n = builder.load(dims)
    pointers = [builder.load(builder.gep(args, [ir.Constant(_I64, k)])) for k in range(arity + 1)]
    strides = [builder.load(builder.gep(steps, [ir.Constant(_I64, k)])) for k in range(arity + 1)]
    builder.cbranch(builder.icmp_signed(">", n, ir.Constant(_I64, 0)), body, done)
    builder = ir.IRBuilder(body)
    i = builder.phi(_I64)
    i.add_incoming(ir.Constant(_I64, 0), entry)

    def element(k: int):
        at = builder.gep(pointers[k], [builder.mul(i, strides[k])])
        return builder.bitcast(at, _F8.as_pointer())

    result = builder.call(c_function, [builder.load(element(k)) for k in range(arity)])
    builder.store(result, element(arity))
    following = builder.add(i, ir.Constant(_I64, 1))
    i.add_incoming(following, body)
    builder.cbranch(builder.icmp_signed("<", following, n), body, done)
    ir.IRBuilder(done).ret_void()


def loop_addresses() -> dict[str, int]:
    """Compile the four loops (once per process); their addresses by function name."""
    if not _ENGINE:
        module = ir.Module(name="servisim_libm")
        for name in _ARITY:
            binding.add_symbol(c_symbol(name), libm.core_address(name))
            _loop(module, name)
        binding.initialize_native_target()
        binding.initialize_native_asmprinter()
        parsed = binding.parse_assembly(str(module))
        parsed.verify()
        machine = binding.Target.from_default_triple().create_target_machine()
        engine = binding.create_mcjit_compiler(parsed, machine)
        engine.finalize_object()
        _ENGINE.append(engine)
    engine = _ENGINE[0]
    return {name: engine.get_function_address(f"servisim_libm_loop_{name}") for name in _ARITY}
