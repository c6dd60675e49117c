"""`unroll`: evaluate static structure away, leaving one straight-line `navm.circuit`.

For a `qbc` program it runs the classical code (with the reference VM) and
records every quantum instruction it reaches, so a loop over qubits becomes
straight-line gates. A program whose control flow or operands depend on a
measurement is dynamic and cannot be unrolled: that is an error naming the
measurement. Macro rows (`qft`, `iqft`) in any circuit are expanded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block

from navm.diagnostics import NavmError, SourceLocation
from navm.ir.circuit_table import GateTable, Placement, Row, TableBuilder
from navm.ir.gates import KIND, OPCODE
from navm.ir.macros import MACROS, expand
from navm.ir.navm import CircuitOp, isa_version
from navm.ir.row_checks import check_qubit, check_row
from navm.ir.qbc import LabelOp, QbcInstruction
from navm.ir.verify import ENTRY_ATTR
from navm.passes.base import NavmPass
from navm.runtime.vm.reference import MeasuredValue, ReferenceVM


@dataclass(frozen=True)
class Unroll(NavmPass):
    name = "unroll"

    max_steps: int = 100_000_000
    """Give up (an error) after this many executed instructions: likely an endless loop."""

    def run(self, ctx: Context, module: ModuleOp) -> None:
        ops = list(module.body.block.ops)
        if any(isinstance(op, (QbcInstruction, LabelOp)) for op in ops):
            circuit = self._evaluate(module)
            # Swap in a fresh body instead of erasing instructions one by one.
            kept = [op for op in ops if not isinstance(op, (QbcInstruction, LabelOp))]
            for op in kept:
                op.detach()
            module.body.detach_block(0)
            module.body.add_block(Block([*kept, circuit]))
            module.attributes.pop(ENTRY_ATTR, None)
        for op in module.body.block.ops:
            if isinstance(op, CircuitOp) and _has_macros(op.gate_table):
                op.properties["table"] = type(op.table)(_expand_macros(op.gate_table))

    def _evaluate(self, module: ModuleOp) -> CircuitOp:
        recorder = _Recorder(isa_version(module))
        ReferenceVM(module, recorder).run(max_steps=self.max_steps)
        return CircuitOp.build(recorder.table.build(), recorder.placement())


def _has_macros(t: GateTable) -> bool:
    codes = {OPCODE[m] for m in MACROS}
    return bool(np.isin(t.opcode, list(codes)).any())


def _expand_macros(t: GateTable) -> GateTable:
    rows: list[Row] = []
    for row in t.rows():
        rows.extend(expand(row) if row.name in MACROS else (row,))
    return GateTable.from_rows(rows)


class MotionGroups:
    """Group numbers of atom-motion rows (ISA 1.2): consecutive rows of one kind (load, move or
    store) form one parallel AOD operation until an atom repeats; any other row ends it."""

    def __init__(self) -> None:
        self.next, self.kind, self.atoms = 0, None, set()

    def group_of(self, kind: str, atom: int) -> int:
        if kind != self.kind or atom in self.atoms:
            self.close()
            self.kind = kind
        self.atoms.add(atom)
        return self.next

    def close(self) -> None:
        if self.kind is not None:
            self.next += 1
        self.kind, self.atoms = None, set()


class _Recorder:
    """Receives quantum instructions from the VM and builds the circuit table."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.table = TableBuilder()
        self.declared: dict[int, tuple[tuple[float, float] | None, int | None, SourceLocation | None]] = {}
        self.max_qubit = -1
        self.measurements = 0
        self.motion = MotionGroups()

    def declare(self, qubit, coords, site, loc) -> None:
        check_qubit(qubit, loc)
        if qubit in self.declared:
            first = self.declared[qubit][2]
            raise NavmError(f"qubit q{qubit} is declared twice", loc,
                            notes=(f"first declared at {first}",) if first else ())
        if coords is not None and not all(math.isfinite(c) for c in coords):
            raise NavmError(f"qubit q{qubit} coordinates {coords} are not finite", loc)
        self.declared[qubit] = (coords, site, loc)
        self.max_qubit = max(self.max_qubit, qubit)

    def apply(self, gate, qubits, params, loc) -> None:
        check_row(gate, qubits, params, loc)
        code = OPCODE[gate]
        for q in qubits:
            if q > self.max_qubit:
                self.max_qubit = q
        if KIND[gate] == "motion":
            params = (self.motion.group_of(gate, qubits[0]), *params)
        else:
            self.motion.close()
        self.table.add(code, qubits, params, None, loc)

    def measure(self, qubit, result, loc) -> object:
        check_qubit(qubit, loc)
        self.motion.close()
        self.max_qubit = max(self.max_qubit, qubit)
        self.table.add(OPCODE["measure"], (qubit,), (), result, loc)
        self.measurements += 1
        return MeasuredValue(qubit, loc)

    def annotate(self, kind, params, lookbacks, loc) -> None:
        """Look-backs (-1 = the latest measurement so far) become absolute record indices."""
        records = []
        for k in lookbacks:
            if k >= 0 or -k > self.measurements:
                raise NavmError(
                    f"look-back {k} does not name an earlier measurement "
                    f"(use -1 … -{self.measurements})" if self.measurements else
                    f"look-back {k}: there is no earlier measurement", loc)
            records.append(self.measurements + k)
        if kind == "observable" and params[0] < 0:
            raise NavmError(f"observable index {int(params[0])} is negative", loc)
        self.table.add(OPCODE[kind], (), params, None, loc, records)

    def placement(self) -> Placement:
        n = self.max_qubit + 1
        p = Placement.empty(n, self.version)
        locs = [None] * n
        for q, (coords, site, loc) in self.declared.items():
            if p.coords is not None:
                p.coords[q] = coords
            else:
                p.sites[q] = site
            locs[q] = loc
        _check_unique(p, locs)
        return Placement(n, p.coords, p.sites, tuple(locs))


def _check_unique(p: Placement, locs) -> None:
    seen: dict[object, int] = {}
    values = p.coords.tolist() if p.coords is not None else p.sites.tolist()
    for q, v in enumerate(values):
        key = tuple(round(c, 9) for c in v) if isinstance(v, list) else v
        if (isinstance(v, list) and math.isnan(v[0])) or v == -1:
            continue
        if key in seen:
            what = "site" if p.sites is not None else "position"
            raise NavmError(f"qubits q{seen[key]} and q{q} are declared at the same {what} {v}",
                            locs[q], notes=(f"q{seen[key]} declared at {locs[seen[key]]}",))
        seen[key] = q
