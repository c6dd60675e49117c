"""The `navm` ISA dialect: a placed, straight-line circuit for one ISA version.

`navm.circuit` holds the whole circuit as a `GateTable` (see circuit_table.py)
plus a `Placement`. The module records the ISA version it targets in the
`navm.isa_version` attribute; only `SUPPORTED_ISA_VERSIONS` are valid.

Text form (rows are gates, macros, measurements and `noise.*` channels):

    navm.circuit qubits 2 coords [(0.0, 0.0), (5.0, 0.0)] {
      h q0 loc("bell.qbc":4:1)
      cx q0, q1
      measure q0 -> "r1"
    }
"""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.ir import Data, Dialect, Operation
from xdsl.irdl import IRDLOperation, irdl_attr_definition, irdl_op_definition, prop_def
from xdsl.parser import AttrParser, Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

from navm.diagnostics import NavmError, SourceLocation
from navm.ir.circuit_syntax import (
    closing_brace,
    format_placement,
    format_rows,
    parse_placement,
    parse_rows,
    text_position,
)
from navm.ir.circuit_table import GateTable, Placement
from navm.ir.circuit_verify import RowVerifyException, verify_isa_rows, verify_placement, verify_table
from navm.ir.instruction_set import DEFAULT_ISA_VERSION, SUPPORTED_ISA_VERSIONS

ISA_ATTR = "navm.isa_version"
DEVICE_ATTR = "navm.device"


# --------------------------------------------------------------------------- ISA version


def check_isa_version(version: str, loc: SourceLocation | None = None) -> str:
    if version not in SUPPORTED_ISA_VERSIONS:
        raise NavmError(
            f"unknown ISA version '{version}'; supported: {', '.join(SUPPORTED_ISA_VERSIONS)}", loc
        )
    return version


def isa_version(module: ModuleOp) -> str:
    attr = module.attributes.get(ISA_ATTR)
    return attr.data if isinstance(attr, StringAttr) else DEFAULT_ISA_VERSION


def set_isa_version(module: ModuleOp, version: str) -> None:
    module.attributes[ISA_ATTR] = StringAttr(check_isa_version(version))


def device_name(module: ModuleOp) -> str | None:
    attr = module.attributes.get(DEVICE_ATTR)
    return attr.data if isinstance(attr, StringAttr) else None


# --------------------------------------------------------------------------- attributes


@irdl_attr_definition
class GateTableAttr(Data[GateTable]):
    """A whole circuit's rows; generic syntax `#navm.table<"...rows...">`."""

    name = "navm.table"

    @classmethod
    def parse_parameter(cls, parser: AttrParser) -> GateTable:
        with parser.in_angle_brackets():
            pos = parser.pos
            text = parser.parse_str_literal()

            def fail(msg: str, _offset: int):
                parser.raise_error(msg, pos)

            return parse_rows(text, fail)

    def print_parameter(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string_literal("\n".join(format_rows(self.data, with_locs=True)))


@irdl_attr_definition
class PlacementAttr(Data[Placement]):
    """Qubit positions; generic syntax `#navm.placement<coords [(0.0, 1.0), ?]>`."""

    name = "navm.placement"

    @classmethod
    def parse_parameter(cls, parser: AttrParser) -> Placement:
        with parser.in_angle_brackets():
            return parse_placement(parser)

    def print_parameter(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string(format_placement(self.data, with_locs=True))


# --------------------------------------------------------------------------- the op


@irdl_op_definition
class CircuitOp(IRDLOperation):
    """A straight-line circuit: placement of its qubits and its rows, in order."""

    name = "navm.circuit"
    table = prop_def(GateTableAttr)
    placement = prop_def(PlacementAttr)

    @staticmethod
    def build(table: GateTable, placement: Placement) -> "CircuitOp":
        return CircuitOp.create(
            properties={"table": GateTableAttr(table), "placement": PlacementAttr(placement)}
        )

    @property
    def gate_table(self) -> GateTable:
        return self.table.data

    @property
    def qubit_placement(self) -> Placement:
        return self.placement.data

    def verify_(self) -> None:
        t, p = self.gate_table, self.qubit_placement
        version = _enclosing_isa_version(self)
        expected = "coords" if version == "1.0" else "sites"
        if p.kind != expected:
            raise VerifyException(
                f"ISA {version} places qubits by {expected}, but this circuit has {p.kind}"
            )
        try:
            verify_placement(p)
            verify_table(t, p.num_qubits)
            verify_isa_rows(t, version)
        except RowVerifyException as err:
            if err.loc is None:
                err.loc = self._parsed_position(err)
            raise

    def _parsed_position(self, err: RowVerifyException) -> SourceLocation | None:
        """Where the failing row or declaration stands in the IR text this op was parsed from, if
        the op still holds what was parsed (a pass may have replaced it since)."""
        parsed = getattr(self, "_parsed_text", None)
        if parsed is None:
            return None
        table, rows, placement, decls, content, file = parsed
        if err.row is not None and table is self.gate_table and err.row < len(rows):
            return text_position(content, rows[err.row], file)
        if err.qubit is not None and placement is self.qubit_placement and err.qubit < len(decls):
            return text_position(content, decls[err.qubit], file)
        return None

    def print(self, printer: Printer) -> None:
        p = self.qubit_placement
        printer.print_string(f" qubits {p.num_qubits} {format_placement(p, printer.print_debuginfo)} {{")
        pad = " " * ((printer._indent + 1) * printer.indent_num_spaces)
        lines = format_rows(self.gate_table, with_locs=printer.print_debuginfo)
        if lines:
            printer.print_string("".join("\n" + pad + line for line in lines), indent=0)
        printer.print_string("\n" + " " * (printer._indent * printer.indent_num_spaces) + "}", indent=0)

    @classmethod
    def parse(cls, parser: Parser) -> "CircuitOp":
        parser.parse_keyword("qubits")
        count_pos = parser.pos
        count = parser.parse_integer(allow_boolean=False, allow_negative=False)
        decls: list[int] = []
        placement = parse_placement(parser, decls)
        if placement.num_qubits != count:
            parser.raise_error(
                f"circuit declares {count} qubits but places {placement.num_qubits}", count_pos
            )
        parser.parse_punctuation("{")
        # Rows are read straight from the source text with one regex each: going
        # through xDSL's token-level parser would cost ~1 ms per row.
        lexer = parser._parser_state.lexer
        content = lexer.input.content
        start = parser._current_token.span.start
        end = closing_brace(content, start)
        if end < 0:
            parser.raise_error("expected '}' closing the circuit body")

        def fail(msg: str, offset: int):
            parser._resume_from(start + offset)
            parser.raise_error(msg)

        rows: list[int] = []
        table = parse_rows(content[start:end], fail, rows)
        parser._resume_from(end + 1)
        op = cls.build(table, placement)
        op._parsed_text = (table, [start + r for r in rows], placement, decls, content, lexer.input.name)
        return op


def _enclosing_isa_version(op: Operation) -> str:
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, ModuleOp):
        parent = parent.parent_op()
    return isa_version(parent) if parent is not None else DEFAULT_ISA_VERSION


NAVM = Dialect("navm", [CircuitOp], [GateTableAttr, PlacementAttr])

__all__ = ["RowVerifyException"]
