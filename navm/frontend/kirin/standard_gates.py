"""The gates bloqade kernels use, in radians, as navm gate rows.

navm's own gates pass through; the others expand into them by the definitions of
OpenQASM 2's qelib1.inc (exact, controlled phases included) or, for single-qubit
gates, up to a global phase. Each expansion returns `(name, qubits, params)` rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from navm.ir.gates import GATES

Row = tuple[str, tuple[int, ...], tuple[float, ...]]

PI = math.pi
NATIVE = frozenset(g.name for g in GATES if g.kind in ("gate", "noise"))


def _g(name: str, *qubits: int, params: tuple[float, ...] = ()) -> Row:
    return (name, qubits, params)


def _rz(angle: float, q: int) -> Row:
    return _g("rz", q, params=(angle,))


def _ry(angle: float, q: int) -> Row:
    return _g("ry", q, params=(angle,))


def _rx(angle: float, q: int) -> Row:
    return _g("rx", q, params=(angle,))


def u3(q: tuple[int, ...], theta: float, phi: float, lam: float) -> list[Row]:
    """U(θ, φ, λ) = Rz(φ) Ry(θ) Rz(λ) up to the phase e^{i(φ+λ)/2}."""
    return [_rz(lam, q[0]), _ry(theta, q[0]), _rz(phi, q[0])]


def ccx(q: tuple[int, ...]) -> list[Row]:
    return [_g("h", q[2]), *ccz(q), _g("h", q[2])]


def ccz(q: tuple[int, ...]) -> list[Row]:
    a, b, c = q
    return [
        _g("cx", b, c), _g("tdg", c), _g("cx", a, c), _g("t", c), _g("cx", b, c), _g("tdg", c),
        _g("cx", a, c), _g("t", b), _g("t", c), _g("cx", a, b), _g("t", a), _g("tdg", b), _g("cx", a, b),
    ]


def cu1(q: tuple[int, ...], lam: float) -> list[Row]:
    a, b = q
    return [_rz(lam / 2, a), _g("cx", a, b), _rz(-lam / 2, b), _g("cx", a, b), _rz(lam / 2, b)]


def cu3(q: tuple[int, ...], theta: float, phi: float, lam: float) -> list[Row]:
    a, b = q
    return [_rz((lam + phi) / 2, a), _rz((lam - phi) / 2, b), _g("cx", a, b),
            *u3((b,), -theta / 2, 0.0, -(phi + lam) / 2), _g("cx", a, b), *u3((b,), theta / 2, phi, 0.0)]


EXPANSIONS: dict[str, Callable[..., list[Row]]] = {
    "id": lambda q: [],
    "u3": u3,
    "u2": lambda q, phi, lam: u3(q, PI / 2, phi, lam),
    "u1": lambda q, lam: [_rz(lam, q[0])],
    "sx": lambda q: [_rx(PI / 2, q[0])],
    "sxdg": lambda q: [_rx(-PI / 2, q[0])],
    "sy": lambda q: [_ry(PI / 2, q[0])],
    "sydg": lambda q: [_ry(-PI / 2, q[0])],
    # squin's PhasedXZ, as bloqade's simulator applies it: Rz(-a), then Rx(x), then Rz(a + z).
    "phased_xz": lambda q, x, z, a: [_rz(-a, q[0]), _rx(x, q[0]), _rz(a + z, q[0])],
    "cy": lambda q: [_g("sdg", q[1]), _g("cx", *q), _g("s", q[1])],
    "ch": lambda q: [_g("h", q[1]), _g("sdg", q[1]), _g("cx", *q), _g("h", q[1]), _g("t", q[1]),
                     _g("cx", *q), _g("t", q[1]), _g("h", q[1]), _g("s", q[1]), _g("x", q[1]), _g("s", q[0])],
    "crz": lambda q, lam: [_rz(lam / 2, q[1]), _g("cx", *q), _rz(-lam / 2, q[1]), _g("cx", *q)],
    "cry": lambda q, lam: [_ry(lam / 2, q[1]), _g("cx", *q), _ry(-lam / 2, q[1]), _g("cx", *q)],
    "crx": lambda q, lam: [_rz(PI / 2, q[1]), _g("cx", *q), *u3((q[1],), -lam / 2, 0.0, 0.0), _g("cx", *q),
                           *u3((q[1],), lam / 2, -PI / 2, 0.0)],
    "cu1": cu1,
    "cu3": cu3,
    "cu": lambda q, theta, phi, lam, gamma: [_rz(gamma, q[0]), *cu3(q, theta, phi, lam)],
    "csx": lambda q: [_g("h", q[1]), *cu1(q, PI / 2), _g("h", q[1])],
    "ccx": ccx,
    "ccz": ccz,
    "cswap": lambda q: [_g("cx", q[2], q[1]), *ccx(q), _g("cx", q[2], q[1])],
    "rxx": lambda q, theta: [_g("h", q[0]), _g("h", q[1]), _g("cx", *q), _rz(theta, q[1]), _g("cx", *q),
                             _g("h", q[0]), _g("h", q[1])],
    "rzz": lambda q, theta: [_g("cx", *q), _rz(theta, q[1]), _g("cx", *q)],
}


def expand(name: str, qubits: tuple[int, ...], params: tuple[float, ...]) -> list[Row]:
    """navm rows for the standard gate `name` (a navm gate or a key of EXPANSIONS)."""
    if name in NATIVE:
        return [(name, qubits, params)]
    return EXPANSIONS[name](qubits, *params)
