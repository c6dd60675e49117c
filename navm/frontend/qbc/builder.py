"""Build `qbc` dialect IR from a parsed QBC program: one op per instruction."""

from __future__ import annotations

from xdsl.dialects.builtin import FloatData, IntAttr, ModuleOp, StringAttr
from xdsl.ir import Attribute

from navm.frontend.qbc.ast import Instruction, Label, Operand, OperandType, Program
from navm.ir.fast import new_array, new_data, new_loc, new_op
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
    cache: dict[tuple, Attribute] = {}
    files: dict[str, StringAttr] = {}

    def operand(o: Operand) -> Attribute:
        key = (o.type, o.value, type(o.value))
        attr = cache.get(key)
        if attr is None:
            attr = cache[key] = _ATTR[o.type](o.value)
        return attr

    def location(item: Instruction | Label):
        loc = item.loc
        file = files.get(loc.file) or files.setdefault(loc.file, StringAttr(loc.file))
        return new_loc(file, loc.line, loc.column)

    ops = []
    for item in program.items:
        if type(item) is Instruction:
            args = new_array(tuple([operand(o) for o in item.operands]))
            ops.append(new_op(INSTRUCTION_OPS[item.mnemonic], {"args": args}, location(item)))
        elif type(item) is Label:
            name = new_data(StringAttr, item.name)
            ops.append(new_op(LabelOp, {"sym_name": name}, location(item)))
    module = ModuleOp(ops)
    set_isa_version(module, program.isa_version)
    if program.entry_point is not None:
        module.attributes[ENTRY_ATTR] = StringAttr(program.entry_point)
    return module
