"""Operand attributes of the `qbc` dialect and their textual syntax.

A QBC instruction's operands are compile-time attributes, not SSA values: the
`qbc` level is a register machine, one op per assembly instruction. The
syntax is the assembly's own (`r3`, `5`, `2.5`, `@loop`, `q1`, `q[r2]`), so the
printed IR reads like the source.
"""

from __future__ import annotations

import math
import re

from xdsl.dialects.builtin import FloatData, IntAttr
from xdsl.ir import Attribute, Data
from xdsl.irdl import irdl_attr_definition
from xdsl.parser import AttrParser
from xdsl.printer import Printer

from navm.ir.instruction_set import Kind


class _IntData(Data[int]):
    @classmethod
    def parse_parameter(cls, parser: AttrParser) -> int:
        with parser.in_angle_brackets():
            return parser.parse_integer()

    def print_parameter(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string(str(self.data))


@irdl_attr_definition
class RegAttr(_IntData):
    """A register operand `rN`."""

    name = "qbc.reg"


@irdl_attr_definition
class QubitAttr(_IntData):
    """A qubit operand with a static index: `qN` (also written `q[N]` in source)."""

    name = "qbc.qubit"


@irdl_attr_definition
class QubitRegAttr(_IntData):
    """A qubit whose index is held in a register: `q[rN]`."""

    name = "qbc.qubit_reg"


@irdl_attr_definition
class LabelAttr(Data[str]):
    """A jump or call target: `@name`."""

    name = "qbc.label_ref"

    @classmethod
    def parse_parameter(cls, parser: AttrParser) -> str:
        with parser.in_angle_brackets():
            return parser.parse_str_literal()

    def print_parameter(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string_literal(self.data)


def format_float(value: float) -> str:
    """Shortest round-tripping text that always reads back as a float (has '.' or is inf/nan)."""
    if not math.isfinite(value):
        return repr(value)
    text = repr(value)
    if "." not in text and "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}.0e{exponent}"
    return text


def format_operand(attr: Attribute) -> str:
    if isinstance(attr, RegAttr):
        return f"r{attr.data}"
    if isinstance(attr, QubitAttr):
        return f"q{attr.data}"
    if isinstance(attr, QubitRegAttr):
        return f"q[r{attr.data}]"
    if isinstance(attr, LabelAttr):
        return f"@{attr.data}" if re.fullmatch(r"[A-Za-z_][\w$.]*", attr.data) else f'@"{attr.data}"'
    if isinstance(attr, IntAttr):
        return str(attr.data)
    if isinstance(attr, FloatData):
        return format_float(attr.data)
    raise TypeError(f"not a qbc operand: {attr}")


_REG = re.compile(r"r(\d+)")
_QUBIT = re.compile(r"q(\d+)")


def is_operand_start(token_text: str) -> bool:
    """Whether a bare identifier begins an operand (op names always contain a dot)."""
    return bool(_REG.fullmatch(token_text) or _QUBIT.fullmatch(token_text) or token_text == "q")


def parse_operand(parser: AttrParser) -> Attribute:
    """Parse one operand in the syntax `format_operand` prints."""
    if (name := parser.parse_optional_symbol_name()) is not None:
        return LabelAttr(name.data)
    number = parser.parse_optional_number()
    if number is not None:
        return FloatData(number) if isinstance(number, float) else IntAttr(number)
    ident = parser.parse_identifier("expected a qbc operand")
    if ident == "q":
        with parser.in_square_brackets():
            reg = parser.parse_identifier("expected a register")
            if not (m := _REG.fullmatch(reg)):
                parser.raise_error("expected a register like r2 inside q[...]")
            return QubitRegAttr(int(m.group(1)))
    if m := _REG.fullmatch(ident):
        return RegAttr(int(m.group(1)))
    if m := _QUBIT.fullmatch(ident):
        return QubitAttr(int(m.group(1)))
    parser.raise_error(f"expected a qbc operand, got '{ident}'")


# Exact attribute types per operand kind (type() lookups: isinstance on xDSL's
# ABC-based attribute classes is several times slower, and these are final).
KIND_TYPES: dict[Kind, frozenset[type]] = {
    Kind.REG: frozenset({RegAttr}),
    Kind.VALUE: frozenset({RegAttr, IntAttr, FloatData}),
    Kind.LABEL: frozenset({LabelAttr}),
    Kind.QUBIT: frozenset({QubitAttr, QubitRegAttr}),
}


def operand_fits(attr: Attribute, kind: Kind) -> bool:
    """Whether an operand attribute may stand where `kind` is expected."""
    return type(attr) in KIND_TYPES[kind]
