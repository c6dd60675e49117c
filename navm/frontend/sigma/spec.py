"""The parsed form of a σ document: what the σ front end hands to the IR builder.

Everything here is already checked: qubit indices are valid and distinct
within an op, parameter counts and ranges are right, angles are radians
(expressions evaluated), result names are unique.  See docs/sigma.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from navm.diagnostics import SourceLocation
from navm.ir.gates import GATES

# σ ops are the row kinds of a navm circuit, in the registry's order, but for atom motion and
# Rydberg pulses (ISA 1.2: the compiler moves atoms; σ circuits address lattice nodes).
GATE_NAMES: tuple[str, ...] = tuple(g.name for g in GATES if g.kind not in ("motion", "pulse"))


@dataclass(frozen=True, slots=True)
class SigmaQubit:
    name: str
    sigma: float  # exactly 8 * node / n_nodes (a σ given within tolerance is snapped to it)
    node: int  # 0 <= node < n_nodes
    loc: SourceLocation  # position of the qubit's name in "qubits"


@dataclass(frozen=True, slots=True)
class SigmaOp:
    name: str  # one of GATE_NAMES
    qubits: tuple[int, ...]  # indices into SigmaCircuit.qubits; barrier: () means all qubits
    params: tuple[float, ...]  # radians for rotations (r: axis, angle); probabilities for noise; () otherwise
    result: str | None  # measure only: the result name
    loc: SourceLocation  # position of the op object
    records: tuple[int, ...] = ()  # detector/observable: measurement records (k-th measure = k)


@dataclass
class SigmaCircuit:
    version: str
    n_nodes: int
    qubits: list[SigmaQubit]
    ops: list[SigmaOp]
    results: list[str]  # measure result names, in program order
    file: str
