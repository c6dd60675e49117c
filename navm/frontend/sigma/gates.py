"""The σ op table: how many qubits and which parameters each op takes.

Shared by the σ parser (to report a wrong count at the op) and by anyone
lowering σ ops; the names are `spec.GATE_NAMES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ParamKind(str, Enum):
    NONE = "none"
    ANGLE = "angle"  # radians; a number or an expression such as "pi/4"
    PROBABILITY = "probability"  # a number in [0, 1]


@dataclass(frozen=True, slots=True)
class GateSignature:
    name: str
    qubits: int  # the exact count, or the minimum when `variadic`
    params: tuple[str, ...] = ()  # parameter names, in order
    param_kind: ParamKind = ParamKind.NONE
    variadic: bool = False
    doc: str = ""

    def qubit_count_text(self) -> str:
        word = "qubit" if self.qubits == 1 else "qubits"
        return f"at least {self.qubits} {word}" if self.variadic else f"{self.qubits} {word}"


def _table() -> dict[str, GateSignature]:
    g: list[GateSignature] = []
    for name, doc in [("h", "Hadamard"), ("x", "Pauli X"), ("y", "Pauli Y"), ("z", "Pauli Z"),
                      ("s", "S = sqrt(Z)"), ("sdg", "S dagger"), ("t", "T = sqrt(S)"), ("tdg", "T dagger")]:
        g.append(GateSignature(name, 1, doc=doc))
    for axis in "xyz":
        g.append(GateSignature(f"r{axis}", 1, ("angle",), ParamKind.ANGLE, doc=f"rotation about {axis.upper()}"))
    angle, prob = ParamKind.ANGLE, ParamKind.PROBABILITY
    g += [
        GateSignature("r", 1, ("axis", "angle"), angle,
                      doc="rotation by angle about cos(axis) X + sin(axis) Y"),
        GateSignature("cz", 2, doc="controlled Z"),
        GateSignature("cx", 2, doc="controlled X (control, target)"),
        GateSignature("swap", 2, doc="swap"),
        GateSignature("w", 3, doc="W-state preparation on three qubits"),
        GateSignature("measure", 1, doc="measure into the named result"),
        GateSignature("reset", 1, doc="reset to |0>"),
        GateSignature("barrier", 0, variadic=True, doc="scheduling barrier (no qubits: all qubits)"),
        GateSignature("qft", 1, variadic=True, doc="quantum Fourier transform (macro), qubits most significant first"),
        GateSignature("iqft", 1, variadic=True, doc="inverse quantum Fourier transform (macro)"),
        GateSignature("pauli", 1, ("px", "py", "pz"), prob, doc="Pauli channel; px + py + pz <= 1"),
        GateSignature("depolarize", 1, ("p",), prob, doc="1-qubit depolarizing channel"),
        GateSignature("depolarize2", 2, ("p",), prob, doc="2-qubit depolarizing channel"),
        GateSignature("loss", 1, ("p",), prob, doc="atom loss with probability p"),
        GateSignature("readout_flip", 1, ("p",), prob, doc="later measurements of the qubit flip with probability p"),
    ]
    return {sig.name: sig for sig in g}


GATES: dict[str, GateSignature] = _table()

# Common spellings from other tools, for "did you mean" notes only.
SPELLINGS: dict[str, str] = {
    "cnot": "cx", "hadamard": "h", "cphase": "cz", "sdag": "sdg", "tdag": "tdg", "sdagger": "sdg",
    "tdagger": "tdg", "measz": "measure", "m": "measure", "depolarizing": "depolarize",
    "depolarise": "depolarize", "dep": "depolarize", "flip": "readout_flip", "x_error": "pauli",
    "inverse_qft": "iqft", "qft_dagger": "iqft", "id": "barrier",
}
