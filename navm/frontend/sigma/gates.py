"""The σ op table: how many qubits and which parameters each op takes.

Derived from navm's one gate registry (navm/ir/gates.py), seen the way the
σ parser needs it: parameter kinds for validation, counts for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from navm.ir.gates import GATES as IR_GATES
from navm.ir.gates import VARIADIC, GateDef


class ParamKind(str, Enum):
    NONE = "none"
    ANGLE = "angle"  # radians; a number or an expression such as "pi/4"
    PROBABILITY = "probability"  # a number in [0, 1]
    INDEX = "index"  # a non-negative integer (an observable's index)


@dataclass(frozen=True, slots=True)
class GateSignature:
    name: str
    qubits: int  # the exact count, or the minimum when `variadic`
    params: tuple[str, ...] = ()  # parameter names, in order
    param_kind: ParamKind = ParamKind.NONE
    variadic: bool = False
    doc: str = ""
    kind: str = "gate"  # the row kind in navm/ir/gates.py: gate, macro, noise, annotation, …

    def qubit_count_text(self) -> str:
        word = "qubit" if self.qubits == 1 else "qubits"
        return f"at least {self.qubits} {word}" if self.variadic else f"{self.qubits} {word}"


def _signature(g: GateDef) -> GateSignature:
    if g.kind == "noise":
        kind = ParamKind.PROBABILITY
    elif g.kind == "annotation":
        kind = ParamKind.INDEX if g.params else ParamKind.NONE
    else:
        kind = ParamKind.ANGLE if g.params else ParamKind.NONE
    variadic = g.n_qubits == VARIADIC
    return GateSignature(g.name, g.min_qubits if variadic else g.n_qubits, g.params, kind, variadic, g.doc, g.kind)


# σ ops are the row kinds of a navm circuit (navm/ir/gates.py), but for atom motion and Rydberg pulses:
# σ circuits address lattice nodes, and moving atoms between zones is the compiler's business (ISA 1.2).
GATES: dict[str, GateSignature] = {g.name: _signature(g) for g in IR_GATES if g.kind not in ("motion", "pulse")}

# Common spellings from other tools, for "did you mean" notes only.
SPELLINGS: dict[str, str] = {
    "cnot": "cx", "hadamard": "h", "cphase": "cz", "sdag": "sdg", "tdag": "tdg", "sdagger": "sdg",
    "tdagger": "tdg", "measz": "measure", "m": "measure", "depolarizing": "depolarize",
    "depolarise": "depolarize", "dep": "depolarize", "flip": "readout_flip", "x_error": "pauli",
    "inverse_qft": "iqft", "qft_dagger": "iqft", "id": "barrier",
}
