"""The quantum state of one shot: a dense state vector that grows as qubits are touched.

A program names qubits by index (`q7`) but may touch only a few of them, so
the state has one tensor axis per qubit *touched so far*, in order of first
use; an untouched qubit is |0⟩ and costs nothing. Amplitudes are NumPy
complex128: dynamic programs are small, and this runs on the host between
VM instructions.
"""

from __future__ import annotations

import math

import numpy as np

from navm.diagnostics import NavmError, SourceLocation

MAX_QUBITS = 24
"""Distinct qubits one shot may touch: 2^24 complex128 amplitudes are 256 MiB."""


class QubitLimit(NavmError):
    """A shot touched more qubits than the run allows (the simulator's size, or a caller's limit)."""


class StateVector:
    """Amplitudes over the touched qubits; `axis[q]` is qubit q's tensor axis."""

    __slots__ = ("amps", "axis", "max_qubits")

    def __init__(self, max_qubits: int = MAX_QUBITS) -> None:
        self.amps = np.ones((), complex)  # no qubits yet: the scalar 1
        self.axis: dict[int, int] = {}
        self.max_qubits = max_qubits

    @property
    def num_qubits(self) -> int:
        return len(self.axis)

    def _touch(self, qubit: int, loc: SourceLocation | None) -> int:
        a = self.axis.get(qubit)
        if a is None:
            if len(self.axis) >= self.max_qubits:
                raise QubitLimit(f"q{qubit} would be qubit number {len(self.axis) + 1} of this shot; this run "
                                 f"allows at most {self.max_qubits}", loc)
            a = self.axis[qubit] = len(self.axis)
            self.amps = np.stack([self.amps, np.zeros_like(self.amps)], axis=-1)  # new qubit in |0>
        return a

    def apply(self, matrix: np.ndarray, qubits: tuple[int, ...], loc: SourceLocation | None = None) -> None:
        """Apply a 2^k × 2^k matrix (row index 2·bit(q0) + bit(q1), as navm's matrices are written)."""
        if len(qubits) == 1:  # the common case, as one matmul broadcast over the other axes
            a = self._touch(qubits[0], loc)
            shape = self.amps.shape
            self.amps = np.matmul(matrix, self.amps.reshape(math.prod(shape[:a]), 2, -1)).reshape(shape)
            return
        axes = [self._touch(q, loc) for q in qubits]
        n = self.amps.ndim
        perm = axes + [i for i in range(n) if i not in axes]  # the gate's axes first
        inverse = [0] * n
        for i, p in enumerate(perm):
            inverse[p] = i
        front = self.amps.transpose(perm).reshape(matrix.shape[1], -1)
        self.amps = (matrix @ front).reshape((2,) * n).transpose(inverse)

    def flip(self, qubit: int, loc: SourceLocation | None = None) -> None:
        """Pauli X, as a reversal of the qubit's axis."""
        a = self._touch(qubit, loc)
        self.amps = np.flip(self.amps, axis=a)

    def probability_of_one(self, qubit: int) -> float:
        a = self.axis.get(qubit)
        if a is None:
            return 0.0
        one = np.take(self.amps, 1, axis=a)
        return min(1.0, max(0.0, float(np.vdot(one, one).real)))

    def collapse(self, qubit: int, bit: int, probability: float) -> None:
        """Project the qubit on `bit`, which had `probability`, and renormalize."""
        a = self.axis.get(qubit)
        if a is None:
            return  # untouched: |0>, and 0 is the only outcome with probability > 0
        index = [slice(None)] * self.amps.ndim
        index[a] = 1 - bit
        amps = np.array(self.amps)  # a writable copy (moveaxis and flip return views)
        amps[tuple(index)] = 0
        amps /= math.sqrt(probability)
        self.amps = amps

    def vector(self, qubits: list[int]) -> np.ndarray:
        """The amplitudes over `qubits` (every touched qubit among them), qubits[0] the most
        significant bit, as navm's statevector backend orders them."""
        missing = set(self.axis) - set(qubits)
        if missing:
            raise ValueError(f"qubits {sorted(missing)} are touched but not listed")
        amps, axis = self.amps, dict(self.axis)
        for q in qubits:
            if q not in axis:
                axis[q] = amps.ndim
                amps = np.stack([amps, np.zeros_like(amps)], axis=-1)
        return amps.transpose([axis[q] for q in qubits]).reshape(-1)
