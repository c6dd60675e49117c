"""`StatevectorHandler`: the VM's `QuantumHandler` for one shot (or one group of shots).

The VM calls it as it reaches quantum instructions: gates are applied to the
state at once, a measurement samples its outcome (through `choices`), collapses
the state and returns the bit the program stores in its register, so the
classical code can branch on it. Every outcome is also appended to `records`:
the shot's measurement records in execution order, record 0 first.
"""

from __future__ import annotations

from navm.diagnostics import NavmError, SourceLocation
from navm.ir.circuit_table import Row
from navm.ir.gates import KIND, pulse_pairs
from navm.ir.macros import expand
from navm.runtime.dynamic import channels
from navm.runtime.dynamic.checks import check_annotation, check_row
from navm.runtime.dynamic.choices import BranchingChoices, SampledChoices
from navm.runtime.dynamic.declarations import Declarations
from navm.runtime.dynamic.matrices import matrix_of
from navm.runtime.dynamic.state import MAX_QUBITS, StateVector


class StatevectorHandler:
    """Simulates the quantum side of one run of the VM.

    With `noise` (the default), the program's explicit channels (QPAULI, QDEPOL,
    QDEPOL2, QLOSS, QFLIP) act as in the statevector backend's trajectories
    (docs/backends/statevector.md); without, they are checked and ignored, as
    `navm run --no-noise` strips them.
    """

    def __init__(self, choices: SampledChoices | BranchingChoices, *, noise: bool = True,
                 max_qubits: int = MAX_QUBITS) -> None:
        self.choices = choices
        self.noise = noise
        self.state = StateVector(max_qubits)
        self.declarations = Declarations()
        self.records: list[int] = []
        self.names: list[str] = []
        self.flips: dict[int, float] = {}  # qubit -> readout flip probability of its later measurements
        self.lost: set[int] = set()

    # ------------------------------------------------------------------ QuantumHandler

    def declare(self, qubit: int, coords: tuple[float, float] | None, site: int | None,
                loc: SourceLocation | None) -> None:
        self.declarations.declare(qubit, coords, site, loc)

    def apply(self, gate: str, qubits: tuple[int, ...], params: tuple[float, ...],
              loc: SourceLocation | None) -> None:
        check_row(gate, qubits, params, loc)
        kind = KIND[gate]
        if kind == "gate":
            if self.lost and not self.lost.isdisjoint(qubits):
                return  # a gate factor on a lost atom is the identity, and so is a CZ with no partner
            self.state.apply(matrix_of(gate, params), qubits, loc)
        elif kind == "macro":
            for row in expand(Row(gate, qubits, params, None, loc)):
                self.apply(row.name, row.qubits, row.params, loc)
        elif kind == "reset":
            if qubits[0] not in self.lost and self.sample(qubits[0]):
                self.state.flip(qubits[0], loc)  # measured 1: flip back to |0>
        elif kind == "noise":
            if self.noise:
                channels.apply_channel(self, gate, qubits, params, loc)
        elif kind == "pulse":
            for pair in pulse_pairs(qubits):
                self.apply("cz", pair, (), loc)
        elif kind not in ("barrier", "motion"):  # motion moves atoms, not their states  # a barrier only orders a schedule: nothing to simulate
            raise NavmError(f"'{gate}' rows go to measure() or annotate(), not apply()", loc)

    def measure(self, qubit: int, result: str, loc: SourceLocation | None) -> int:
        bit = 0 if qubit in self.lost else self.sample(qubit)
        flip = self.flips.get(qubit, 0.0)
        if flip > 0 and self.choices.pick((1 - flip, flip)):
            bit ^= 1
        self.records.append(bit)
        self.names.append(result)
        return bit

    def annotate(self, kind: str, params: tuple[float, ...], lookbacks: tuple[int, ...],
                 loc: SourceLocation | None) -> None:
        check_annotation(kind, params, lookbacks, len(self.records), loc)  # detectors have no effect here

    # ------------------------------------------------------------------ helpers

    def sample(self, qubit: int) -> int:
        """Measure `qubit` without a record: draw the outcome, collapse the state."""
        p1 = self.state.probability_of_one(qubit)
        bit = self.choices.pick((1.0 - p1, p1))
        self.state.collapse(qubit, bit, p1 if bit else 1.0 - p1)
        return bit
