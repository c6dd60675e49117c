"""`execute`: run a QBC program on either engine and get a `VMResult`."""

from __future__ import annotations

from pathlib import Path

from xdsl.dialects.builtin import ModuleOp

from navm.diagnostics import NavmError
from navm.runtime.vm.memory import Memory
from navm.runtime.vm.reference import QuantumHandler, ReferenceVM
from navm.runtime.vm.result import VMResult

ENGINES = ("compiled", "reference")


def load_program(source_or_path: str | Path | ModuleOp) -> ModuleOp:
    """A `qbc` module from a module, a `Path`, a file name ending in .qbc, or QBC source text."""
    from navm.frontend import load, load_text

    if isinstance(source_or_path, ModuleOp):
        return source_or_path
    if isinstance(source_or_path, Path):
        return load(source_or_path)
    if isinstance(source_or_path, str):
        if "\n" not in source_or_path and source_or_path.lower().endswith(".qbc"):
            return load(source_or_path)
        return load_text(source_or_path, "qbc")
    raise NavmError(f"execute: expected QBC source text, a path or a module, got {type(source_or_path).__name__}")


def execute(source_or_path: str | Path | ModuleOp, *, engine: str = "compiled", max_steps: int | None = None,
            backend: QuantumHandler | None = None) -> VMResult:
    """Run a QBC program from its entry point until QHALT or the end of the program.

    Traps (division by zero, bad address, empty stack, the step limit) raise
    `VMTrap` naming the source line; quantum instructions go to `backend`
    (without one they trap).
    """
    if engine not in ENGINES:
        raise NavmError(f"unknown VM engine '{engine}'; choose one of {', '.join(ENGINES)}")
    if max_steps is not None and max_steps < 0:
        raise NavmError(f"max_steps must be >= 0, got {max_steps}")
    module = load_program(source_or_path)
    if engine == "reference":
        return run_reference(module, max_steps=max_steps, backend=backend)
    from navm.runtime.vm.compiled import run_compiled

    return run_compiled(module, max_steps=max_steps, backend=backend)


def run_reference(module: ModuleOp, *, max_steps: int | None = None,
                  backend: QuantumHandler | None = None) -> VMResult:
    state = ReferenceVM(module, backend).run(max_steps=max_steps)
    return VMResult(list(state.regs), state.steps, Memory.from_dict(state.mem), list(state.stack), "reference")
