"""One xDSL context with every navm dialect loaded, and text printing/parsing of modules."""

from __future__ import annotations

import io

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
        span = err.span
        line, col = span.get_line_col()
        raise NavmError(_first_line(str(err)), SourceLocation(file, line + 1, col + 1)) from None


def _first_line(message: str) -> str:
    # xDSL renders its own caret display; keep only the message itself.
    lines = [ln for ln in message.splitlines() if ln.strip()]
    return lines[-1].strip() if lines else "invalid IR"
