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

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from navm.ir.circuit_table import GateTable
from navm.ir.gates import GATES, OPCODE
from navm.ir.navm import CircuitOp, GateTableAttr
from navm.passes.base import NavmPass

ANGLE_EPSILON = 1e-12
_ROTATIONS = frozenset({"rx", "ry", "rz", "r"})
_SYMMETRIC = frozenset({"cz", "swap"})
# Per opcode, for the hot loop: the inverse's opcode (or -1), and membership of the sets above.
_OPCODE_INVERSE = [OPCODE[g.inverse] if g.inverse else -1 for g in GATES]
_OPCODE_ROTATION = [g.name in _ROTATIONS for g in GATES]
_OPCODE_SYMMETRIC = [g.name in _SYMMETRIC for g in GATES]
_BARRIER = OPCODE["barrier"]
_ROTATION_MASK = np.array(_OPCODE_ROTATION)
_ANGLE_SLOT = np.array([max(g.n_params - 1, 0) for g in GATES], dtype=np.intp)  # the angle is the last param


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


def simplify(table: GateTable) -> GateTable | None:
    """The simplified table, or None if nothing changed.

    Works on plain lists taken from the columns (opcodes, qubit tuples, the
    rotations' axes and angles): no Row per gate. Angles already in [-2π, 2π]
    are their own remainder, so only the others go through math.remainder."""
    n = len(table)
    codes = table.opcode.tolist()
    offsets = table.qubit_offsets.tolist()
    flat = table.qubits.tolist()
    qubit_lists = [tuple(flat[a:b]) for a, b in zip(offsets, offsets[1:])]
    rotation_rows = np.flatnonzero(_ROTATION_MASK[table.opcode.astype(np.intp)])
    slot = _ANGLE_SLOT[table.opcode[rotation_rows].astype(np.intp)]
    given = table.params[rotation_rows, slot]
    reduced = given.copy()
    wide = np.flatnonzero(~(np.abs(given) <= 2 * math.pi))
    reduced[wide] = [_reduce(a) for a in given[wide].tolist()]
    changed = bool((reduced[wide] != given[wide]).any())
    angle: list = [None] * n
    axis: list = [None] * n
    for i, a, x in zip(rotation_rows.tolist(), reduced.tolist(),
                       np.where(slot > 0, table.params[rotation_rows, 0], 0.0).tolist()):
        angle[i], axis[i] = a, x  # rx, ry, rz have no axis: 0.0 (axes are only compared within one gate)
    live = [True] * n
    stacks: list[list[int]] = [[] for _ in range(table.max_qubit() + 1)]
    barrier_all = -1
    inverse, rotation, symmetric = _OPCODE_INVERSE, _OPCODE_ROTATION, _OPCODE_SYMMETRIC
    for i in range(n):
        code, qubits = codes[i], qubit_lists[i]
        nq = len(qubits)
        if nq == 1:
            stack = stacks[qubits[0]]
            j = stack[-1] if stack else -1
        elif nq == 2:
            a, b = stacks[qubits[0]], stacks[qubits[1]]
            j = a[-1] if a and b and a[-1] == b[-1] else -1
        elif nq:
            tops = {stacks[q][-1] if stacks[q] else -1 for q in qubits}
            j = tops.pop() if len(tops) == 1 else -1
        else:
            if code == _BARRIER:
                barrier_all = i
                continue
            j = -1
        if j > barrier_all:
            prev = codes[j]
            if inverse[prev] == code and (
                sorted(qubit_lists[j]) == sorted(qubits) if symmetric[prev] else qubit_lists[j] == qubits
            ):
                live[i] = live[j] = False
                for q in qubits:
                    stacks[q].pop()
                changed = True
                continue
            if rotation[code] and prev == code and axis[j] == axis[i]:
                merged = angle[j] = _reduce(angle[j] + angle[i])
                live[i] = False
                changed = True
                if abs(merged) <= ANGLE_EPSILON:
                    live[j] = False
                    for q in qubits:
                        stacks[q].pop()
                continue
        if rotation[code] and abs(angle[i]) <= ANGLE_EPSILON:
            live[i] = False
            changed = True
            continue
        for q in qubits:
            stacks[q].append(i)
    if not changed:
        return None
    keep = np.flatnonzero(live)
    out = table.take(keep)
    kept_rotations = np.flatnonzero(_ROTATION_MASK[out.opcode.astype(np.intp)])
    out.params[kept_rotations, _ANGLE_SLOT[out.opcode[kept_rotations].astype(np.intp)]] = \
        [angle[i] for i in keep[kept_rotations].tolist()]
    return out
