"""Build `qbc` dialect IR from a parsed QBC program: one op per instruction."""

from __future__ import annotations

from xdsl.dialects.builtin import FloatData, IntAttr, ModuleOp, StringAttr
from xdsl.ir import Attribute

from navm.frontend.qbc.ast import Instruction, Label, Operand, OperandType, Program
from navm.ir.locations import to_attr
from navm.ir.navm import set_isa_version
from navm.ir.operands import LabelAttr, QubitAttr, QubitRegAttr, RegAttr
from navm.ir.qbc import INSTRUCTION_OPS, LabelOp
from navm.ir.verify import ENTRY_ATTR

_ATTR = {
    OperandType.REG: RegAttr,
    OperandType.INT: IntAttr,
    OperandType.FLOAT: FloatData,
    OperandType.LABEL: LabelAttr,
    OperandType.QUBIT: QubitAttr,
    OperandType.QUBIT_REG: QubitRegAttr,
}


def build_module(program: Program) -> ModuleOp:
    """The program as a module of `qbc` ops in source order, each at its source position."""
    cache: dict[tuple[OperandType, object], Attribute] = {}

    def operand(o: Operand) -> Attribute:
        key = (o.type, o.value, type(o.value))
        attr = cache.get(key)
        if attr is None:
            attr = cache[key] = _ATTR[o.type](o.value)
        return attr

    ops = []
    for item in program.items:
        if isinstance(item, Instruction):
            cls = INSTRUCTION_OPS[item.mnemonic]
            ops.append(cls.build(tuple(operand(o) for o in item.operands), to_attr(item.loc)))
        elif isinstance(item, Label):
            ops.append(LabelOp.build(item.name, to_attr(item.loc)))
    module = ModuleOp(ops)
    set_isa_version(module, program.isa_version)
    if program.entry_point is not None:
        module.attributes[ENTRY_ATTR] = StringAttr(program.entry_point)
    return module
