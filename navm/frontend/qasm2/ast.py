"""The statements the parser produces, each with its source position.

A run of one-line gate calls that fit the fast shape stays a Lark `Token`
(FAST_CALLS, or FAST_CALL for the one call of an `if`) until the program
walker needs it; `fast_calls.split` turns each call into the same `Call` the
grammar rules build.
"""

from __future__ import annotations

from typing import NamedTuple

from lark import Token

from navm.diagnostics import SourceLocation
from navm.frontend.qasm2.expressions import Expr


class Arg(NamedTuple):
    """`name` (a whole register, or a gate's qubit argument) or `name[index]`."""

    name: str
    index: int | None
    loc: SourceLocation


class Call(NamedTuple):
    name: str
    params: tuple[Expr, ...]
    args: tuple[Arg, ...]
    loc: SourceLocation
    params_loc: SourceLocation | None = None  # the '(' of the parameter list, if written


class Measure(NamedTuple):
    qubit: Arg
    bit: Arg
    loc: SourceLocation


class Reset(NamedTuple):
    qubit: Arg
    loc: SourceLocation


class Barrier(NamedTuple):
    args: tuple[Arg, ...]
    loc: SourceLocation


class If(NamedTuple):
    """`if (creg == value) op;`"""

    creg: str
    creg_loc: SourceLocation
    value: int
    body: QuantumOp
    loc: SourceLocation


class Register(NamedTuple):
    kind: str  # "qreg" | "creg"
    name: str
    size: int
    loc: SourceLocation
    name_loc: SourceLocation


class Formal(NamedTuple):
    """A name declared by a gate definition (a parameter or a qubit argument)."""

    name: str
    loc: SourceLocation


class GateDef(NamedTuple):
    """`gate` (body is a tuple of statements) or `opaque` (body is None)."""

    name: str
    name_loc: SourceLocation
    params: tuple[Formal, ...]
    qubits: tuple[Formal, ...]
    body: tuple | None
    loc: SourceLocation


class Include(NamedTuple):
    path: str
    loc: SourceLocation
    path_loc: SourceLocation


class Header(NamedTuple):
    version: str
    loc: SourceLocation
    version_loc: SourceLocation


QuantumOp = Call | Measure | Reset | Barrier | Token
Statement = QuantumOp | If | Register | GateDef | Include


class Source(NamedTuple):
    """One parsed file: its header (if any) and its statements in order."""

    file: str
    header: Header | None
    statements: list
