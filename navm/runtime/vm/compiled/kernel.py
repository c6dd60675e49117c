"""Compile a kernel's LLVM IR to machine code with llvmlite (LLVM's JIT), once per distinct program.

The IR passes are only SROA (registers from stack slots to SSA values) and
CFG simplification: measured on examples/lattice.qbc, the full -O2 pipeline
costs 2-3x the compile time (InstCombine alone over half) for no run-time
gain, because the generated code is already typed and straight-line. Machine
code is generated at -O2. Kernels are kept per process by the hash of their IR.
"""

from __future__ import annotations

import ctypes
import hashlib
import threading

import llvmlite.binding as llvm

_LOCK = threading.Lock()
_CACHE: dict[str, "NativeKernel"] = {}
_INITIALISED = False

_P = ctypes.c_void_p
_I = ctypes.c_int64
KERNEL_TYPE = ctypes.CFUNCTYPE(_I, _P, _P, _P, _P, _P, _P, _P, _P, _P, _P, _I)
REHASH_TYPE = ctypes.CFUNCTYPE(None, _P, _P, _I, _P, _P, _I, _I)


class NativeKernel:
    """The machine code of one kernel and its `page_rehash` helper; keeps the JIT engine alive."""

    def __init__(self, engine, kernel, rehash) -> None:
        self.engine, self.kernel, self.rehash = engine, kernel, rehash


def _target_machine():
    """A new target machine: each JIT engine takes ownership of (and frees) the one it is given."""
    global _INITIALISED
    if not _INITIALISED:
        llvm.initialize_native_target()
        llvm.initialize_native_asmprinter()
        _INITIALISED = True
    return llvm.Target.from_default_triple().create_target_machine(opt=2)


def compile_ir(ir: str) -> NativeKernel:
    key = hashlib.sha256(ir.encode()).hexdigest()
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
        tm = _target_machine()
        module = llvm.parse_assembly(ir)
        module.verify()
        builder = llvm.create_pass_builder(tm, llvm.create_pipeline_tuning_options(speed_level=2))
        passes = llvm.create_new_module_pass_manager()
        passes.add_sroa_pass()
        passes.add_simplify_cfg_pass()
        passes.run(module, builder)
        engine = llvm.create_mcjit_compiler(module, tm)
        engine.finalize_object()
        native = NativeKernel(engine, KERNEL_TYPE(engine.get_function_address("kernel")),
                              REHASH_TYPE(engine.get_function_address("page_rehash")))
        _CACHE[key] = native
        return native
