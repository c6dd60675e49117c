"""Walking a parsed OpenQASM 2 program: declarations, includes, calls, broadcasting.

The walker owns the symbol table (registers and gates share one namespace,
as in qiskit) and turns every statement into calls on an *emitter*: rows of
navm gates, measurements, resets, barriers and `if` blocks, each at its
statement's position. `builder.CircuitEmitter` makes a `navm.circuit`;
`dynamic.QbcEmitter` makes `qbc` instructions for programs with `if`.

Qubits are numbered across quantum registers in declaration order (the first
register's qubit 0 is qubit 0), classical bits likewise across classical
registers; both as qiskit numbers them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple, Protocol

from lark import Token

from navm.diagnostics import NavmError, SourceLocation
from navm.frontend.qasm2 import ast, fast_calls, library
from navm.frontend.qasm2.errors import did_you_mean, show_int
from navm.frontend.qasm2.expressions import Expr, evaluate
from navm.frontend.qasm2.library import Gate, TemplateRow
from navm.frontend.qasm2.parser import parse_source
from navm.frontend.qasm2.qelib1 import FILE as QELIB1_FILE
from navm.frontend.source_text import check_file_reads, read_source_text

SUPPORTED_VERSIONS = ("2.0", "2")
MAX_REGISTER_SIZE = 1 << 20
MAX_INCLUDE_DEPTH = 64

Rows = Sequence[TemplateRow]  # here with absolute qubit numbers


class Emitter(Protocol):
    def rows(self, rows: Rows, loc: SourceLocation) -> None: ...
    def measure(self, qubit: int, bit: int, bit_name: str, loc: SourceLocation) -> None: ...
    def reset(self, qubit: int, loc: SourceLocation) -> None: ...
    def begin_if(self, bits: range, value: int, loc: SourceLocation) -> None: ...
    def end_if(self) -> None: ...


class Register(NamedTuple):
    kind: str  # "qreg" | "creg"
    name: str
    start: int  # the number of its element 0 among all qubits (or bits)
    size: int
    loc: SourceLocation


class Walker:
    """One run over a main file and what it includes, in text order."""

    def __init__(self, emitter: Emitter) -> None:
        self.emit = emitter
        self.gates: dict[str, Gate] = library.builtin_gates()
        self.registers: dict[str, Register] = {}
        self.num_qubits = 0
        self.num_bits = 0
        self.qubit_locs: list[SourceLocation] = []
        self.qelib1_loc: SourceLocation | None = None
        self.files: list[Path] = []  # the include stack
        self.file = "<input>"  # the file being walked, as diagnostics name it
        # Declarations only ever add names, so what a call's text meant once it means
        # later too: rows by call text, (gate, applications) by (name, argument text),
        # values of parameter texts, parsed parameter texts.
        self._plans: dict[str, Rows] = {}
        self._targets: dict[tuple[str, str], tuple[Gate, list[tuple[int, ...]]]] = {}
        self._values: dict[str, float] = {}
        self._exprs: dict[str, Expr] = {}
        self._bit_names: dict[int, str] = {}

    # -- files -------------------------------------------------------------------------

    def run(self, source: ast.Source, path: Path | None) -> None:
        """Walk the main file; `path` (if it is a real file) anchors relative includes."""
        if path is not None:
            self.files.append(path)
        self.file = source.file
        self._header(source.header)
        self._statements(source.statements)

    def _header(self, header: ast.Header | None) -> None:
        if header is not None and header.version not in SUPPORTED_VERSIONS:
            raise NavmError(f"unsupported OpenQASM version {header.version}; navm reads OpenQASM 2.0",
                            header.version_loc)

    def _statements(self, statements: list) -> None:
        fast = self._fast_calls
        for s in statements:
            if type(s) is Token:
                fast(s)
            else:
                self._statement(s)

    def _statement(self, s) -> None:
        kind = type(s)
        if kind is ast.Call:
            self.emit.rows(self._call_rows(s), s.loc)
        elif kind is ast.Register:
            self._register(s)
        elif kind is ast.GateDef:
            self._declare(s.name, s.name_loc)
            self.gates[s.name] = library.define(s, self.gates)
        elif kind is ast.Measure:
            self._measure(s)
        elif kind is ast.Reset:
            for qubit in self._qubits(s.qubit):
                self.emit.reset(qubit, s.loc)
        elif kind is ast.Barrier:
            qubits = tuple(dict.fromkeys(q for a in s.args for q in self._qubits(a)))
            if qubits:  # (a barrier row without qubits would mean every qubit)
                self.emit.rows(((library.BARRIER, qubits, ()),), s.loc)
        elif kind is ast.If:
            self._if(s)
        else:
            self._include(s)

    def _include(self, inc: ast.Include) -> None:
        if inc.path == "qelib1.inc":
            self._qelib1(inc.loc)
            return
        check_file_reads(inc.path, inc.path_loc)
        path = self._include_path(inc)
        if path in self.files:
            raise NavmError(f"include cycle: '{inc.path}' is already being included", inc.path_loc)
        if len(self.files) >= MAX_INCLUDE_DEPTH:
            raise NavmError(f"includes nested more than {MAX_INCLUDE_DEPTH} deep", inc.path_loc)
        text = read_source_text(path, inc.path_loc)
        self.files.append(path)
        outer = self.file
        source = parse_source(text, _display_path(path))
        self.file = source.file
        self._header(source.header)
        self._statements(source.statements)
        self.file = outer
        self.files.pop()

    def _include_path(self, inc: ast.Include) -> Path:
        base = self.files[-1].parent if self.files else Path.cwd()
        path = (base / inc.path).resolve()
        if not path.is_file():
            raise NavmError(f"cannot find include file '{inc.path}'", inc.path_loc,
                            notes=(f"looked for {path}",
                                   "qelib1.inc is built in; other files are read relative to the including file"))
        return path

    def _qelib1(self, loc: SourceLocation) -> None:
        if self.qelib1_loc is not None:
            return  # a second include of the standard library changes nothing
        for gate in library.qelib1_gates():
            self._declare(gate.name, loc, qelib1=True)
            self.gates[gate.name] = gate
        self.qelib1_loc = loc

    # -- declarations --------------------------------------------------------------------

    def _declare(self, name: str, loc: SourceLocation, *, qelib1: bool = False) -> None:
        """Registers and gates share one namespace; U and CX are always taken."""
        reg, gate = self.registers.get(name), self.gates.get(name)
        if reg is None and gate is None:
            return
        if gate is not None and gate.loc is None:
            raise NavmError(f"'{name}' is a built-in gate and cannot be declared again", loc)
        if reg is not None:
            first = f"first declared at {reg.loc}"
        elif gate.loc.file == QELIB1_FILE:
            first = f"qelib1.inc declares it, included at {self.qelib1_loc}"
        else:
            first = f"first declared at {gate.loc}"
        if qelib1:
            raise NavmError(f"qelib1.inc declares '{name}', which this program has already declared", loc,
                            notes=(first,))
        raise NavmError(f"'{name}' is already declared", loc, notes=(first,))

    def _register(self, r: ast.Register) -> None:
        self._declare(r.name, r.name_loc)
        if r.size > MAX_REGISTER_SIZE:
            raise NavmError(f"register size {show_int(r.size)} is too large (navm allows at most {MAX_REGISTER_SIZE})",
                            r.name_loc)
        if r.kind == "qreg":
            self.registers[r.name] = Register("qreg", r.name, self.num_qubits, r.size, r.name_loc)
            self.num_qubits += r.size
            self.qubit_locs.extend([r.loc] * r.size)
        else:
            self.registers[r.name] = Register("creg", r.name, self.num_bits, r.size, r.name_loc)
            self.num_bits += r.size

    # -- operands --------------------------------------------------------------------------

    def _register_of(self, a: ast.Arg, kind: str) -> Register:
        reg = self.registers.get(a.name)
        if reg is None:
            known = [n for n, r in self.registers.items() if r.kind == kind]
            notes = did_you_mean(a.name, known)
            if a.name in self.gates:
                notes = (f"'{a.name}' is a gate",)
            word = "quantum" if kind == "qreg" else "classical"
            raise NavmError(f"undefined {word} register '{a.name}'", a.loc, notes=notes)
        if reg.kind != kind:
            if kind == "qreg":
                raise NavmError(f"'{a.name}' is a classical register; a quantum register is needed here", a.loc)
            raise NavmError(f"'{a.name}' is a quantum register; a classical register is needed here", a.loc)
        if a.index is not None and a.index >= reg.size:
            raise NavmError(f"index {show_int(a.index)} is out of range for register '{a.name}' of size {reg.size}",
                            a.loc,
                            notes=(f"'{a.name}' is declared at {reg.loc}",))
        return reg

    def _qubits(self, a: ast.Arg) -> range:
        reg = self._register_of(a, "qreg")
        if a.index is not None:
            return range(reg.start + a.index, reg.start + a.index + 1)
        return range(reg.start, reg.start + reg.size)

    def _broadcast(self, args: Sequence[ast.Arg], kind: str, what: str) -> list[tuple[int, ...]]:
        """One tuple of element numbers per application: `cx q, r;` is cx q[i], r[i] for each i,
        and `cx q[0], r;` is cx q[0], r[i]. Whole registers in one statement have one size."""
        columns: list[range] = []
        size, sized = None, None
        for a in args:
            reg = self._register_of(a, kind)
            if a.index is not None:
                columns.append(range(reg.start + a.index, reg.start + a.index + 1))
                continue
            if size is not None and reg.size != size:
                raise NavmError(f"registers of different sizes in one {what}: '{sized}' has {size}, "
                                f"'{a.name}' has {reg.size}", a.loc)
            size, sized = reg.size, a.name
            columns.append(range(reg.start, reg.start + reg.size))
        if size is None:
            return [tuple([c[0] for c in columns])]
        # A whole register has `size` elements; a single element (length 1) repeats.
        return [tuple([c[i] if len(c) == size else c[0] for c in columns]) for i in range(size)]

    # -- gate calls ------------------------------------------------------------------------

    def _fast_calls(self, tok: Token) -> None:
        """The hot path: each call of a FAST_CALLS token, by its cached plan when the same
        text was seen before, else by `_quick`, else by the full `_precise` path."""
        file, plans, emit = self.file, self._plans, self.emit.rows
        for text, line, column in fast_calls.calls(tok):
            loc = SourceLocation(file, line, column)
            rows = plans.get(text)
            if rows is None:
                rows = self._quick(text)
                if rows is None:
                    rows = self._precise(text, loc)
                plans[text] = rows
            emit(rows, loc)

    def _quick(self, text: str) -> Rows | None:
        """A call whose gate and arguments were resolved before (`cx q[3], q[4];` after
        `cx q[3], q[4];`, `rz(0.5) q[2];` after `rz(0.1) q[2];`), with parameters that are
        numbers or texts evaluated before. None if anything is new, or wrong: the precise
        path then resolves it, or reports the error at its exact column."""
        name, params_text, args_text = fast_calls.parts(text)
        target = self._targets.get((name, args_text))
        if target is None:
            return None
        gate, applications = target
        values: list[float] = []
        if params_text is not None and params_text.strip():
            number, known = fast_calls.number, self._values
            for piece in params_text.split(","):
                piece = piece.strip()
                value = number(piece)
                if value is None:
                    value = known.get(piece)
                    if value is None:
                        return None
                values.append(value)
        if len(values) != gate.n_params:
            return None
        try:
            template = gate.template(tuple(values))
        except (NavmError, RecursionError):
            return None
        return _apply(template, applications)

    def _precise(self, text: str, loc: SourceLocation) -> Rows:
        call = fast_calls.split(text, loc, self._exprs)
        gate, values, applications = self._resolve(call)
        rows = self._expand(call, gate, values, applications)
        name, params_text, args_text = fast_calls.parts(text)
        self._targets[(name, args_text)] = (gate, applications)
        if params_text is not None and params_text.strip():
            for piece, value in zip(params_text.split(","), values):
                piece = piece.strip()
                if fast_calls.number(piece) is None:
                    self._values[piece] = value
        return rows

    def _call_rows(self, call: ast.Call) -> Rows:
        gate, values, applications = self._resolve(call)
        return self._expand(call, gate, values, applications)

    def _resolve(self, call: ast.Call) -> tuple[Gate, tuple[float, ...], list[tuple[int, ...]]]:
        """The gate, the parameter values and the qubits of each application (broadcast)."""
        gate = self._gate(call)
        values = tuple([evaluate(e) for e in call.params])
        applications = self._broadcast(call.args, "qreg", f"call of '{gate.name}'")
        for qubits in applications:
            if len(set(qubits)) != len(qubits):
                self._repeated_qubit(call, qubits)
        return gate, values, applications

    def _expand(self, call: ast.Call, gate: Gate, values: tuple[float, ...],
                applications: list[tuple[int, ...]]) -> Rows:
        try:
            template = gate.template(values)
        except NavmError as err:
            raise NavmError(err.message, err.loc, notes=err.notes + (f"in '{gate.name}' called at {call.loc}",),
                            source_text=err.source_text) from None
        except RecursionError:
            raise NavmError(f"gate definitions nested too deeply to expand '{gate.name}'", call.loc) from None
        return _apply(template, applications)

    def _gate(self, call: ast.Call) -> Gate:
        gate = self.gates.get(call.name)
        if gate is None:
            if call.name in self.registers:
                raise NavmError(f"'{call.name}' is a register, not a gate", call.loc)
            notes = did_you_mean(call.name, self.gates)
            if self.qelib1_loc is None and call.name in library.QELIB1_NAMES:
                notes = (f"'{call.name}' is in the standard library: add 'include \"qelib1.inc\";' "
                         "after the OPENQASM line",)
            raise NavmError(f"undefined gate '{call.name}'", call.loc, notes=notes)
        if gate.opaque:
            raise NavmError(f"opaque gate '{call.name}' has no definition, so navm cannot apply it", call.loc,
                            notes=(f"'{call.name}' is declared at {gate.loc}",
                                   "define it with 'gate' to use it"))
        library.check_counts(gate, call)
        return gate

    def _repeated_qubit(self, call: ast.Call, qubits: tuple[int, ...]) -> None:
        seen = set()
        for a, q in zip(call.args, qubits):
            if q in seen:
                raise NavmError(f"the same qubit is used twice in one call of '{call.name}'", a.loc,
                                notes=(f"'{a.name}' names qubit {q - self.registers[a.name].start} "
                                       "of its register, as an earlier argument does",))
            seen.add(q)

    # -- measurement and conditions ----------------------------------------------------------

    def _measure(self, m: ast.Measure) -> None:
        qubit_reg = self._register_of(m.qubit, "qreg")
        bit_reg = self._register_of(m.bit, "creg")
        if (m.qubit.index is None) != (m.bit.index is None) or (
                m.qubit.index is None and qubit_reg.size != bit_reg.size):
            raise NavmError(f"measure needs a qubit and a bit, or a quantum and a classical register of the same "
                            f"size: '{_show(m.qubit)}' -> '{_show(m.bit)}'", m.bit.loc)
        for qubit, bit in zip(self._qubits(m.qubit), self._bits(m.bit, bit_reg)):
            self.emit.measure(qubit, bit, self._bit_name(bit), m.loc)

    def _bits(self, a: ast.Arg, reg: Register) -> range:
        if a.index is not None:
            return range(reg.start + a.index, reg.start + a.index + 1)
        return range(reg.start, reg.start + reg.size)

    def _bit_name(self, bit: int) -> str:
        name = self._bit_names.get(bit)
        if name is None:
            reg = next(r for r in self.registers.values() if r.kind == "creg" and r.start <= bit < r.start + r.size)
            name = self._bit_names[bit] = f"{reg.name}[{bit - reg.start}]"
        return name

    def _if(self, s: ast.If) -> None:
        reg = self._register_of(ast.Arg(s.creg, None, s.creg_loc), "creg")
        self.emit.begin_if(range(reg.start, reg.start + reg.size), s.value, s.loc)
        body = s.body
        if type(body) is Token:
            self._fast_calls(body)
        else:
            self._statement(body)
        self.emit.end_if()


def _apply(template: tuple[TemplateRow, ...], applications: list[tuple[int, ...]]) -> Rows:
    """A gate's template rows on the qubits of each application, in order."""
    if len(applications) == 1:
        qs = applications[0]
        return [(code, tuple([qs[i] for i in at]), params) for code, at, params in template]
    return [(code, tuple([qs[i] for i in at]), params) for qs in applications for code, at, params in template]


def _show(a: ast.Arg) -> str:
    return a.name if a.index is None else f"{a.name}[{a.index}]"


def _display_path(path: Path) -> str:
    """An included file's name in diagnostics: relative to the current directory when it is below it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
