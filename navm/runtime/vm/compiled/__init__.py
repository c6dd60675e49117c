"""The compiled engine: a QBC program lowered to native code with Numba, behind the same API as the reference engine.

Lowering: `qbc` IR → instructions → basic blocks with explicit call/return
edges (cfg.py) → register types (register_types.py) → typed kernel source
(codegen.py) → native code (kernel.py). The driver here runs the kernel,
grows nothing itself (the kernel grows memory and stacks in place), hands
quantum instructions to the backend, and reports traps with the reference
engine's message.
"""

from __future__ import annotations

from navm.runtime.vm.compiled.driver import run_compiled

__all__ = ["run_compiled"]
