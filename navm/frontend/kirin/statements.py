"""Which bloqade statement is which standard gate: operand fields, parameters, angle unit.

squin's gate statements take angles in turns (its `squin.rx(angle, q)` wrappers take
radians and divide by 2π before the statement is built), and every squin operand is a
list of qubits that the gate is broadcast over. qasm2's statements take radians and
single qubits. docs/kirin.md has this table for people.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from bloqade.qasm2.dialects.uop import stmts as uop
from bloqade.squin.gate import stmts as sg
from bloqade.squin.noise import stmts as sn

TURNS = 2 * math.pi  # radians per turn
RADIANS = 1.0


@dataclass(frozen=True)
class GateSpec:
    """`name` (a key of standard_gates, or a function of the statement for adjoint flags),
    the fields that hold its qubits (a qubit or a list each; lists are zipped), the fields
    that hold its parameters, and what one unit of those parameters is in radians."""

    name: str | Callable[[object], str]
    qubits: tuple[str, ...]
    params: tuple[str, ...] = ()
    unit: float = RADIANS

    def name_of(self, stmt) -> str:
        return self.name if isinstance(self.name, str) else self.name(stmt)


def _adjoint(plain: str, dagger: str) -> Callable[[object], str]:
    return lambda stmt: dagger if stmt.adjoint else plain


_ONE = ("qubits",)
_CONTROLLED = ("controls", "targets")

SQUIN: dict[type, GateSpec] = {
    sg.X: GateSpec("x", _ONE), sg.Y: GateSpec("y", _ONE), sg.Z: GateSpec("z", _ONE), sg.H: GateSpec("h", _ONE),
    sg.S: GateSpec(_adjoint("s", "sdg"), _ONE), sg.T: GateSpec(_adjoint("t", "tdg"), _ONE),
    sg.SqrtX: GateSpec(_adjoint("sx", "sxdg"), _ONE), sg.SqrtY: GateSpec(_adjoint("sy", "sydg"), _ONE),
    sg.Rx: GateSpec("rx", _ONE, ("angle",), TURNS), sg.Ry: GateSpec("ry", _ONE, ("angle",), TURNS),
    sg.Rz: GateSpec("rz", _ONE, ("angle",), TURNS),
    sg.U3: GateSpec("u3", _ONE, ("theta", "phi", "lam"), TURNS),
    sg.PhasedXZ: GateSpec("phased_xz", _ONE, ("x_exponent", "z_exponent", "axis_phase_exponent"), TURNS),
    sg.CX: GateSpec("cx", _CONTROLLED), sg.CY: GateSpec("cy", _CONTROLLED), sg.CZ: GateSpec("cz", _CONTROLLED),
    sg.CCZ: GateSpec("ccz", ("controls1", "controls2", "targets")),
    sg.Swap: GateSpec("swap", ("qubits1", "qubits2")),
    # Noise channels with the same meaning as navm's (docs/ir.md): probabilities, no unit.
    sn.Depolarize: GateSpec("depolarize", _ONE, ("p",)),
    sn.Depolarize2: GateSpec("depolarize2", _CONTROLLED, ("p",)),
    sn.SingleQubitPauliChannel: GateSpec("pauli", _ONE, ("px", "py", "pz")),
    sn.QubitLoss: GateSpec("loss", _ONE, ("p",)),
}

_Q = ("qarg",)
_CQ = ("ctrl", "qarg")

QASM2: dict[type, GateSpec] = {
    uop.Id: GateSpec("id", _Q), uop.H: GateSpec("h", _Q), uop.X: GateSpec("x", _Q), uop.Y: GateSpec("y", _Q),
    uop.Z: GateSpec("z", _Q), uop.S: GateSpec("s", _Q), uop.Sdag: GateSpec("sdg", _Q),
    uop.T: GateSpec("t", _Q), uop.Tdag: GateSpec("tdg", _Q), uop.SX: GateSpec("sx", _Q),
    uop.SXdag: GateSpec("sxdg", _Q),
    uop.RX: GateSpec("rx", _Q, ("theta",)), uop.RY: GateSpec("ry", _Q, ("theta",)),
    uop.RZ: GateSpec("rz", _Q, ("theta",)),
    uop.U1: GateSpec("u1", _Q, ("lam",)), uop.U2: GateSpec("u2", _Q, ("phi", "lam")),
    uop.UGate: GateSpec("u3", _Q, ("theta", "phi", "lam")),
    uop.CX: GateSpec("cx", _CQ), uop.CZ: GateSpec("cz", _CQ), uop.CY: GateSpec("cy", _CQ),
    uop.CH: GateSpec("ch", _CQ), uop.CSX: GateSpec("csx", _CQ), uop.Swap: GateSpec("swap", _CQ),
    uop.CRX: GateSpec("crx", _CQ, ("lam",)), uop.CRY: GateSpec("cry", _CQ, ("lam",)),
    uop.CRZ: GateSpec("crz", _CQ, ("lam",)), uop.CU1: GateSpec("cu1", _CQ, ("lam",)),
    uop.CU3: GateSpec("cu3", _CQ, ("theta", "phi", "lam")),
    uop.CU: GateSpec("cu", _CQ, ("theta", "phi", "lam", "gamma")),
    uop.RXX: GateSpec("rxx", _CQ, ("theta",)), uop.RZZ: GateSpec("rzz", _CQ, ("theta",)),
    uop.CCX: GateSpec("ccx", ("ctrl1", "ctrl2", "qarg")),
    uop.CSwap: GateSpec("cswap", ("ctrl", "qarg1", "qarg2")),
}

GATE_SPECS: dict[type, GateSpec] = {**SQUIN, **QASM2}


def to_radians(value: float, unit: float) -> float:
    """`value` in radians. A squin angle a was stored as a / 2π turns; multiplying back leaves
    a rounding error in the last bit (0.1 → 0.09999999999999999), which 15 significant digits drop."""
    return value if unit == RADIANS else float(f"{value * unit:.15g}")
