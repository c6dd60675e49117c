"""The gates a program can call: U and CX, qelib1.inc, `gate` and `opaque` declarations.

A user `gate` is checked once, where it is declared (its calls, argument
names and parameter names), and expanded at each use: the call's parameter
values are bound to the definition's names and its body is expanded
recursively down to navm rows. The rows a gate gives for one tuple of
parameter values (a *template*, over the gate's own qubits 0, 1, …) are
cached on the gate, so `ccx` or a user's `qft` is expanded once per distinct
parameter tuple however often it is called.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from lark import Token

from navm.diagnostics import NavmError, SourceLocation
from navm.frontend.qasm2 import ast, fast_calls, qelib1
from navm.frontend.qasm2.errors import did_you_mean
from navm.frontend.qasm2.expressions import Expr, evaluate, undefined_names
from navm.ir.gates import OPCODE

BARRIER = OPCODE["barrier"]
MAX_CACHED_TEMPLATES = 4096  # per gate; a program with more distinct parameter tuples recomputes

TemplateRow = tuple[int, tuple[int, ...], tuple[float, ...]]
"""(navm opcode, qubits as positions in the gate's arguments, parameter values)."""


class BodyOp(NamedTuple):
    """One statement of a gate body, resolved: a call (`gate` set) or a barrier (`gate` None)."""

    gate: Gate | None
    params: tuple[Expr, ...]
    qubits: tuple[int, ...]
    loc: SourceLocation


@dataclass(eq=False)
class Gate:
    name: str
    n_params: int
    n_qubits: int
    loc: SourceLocation | None  # where it is declared (None: built in)
    native: Callable[..., qelib1.Template] | None = None
    params: tuple[str, ...] = ()
    body: tuple[BodyOp, ...] = ()
    opaque: bool = False
    templates: dict = field(default_factory=dict)

    def template(self, values: tuple[float, ...]) -> tuple[TemplateRow, ...]:
        """The rows this gate is, for these parameter values. Raises NavmError at the body
        statement whose expression fails (division by zero, …)."""
        if self.native is not None and values:  # cheap to make, and parameter values rarely repeat
            return tuple([(OPCODE[name], qubits, params) for name, qubits, params in self.native(*values)])
        found = self.templates.get(values)
        if found is not None:
            return found
        if self.native is not None:
            rows = tuple([(OPCODE[name], qubits, params) for name, qubits, params in self.native()])
        else:
            env = dict(zip(self.params, values))
            out: list[TemplateRow] = []
            for op in self.body:
                if op.gate is None:
                    out.append((BARRIER, op.qubits, ()))
                    continue
                inner = op.gate.template(tuple([evaluate(e, env) for e in op.params]))
                at = op.qubits
                out.extend((code, tuple([at[i] for i in qubits]), params) for code, qubits, params in inner)
            rows = tuple(out)
        if len(self.templates) >= MAX_CACHED_TEMPLATES:
            self.templates.clear()
        self.templates[values] = rows
        return rows


def builtin_gates() -> dict[str, Gate]:
    """U and CX: there in every program."""
    return {name: Gate(name, p, q, None, native=fn) for name, (p, q, fn) in qelib1.BUILTIN.items()}


def define(d: ast.GateDef, gates: dict[str, Gate]) -> Gate:
    """Check a `gate` or `opaque` declaration against the gates declared before it."""
    params = _formals(d.params, "parameter", {})
    qubits = _formals(d.qubits, "qubit argument", params)
    if d.body is None:
        return Gate(d.name, len(params), len(qubits), d.name_loc, params=tuple(params), opaque=True)
    body = tuple(_body_op(s, d, params, qubits, gates) for s in _statements(d))
    return Gate(d.name, len(params), len(qubits), d.name_loc, params=tuple(params), body=body)


def _statements(d: ast.GateDef):
    """The body's statements, each call of a FAST_CALLS token on its own."""
    for s in d.body:
        if type(s) is Token:
            for text, line, column in fast_calls.calls(s):
                yield fast_calls.split(text, SourceLocation(d.loc.file, line, column))
        else:
            yield s


def _formals(formals: tuple[ast.Formal, ...], what: str, taken: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in formals:
        if f.name in out or f.name in taken:
            raise NavmError(f"{what} '{f.name}' is already declared in this gate definition", f.loc)
        out[f.name] = len(out)
    return out


def _body_op(s, d: ast.GateDef, params: dict[str, int], qubits: dict[str, int],
             gates: dict[str, Gate]) -> BodyOp:
    if type(s) is ast.Barrier:
        positions = _body_qubits(s.args, d, qubits)
        return BodyOp(None, (), tuple(dict.fromkeys(positions)), s.loc)
    if type(s) is not ast.Call:
        word = "measure" if type(s) is ast.Measure else "reset"
        raise NavmError(f"{word} is not allowed in a gate definition; only gate calls and barrier are",
                        s.loc, notes=(f"in the definition of '{d.name}'",))
    gate = gates.get(s.name)
    if gate is None:
        notes = did_you_mean(s.name, gates)
        if s.name == d.name:
            notes = ("a gate cannot call itself",)
        raise NavmError(f"undefined gate '{s.name}'", s.loc, notes=notes)
    if gate.opaque:
        raise NavmError(f"opaque gate '{s.name}' has no definition, so navm cannot use it", s.loc,
                        notes=(f"'{s.name}' is declared at {gate.loc}",))
    check_counts(gate, s)
    for e in s.params:
        for bad in undefined_names(e, params):
            raise NavmError(f"undefined parameter '{bad.name}'", bad.loc,
                            notes=did_you_mean(bad.name, params) or (f"'{d.name}' has parameters: "
                                                                     + (", ".join(params) or "none"),))
    positions = _body_qubits(s.args, d, qubits)
    seen: dict[int, ast.Arg] = {}
    for a, p in zip(s.args, positions):
        if p in seen:
            raise NavmError(f"qubit '{a.name}' is used twice in one call of '{s.name}'", a.loc)
        seen[p] = a
    return BodyOp(gate, s.params, positions, s.loc)


def _body_qubits(args: tuple[ast.Arg, ...], d: ast.GateDef, qubits: dict[str, int]) -> tuple[int, ...]:
    out = []
    for a in args:
        if a.index is not None:
            raise NavmError(f"'{a.name}[{a.index}]': inside a gate definition qubits are the gate's arguments, "
                            "which cannot be indexed", a.loc)
        position = qubits.get(a.name)
        if position is None:
            raise NavmError(f"'{a.name}' is not a qubit argument of gate '{d.name}'", a.loc,
                            notes=did_you_mean(a.name, qubits) or (f"'{d.name}' acts on: {', '.join(qubits)}",))
        out.append(position)
    return tuple(out)


def check_counts(gate: Gate, call: ast.Call) -> None:
    """The call gives `gate` as many parameters and qubit arguments as it takes."""
    if len(call.params) != gate.n_params:
        raise NavmError(f"'{gate.name}' takes {_count(gate.n_params, 'parameter')}, got {len(call.params)}",
                        call.params_loc or call.loc, notes=_declared(gate))
    if len(call.args) != gate.n_qubits:
        loc = call.args[gate.n_qubits].loc if len(call.args) > gate.n_qubits else call.loc
        raise NavmError(f"'{gate.name}' acts on {_count(gate.n_qubits, 'qubit')}, got {len(call.args)}",
                        loc, notes=_declared(gate))


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _declared(gate: Gate) -> tuple[str, ...]:
    return (f"'{gate.name}' is declared at {gate.loc}",) if gate.loc is not None else ()


@functools.cache
def qelib1_gates() -> tuple[Gate, ...]:
    """qelib1.inc's gates in file order: NATIVE ones as navm rows, the rest from their definitions."""
    from navm.diagnostics import register_source
    from navm.frontend.qasm2.parser import parse_source

    source = parse_source(qelib1.QELIB1, qelib1.FILE)
    register_source(qelib1.FILE, qelib1.QELIB1)
    gates = builtin_gates()
    out = []
    for d in source.statements:
        if d.name in qelib1.NATIVE:
            p, q, fn = qelib1.NATIVE[d.name]
            gate = Gate(d.name, p, q, d.name_loc, native=fn)
        else:
            gate = define(d, gates)
        gates[d.name] = gate
        out.append(gate)
    return tuple(out)


QELIB1_NAMES = frozenset(name for name in qelib1.NATIVE) | frozenset(
    line.split()[1].split("(")[0] for line in qelib1.QELIB1.splitlines() if line.startswith("gate "))
