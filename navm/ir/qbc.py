"""The `qbc` dialect: QBC assembly as IR, one op per instruction.

Ops sit directly in the module body in program order; `qbc.label` marks a jump
target. Every op keeps its source position as its xDSL location. Op classes
are generated from `navm.ir.instruction_set`, so the assembler, this dialect
and the interpreters cannot disagree about operands.
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import ArrayAttr, FloatData, IntAttr, StringAttr
from xdsl.ir import Attribute, Dialect
from xdsl.irdl import IRDLOperation, irdl_op_definition, prop_def
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

from navm.ir.instruction_set import INSTRUCTIONS, NUM_REGISTERS, Signature
from navm.ir.operands import (
    LabelAttr,
    QubitAttr,
    QubitRegAttr,
    RegAttr,
    format_operand,
    is_operand_start,
    KIND_TYPES,
    parse_operand,
)

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class QbcInstruction(IRDLOperation):
    """Base of every generated instruction op; `SIGNATURE` says what it accepts."""

    SIGNATURE: ClassVar[Signature]
    args = prop_def(ArrayAttr)

    @classmethod
    def build(cls, operands: tuple[Attribute, ...], location=None) -> "QbcInstruction":
        """Fast construction path used by the front end (no per-op IRDL builder)."""
        return cls.create(properties={"args": ArrayAttr(operands)}, location=location)

    @property
    def mnemonic(self) -> str:
        return self.SIGNATURE.mnemonic

    def verify(self, verify_nested_ops: bool = True) -> None:
        # xDSL's generic IRDL verifier costs ~70 µs per op; an instruction is
        # exactly one `args` property and nothing else, so check that directly.
        if self._operands or self.results or self.regions or self._successors:
            raise VerifyException(f"{self.name} takes no SSA operands, results, regions or successors")
        args = self.properties.get("args")
        if type(args) is not ArrayAttr or len(self.properties) != 1:
            raise VerifyException(f"{self.name} needs exactly one property 'args', an array of operands")
        self.check_operands()

    def verify_(self) -> None:
        self.check_operands()

    def check_operands(self) -> None:
        """Operand count, kinds and ranges against the instruction's signature."""
        sig = self.SIGNATURE
        args = self.args.data
        kinds = sig.kinds_for(len(args))
        if kinds is None:
            raise VerifyException(
                f"{sig.mnemonic} takes {sig.arity_text()} operands, got {len(args)}"
            )
        for i, (arg, kind) in enumerate(zip(args, kinds), start=1):
            t = type(arg)
            if t not in KIND_TYPES[kind]:
                raise VerifyException(
                    f"operand {i} of {sig.mnemonic} must be a {kind.value}, got {_describe(arg)}"
                )
            if (t is RegAttr or t is QubitRegAttr) and not 0 <= arg.data < NUM_REGISTERS:
                raise VerifyException(f"register r{arg.data} does not exist (r0..r{NUM_REGISTERS - 1})")
            if t is QubitAttr and arg.data < 0:
                raise VerifyException(f"qubit index {arg.data} is negative")
            if t is IntAttr and not INT64_MIN <= arg.data <= INT64_MAX:
                raise VerifyException(f"integer {arg.data} does not fit in 64 bits")

    def print(self, printer: Printer) -> None:
        if self.args.data:
            printer.print_string(" " + ", ".join(format_operand(a) for a in self.args.data))

    @classmethod
    def parse(cls, parser: Parser) -> "QbcInstruction":
        operands: list[Attribute] = []
        if _at_operand(parser):
            operands.append(parse_operand(parser))
            while parser.parse_optional_punctuation(","):
                operands.append(parse_operand(parser))
        return cls.build(tuple(operands))


def _describe(arg: Attribute) -> str:
    try:
        return format_operand(arg)
    except TypeError:
        return str(arg)


def _at_operand(parser: Parser) -> bool:
    token = parser._current_token  # peeking: an op with no operands is followed by the next op
    text = token.text
    return text.startswith("@") or text[:1].isdigit() or text.startswith("-") or is_operand_start(text)


@irdl_op_definition
class LabelOp(IRDLOperation):
    """A jump/call target; the label names the next instruction."""

    name = "qbc.label"
    sym_name = prop_def(StringAttr)

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_string(format_operand(LabelAttr(self.sym_name.data)))

    @classmethod
    def parse(cls, parser: Parser) -> "LabelOp":
        name = parser.parse_symbol_name()
        return cls.create(properties={"sym_name": name})

    @classmethod
    def build(cls, name: str, location=None) -> "LabelOp":
        return cls.create(properties={"sym_name": StringAttr(name)}, location=location)


def _instruction_class(sig: Signature) -> type[QbcInstruction]:
    name = sig.mnemonic[1:].title() + "Op"
    cls = type(name, (QbcInstruction,), {
        "name": sig.op_name,
        "SIGNATURE": sig,
        "__module__": __name__,
        "__annotations__": {"SIGNATURE": ClassVar[Signature]},
    })
    return irdl_op_definition(cls)


INSTRUCTION_OPS: dict[str, type[QbcInstruction]] = {
    mnemonic: _instruction_class(sig) for mnemonic, sig in INSTRUCTIONS.items()
}

QBC = Dialect(
    "qbc",
    [LabelOp, *INSTRUCTION_OPS.values()],
    [RegAttr, QubitAttr, QubitRegAttr, LabelAttr],
)

__all__ = [
    "QBC",
    "INSTRUCTION_OPS",
    "LabelOp",
    "QbcInstruction",
    "FloatData",
    "IntAttr",
]
