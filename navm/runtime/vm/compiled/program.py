"""The instructions of a `qbc` module as plain tuples: what the analyses and code generator read.

Operands become ("reg", i), ("const", int|float), ("label", index) or
("qubit", ...); integer constants are already wrapped to int64 so generated
code never sees a literal outside that range.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects.builtin import FloatData, IntAttr, ModuleOp

from navm.diagnostics import SourceLocation
from navm.ir.locations import op_location
from navm.ir.operands import LabelAttr, QubitAttr, QubitRegAttr, RegAttr
from navm.runtime.vm.arith import wrap
from navm.runtime.vm.reference import program_layout

Operand = tuple[str, object]


@dataclass(frozen=True)
class Instruction:
    index: int
    mnemonic: str
    operands: tuple[Operand, ...]
    quantum: bool
    loc: SourceLocation | None


@dataclass(frozen=True)
class Program:
    instructions: tuple[Instruction, ...]
    entry: int

    def __len__(self) -> int:
        return len(self.instructions)


def decode_program(module: ModuleOp) -> Program:
    ops, labels, entry = program_layout(module)
    instructions = tuple(
        Instruction(k, op.SIGNATURE.mnemonic, tuple(_operand(a, labels) for a in op.args.data),
                    op.SIGNATURE.quantum, op_location(op))
        for k, op in enumerate(ops)
    )
    return Program(instructions, entry)


def _operand(a, labels: dict[str, int]) -> Operand:
    t = type(a)
    if t is RegAttr:
        return ("reg", a.data)
    if t is IntAttr:
        return ("const", wrap(a.data))
    if t is FloatData:
        return ("const", float(a.data))
    if t is LabelAttr:
        return ("label", labels[a.data])
    if t is QubitAttr:
        return ("qubit", a.data)
    if t is QubitRegAttr:
        return ("qubit_reg", a.data)
    raise AssertionError(f"unexpected operand {a}")
