"""Reading a `GateTable` into the backend's events: unitaries, channels, collapses.

This is where rows are checked (qubits in range, no unexpanded macros) and
where a run is classified: a circuit whose measurements are all terminal, with
no reset and no channel that acts on the state, is sampled from its final
state in one go; anything else runs as Monte-Carlo trajectories.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from navm.ir.unitaries import FIXED, gate_matrices
from navm.backends.statevector.noise import (
    PAULI_CHANNELS,
    compose_flips,
    pauli_probabilities,
)
from navm.diagnostics import NavmError, SourceLocation
from navm.ir.circuit_table import GateTable, Row
from navm.ir.gates import KIND, pulse_pairs
from navm.ir.noise import channel_error

IGNORED_KINDS = frozenset({"barrier", "annotation", "motion"})  # atom motion moves atoms, not states


@dataclass(frozen=True)
class Unitary:
    qubits: tuple[int, ...]
    matrix: np.ndarray  # 2×2 or 4×4, complex128


@dataclass(frozen=True)
class Channel:
    qubits: tuple[int, ...]
    probs: np.ndarray  # 16 entries over P_a ⊗ P_b, see noise.py


@dataclass(frozen=True)
class Collapse:
    """Measure, reset or loss of one qubit: the state is projected on a sampled outcome.

    `p_event` is 1 for measure/reset and p for loss (the collapse happens with
    that probability); `record` is the measurement record index or -1."""

    qubit: int
    kind: str  # measure | reset | loss
    p_event: float
    record: int
    flip_p: float
    loc: SourceLocation | None


Event = Unitary | Channel | Collapse


@dataclass
class Program:
    num_qubits: int
    events: list[Event] = field(default_factory=list)
    record_qubits: list[int] = field(default_factory=list)
    record_flips: list[float] = field(default_factory=list)
    dynamic: Collapse | None = None
    """The first reset or mid-circuit measurement, if any."""
    state_noise: bool = False
    """Whether a channel acts on the state (anything but readout_flip)."""
    has_loss: bool = False

    @property
    def n_records(self) -> int:
        return len(self.record_qubits)

    @property
    def needs_trajectories(self) -> bool:
        return self.dynamic is not None or self.state_noise

    def unitaries(self) -> list[Unitary]:
        return [e for e in self.events if isinstance(e, Unitary)]


def read_table(table: GateTable, num_qubits: int, *, noise: bool) -> Program:
    """Check every row and turn it into events; noise rows are dropped unless `noise`."""
    prog = Program(num_qubits)
    flips = [0.0] * num_qubits
    rows = list(table.rows())
    matrices = gate_matrices([row.name for row in rows], table.params)
    for row, matrix in zip(rows, matrices):
        kind = KIND[row.name]
        _check_qubits(row, num_qubits)
        if kind in IGNORED_KINDS:
            continue
        if kind == "gate":
            if matrix is None:
                raise NavmError(f"the statevector backend has no matrix for '{row.name}': run unroll first",
                                row.loc)
            prog.events.append(Unitary(row.qubits, matrix))
        elif kind == "pulse":  # a Rydberg pulse: a CZ on each pair at a gate site
            prog.events.extend(Unitary(pair, FIXED["cz"]) for pair in pulse_pairs(row.qubits))
        elif kind == "measure":
            prog.record_qubits.append(row.qubits[0])
            prog.record_flips.append(flips[row.qubits[0]])
            prog.events.append(Collapse(row.qubits[0], "measure", 1.0, prog.n_records - 1,
                                        flips[row.qubits[0]], row.loc))
        elif kind == "reset":
            prog.events.append(Collapse(row.qubits[0], "reset", 1.0, -1, 0.0, row.loc))
        elif kind == "noise":
            _check_channel(row)
            if noise:
                _add_noise(prog, row, flips)
        elif kind == "macro":
            raise NavmError(f"'{row.name}' is a macro the statevector backend cannot run: run unroll first",
                            row.loc)
        else:
            raise NavmError(f"the statevector backend cannot run '{row.name}' rows (kind '{kind}')", row.loc)
    prog.dynamic = _first_dynamic(prog.events)
    return prog


def _check_qubits(row: Row, num_qubits: int) -> None:
    for q in row.qubits:
        if not 0 <= q < num_qubits:
            raise NavmError(f"'{row.name}' acts on qubit {q}, outside the {num_qubits}-qubit register",
                            row.loc)


def _check_channel(row: Row) -> None:
    message = channel_error(row.name, row.params)
    if message is not None:
        raise NavmError(message, row.loc)


def _add_noise(prog: Program, row: Row, flips: list[float]) -> None:
    if row.name in PAULI_CHANNELS:
        prog.events.append(Channel(row.qubits, pauli_probabilities(row.name, row.params)))
        prog.state_noise = True
    elif row.name == "loss":
        prog.events.append(Collapse(row.qubits[0], "loss", row.params[0], -1, 0.0, row.loc))
        prog.state_noise = prog.has_loss = True
    elif row.name == "readout_flip":
        q = row.qubits[0]
        flips[q] = compose_flips(flips[q], row.params[0])
    else:
        raise NavmError(f"the statevector backend has no model for noise.{row.name}", row.loc)


def _first_dynamic(events: list[Event]) -> Collapse | None:
    """The first reset, or measurement followed by an op that changes its qubit."""
    touched: set[int] = set()
    first: Collapse | None = None
    for e in reversed(events):
        if isinstance(e, Collapse):
            if e.kind == "reset" or (e.kind == "measure" and e.qubit in touched):
                first = e
            if e.kind != "measure":
                touched.add(e.qubit)
        else:
            touched.update(e.qubits)
    return first
