"""`decompose-native`: rewrite every gate into the device's native gate set.

The default neutral-atom set is CZ, R(axis, angle) (a global or local Raman
rotation about an axis in the XY plane) and Rz (a local light shift). Each
rule below is exact up to a global phase (tests check every rule's unitary):

    x = r(0, π)            y = r(π/2, π)          z = rz(π)
    s = rz(π/2)            sdg = rz(-π/2)         t = rz(π/4)      tdg = rz(-π/4)
    h = rz(π); r(π/2, π/2)                        (H = Ry(π/2)·Z)
    rx(θ) = r(0, θ)        ry(θ) = r(π/2, θ)
    u3(θ, φ, λ) = rz(λ); r(π/2, θ); rz(φ)         (U = Rz(φ)·Ry(θ)·Rz(λ))

On a device whose native set has `u3` (the zoned devices), every 1-qubit gate
becomes one `u3` with its matrix (angles from navm.ir.unitaries.u3_angles).
    cx(c, t) = r(π/2, -π/2) t; cz c, t; r(π/2, π/2) t
    swap(a, b) = cx(a, b); cx(b, a); cx(a, b)

Gates the profile lists as native are left alone; measurements, resets,
barriers, noise channels and annotations pass through. Macros must have been
expanded by `unroll` first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from navm.diagnostics import NavmError
from navm.ir.circuit_table import GateTable, Row
from navm.ir.gates import KIND, MAX_PARAMS
from navm.ir.navm import CircuitOp, GateTableAttr, device_name
from navm.passes.base import NavmPass, module_device
from navm.passes.decompose_columns import decompose_columns

DEFAULT_NATIVE = frozenset({"cz", "r", "rz"})
_PI = math.pi


def _1q(name: str, params: tuple[float, ...]):
    return lambda row: [row._replace(name=name, params=params)]


def _rot(name: str, axis: float | None):
    def rule(row: Row) -> list[Row]:
        params = (row.params[0],) if axis is None else (axis, row.params[0])
        return [row._replace(name=name, params=params)]
    return rule


def cx_rows(control: int, target: int, loc=None) -> list[Row]:
    return [
        Row("r", (target,), (_PI / 2, -_PI / 2), None, loc),
        Row("cz", (control, target), (), None, loc),
        Row("r", (target,), (_PI / 2, _PI / 2), None, loc),
    ]


def swap_rows(a: int, b: int, loc=None) -> list[Row]:
    """A SWAP of atoms a and b in native gates (used by `route` too)."""
    return cx_rows(a, b, loc) + cx_rows(b, a, loc) + cx_rows(a, b, loc)


RULES = {
    "x": _1q("r", (0.0, _PI)),
    "y": _1q("r", (_PI / 2, _PI)),
    "z": _1q("rz", (_PI,)),
    "s": _1q("rz", (_PI / 2,)),
    "sdg": _1q("rz", (-_PI / 2,)),
    "t": _1q("rz", (_PI / 4,)),
    "tdg": _1q("rz", (-_PI / 4,)),
    "h": lambda row: [row._replace(name="rz", params=(_PI,)), row._replace(name="r", params=(_PI / 2, _PI / 2))],
    "rx": _rot("r", 0.0),
    "ry": _rot("r", _PI / 2),
    "u3": lambda row: [row._replace(name="rz", params=(row.params[2],)),
                       row._replace(name="r", params=(_PI / 2, row.params[0])),
                       row._replace(name="rz", params=(row.params[1],))],
    "cx": lambda row: cx_rows(*row.qubits, loc=row.loc),
    "swap": lambda row: swap_rows(*row.qubits, loc=row.loc),
}


def decompose(rows, native: frozenset[str]) -> list[Row]:
    """Rewrite rows until every gate is native; other row kinds pass through."""
    out: list[Row] = []
    for row in rows:
        kind = KIND[row.name]
        if kind != "gate" or row.name in native:
            if kind == "macro":
                raise NavmError(f"decompose-native: '{row.name}' is a macro; run `unroll` first", row.loc)
            out.append(row)
        else:
            out.extend(_rewrite(row, native))
    return out


def _rewrite(row: Row, native: frozenset[str]) -> list[Row]:
    """One gate's native form, applying rules until everything is native. Where `u3` is native,
    every 1-qubit gate is one `u3` with the same matrix (up to phase)."""
    if "u3" in native and len(row.qubits) == 1:
        return [_as_u3(row)]
    rule = RULES.get(row.name)
    if rule is None:
        raise NavmError(
            f"decompose-native: no rule turns '{row.name}' into the native set "
            f"{{{', '.join(sorted(native))}}}", row.loc)
    produced = rule(row)
    if all(r.name in native for r in produced):
        return produced
    return [done for r in produced for done in ([r] if r.name in native else _rewrite(r, native))]


def _as_u3(row: Row) -> Row:
    from navm.ir.unitaries import gate_matrices, u3_angles

    table = np.zeros((1, MAX_PARAMS))
    table[0, : len(row.params)] = row.params
    (matrix,) = gate_matrices([row.name], table)
    return row._replace(name="u3", params=u3_angles(matrix))


def native_gate_set(module: ModuleOp, explicit: str | None) -> frozenset[str]:
    """The device's native gates if a device is known, else the default set."""
    if not (explicit or device_name(module)):
        return DEFAULT_NATIVE
    return frozenset(module_device(module, explicit, DecomposeNative.name).gates.native)


def decompose_table(table: GateTable, native: frozenset[str]) -> GateTable:
    """`decompose` on a whole table: column-wise when every rule it needs has a template,
    else row by row (which also raises the located errors)."""
    fast = decompose_columns(table, native, _rewrite)
    if fast is None:
        return GateTable.from_rows(decompose(list(table.rows()), native))
    return fast


@dataclass(frozen=True)
class DecomposeNative(NavmPass):
    name = "decompose-native"

    device: str | None = None
    """Device profile whose native gate set to target; default: the module's navm.device, else CZ, R, Rz."""

    def run(self, ctx: Context, module: ModuleOp) -> None:
        native = native_gate_set(module, self.device)
        for op in module.body.block.ops:
            if isinstance(op, CircuitOp):
                op.properties["table"] = GateTableAttr(decompose_table(op.gate_table, native))
