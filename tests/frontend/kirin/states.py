"""State vectors of bloqade kernels from both simulators, in one qubit order.

navm's states come from tests/statevector.py, the NumPy yardstick the lowering tests use (no
JIT compile per register size; `navm run` in test_cli.py exercises the JAX backend). It puts
qubit 0 on the most significant bit of a basis index, as navm does;
bloqade's PyQrack simulator puts it on the least significant one, so its
amplitudes are reordered (the tensor axes reversed) before any comparison.
PyQrack works in single precision and fixes no global phase: states are
compared up to a phase, to 1e-5.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from bloqade.pyqrack import StackMemorySimulator

from navm.frontend.kirin import load_kernel
from navm.ir.navm import CircuitOp
from tests.statevector import equal_up_to_phase, final_state

ATOL = 1e-5


def circuit(module) -> CircuitOp:
    (op,) = [o for o in module.body.block.ops if isinstance(o, CircuitOp)]
    return op


@cache
def navm_state(kernel, args=()) -> np.ndarray:
    """navm's state after the kernel (computed once per kernel: bloqade's passes dominate the test time)."""
    op = circuit(load_kernel(kernel, args))
    return final_state(op.gate_table, op.qubit_placement.num_qubits)


def bloqade_state(kernel, n: int, args=()) -> np.ndarray:
    """PyQrack's state, reordered so that qubit 0 is the most significant bit, as in navm."""
    amplitudes = np.asarray(StackMemorySimulator(min_qubits=n).state_vector(kernel, args=tuple(args)))
    return amplitudes.reshape((2,) * n).transpose(tuple(reversed(range(n)))).reshape(-1)


def assert_same_state(got: np.ndarray, want: np.ndarray) -> None:
    assert got.shape == want.shape
    assert equal_up_to_phase(got, want / np.linalg.norm(want), atol=ATOL), (np.round(got, 4), np.round(want, 4))
