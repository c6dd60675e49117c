"""Taking FAST_CALLS tokens (runs of `name(params) arg, arg[3];` calls) apart.

The grammar has already checked the token's shape, so compiled regexes find
each call with its line and column (`calls`), and a call's name, parameter
text and arguments with their columns (`split`). Parameters that are plain
numbers become `Num` directly; any other parameter text is parsed by the
grammar's expression rule (`parser.parse_expression`), at its own column.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from lark import Token

from navm.diagnostics import SourceLocation
from navm.frontend.qasm2 import expressions as ex
from navm.frontend.qasm2.ast import Arg, Call
from navm.frontend.qasm2.parser import exact_int, parse_expression, terminal_regex

_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?:(\()([^()]*)\))?[ \t]*([^;]*?)[ \t]*;", re.ASCII)
_ARG = re.compile(r"[ \t]*([A-Za-z_][A-Za-z0-9_]*)(?:[ \t]*\[[ \t]*([0-9]+)[ \t]*\])?[ \t]*(?:,|\Z)", re.ASCII)
NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?)", re.ASCII)
_INF = float("inf")


@functools.cache
def _one_call() -> re.Pattern:
    """Blanks and comments, then one call (group 1): the grammar's own FAST_CALL pattern."""
    return re.compile(r"(?:[ \t\r\f\n]|//[^\n]*)*(" + terminal_regex("FAST_CALL") + ")")


def calls(tok: Token) -> Iterator[tuple[str, int, int]]:
    """(call text, line, column) of each call in a FAST_CALL or FAST_CALLS token."""
    text = str(tok)
    line = tok.line
    line_start = 1 - tok.column  # so that column = position - line_start + 1
    previous = 0
    count, rfind = text.count, text.rfind
    for m in _one_call().finditer(text):
        start = m.start(1)
        newlines = count("\n", previous, start)
        if newlines:
            line += newlines
            line_start = rfind("\n", previous, start) + 1
        previous = start
        yield m.group(1), line, start - line_start + 1


def parts(text: str) -> tuple[str, str | None, str]:
    """A call's name, parameter text (None without parentheses) and argument text."""
    m = _CALL.match(text)
    return m.group(1), m.group(3), m.group(4)


def split(text: str, loc: SourceLocation, exprs: dict[str, ex.Expr] | None = None) -> Call:
    """The `Call` one call's text stands for; `loc` is where the text starts.

    `exprs` caches parsed parameter texts. Only pass one where an expression's
    failures do not depend on where it is used (top-level calls: their
    parameters have no free names, so a text that evaluates once always does)."""
    file, line, column = loc
    m = _CALL.match(text)
    params: tuple[ex.Expr, ...] = ()
    params_loc = None
    if m.group(2) is not None:
        params_loc = SourceLocation(file, line, column + m.start(2))
        params = _params(m.group(3), text, m.start(3), file, line, column, exprs)
    args = []
    pos, end = m.start(4), m.end(4)
    while pos < end:
        a = _ARG.match(text, pos, end)
        index_text = a.group(2)
        arg_loc = SourceLocation(file, line, column + a.start(1))
        index = None if index_text is None else exact_int(index_text)
        args.append(Arg(a.group(1), index, arg_loc))
        pos = a.end()
    return Call(m.group(1), params, tuple(args), loc, params_loc)


def number(piece: str) -> float | None:
    """The value of a parameter written as a plain (finite) number, else None."""
    if NUMBER.fullmatch(piece):
        value = float(piece)
        if value != _INF and value != -_INF:
            return value
    return None


def _params(inner: str, text: str, start: int, file: str, line: int, column: int,
            exprs: dict[str, ex.Expr] | None) -> tuple[ex.Expr, ...]:
    if not inner.strip():
        return ()
    out = []
    offset = start
    for piece in inner.split(","):
        stripped = piece.strip()
        at = offset + (len(piece) - len(piece.lstrip()) if stripped else len(piece))
        value = number(stripped)
        if value is not None:
            expr = ex.Num(value)
        elif exprs is not None and stripped in exprs:
            expr = exprs[stripped]
        else:
            expr = parse_expression(stripped, SourceLocation(file, line, column + at), text[at + len(stripped):])
            if exprs is not None:
                exprs[stripped] = expr
        out.append(expr)
        offset += len(piece) + 1
    return tuple(out)
