"""Walk a flattened kernel's statements into one `navm.circuit` (ISA 1.1, qubits not yet placed).

Each `qubit.new` (squin) or `qreg.new` (qasm2) allocates the next navm qubits, in
program order. Each measured qubit is one measurement record: squin's are named
`m0`, `m1`, … in record order; qasm2's are named after the classical bit, `c[0]`.
Pure statements (constants, arithmetic, list building, indexing) are evaluated
only when a gate needs their value; any other statement navm does not know is an
error at its source line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from bloqade.qasm2.dialects.core import stmts as qcore
from bloqade.qasm2.dialects.uop import stmts as uop
from bloqade.qubit import stmts as qubit
from kirin import ir
from kirin.dialects import cf, func, ilist, py, scf
from xdsl.dialects.builtin import ModuleOp

from navm.diagnostics import NavmError
from navm.frontend.kirin.source import (
    kernel_location,
    statement_location,
    statement_name,
)
from navm.frontend.kirin.standard_gates import expand
from navm.frontend.kirin.statements import GATE_SPECS, GateSpec, to_radians
from navm.frontend.kirin.values import constant, is_evaluable, number
from navm.ir.circuit_table import Placement, TableBuilder
from navm.ir.gates import OPCODE
from navm.ir.locations import to_attr
from navm.ir.navm import CircuitOp, set_isa_version

KIRIN_ISA_VERSION = "1.1"


@dataclass(frozen=True)
class Qubit:
    index: int


@dataclass(frozen=True)
class Record:
    """A squin measurement result: the `index`-th measurement record."""

    index: int


@dataclass(frozen=True)
class CReg:
    name: str
    size: int


@dataclass(frozen=True)
class Bit:
    reg: CReg
    index: int

    @property
    def name(self) -> str:
        return f"{self.reg.name}[{self.index}]"


# Why a statement left after bloqade's passes cannot become part of a circuit.
WHY_NOT = {
    scf.For: "a loop whose range is not known at compile time could not be unrolled",
    scf.IfElse: "its condition is not known at compile time (navm compiles straight-line circuits; "
                "measurement-dependent control flow is not supported)",
    cf.ConditionalBranch: "control flow that bloqade's passes could not remove",
    cf.Branch: "control flow that bloqade's passes could not remove",
    func.Invoke: "a call that could not be inlined (a recursive kernel?)",
    func.Call: "a call that could not be inlined",
}
SKIPPED = (func.Return, func.ConstantNone)


class KernelLowering:
    """One walk over one flattened kernel."""

    def __init__(self) -> None:
        self.table = TableBuilder()
        self.values: dict[ir.SSAValue, object] = {}
        self.qubit_locs: list = []
        self.records = 0
        self.cregs = 0

    def module(self, method: ir.Method) -> ModuleOp:
        for block in method.callable_region.blocks:
            for stmt in block.stmts:
                self.statement(stmt)
        n = len(self.qubit_locs)
        placement = Placement(n, sites=np.full(n, -1, dtype=np.int64), decl_locs=tuple(self.qubit_locs))
        op = CircuitOp.build(self.table.build(), placement)
        if (loc := kernel_location(method)) is not None:
            op.location = to_attr(loc)
        module = ModuleOp([op])
        set_isa_version(module, KIRIN_ISA_VERSION)
        return module

    # --- statements -------------------------------------------------------------------------

    def statement(self, stmt: ir.Statement) -> None:
        spec = GATE_SPECS.get(type(stmt))
        if spec is not None:
            self.gate(stmt, spec)
        elif isinstance(stmt, qubit.New):
            self.values[stmt.result] = self.new_qubit(stmt)
        elif isinstance(stmt, qcore.QRegNew):
            size = self.count(stmt.n_qubits, stmt)
            self.values[stmt.result] = tuple(self.new_qubit(stmt) for _ in range(size))
        elif isinstance(stmt, qcore.CRegNew):
            name = stmt.result.name or f"c{self.cregs}"
            self.cregs += 1
            self.values[stmt.result] = CReg(name, self.count(stmt.n_bits, stmt))
        elif isinstance(stmt, qubit.Measure):
            targets = self.qubits(stmt.qubits, stmt)
            self.values[stmt.result] = tuple(self.measure(q, None, stmt) for q in targets)
        elif isinstance(stmt, qcore.Measure):
            self.qasm2_measure(stmt)
        elif isinstance(stmt, (qubit.Reset, qcore.Reset)):
            for q in self.qubits(stmt.args[0], stmt):
                self.row("reset", (q,), (), stmt)
        elif isinstance(stmt, uop.Barrier):
            qubits = [q for arg in stmt.qargs for q in self.qubits(arg, stmt)]
            self.row("barrier", tuple(qubits), (), stmt)
        elif isinstance(stmt, SKIPPED) or stmt.has_trait(ir.Pure) or is_evaluable(stmt):
            pass  # evaluated when a gate needs its value
        else:
            self.unsupported(stmt)

    def gate(self, stmt: ir.Statement, spec: GateSpec) -> None:
        operands = [self.qubits(getattr(stmt, field), stmt) for field in spec.qubits]
        if len({len(o) for o in operands}) > 1:
            sizes = " and ".join(str(len(o)) for o in operands)
            raise NavmError(f"`{statement_name(stmt)}` got qubit lists of different lengths ({sizes})",
                            statement_location(stmt))
        params = tuple(to_radians(number(getattr(stmt, field), stmt), spec.unit) for field in spec.params)
        name = spec.name_of(stmt)
        for qubits in zip(*operands):
            if len(set(qubits)) != len(qubits):
                raise NavmError(f"`{statement_name(stmt)}` acts on qubit {qubits[0]} more than once",
                                statement_location(stmt))
            for row_name, row_qubits, row_params in expand(name, qubits, params):
                self.row(row_name, row_qubits, row_params, stmt)

    def qasm2_measure(self, stmt: qcore.Measure) -> None:
        targets = self.qubits(stmt.qarg, stmt)
        bits = self.value(stmt.carg, stmt)
        if isinstance(bits, CReg):
            bits = [Bit(bits, i) for i in range(bits.size)]
        elif isinstance(bits, Bit):
            bits = [bits]
        if len(bits) != len(targets):
            raise NavmError(f"`{statement_name(stmt)}` measures {len(targets)} qubit(s) into {len(bits)} bit(s)",
                            statement_location(stmt))
        for q, bit in zip(targets, bits):
            self.measure(q, bit.name, stmt)

    def unsupported(self, stmt: ir.Statement) -> None:
        why = WHY_NOT.get(type(stmt), "navm's Kirin front end does not support it (docs/kirin.md lists "
                                      "the statements it lowers)")
        where = statement_location(stmt)
        if isinstance(stmt, scf.IfElse) and isinstance(stmt.cond.owner, ir.Statement):
            where = statement_location(stmt.cond.owner) or where  # kirin places an `if` at its body
        raise NavmError(f"unsupported statement `{statement_name(stmt)}`: {why}", where)

    # --- rows and qubits ----------------------------------------------------------------------

    def row(self, name: str, qubits: Sequence[int], params: Sequence[float], stmt: ir.Statement,
            result: str | None = None) -> None:
        self.table.add(OPCODE[name], qubits, params, result, statement_location(stmt))

    def measure(self, q: int, result: str | None, stmt: ir.Statement) -> Record:
        record = Record(self.records)
        self.records += 1
        self.row("measure", (q,), (), stmt, result or f"m{record.index}")
        return record

    def new_qubit(self, stmt: ir.Statement) -> Qubit:
        self.qubit_locs.append(statement_location(stmt))
        return Qubit(len(self.qubit_locs) - 1)

    def count(self, value: ir.SSAValue, stmt: ir.Statement) -> int:
        n = constant(value, stmt)
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise NavmError(f"`{statement_name(stmt)}` needs a size that is a non-negative integer, got {n!r}",
                            statement_location(stmt))
        return n

    def qubits(self, value: ir.SSAValue, stmt: ir.Statement) -> list[int]:
        """The navm qubits `value` holds: one qubit, or a list or register of them."""
        v = self.value(value, stmt)
        items = list(v) if isinstance(v, (tuple, list, ilist.IList)) else [v]
        if not all(isinstance(q, Qubit) for q in items):
            raise NavmError(f"`{statement_name(stmt)}` expects qubits, got {v!r}", statement_location(stmt))
        return [q.index for q in items]

    def value(self, value: ir.SSAValue, user: ir.Statement) -> object:
        """What `value` holds: qubits, registers, records, or a compile-time constant."""
        if value in self.values:
            return self.values[value]
        owner = value.owner
        if isinstance(owner, ilist.New):
            return tuple(self.value(v, owner) for v in owner.values)
        if isinstance(owner, (py.indexing.GetItem, qcore.QRegGet)):
            container = self.value(owner.args[0], owner)
            index = constant(owner.args[1], owner)
            return self.item(container, index, owner)
        if isinstance(owner, qcore.CRegGet):
            reg = self.value(owner.reg, owner)
            return Bit(reg, self.item(range(reg.size), constant(owner.idx, owner), owner))
        return constant(value, user)

    @staticmethod
    def item(container, index, stmt: ir.Statement):
        try:
            return container[index]
        except (IndexError, TypeError, KeyError):
            size = f"it holds {len(container)}" if hasattr(container, "__len__") else "it cannot be indexed"
            raise NavmError(f"`{statement_name(stmt)}`: index {index!r} is out of range ({size})",
                            statement_location(stmt)) from None


def lower(method: ir.Method) -> ModuleOp:
    """The navm module of a flattened kernel (see `flatten`)."""
    return KernelLowering().module(method)
