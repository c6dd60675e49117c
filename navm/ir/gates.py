"""The row kinds of a `navm.circuit` table: gates, macros, measurement and noise channels.

An opcode is the index of its `GateDef` in `GATES`. Frontends, the circuit table,
passes and backends all refer to this one registry, so a gate's arity and
parameters are declared exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass

VARIADIC = -1


@dataclass(frozen=True)
class GateDef:
    """One row kind. `n_qubits` is VARIADIC for barrier/qft/iqft."""

    name: str
    n_qubits: int
    params: tuple[str, ...] = ()
    kind: str = "gate"  # gate | macro | measure | reset | barrier | noise | annotation | motion
    inverse: str | None = None  # name of the inverse gate when it takes no params
    min_qubits: int = 0
    doc: str = ""

    @property
    def dialect(self) -> str:
        return "noise" if self.kind == "noise" else "navm"

    @property
    def printed_name(self) -> str:
        return f"noise.{self.name}" if self.kind == "noise" else self.name

    @property
    def n_params(self) -> int:
        return len(self.params)


GATES: tuple[GateDef, ...] = (
    GateDef("h", 1, inverse="h", doc="Hadamard"),
    GateDef("x", 1, inverse="x", doc="Pauli X"),
    GateDef("y", 1, inverse="y", doc="Pauli Y"),
    GateDef("z", 1, inverse="z", doc="Pauli Z"),
    GateDef("s", 1, inverse="sdg", doc="S = sqrt(Z)"),
    GateDef("sdg", 1, inverse="s", doc="S dagger"),
    GateDef("t", 1, inverse="tdg", doc="T = sqrt(S)"),
    GateDef("tdg", 1, inverse="t", doc="T dagger"),
    GateDef("rx", 1, ("angle",), doc="rotation about X"),
    GateDef("ry", 1, ("angle",), doc="rotation about Y"),
    GateDef("rz", 1, ("angle",), doc="rotation about Z"),
    GateDef("r", 1, ("axis", "angle"), doc="rotation by angle about cos(axis) X + sin(axis) Y"),
    GateDef("cz", 2, inverse="cz", doc="controlled Z"),
    GateDef("cx", 2, inverse="cx", doc="controlled X (control, target)"),
    GateDef("swap", 2, inverse="swap", doc="swap"),
    GateDef("w", 3, kind="macro",
            doc="W-state preparation: (|100>+|010>+|001>)/sqrt(3) from |000> (macro, see macros.py)"),
    GateDef("qft", VARIADIC, kind="macro", min_qubits=1,
            doc="quantum Fourier transform (macro), qubits most significant first"),
    GateDef("iqft", VARIADIC, kind="macro", min_qubits=1, doc="inverse quantum Fourier transform (macro)"),
    GateDef("measure", 1, kind="measure", doc="measure into the named result"),
    GateDef("reset", 1, kind="reset", doc="reset to |0>"),
    GateDef("barrier", VARIADIC, kind="barrier", doc="scheduling barrier (no qubits: all qubits)"),
    GateDef("pauli", 1, ("px", "py", "pz"), kind="noise", doc="Pauli channel; px + py + pz <= 1"),
    GateDef("depolarize", 1, ("p",), kind="noise", doc="1-qubit depolarizing channel"),
    GateDef("depolarize2", 2, ("p",), kind="noise", doc="2-qubit depolarizing channel"),
    GateDef("loss", 1, ("p",), kind="noise", doc="atom loss with probability p"),
    GateDef("readout_flip", 1, ("p",), kind="noise",
            doc="later measurements of the qubit flip with probability p"),
    GateDef("detector", 0, kind="annotation",
            doc="parity of the listed measurement records is deterministic without noise"),
    GateDef("observable", 0, ("index",), kind="annotation",
            doc="the listed measurement records join logical observable `index`"),
    # Appended: opcodes are indices, and tables printed before these rows existed keep theirs.
    GateDef("u3", 1, ("theta", "phi", "lam"),
            doc="the general 1-qubit gate U(θ, φ, λ) = Rz(φ)·Ry(θ)·Rz(λ), OpenQASM's U, no global phase"),
    GateDef("load", 1, ("group",), kind="motion",
            doc="ISA 1.2: transfer the atom from its SLM trap into the AOD (one parallel transfer per group)"),
    GateDef("move", 1, ("group", "x", "y"), kind="motion",
            doc="ISA 1.2: the AOD carries the atom to (x, y) µm (all rows of a group: one parallel move)"),
    GateDef("store", 1, ("group",), kind="motion",
            doc="ISA 1.2: transfer the atom from the AOD into the SLM trap at its position"),
    GateDef("rydberg", VARIADIC, kind="pulse", min_qubits=2,
            doc="ISA 1.2: one Rydberg pulse over the entanglement zone: a CZ on each listed pair (q0, q1), (q2, q3), …"),
)

OPCODE: dict[str, int] = {g.name: i for i, g in enumerate(GATES)}
KIND: dict[str, str] = {g.name: g.kind for g in GATES}  # row name -> kind, for per-row hot loops
BY_PRINTED_NAME: dict[str, int] = {g.printed_name: i for i, g in enumerate(GATES)}
MAX_PARAMS = max(g.n_params for g in GATES)

# QBC quantum mnemonic -> row kind.
QBC_MNEMONIC_TO_GATE: dict[str, str] = {
    "QH": "h", "QX": "x", "QY": "y", "QZ": "z", "QS": "s", "QSDG": "sdg", "QT": "t",
    "QTDG": "tdg", "QRX": "rx", "QRY": "ry", "QRZ": "rz", "QR": "r", "QCZ": "cz",
    "QCX": "cx", "QSWAP": "swap", "QW": "w", "QMEAS": "measure", "QRESET": "reset",
    "QBARRIER": "barrier", "QPAULI": "pauli", "QDEPOL": "depolarize",
    "QDEPOL2": "depolarize2", "QLOSS": "loss", "QFLIP": "readout_flip",
    "QDETECTOR": "detector", "QOBSERVABLE": "observable", "QU3": "u3",
    "QAODLOAD": "load", "QAODMOVE": "move", "QAODSTORE": "store", "QRYDBERG": "rydberg",
}


def pulse_pairs(qubits) -> list[tuple[int, int]]:
    """The CZ pairs of a `rydberg` row: (q0, q1), (q2, q3), …"""
    return [(qubits[k], qubits[k + 1]) for k in range(0, len(qubits) - 1, 2)]

# Row kinds that carry measurement-record references (the table's `records` column).
RECORD_KINDS = frozenset({"annotation"})


def gate(name: str) -> GateDef:
    return GATES[OPCODE[name]]


def check_arity(g: GateDef, n_qubits: int) -> str | None:
    """An error message if `n_qubits` does not suit `g`, else None."""
    if g.n_qubits == VARIADIC:
        if n_qubits < g.min_qubits:
            return f"'{g.name}' needs at least {g.min_qubits} qubit(s), got {n_qubits}"
        return None
    if n_qubits != g.n_qubits:
        return f"'{g.name}' acts on {g.n_qubits} qubit(s), got {n_qubits}"
    return None
