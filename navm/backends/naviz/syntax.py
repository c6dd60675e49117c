""".naviz text → atom declarations and operations with their source positions (grammar.lark).

Kept apart from the reader so that the meaning (which operation is which row, where the
atoms are) is decided on plain records, and every syntax error is a NavmError at the
offending character with what was expected there.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from lark import Lark, Token
from lark.exceptions import UnexpectedInput

from navm.cache import lark_cache
from navm.diagnostics import NavmError, SourceLocation, register_source
from navm.lark_errors import lark_syntax_error


@dataclass(frozen=True)
class Member:
    """One target of an operation: its parameters, its position if given, the target's name."""

    params: tuple[float, ...]
    position: tuple[float, float] | None
    name: str
    loc: SourceLocation
    name_loc: SourceLocation


@dataclass(frozen=True)
class AtomDecl:
    name: str
    position: tuple[float, float]
    loc: SourceLocation
    name_loc: SourceLocation


@dataclass(frozen=True)
class Operation:
    """`@+ NAME member` or `@+ NAME [ members ]`; `grouped` says which form was written."""

    timing: str
    name: str
    members: tuple[Member, ...]
    grouped: bool
    loc: SourceLocation
    timing_loc: SourceLocation
    name_loc: SourceLocation


_WORDS = {  # listed in this order in "expected ..."
    "LPAR": "'('", "RPAR": "')'", "COMMA": "','", "LSQB": "'['", "RSQB": "']'", "ATOM": "'atom'",
    "_NL": "a line break", "NAME": "a name", "NUMBER": "a number", "TIME": "a timing such as '@+'",
    "$END": "the end of the file",
}


@functools.cache
def _lark() -> Lark:
    grammar = Path(__file__).with_name("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", propagate_positions=True, cache=lark_cache("naviz"))


def parse_naviz(text: str, file: str) -> tuple[list[AtomDecl], list[Operation]]:
    """The atoms and operations of a .naviz text, in file order."""
    register_source(file, text)
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as err:
        raise _syntax_error(err, file) from None

    def at(token) -> SourceLocation:  # a token, or a tree node's `meta`
        return SourceLocation(file, token.line, token.column)

    def member(node) -> Member:
        tokens = [c for c in node.children if isinstance(c, Token)]
        numbers = tuple(float(t) for t in tokens if t.type == "NUMBER")
        name = tokens[-1]
        pos = next((c for c in node.children if not isinstance(c, Token)), None)
        return Member(numbers, _position(pos), str(name), at(node.meta), at(name))

    atoms: list[AtomDecl] = []
    ops: list[Operation] = []
    for node in tree.children:
        if node.data == "atom":
            pos, name = node.children
            atoms.append(AtomDecl(str(name), _position(pos), at(node.meta), at(name)))
            continue
        timing, name, body = node.children
        grouped = body.data == "group"
        members = tuple(member(m) for m in body.children) if grouped else (member(body),)
        ops.append(Operation(str(timing), str(name), members, grouped, at(node.meta), at(timing), at(name)))
    return atoms, ops


def _position(node) -> tuple[float, float] | None:
    if node is None:
        return None
    x, y = node.children
    return float(x), float(y)


def _syntax_error(err: UnexpectedInput, file: str) -> NavmError:
    return lark_syntax_error(err, file, _WORDS)
