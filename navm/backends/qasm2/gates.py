"""navm gate rows as qelib1.inc statements, each with the same unitary as the row.

navm's native `r(axis, angle)` = exp(-i·angle/2·(cos(axis) X + sin(axis) Y)) is
`u3(angle, axis - π/2, π/2 - axis)`: the same 2×2 matrix entry by entry, both
in qiskit's `u3` convention and in the OpenQASM 2 spec's `U` = Rz(φ)Ry(θ)Rz(λ)
(the two differ by the phase e^{i(φ+λ)/2}, and here φ + λ = 0 exactly). The
two axes that have their own qelib1 gate are written with it: `r(0, a)` is
`rx(a)` and `r(π/2, a)` is `ry(a)`, again the same matrices. `rz`, `cz` and
the other fixed gates keep their names (docs/backends/qasm2.md lists the
phases); `swap`, absent from the original qelib1.inc, becomes three `cx`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from navm.backends.qasm2.reals import real_text

# Gates whose qelib1.inc name is navm's own.
SAME_NAME = frozenset({"h", "x", "y", "z", "s", "sdg", "t", "tdg", "rx", "ry", "rz", "cx", "cz"})
HALF_PI = math.pi / 2


def gate_statements(name: str, params: Sequence[float], qubits: Sequence[str]) -> list[str]:
    """The statements for gate row `name(params) qubits` (qubits already as `q[k]`)."""
    return [f"{head} {','.join(qubits[k] for k in order)};" for head, order in gate_heads(name, params)]


def gate_heads(name: str, params: Sequence[float]) -> list[tuple[str, tuple[int, ...]]]:
    """The statements of a gate row as (`name(args)`, order): a statement's operands are
    the row's qubits number order[0], order[1], …; `swap` is [("cx", (0, 1)), ("cx", (1, 0)),
    ("cx", (0, 1))]. Depends on the row's kind and angles only, so the emitter caches it."""
    if name == "r":
        return [(_r_head(params[0], params[1]), (0,))]
    if name == "swap":
        return [("cx", (0, 1)), ("cx", (1, 0)), ("cx", (0, 1))]
    if name == "u3":  # navm's u3 is qiskit's u3, entry by entry
        return [(f"u3({','.join(real_text(p) for p in params)})", (0,))]
    if name not in SAME_NAME:
        raise KeyError(name)
    order = (0, 1) if name in ("cx", "cz") else (0,)
    if params:
        return [(f"{name}({','.join(real_text(p) for p in params)})", order)]
    return [(name, order)]


def _r_head(axis: float, angle: float) -> str:
    if axis == 0:
        return f"rx({real_text(angle)})"
    if axis == HALF_PI:
        return f"ry({real_text(angle)})"
    phi = axis - HALF_PI
    lam = HALF_PI - axis  # == -phi bit for bit: φ + λ = 0
    return f"u3({real_text(angle)},{real_text(phi)},{real_text(lam)})"
