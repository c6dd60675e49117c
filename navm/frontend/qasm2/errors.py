"""Error messages shared by the OpenQASM 2 front end: syntax errors in plain words, suggestions.

Every error is a `NavmError` at a `file:line:column`; the CLI prints it with
the source line and a caret and exits with status 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from lark import Lark
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)
from lark.lexer import PatternStr

from navm.diagnostics import NavmError, SourceLocation

# Terminals named in "expected ..." lists, in the order they are listed.
_WORDS = {
    "ID": "a name",
    "NNINT": "an integer",
    "REAL": "a number",
    "STRING": 'a file name in double quotes ("file.inc")',
    "PI": "pi",
    "ADDOP": "'+' or '-'",
    "MULOP": "'*' or '/'",
    "POW": "'^'",
    "LBRACE": "'{'",
    "LPAR": "'('",
    "$END": "the end of the file",
    "FAST_CALLS": "a gate call",
    "FAST_CALL": "a gate call",
}
_KEYWORDS = ("OPENQASM", "INCLUDE", "QREG", "CREG", "GATE", "OPAQUE", "MEASURE", "RESET", "BARRIER", "IF")
_EXPRESSION_START = {"REAL", "NNINT", "PI", "ADDOP"}
STATEMENT = "a statement (qreg, creg, gate, opaque, include, a gate call, measure, reset, barrier or if)"


def syntax_error(err: UnexpectedInput, file: str, text: str, lark: Lark, *,
                 shift: SourceLocation | None = None, after: str | None = None) -> NavmError:
    """A Lark error as a NavmError. With `shift`, `text` is an expression cut out of a
    line at `shift`, and `after` is the source that follows it."""
    at_end = isinstance(err, UnexpectedEOF) or (isinstance(err, UnexpectedToken) and err.token.type == "$END")
    if at_end:
        line, column = _end_position(text)
    else:
        line, column = err.line, err.column
    if shift is not None:
        line, column = shift.line, shift.column + column - 1
    loc = SourceLocation(file, max(line, 1), max(column, 1))
    expected = _acceptable(err)
    if isinstance(err, UnexpectedCharacters):
        what = f"character {err.char!r}"
    else:
        if at_end and after:
            what = f"{after.lstrip()[:1]!r}"
        elif at_end:
            what = "end of the file"
        else:
            what = _token_words(err.token)
    message = f"unexpected {what}"
    words = _expected_words(expected, lark)
    if words:
        message += "; expected " + (", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0])
    notes = _hints(err, expected)
    if shift is None and line > 1 and "OPENQASM" in text.split("\n")[line - 1]:
        notes += ("the 'OPENQASM 2.0;' line must come first",)
    return NavmError(message, loc, notes=notes)


def _acceptable(err: UnexpectedInput) -> set[str]:
    """The terminals the parser could really take here. Lark's `expected` is the LALR
    state's lookahead set, which merged states make too wide (`h q[0] x` would say
    "expected ',', ';' or '->'"); the interactive parser tries each one."""
    parser = getattr(err, "interactive_parser", None)
    if parser is not None:
        try:
            return set(parser.accepts())
        except Exception:  # the wider set is still a fair answer
            pass
    return set(getattr(err, "expected", None) or getattr(err, "allowed", None) or ())


def _end_position(text: str) -> tuple[int, int]:
    """Line and column just after the last non-blank character of `text`."""
    body = text.rstrip()
    line = body.count("\n") + 1
    return line, len(body) - (body.rfind("\n") + 1) + 1


def _token_words(tok) -> str:
    if tok.type == "ID":
        return f"name '{tok}'"
    if tok.type in ("NNINT", "REAL"):
        return f"number {show_digits(tok)}"
    if tok.type in ("FAST_CALL", "FAST_CALLS"):
        return f"gate call '{tok.split(None, 1)[0].split('(')[0]}'"
    if tok.type in _KEYWORDS:
        return f"keyword '{tok}'"
    return f"'{tok}'"


def _expected_words(expected: set[str], lark: Lark) -> list[str]:
    names = set(expected)
    if "ID" in names:  # a name is how a gate call starts
        names -= {"FAST_CALL", "FAST_CALLS"}
    words: list[str] = []
    if {"QREG", "GATE"} <= names:  # where a statement may start
        names -= set(_KEYWORDS) | {"ID"}
        words.append(STATEMENT)
    if _EXPRESSION_START <= names:
        names -= _EXPRESSION_START | {"ID", "LPAR"}
        words.append("an expression")
    order = list(_WORDS)
    for name in sorted(names, key=lambda n: (order.index(n) if n in order else -1, n)):
        words.append(_WORDS.get(name) or _terminal_text(name, lark))
    return list(dict.fromkeys(words))


def _terminal_text(name: str, lark: Lark) -> str:
    try:
        pattern = lark.get_terminal(name).pattern
    except KeyError:
        return name
    if isinstance(pattern, PatternStr):
        return f"'{pattern.value}'"
    return name


def _hints(err: UnexpectedInput, expected: set[str]) -> tuple[str, ...]:
    tok = getattr(err, "token", None)
    if tok is not None and tok.type in _KEYWORDS and "ID" in expected:
        return (f"'{tok}' is a keyword and cannot be a name",)
    if "SEMICOLON" in expected and tok is not None and tok.type != "$END":
        return ("each statement ends with ';' (is one missing before this?)",)
    if isinstance(err, UnexpectedCharacters) and err.char == "[":
        return ("an index is written name[integer]",)
    return ()


def show_int(value: int) -> str:
    """A non-negative integer as messages show it: in full up to 30 digits, else its first
    20 digits and its length (`str` of an int over 4300 digits would raise)."""
    if value < _SHOWN_IN_FULL:
        return str(value)
    k = max(int(value.bit_length() * _LOG10_2) - 21, 0)  # leaves the 21 or so leading digits
    lead = str(value // 10**k)
    return f"{lead[:20]}... ({len(lead) + k} digits)"


def show_digits(text: str) -> str:
    """A number's text as messages show it: in full up to 30 characters, else abbreviated."""
    return text if len(text) <= 30 else f"{text[:20]}... ({len(text)} digits)"


_SHOWN_IN_FULL = 10**30
_LOG10_2 = 0.30102999566398120


def did_you_mean(name: str, known: Iterable[str]) -> tuple[str, ...]:
    close = difflib.get_close_matches(name, list(known), n=1)
    return (f"did you mean '{close[0]}'?",) if close else ()
