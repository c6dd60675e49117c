"""Reading a directive's arguments: `.define`, `.entry_point`, `.include`, `.isa`, `.end`.

Each reader takes the directive token's text and position and returns the
arguments with their positions, or raises a `NavmError` pointing into the line.
What the arguments mean (symbol tables, files) is the caller's business.
"""

from __future__ import annotations

import difflib
import re
from typing import NamedTuple

from navm.diagnostics import NavmError, SourceLocation
from navm.frontend.qbc.literals import shorten
from navm.ir.instruction_set import SUPPORTED_ISA_VERSIONS

DIRECTIVES = (".define", ".entry_point", ".include", ".isa", ".end")

_HEAD = re.compile(r"(\.[A-Za-z_][A-Za-z0-9_]*)[ \t]*", re.ASCII)
_WORD = re.compile(r"\S+")


class Arg(NamedTuple):
    """One whitespace-separated argument and where it starts."""

    text: str
    loc: SourceLocation


class Directive(NamedTuple):
    """A directive as written: lower-case name, its position, its arguments."""

    name: str
    loc: SourceLocation
    args: tuple[Arg, ...]
    rest: str  # the raw argument text (for quoted strings)
    rest_loc: SourceLocation


def read(text: str, file: str, line: int, column: int) -> Directive:
    """Split a DIRECTIVE token; unknown directive names are an error here."""
    head = _HEAD.match(text)
    assert head is not None  # the grammar guarantees `.name`
    name = head.group(1).lower()
    loc = SourceLocation(file, line, column)
    if name not in DIRECTIVES:
        close = difflib.get_close_matches(name, DIRECTIVES, n=1)
        notes = (f"did you mean '{close[0]}'?",) if close else ()
        raise NavmError(f"unknown directive '{shorten(head.group(1))}'", loc,
                        notes=notes + ("directives are " + ", ".join(DIRECTIVES),))
    rest = text[head.end():]
    base = column + head.end()
    args = tuple(Arg(m.group(), SourceLocation(file, line, base + m.start())) for m in _WORD.finditer(rest))
    rest_loc = SourceLocation(file, line, base)
    return Directive(name, loc, args, rest.rstrip(), rest_loc)


def expect_args(d: Directive, count: int, usage: str) -> tuple[Arg, ...]:
    """The directive's arguments, which must number exactly `count`."""
    if len(d.args) < count:
        raise NavmError(f"{d.name} needs {_plural(count, 'argument')}: {usage}", d.loc)
    if len(d.args) > count:
        extra = d.args[count]
        what = "no arguments" if count == 0 else _plural(count, "argument")
        raise NavmError(f"{d.name} takes {what}, got '{shorten(extra.text)}'", extra.loc, notes=(f"usage: {usage}",))
    return d.args


def include_path(d: Directive) -> str:
    """The path of `.include "path"`."""
    rest = d.rest
    if not rest:
        raise NavmError('.include needs a path in double quotes: .include "file.qbc"', d.loc)
    if not rest.startswith('"'):
        raise NavmError('the path of .include must be in double quotes: .include "file.qbc"', d.rest_loc)
    end = rest.find('"', 1)
    if end < 0:
        raise NavmError("unterminated string: missing closing '\"'", d.rest_loc)
    if rest[end + 1:].strip():
        col = d.rest_loc.column + end + 1 + (len(rest[end + 1:]) - len(rest[end + 1:].lstrip()))
        raise NavmError(".include takes one path", SourceLocation(d.loc.file, d.loc.line, col))
    path = rest[1:end]
    if not path:
        raise NavmError(".include needs a non-empty path", d.rest_loc)
    return path


def isa_version(d: Directive) -> str:
    """The version of `.isa V`, which must be a supported one."""
    (arg,) = expect_args(d, 1, ".isa 1.1")
    if arg.text not in SUPPORTED_ISA_VERSIONS:
        raise NavmError(f"unknown ISA version '{shorten(arg.text)}'", arg.loc,
                        notes=("supported versions: " + ", ".join(SUPPORTED_ISA_VERSIONS),))
    return arg.text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
