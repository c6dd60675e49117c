"""Text syntax of circuit tables and placements, printed and parsed.

Rows: `name(params) q0, q1 -> "result" loc("file":line:col)`. Placements:
`coords [(x, y), ?, …]` or `sites [id, ?, …]`, each entry optionally followed
by its declaration's `loc(...)`. Rows are parsed with one regular expression
each: xDSL's token-level parser would cost about a millisecond per row.
"""

from __future__ import annotations

import math
import re

import numpy as np
from xdsl.parser import AttrParser

from navm.diagnostics import SourceLocation
from navm.ir.circuit_table import GateTable, Placement, TableBuilder
from navm.ir.gates import BY_PRINTED_NAME, GATES
from navm.ir.locations import from_attr
from navm.ir.operands import format_float


def _escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s)


def format_rows(table: GateTable, with_locs: bool) -> list[str]:
    lines = []
    for code, row in zip(table.opcode.tolist(), table.rows()):
        text = GATES[code].printed_name
        if row.params:
            shown = [format_float(p) for p in row.params]
            if GATES[code].kind == "motion":
                shown[0] = str(int(row.params[0]))  # a group number
            text += "(" + ", ".join(shown) + ")"
        if row.qubits:
            text += " " + ", ".join(f"q{q}" for q in row.qubits)
        if row.records:
            text += " " + ", ".join(f"rec[{r}]" for r in row.records)
        if row.result is not None:
            text += f' -> "{_escape(row.result)}"'
        if row.timing is not None:
            start, duration, stage = row.timing
            text += f" [t={format_float(start)}, dt={format_float(duration)}"
            text += f", stage={stage}]" if stage >= 0 else "]"
        if with_locs and row.loc is not None:
            text += " " + format_loc(row.loc)
        lines.append(text)
    return lines


_STR = r'"(?:[^"\\\n]|\\.)*"'
_NUM = r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|inf|nan)"
_ROW = re.compile(
    r"[ \t]*(?P<name>[a-z][a-z0-9_.]*)"
    r"(?:\((?P<params>[^)\n]*)\))?"
    r"(?:[ \t]+(?P<qubits>q\d+(?:[ \t]*,[ \t]*q\d+)*))?"
    r"(?:[ \t]+(?P<records>rec\[\d+\](?:[ \t]*,[ \t]*rec\[\d+\])*))?"
    rf"(?:[ \t]*->[ \t]*(?P<result>{_STR}))?"
    rf"(?:[ \t]+\[t=(?P<start>{_NUM}),[ \t]*dt=(?P<duration>{_NUM})(?:,[ \t]*stage=(?P<stage>\d+))?\])?"
    rf"(?:[ \t]+loc\((?P<file>{_STR}):(?P<line>\d+):(?P<col>\d+)\))?"
    r"[ \t]*(?://[^\n]*)?$"
)
_NUM_RE = re.compile(rf"^{_NUM}$")
_INT = re.compile(r"\d+")


def parse_rows(text: str, on_error, offsets: list[int] | None = None) -> GateTable:
    """Parse the row lines of a circuit body. `on_error(msg, offset)` must raise. Each row's offset
    in `text` is appended to `offsets` when given (diagnostics for rows without `loc(...)`)."""
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
            g = m.groupdict()
            qubits = tuple(int(q) for q in _INT.findall(g["qubits"])) if g["qubits"] else ()
            records = tuple(int(r) for r in _INT.findall(g["records"])) if g["records"] else ()
            result = _unescape(g["result"][1:-1]) if g["result"] is not None else None
            timing = None
            if g["start"] is not None:
                timing = (float(g["start"]), float(g["duration"]), int(g["stage"]) if g["stage"] else -1)
            loc = None
            if g["file"] is not None:
                loc = SourceLocation(_unescape(g["file"][1:-1]), int(g["line"]), int(g["col"]))
            b.add(code, qubits, params, result, loc, records, timing)
            if offsets is not None:
                offsets.append(offset + len(line) - len(line.lstrip()))
        offset += len(line) + 1
    return b.build()


def format_loc(loc: SourceLocation) -> str:
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
            f"{item} {format_loc(loc)}" if (loc := p.decl_loc(q)) is not None else item
            for q, item in enumerate(items)
        ]
    return f"{p.kind} [" + ", ".join(items) + "]"


def parse_placement(parser: AttrParser, positions: list[int] | None = None) -> Placement:
    """`coords [...]` or `sites [...]`; each item's parser position is appended to `positions`
    when given (diagnostics for declarations without `loc(...)`)."""
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
        if positions is not None:
            positions.append(parser.pos)
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


def text_position(content: str, offset: int, file: str) -> SourceLocation:
    """The 1-based line and column of `offset` in `content`."""
    line = content.count("\n", 0, offset) + 1
    return SourceLocation(file, line, offset - (content.rfind("\n", 0, offset) + 1) + 1)


def closing_brace(content: str, start: int) -> int:
    m = re.compile(r'(?:[^}"]|"(?:[^"\\\n]|\\.)*")*').match(content, start)
    end = m.end()
    return end if end < len(content) and content[end] == "}" else -1
