"""Angle expressions such as "pi/4" or "-3*pi/2", parsed without eval.

Grammar: expr = term (("+" | "-") term)*; term = unary (("*" | "/") unary)*;
unary = ("-" | "+") unary | atom; atom = number | "pi" | "π" | "tau" | "(" expr ")".
"""

from __future__ import annotations

import math
import re

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|(pi|π|tau)|([-+*/()]))")
_CONSTANTS = {"pi": math.pi, "π": math.pi, "tau": math.tau}


class AngleError(ValueError):
    """`position` is the 0-based index into the expression text."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message, self.position = message, position


def _tokens(text: str) -> list[tuple[str, object, int]]:
    out: list[tuple[str, object, int]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None:
            bad = len(text) - len(text[pos:].lstrip())
            raise AngleError(f"unexpected {text[bad]!r}", bad)
        start = m.start(m.lastindex)
        if m.group(1):
            out.append(("num", float(m.group(1)), start))
        elif m.group(2):
            out.append(("num", _CONSTANTS[m.group(2)], start))
        else:
            out.append((m.group(3), None, start))
        pos = m.end()
    out.append(("end", None, len(text)))
    return out


MAX_LENGTH = 200
MAX_NESTING = 50


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.nesting = 0

    def peek(self) -> str:
        return self.toks[self.i][0]

    def take(self) -> tuple[str, object, int]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expr(self) -> float:
        value = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()[0]
            rhs = self.term()
            value = value + rhs if op == "+" else value - rhs
        return value

    def term(self) -> float:
        value = self.unary()
        while self.peek() in ("*", "/"):
            op, _, pos = self.take()
            rhs = self.unary()
            if op == "/" and rhs == 0:
                raise AngleError("division by zero", pos)
            value = value * rhs if op == "*" else value / rhs
        return value

    def unary(self) -> float:
        negative = False
        while self.peek() in ("-", "+"):
            negative ^= self.take()[0] == "-"
        value = self.atom()
        return -value if negative else value

    def atom(self) -> float:
        kind, value, pos = self.take()
        if kind == "num":
            return float(value)  # type: ignore[arg-type]
        if kind == "(":
            self.nesting += 1
            if self.nesting > MAX_NESTING:
                raise AngleError(f"more than {MAX_NESTING} nested parentheses", pos)
            inner = self.expr()
            self.nesting -= 1
            if self.peek() != ")":
                raise AngleError("expected ')'", self.toks[self.i][2])
            self.take()
            return inner
        what = "end of expression" if kind == "end" else repr(kind)
        raise AngleError(f"expected a number, pi or '(', found {what}", pos)


def parse_angle(text: str) -> float:
    """The value of an angle expression, in radians; AngleError if it is not one."""
    if len(text) > MAX_LENGTH:
        raise AngleError(f"the expression is longer than {MAX_LENGTH} characters", MAX_LENGTH)
    parser = _Parser(text)
    value = parser.expr()
    kind, _, pos = parser.toks[parser.i]
    if kind != "end":
        raise AngleError(f"unexpected {kind if kind != 'num' else 'number'!r}", pos)
    if not math.isfinite(value):
        raise AngleError("the value is not finite", 0)
    return value
