"""Compile-time values of the classical SSA values a flattened kernel still holds.

bloqade's passes fold most arithmetic into `py.constant`, but not all of it (the
qasm2 `expr` dialect keeps `pi / 4` as statements), so the few pure operations an
angle or an index can be built from are evaluated here.
"""

from __future__ import annotations

import math
import operator

from bloqade.qasm2.dialects.expr import stmts as qexpr
from kirin import ir
from kirin.analysis import const
from kirin.dialects import py

from navm.diagnostics import NavmError
from navm.frontend.kirin.source import statement_location, statement_name

_BINARY = {
    py.binop.Add: operator.add, py.binop.Sub: operator.sub, py.binop.Mult: operator.mul,
    py.binop.Div: operator.truediv, py.binop.FloorDiv: operator.floordiv, py.binop.Mod: operator.mod,
    py.binop.Pow: operator.pow,
    qexpr.Add: operator.add, qexpr.Sub: operator.sub, qexpr.Mul: operator.mul, qexpr.Div: operator.truediv,
    qexpr.Pow: operator.pow,
}
_UNARY = {
    py.unary.USub: operator.neg, py.unary.UAdd: operator.pos, qexpr.Neg: operator.neg,
    qexpr.Sin: math.sin, qexpr.Cos: math.cos, qexpr.Tan: math.tan, qexpr.Exp: math.exp,
    qexpr.Log: math.log, qexpr.Sqrt: math.sqrt,
}


def constant(value: ir.SSAValue, user: ir.Statement) -> object:
    """The compile-time value of `value`, which `user` needs; a NavmError at `user` if it has none."""
    hint = value.hints.get("const")
    if isinstance(hint, const.Value):
        return hint.data
    owner = value.owner
    if isinstance(owner, ir.Block):  # a block argument: a kernel parameter or a loop variable
        raise NavmError(f"`{statement_name(user)}` uses `{value.name or 'a value'}`, which is not known at "
                        "compile time (an unbound kernel argument or a loop that could not be unrolled)",
                        statement_location(user))
    if isinstance(owner, py.Constant):
        return owner.value.unwrap()
    if isinstance(owner, (qexpr.ConstInt, qexpr.ConstFloat)):
        return owner.value
    if isinstance(owner, qexpr.ConstPI):
        return math.pi
    if type(owner) in _BINARY:
        return _BINARY[type(owner)](constant(owner.lhs, owner), constant(owner.rhs, owner))
    if type(owner) in _UNARY:
        return _UNARY[type(owner)](constant(owner.args[0], owner))
    raise NavmError(f"`{statement_name(user)}` needs the value of `{statement_name(owner)}`, which navm "
                    "cannot evaluate at compile time", statement_location(owner))


def number(value: ir.SSAValue, user: ir.Statement) -> float:
    """A real parameter (angle, probability) of `user`."""
    result = constant(value, user)
    if isinstance(result, bool) or not isinstance(result, (int, float)):
        raise NavmError(f"`{statement_name(user)}` needs a number, got {type(result).__name__} {result!r}",
                        statement_location(user))
    return float(result)


def is_evaluable(stmt: ir.Statement) -> bool:
    """Whether `constant` can evaluate `stmt`'s result (so a walk may skip it until then)."""
    return type(stmt) in _BINARY or type(stmt) in _UNARY or isinstance(
        stmt, (py.Constant, qexpr.ConstInt, qexpr.ConstFloat, qexpr.ConstPI))
