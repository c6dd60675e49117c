"""OpenQASM 2 text -> `Source` (header and statements): the Lark front end.

Why gate calls are not tokenized one by one: Lark's lexer and LALR parser
cost several microseconds per token in pure Python, and `cx q[0],q[1];` is
ten tokens. Files of 100,000 such lines are normal (every benchmark suite and
every transpiler writes them), so grammar.lark has a FAST_CALLS terminal that
matches a whole run of one-line calls whose parameters have no nested
parentheses, with the blanks and comments between them; `fast_calls` takes
it apart with compiled regexes, keeping each call's and argument's exact
line and column, and the program walker caches the meaning of each distinct
call text. Anything else (a call spread over lines, nested parentheses, every
declaration) goes through the grammar's rules, which decide, as always, what
is valid.
"""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedInput

from navm.cache import lark_cache
from navm.diagnostics import NavmError, SourceLocation, register_source
from navm.frontend.qasm2 import ast
from navm.frontend.qasm2 import expressions as ex
from navm.frontend.qasm2.errors import syntax_error
from navm.perf import gc_paused

_INT_PIECE = 600  # int() of a decimal string refuses more than sys.get_int_max_str_digits() (>= 640) digits
KEYWORDS = frozenset({"OPENQASM", "include", "qreg", "creg", "gate", "opaque", "measure", "reset", "barrier",
                      "if", "pi"})


class _Build(Transformer):
    """Inline transformer: builds `ast` nodes as the LALR parser reduces, no parse tree.

    `file`, `line_shift` and `column_shift` place the tokens: an expression cut
    out of a FAST_CALLS token is parsed on its own and shifted to where it is."""

    def __init__(self) -> None:
        super().__init__()
        self.file = "<input>"
        self.line_shift = 0
        self.column_shift = 0

    def loc(self, tok: Token) -> SourceLocation:
        if tok.line == 1:
            return SourceLocation(self.file, 1 + self.line_shift, tok.column + self.column_shift)
        return SourceLocation(self.file, tok.line + self.line_shift, tok.column)

    def declared(self, tok: Token) -> str:
        """A name being declared. The contextual lexer reads a keyword where only a name
        can stand as a name, so `qreg gate[2];` would otherwise pass."""
        if tok in KEYWORDS:
            raise NavmError(f"'{tok}' is a keyword and cannot be a name", self.loc(tok))
        return str(tok)

    def integer(self, tok: Token) -> int:
        return exact_int(tok)

    # -- program structure ---------------------------------------------------------

    def start(self, children):
        header, items = None, []
        for child in children:
            if type(child) is ast.Header:
                header = child
            elif child is not None:
                items = child
        return header, items

    def items(self, children):
        if len(children) == 1:
            return children  # the first item: a fresh list from the parser
        children[0].append(children[1])
        return children[0]

    body = items

    def header(self, children):
        keyword, version = children
        return ast.Header(str(version), self.loc(keyword), self.loc(version))

    def include(self, children):
        keyword, path = children
        return ast.Include(path[1:-1], self.loc(keyword), self.loc(path))

    def qreg(self, children):
        keyword, name, size = children
        return ast.Register(str(keyword), self.declared(name), self.integer(size), self.loc(keyword), self.loc(name))

    creg = qreg

    def gate_def(self, children):
        keyword, name, params, qubits, _brace, body = children
        return ast.GateDef(self.declared(name), self.loc(name), params or (), tuple(qubits), tuple(body or ()),
                           self.loc(keyword))

    def opaque_def(self, children):
        keyword, name, params, qubits = children
        return ast.GateDef(self.declared(name), self.loc(name), params or (), tuple(qubits), None, self.loc(keyword))

    def formal_params(self, children):
        (names,) = children
        return tuple(names or ())

    def idlist(self, children):
        if len(children) == 1:
            return [ast.Formal(self.declared(children[0]), self.loc(children[0]))]
        children[0].append(ast.Formal(self.declared(children[1]), self.loc(children[1])))
        return children[0]

    # -- quantum operations --------------------------------------------------------

    def call(self, children):
        name, params, args = children
        exprs, params_loc = params if params is not None else ((), None)
        return ast.Call(str(name), exprs, tuple(args), self.loc(name), params_loc)

    def actual_params(self, children):
        paren, exprs = children
        return tuple(exprs or ()), self.loc(paren)

    def exprs(self, children):
        if len(children) == 1:
            return [children[0]]
        children[0].append(children[1])
        return children[0]

    args = exprs

    def arg(self, children):
        name = children[0]
        index = self.integer(children[1]) if len(children) == 2 else None
        return ast.Arg(str(name), index, self.loc(name))

    def measure(self, children):
        keyword, qubit, bit = children
        return ast.Measure(qubit, bit, self.loc(keyword))

    def reset(self, children):
        keyword, qubit = children
        return ast.Reset(qubit, self.loc(keyword))

    def barrier(self, children):
        keyword, args = children
        return ast.Barrier(tuple(args), self.loc(keyword))

    def if_stmt(self, children):
        keyword, creg, value, op = children
        return ast.If(str(creg), self.loc(creg), self.integer(value), op, self.loc(keyword))

    # -- expressions ---------------------------------------------------------------

    def number(self, children):
        (tok,) = children
        value = float(tok)
        if not math.isfinite(value):
            raise NavmError(f"number {tok[:20]} is out of range", self.loc(tok))
        return ex.Num(value)

    def pi(self, _children):
        return ex.PI

    def name(self, children):
        (tok,) = children
        return ex.Name(str(tok), self.loc(tok))

    def function(self, children):
        name, arg = children
        if name not in ex.FUNCTIONS:
            raise NavmError(f"unknown function '{name}'", self.loc(name),
                            notes=("the functions are " + ", ".join(ex.FUNCTIONS),))
        return ex.Func(str(name), arg, self.loc(name))

    def binary(self, children):
        left, op, right = children
        return ex.Binary(str(op), left, right, self.loc(op))

    def unary(self, children):
        op, operand = children
        return ex.Unary(str(op), operand, self.loc(op))

    def expr_only(self, children):
        return children[0]


_BUILD = _Build()


def exact_int(digits: str) -> int:
    """The value of a decimal integer literal of any length, exactly. `int()` alone refuses
    strings longer than Python's int_max_str_digits (4300 by default), so a long one is
    split in halves (`if (c == n)` on a wide register needs n in full; a register size or
    an index that large is then simply out of range, a located error)."""
    if len(digits) <= _INT_PIECE:
        return int(digits)
    low = len(digits) // 2
    return exact_int(digits[:-low]) * 10**low + exact_int(digits[-low:])


@functools.cache
def _lark() -> Lark:
    grammar = Path(__file__).with_name("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", transformer=_BUILD,
                start=["start", "expr_only"], maybe_placeholders=True, cache=lark_cache("qasm2"))


def terminal_regex(name: str) -> str:
    """The regular expression of one of the grammar's terminals."""
    return _lark().get_terminal(name).pattern.to_regexp()


_VERSION_LINE = re.compile(r"(?:\s|//[^\n]*\n|/\*.*?\*/)*OPENQASM[ \t]+([0-9][0-9.]*)", re.S)


def check_version_line(text: str, file: str) -> None:
    """An OpenQASM 3 program is named as such at its version line, before the 2.0 grammar trips
    over its first `qubit[2] q;`."""
    match = _VERSION_LINE.match(text)
    if match is None or match.group(1).split(".")[0] == "2":
        return
    start = match.start(1)
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    raise NavmError(f"OpenQASM {match.group(1)} is not supported: navm reads OpenQASM 2.0",
                    SourceLocation(file, line, column),
                    notes=("qiskit can convert a program that uses only OpenQASM 2 features: "
                           "qiskit.qasm2.dumps(qiskit.qasm3.loads(text))",))


def parse_source(text: str, file: str) -> ast.Source:
    """Parse one file's text (it is remembered for diagnostics)."""
    register_source(file, text)
    check_version_line(text, file)
    previous = _BUILD.file, _BUILD.line_shift, _BUILD.column_shift
    _BUILD.file, _BUILD.line_shift, _BUILD.column_shift = file, 0, 0
    try:
        with gc_paused():  # a long file makes ~10^6 small acyclic objects: GC passes only cost time
            header, statements = _lark().parse(text, start="start")
    except UnexpectedInput as err:
        raise syntax_error(err, file, text, _lark()) from None
    finally:
        _BUILD.file, _BUILD.line_shift, _BUILD.column_shift = previous
    return ast.Source(file, header, statements)


def parse_expression(text: str, loc: SourceLocation, source_text: str) -> ex.Expr:
    """Parse `text`, one line of an expression that starts at `loc`. `source_text` is
    what follows the expression in the source, so an error at its end names the real
    next character (`rz(1+) q;` is "unexpected ')'", as the full grammar would say)."""
    previous = _BUILD.file, _BUILD.line_shift, _BUILD.column_shift
    _BUILD.file, _BUILD.line_shift, _BUILD.column_shift = loc.file, loc.line - 1, loc.column - 1
    try:
        return _lark().parse(text, start="expr_only")
    except UnexpectedInput as err:
        raise syntax_error(err, loc.file, text, _lark(), shift=loc, after=source_text) from None
    finally:
        _BUILD.file, _BUILD.line_shift, _BUILD.column_shift = previous
