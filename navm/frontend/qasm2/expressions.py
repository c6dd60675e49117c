"""Parameter expressions: the tree the parser builds, and its evaluation to a float.

OpenQASM 2 expressions are real numbers, `pi`, a gate's own parameter names
(only inside its definition), `+ - * / ^`, unary `-` (and `+`), and the
functions sin, cos, tan, exp, ln, sqrt. Every node that can fail keeps its
source position, so a division by zero or `ln(0)` is reported at its operator
or function name. Top-level parameters are evaluated once, where they are
written; a gate body's parameters are evaluated at each expansion, with the
call's values bound to the parameter names.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from navm.diagnostics import NavmError, SourceLocation


class Num(NamedTuple):
    value: float


class Name(NamedTuple):
    name: str
    loc: SourceLocation


class Unary(NamedTuple):
    op: str  # "-" or "+"
    operand: Expr
    loc: SourceLocation


class Binary(NamedTuple):
    op: str  # + - * / ^
    left: Expr
    right: Expr
    loc: SourceLocation  # the operator's


class Func(NamedTuple):
    name: str
    arg: Expr
    loc: SourceLocation  # the function name's


Expr = Num | Name | Unary | Binary | Func

PI = Num(math.pi)

FUNCTIONS = {
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "exp": math.exp,
    "ln": math.log,
    "sqrt": math.sqrt,
}


def evaluate(expr: Expr, env: dict[str, float] | None = None) -> float:
    """The value of `expr`, with `env` giving a gate body's parameters.

    Raises NavmError at the failing node: division by zero, ln/sqrt outside
    their domain, overflow, a result that is not finite."""
    try:
        value = _eval(expr, env or {})
    except RecursionError:
        raise NavmError("expression is nested too deeply", _first_loc(expr)) from None
    if not math.isfinite(value):
        raise NavmError(f"expression value {value} is not a finite number", _first_loc(expr))
    return value


def _eval(e: Expr, env: dict[str, float]) -> float:
    kind = type(e)
    if kind is Num:
        return e.value
    if kind is Binary:
        a, b = _eval(e.left, env), _eval(e.right, env)
        op = e.op
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            if b == 0:
                raise NavmError("division by zero", e.loc)
            return a / b
        return _power(a, b, e.loc)
    if kind is Unary:
        v = _eval(e.operand, env)
        return -v if e.op == "-" else v
    if kind is Name:
        value = env.get(e.name)
        if value is None:  # definitions are checked with `undefined_names` first
            raise NavmError(f"undefined parameter '{e.name}'", e.loc)
        return value
    return _function(e.name, _eval(e.arg, env), e.loc)


def _power(a: float, b: float, loc: SourceLocation) -> float:
    if a == 0 and b < 0:
        raise NavmError(f"0 cannot be raised to a negative power ({_num(b)})", loc)
    if a < 0 and b != int(b):
        raise NavmError(f"a negative number ({_num(a)}) cannot be raised to a non-integer power ({_num(b)})", loc)
    try:
        return math.pow(a, b)
    except OverflowError:
        raise NavmError(f"{_num(a)}^{_num(b)} is too large", loc) from None


def _function(name: str, x: float, loc: SourceLocation) -> float:
    if name == "ln" and x <= 0:
        raise NavmError(f"ln of a non-positive number ({_num(x)})", loc)
    if name == "sqrt" and x < 0:
        raise NavmError(f"sqrt of a negative number ({_num(x)})", loc)
    try:
        return FUNCTIONS[name](x)
    except OverflowError:
        raise NavmError(f"{name}({_num(x)}) is too large", loc) from None
    except ValueError:  # sin/cos/tan of an infinity
        raise NavmError(f"{name}({_num(x)}) is not defined", loc) from None


def _num(x: float) -> str:
    return repr(int(x)) if x == int(x) and abs(x) < 1e15 else repr(x)


def undefined_names(expr: Expr, known) -> list[Name]:
    """The `Name` nodes of `expr` not in `known`, in source order (iteratively: no recursion limit)."""
    out: list[Name] = []
    stack = [expr]
    while stack:
        e = stack.pop()
        kind = type(e)
        if kind is Name:
            if e.name not in known:
                out.append(e)
        elif kind is Binary:
            stack.extend((e.right, e.left))
        elif kind is Unary:
            stack.append(e.operand)
        elif kind is Func:
            stack.append(e.arg)
    return sorted(out, key=lambda n: (n.loc.line, n.loc.column))


def _first_loc(expr: Expr) -> SourceLocation | None:
    """The leftmost position recorded in `expr` (where an error about the whole expression points)."""
    best = None
    stack = [expr]
    while stack:
        e = stack.pop()
        loc = getattr(e, "loc", None)
        if loc is not None and (best is None or (loc.line, loc.column) < (best.line, best.column)):
            best = loc
        stack.extend(x for x in e[1:] if isinstance(x, tuple) and not isinstance(x, SourceLocation))
    return best
