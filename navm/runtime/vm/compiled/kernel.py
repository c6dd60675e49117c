"""Compile a kernel's LLVM IR to machine code with llvmlite (LLVM's JIT), once per distinct program.

The IR passes are only SROA (registers from stack slots to SSA values) and
CFG simplification: measured on examples/lattice.qbc, the full -O2 pipeline
costs 2-3x the compile time (InstCombine alone over half) for no run-time
gain, because the generated code is already typed and straight-line. Machine
code is generated at -O2. Kernels are kept per process by the hash of their IR,
and their object code on disk (`cache_dir("vm")`, navm/cache.py), keyed by the
IR text, this module's pipeline, llvmlite's and LLVM's versions and the target,
so a fresh process running a program it has run before loads the machine code
instead of optimising and generating it again (about 0.2 s for examples/lattice.qbc).
A cache file carries a SHA-256 of its object code; one that does not match is
ignored and replaced. The folder is kept under `MAX_CACHE_BYTES`: a write that
takes it over drops the least recently used files (a load marks its file used).
`STATS` counts compilations and loads (for tests).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import tempfile
import threading
from pathlib import Path

import llvmlite
import llvmlite.binding as llvm

from navm.cache import cache_dir

_LOCK = threading.Lock()
_CACHE: dict[str, "NativeKernel"] = {}
_INITIALISED = False
# What produces the machine code besides the IR: change it whenever compile_ir's pipeline changes.
PIPELINE = "sroa,simplifycfg;mcjit;opt=2;v1"
_MAGIC = b"navm-vm-object\n"
MAX_CACHE_BYTES = 64 << 20  # about 2,000 programs the size of examples/lattice.qbc
STATS = {"compiled": 0, "loaded": 0}

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
        path = _object_path(ir, tm)
        obj = _read_object(path) if path is not None else None
        if obj is not None:
            engine = llvm.create_mcjit_compiler(llvm.parse_assembly(""), tm)
            engine.add_object_file(llvm.ObjectFileRef.from_data(obj))
            engine.finalize_object()
            STATS["loaded"] += 1
        else:
            engine = _compile(ir, tm, path)
            STATS["compiled"] += 1
        native = NativeKernel(engine, KERNEL_TYPE(engine.get_function_address("kernel")),
                              REHASH_TYPE(engine.get_function_address("page_rehash")))
        _CACHE[key] = native
        return native


def _compile(ir: str, tm, path: Path | None):
    """Optimise and generate machine code; with `path`, keep the object code there."""
    module = llvm.parse_assembly(ir)
    module.verify()
    builder = llvm.create_pass_builder(tm, llvm.create_pipeline_tuning_options(speed_level=2))
    passes = llvm.create_new_module_pass_manager()
    passes.add_sroa_pass()
    passes.add_simplify_cfg_pass()
    passes.run(module, builder)
    engine = llvm.create_mcjit_compiler(module, tm)
    if path is not None:
        engine.set_object_cache(lambda _module, data: _write_object(path, bytes(data)))
    engine.finalize_object()
    return engine


# ---------------------------------------------------------------- the on-disk object cache


def _object_path(ir: str, tm) -> Path | None:
    folder = cache_dir("vm")
    if folder is None:
        return None
    key = hashlib.sha256()
    for part in (PIPELINE, llvmlite.__version__, ".".join(map(str, llvm.llvm_version_info)), tm.triple,
                 llvm.get_host_cpu_name(), ir):
        key.update(part.encode())
        key.update(b"\0")
    return folder / f"{key.hexdigest()}.o"


def _read_object(path: Path) -> bytes | None:
    """The object code kept at `path`, or None (missing, unreadable, or not what was written)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + 32
    if len(data) <= head or not data.startswith(_MAGIC) \
            or hashlib.sha256(data[head:]).digest() != data[len(_MAGIC):head]:
        return None
    try:
        os.utime(path)  # recently used: kept longest when the folder is pruned
    except OSError:
        pass
    return data[head:]


def _write_object(path: Path, obj: bytes) -> None:
    """Keep `obj` at `path`, whole or not at all (a temporary file renamed into place)."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".o")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(_MAGIC + hashlib.sha256(obj).digest() + obj)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        _prune(path.parent, MAX_CACHE_BYTES)
    except OSError:
        pass  # a cache that cannot be written is not used


def _prune(folder: Path, limit: int) -> None:
    """Remove the least recently used object files until the folder holds at most 3/4 of `limit` bytes
    (only once it holds more than `limit`)."""
    entries = []
    for entry in os.scandir(folder):
        if entry.name.endswith(".o") and not entry.name.startswith("."):
            try:
                st = entry.stat()
            except OSError:
                continue
            entries.append((st.st_mtime_ns, st.st_size, entry.path))
    total = sum(size for _, size, _ in entries)
    if total <= limit:
        return
    for _, size, name in sorted(entries):
        if total <= limit * 3 // 4:
            break
        try:
            os.unlink(name)
        except OSError:
            continue
        total -= size
