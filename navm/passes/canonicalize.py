"""`canonicalize`: simplify a circuit without changing what it computes.

In one linear pass over each `navm.circuit` (a per-qubit stack of live rows
finds the previous op on the same qubits, so cascades like `h x x h` vanish):
- adjacent inverse pairs cancel: h·h, x·x, y·y, z·z, s·sdg, t·tdg, cz·cz,
  swap·swap (either qubit order), cx·cx (same order);
- adjacent rotations about the same axis on the same qubit merge (rx, ry, rz;
  r with an equal axis);
- rotation angles are reduced modulo 4π into [-2π, 2π] (exact: the rotations
  are 4π-periodic) and rotations with |angle| ≤ 1e-12 are dropped.
Anything else on a qubit in between (measurement, reset, noise, a barrier on
it or on all qubits) blocks cancellation. `qbc`-level ops are left alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from navm.ir.circuit_table import GateTable, Row
from navm.ir.gates import GATES
from navm.ir.navm import CircuitOp, GateTableAttr
from navm.passes.base import NavmPass

ANGLE_EPSILON = 1e-12
_ROTATIONS = frozenset({"rx", "ry", "rz", "r"})
_SYMMETRIC = frozenset({"cz", "swap"})
_INVERSE = {g.name: g.inverse for g in GATES if g.inverse}


@dataclass(frozen=True)
class Canonicalize(NavmPass):
    name = "canonicalize"

    def run(self, ctx: Context, module: ModuleOp) -> None:
        for op in module.body.block.ops:
            if isinstance(op, CircuitOp):
                table = simplify(op.gate_table)
                if table is not None:
                    op.properties["table"] = GateTableAttr(table)


def _reduce(angle: float) -> float:
    return math.remainder(angle, 4 * math.pi)


def _same_qubits(a: Row, b: Row) -> bool:
    if a.name in _SYMMETRIC:
        return sorted(a.qubits) == sorted(b.qubits)
    return a.qubits == b.qubits


def simplify(table: GateTable) -> GateTable | None:
    """The simplified table, or None if nothing changed."""
    rows = list(table.rows())
    live = [True] * len(rows)
    stacks: list[list[int]] = [[] for _ in range(table.max_qubit() + 1)]
    barrier_all = -1
    changed = False
    for i, row in enumerate(rows):
        name, qubits = row.name, row.qubits
        if name == "barrier" and not qubits:
            barrier_all = i
            continue
        if name in _ROTATIONS:
            angle = _reduce(row.params[-1])
            if angle != row.params[-1]:
                row = rows[i] = row._replace(params=row.params[:-1] + (angle,))
                changed = True
        j = _previous(stacks, qubits, barrier_all)
        if j is not None:
            prev = rows[j]
            if _INVERSE.get(prev.name) == name and _same_qubits(prev, row):
                live[i] = live[j] = False
                _pop(stacks, qubits)
                changed = True
                continue
            if name in _ROTATIONS and prev.name == name and prev.params[:-1] == row.params[:-1]:
                angle = _reduce(prev.params[-1] + row.params[-1])
                rows[j] = prev._replace(params=prev.params[:-1] + (angle,))
                live[i] = False
                changed = True
                if abs(angle) <= ANGLE_EPSILON:
                    live[j] = False
                    _pop(stacks, qubits)
                continue
        if name in _ROTATIONS and abs(row.params[-1]) <= ANGLE_EPSILON:
            live[i] = False
            changed = True
            continue
        for q in qubits:
            stacks[q].append(i)
    if not changed:
        return None
    return GateTable.from_rows([r for r, keep in zip(rows, live) if keep])


def _previous(stacks: list[list[int]], qubits: tuple[int, ...], barrier_all: int) -> int | None:
    """The row that was last on all of `qubits`, if one is (1- and 2-qubit cases inline: hot path)."""
    if len(qubits) == 1:
        stack = stacks[qubits[0]]
        j = stack[-1] if stack else None
    elif len(qubits) == 2:
        a, b = stacks[qubits[0]], stacks[qubits[1]]
        j = a[-1] if a and b and a[-1] == b[-1] else None
    elif qubits:
        tops = {stacks[q][-1] if stacks[q] else None for q in qubits}
        j = tops.pop() if len(tops) == 1 else None
    else:
        return None
    return j if j is not None and j > barrier_all else None


def _pop(stacks: list[list[int]], qubits: tuple[int, ...]) -> None:
    for q in qubits:
        stacks[q].pop()
