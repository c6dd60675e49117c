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

import math
import re

import numpy as np
from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.ir import Data, Dialect, Operation
from xdsl.irdl import IRDLOperation, irdl_attr_definition, irdl_op_definition, prop_def
from xdsl.parser import AttrParser, Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

from navm.diagnostics import NavmError, SourceLocation
from navm.ir.circuit_table import GateTable, Placement, TableBuilder
from navm.ir.gates import BY_PRINTED_NAME, GATES, check_arity
from navm.ir.locations import from_attr
from navm.ir.instruction_set import DEFAULT_ISA_VERSION, SUPPORTED_ISA_VERSIONS
from navm.ir.noise import channel_error
from navm.ir.operands import format_float

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


# --------------------------------------------------------------------------- row text


def _escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s)


def format_rows(table: GateTable, with_locs: bool) -> list[str]:
    lines = []
    for code, row in zip(table.opcode.tolist(), table.rows()):
        text = GATES[code].printed_name
        if row.params:
            text += "(" + ", ".join(format_float(p) for p in row.params) + ")"
        if row.qubits:
            text += " " + ", ".join(f"q{q}" for q in row.qubits)
        if row.result is not None:
            text += f' -> "{_escape(row.result)}"'
        if with_locs and row.loc is not None:
            text += " " + _format_loc(row.loc)
        lines.append(text)
    return lines


_STR = r'"((?:[^"\\\n]|\\.)*)"'
_NUM = r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|inf|nan)"
_ROW = re.compile(
    r"[ \t]*(?P<name>[a-z][a-z0-9_.]*)"
    r"(?:\((?P<params>[^)\n]*)\))?"
    r"(?:[ \t]+(?P<qubits>q\d+(?:[ \t]*,[ \t]*q\d+)*))?"
    rf"(?:[ \t]*->[ \t]*{_STR})?"
    rf"(?:[ \t]+loc\({_STR}:(\d+):(\d+)\))?"
    r"[ \t]*(?://[^\n]*)?$"
)
_NUM_RE = re.compile(rf"^{_NUM}$")


def parse_rows(text: str, on_error) -> GateTable:
    """Parse the row lines of a circuit body. `on_error(msg, offset)` must raise."""
    b = TableBuilder()
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith("//"):
            m = _ROW.fullmatch(line)
            if m is None:
                on_error("malformed circuit row", offset + len(line) - len(line.lstrip()))
            name = m.group("name")
            code = BY_PRINTED_NAME.get(name)
            if code is None:
                on_error(f"unknown circuit row kind '{name}'", offset + m.start("name"))
            params: tuple[float, ...] = ()
            if m.group("params") is not None:
                items = [p.strip() for p in m.group("params").split(",")]
                if not all(_NUM_RE.match(p) for p in items):
                    on_error("parameters must be numbers", offset + m.start("params"))
                params = tuple(float(p) for p in items)
            qubits = (
                tuple(int(q.strip()[1:]) for q in m.group("qubits").split(","))
                if m.group("qubits")
                else ()
            )
            result = _unescape(m.group(4)) if m.group(4) is not None else None
            loc = (
                SourceLocation(_unescape(m.group(5)), int(m.group(6)), int(m.group(7)))
                if m.group(5) is not None
                else None
            )
            b.add(code, qubits, params, result, loc)
        offset += len(line) + 1
    return b.build()


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


def _format_loc(loc: SourceLocation) -> str:
    return f'loc("{_escape(loc.file)}":{loc.line}:{loc.column})'


def format_placement(p: Placement, with_locs: bool) -> str:
    if p.coords is not None:
        items = [
            "?" if math.isnan(x) else f"({format_float(x)}, {format_float(y)})"
            for x, y in p.coords.tolist()
        ]
    else:
        items = ["?" if s < 0 else str(s) for s in p.sites.tolist()]
    if with_locs:
        items = [
            f"{item} {_format_loc(loc)}" if (loc := p.decl_loc(q)) is not None else item
            for q, item in enumerate(items)
        ]
    return f"{p.kind} [" + ", ".join(items) + "]"


def parse_placement(parser: AttrParser) -> Placement:
    kind = parser.parse_keyword_in(("coords", "sites"), "expected 'coords' or 'sites'")

    locs: list[SourceLocation | None] = []

    def value():
        if parser.parse_optional_punctuation("?"):
            return None
        if kind == "sites":
            return parser.parse_integer(allow_boolean=False)
        with parser.in_parens():
            x = float(parser.parse_number())
            parser.parse_punctuation(",")
            return (x, float(parser.parse_number()))

    def item():
        v = value()
        locs.append(from_attr(parser.parse_optional_location()))
        return v

    items = parser.parse_comma_separated_list(parser.Delimiter.SQUARE, item)
    decl_locs = tuple(locs) if any(locs) else ()
    if kind == "sites":
        sites = np.array([-1 if s is None else s for s in items], dtype=np.int64)
        return Placement(len(items), sites=sites, decl_locs=decl_locs)
    coords = np.array([(math.nan, math.nan) if c is None else c for c in items], dtype=np.float64)
    return Placement(len(items), coords=coords.reshape(len(items), 2), decl_locs=decl_locs)


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
        verify_placement(p)
        verify_table(t, p.num_qubits)

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
        placement = parse_placement(parser)
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
        end = _closing_brace(content, start)
        if end < 0:
            parser.raise_error("expected '}' closing the circuit body")

        def fail(msg: str, offset: int):
            parser._resume_from(start + offset)
            parser.raise_error(msg)

        table = parse_rows(content[start:end], fail)
        parser._resume_from(end + 1)
        return cls.build(table, placement)


def _closing_brace(content: str, start: int) -> int:
    m = re.compile(r'(?:[^}"]|"(?:[^"\\\n]|\\.)*")*').match(content, start)
    end = m.end()
    return end if end < len(content) and content[end] == "}" else -1


def _enclosing_isa_version(op: Operation) -> str:
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, ModuleOp):
        parent = parent.parent_op()
    return isa_version(parent) if parent is not None else DEFAULT_ISA_VERSION


def verify_placement(p: Placement) -> None:
    if p.coords is not None:
        c = p.coords
        if c.shape != (p.num_qubits, 2):
            raise VerifyException("coordinate array does not match the qubit count")
        placed = c[~np.isnan(c).any(axis=1)]
        if not np.isfinite(placed).all():
            raise VerifyException("qubit coordinates must be finite")
        _no_duplicates(np.round(placed, 9).view([("x", float), ("y", float)]).ravel(), "coordinates")
    else:
        s = p.sites
        if s.shape != (p.num_qubits,):
            raise VerifyException("site array does not match the qubit count")
        if (s < -1).any():
            raise VerifyException("site ids must be non-negative")
        _no_duplicates(s[s >= 0], "site")


def _no_duplicates(values: np.ndarray, what: str) -> None:
    uniq, counts = np.unique(values, return_counts=True)
    if (counts > 1).any():
        raise VerifyException(f"two qubits share the same {what}: {uniq[counts > 1][0]}")


def verify_table(t: GateTable, num_qubits: int) -> None:
    n = len(t)
    if t.qubit_offsets.shape != (n + 1,) or t.params.shape[0] != n:
        raise VerifyException("gate table columns have inconsistent lengths")
    if n and ((t.opcode < 0) | (t.opcode >= len(GATES))).any():
        raise VerifyException("gate table holds an unknown opcode")
    if len(t.qubits) and (t.qubits.min() < 0 or t.qubits.max() >= num_qubits):
        bad = int(t.qubits[(t.qubits < 0) | (t.qubits >= num_qubits)][0])
        raise VerifyException(f"qubit q{bad} is out of range for a {num_qubits}-qubit circuit")
    if not np.isfinite(t.params).all():
        raise VerifyException("gate parameters must be finite")
    if (t.result >= len(t.result_names)).any() or (t.loc >= len(t.locs)).any():
        raise VerifyException("gate table refers to a missing result name or location")
    counts = np.diff(t.qubit_offsets)
    for code in np.unique(t.opcode).tolist():
        g = GATES[code]
        rows = np.nonzero(t.opcode == code)[0]
        arity = counts[rows]
        for k in np.unique(arity).tolist():
            if (msg := check_arity(g, k)) is not None:
                raise _row_error(t, int(rows[arity == k][0]), msg)
        has_result = t.result[rows] >= 0
        if g.kind == "measure" and not has_result.all():
            raise _row_error(t, int(rows[~has_result][0]), "measurement without a result name")
        if g.kind != "measure" and has_result.any():
            raise _row_error(t, int(rows[has_result][0]), f"'{g.name}' cannot have a result")
        if g.kind == "noise":
            for i in rows.tolist():
                if (msg := channel_error(g.name, t.params[i, : g.n_params].tolist())) is not None:
                    raise _row_error(t, i, msg)
    multi = np.nonzero(counts > 1)[0]
    for i in multi.tolist():
        qs = t.row_qubits(i)
        if len(set(qs)) != len(qs):
            raise _row_error(t, i, f"'{GATES[t.opcode[i]].name}' repeats a qubit")


class RowVerifyException(VerifyException):
    """A verifier failure in one table row; `loc` is that row's source position."""

    def __init__(self, message: str, loc: SourceLocation | None) -> None:
        super().__init__(message)
        self.loc = loc


def _row_error(t: GateTable, i: int, msg: str) -> RowVerifyException:
    loc = t.locs[t.loc[i]] if t.loc[i] >= 0 else None
    return RowVerifyException(f"row {i}: {msg}", loc)


NAVM = Dialect("navm", [CircuitOp], [GateTableAttr, PlacementAttr])
