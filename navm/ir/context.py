"""One xDSL context with every navm dialect loaded, and text printing/parsing of modules."""

from __future__ import annotations

import io
import re

from xdsl.context import Context
from xdsl.dialects.builtin import Builtin, ModuleOp
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import ParseError

from navm.diagnostics import NavmError, SourceLocation, register_source
from navm.ir.navm import NAVM
from navm.ir.noise import NOISE
from navm.ir.qbc import QBC

DIALECTS = (QBC, NAVM, NOISE)


def make_context() -> Context:
    ctx = Context()
    ctx.load_dialect(Builtin)
    for d in DIALECTS:
        ctx.load_dialect(d)
    return ctx


def print_module(module: ModuleOp, *, locations: bool = True) -> str:
    """The module as IR text; `locations` prints each op's source position."""
    out = io.StringIO()
    Printer(stream=out, print_debuginfo=locations).print_op(module)
    out.write("\n")
    # An unknown location says nothing; leaving it out keeps the text readable
    # and parses back to the same (unknown) location.
    return out.getvalue().replace(" loc(unknown)", "")


def parse_module(text: str, file: str = "<ir>") -> ModuleOp:
    """Parse IR text; syntax errors become NavmError with file:line:column."""
    register_source(file, text)
    try:
        return Parser(make_context(), text, file).parse_module()
    except ParseError as err:
        raise NavmError(err.msg, _error_location(err, text, file)) from None


def _error_location(err: ParseError, text: str, file: str) -> SourceLocation:
    start = err.span.start
    # xDSL reports an unknown op at the token after its name; point at the name.
    if (m := re.match(r"Operation (\S+) is not registered", err.msg)) is not None:
        found = text.rfind(m.group(1), 0, start + 1)
        if found >= 0:
            start = found
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return SourceLocation(file, line, column)
