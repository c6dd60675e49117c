"""Syntax errors in plain words: what was expected and what was found, at the exact offset.

Lark reports terminal names; these helpers turn them into sentences such as
"expected ',' or '}' after an object member" and pick the offset to point at.
"""

from __future__ import annotations

import re

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from navm.diagnostics import SourceLocation

# A JSON number exactly as RFC 8259 spells it.
STRICT_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\Z")



_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BAD_CONSTANT = re.compile(r"-?(?:NaN|Infinity)\b")


def _expected_words(accepts: set[str], text: str, offset: int) -> str:
    if accepts == {"COMMA", "RBRACE"}:
        return "expected ',' or '}' after object member"
    if accepts == {"COMMA", "RSQB"}:
        return "expected ',' or ']' after array element"
    if accepts == {"COLON"}:
        return "expected ':' after object key"
    if accepts == {"STRING", "RBRACE"}:
        return "expected a string key or '}'"
    if accepts == {"STRING"}:
        return "expected a string key after ','"
    if accepts == {"$END"}:
        return "unexpected text after the JSON value"
    if "RSQB" in accepts:
        return "expected a value or ']'"
    before = _previous_char(text, offset)
    if before in (",", ":"):
        return f"expected a value after '{before}'"
    return "expected a JSON value"


def _previous_char(text: str, offset: int) -> str:
    stripped = text[:offset].rstrip(" \t\r\n")
    return stripped[-1:] if stripped else ""


def _found(text: str, offset: int) -> str:
    if offset >= len(text):
        return "end of input"
    ch = text[offset]
    if ch == '"':
        return "a string"
    if ch.isdigit() or ch == "-" and text[offset + 1 : offset + 2].isdigit():
        return "a number"
    return repr(ch)


def _string_problem(text: str, offset: int) -> tuple[str, int]:
    """Why the string starting at `offset` does not lex, and where."""
    i = offset + 1
    while i < len(text):
        ch = text[i]
        if ch == '"':
            break
        if ch == "\\":
            esc = text[i + 1 : i + 2]
            if esc == "u":
                if not re.fullmatch(r"[0-9a-fA-F]{4}", text[i + 2 : i + 6]):
                    return "invalid \\u escape in string (needs 4 hex digits)", i
                i += 6
                continue
            if esc and esc in '"\\/bfnrt':
                i += 2
                continue
            shown = esc if esc.isprintable() and esc else repr(esc)
            return f"invalid escape '\\{shown}' in string", i
        if ord(ch) < 0x20:
            return f"control character U+{ord(ch):04X} in string (write it as an escape)", i
        i += 1
    return "unterminated string", offset


def _accepts(e: UnexpectedInput) -> set[str]:
    parser = getattr(e, "interactive_parser", None)
    if parser is not None:
        return {t for t in parser.accepts() if not t.startswith("FLAT_")}
    return set(getattr(e, "expected", None) or getattr(e, "allowed", None) or ())


def _explain(text: str, e: UnexpectedInput) -> tuple[str, int]:
    """A plain-words message and the offset it belongs at."""
    accepts = _accepts(e)
    if isinstance(e, UnexpectedEOF) or isinstance(e, UnexpectedToken) and e.token.type == "$END":
        offset = len(text.rstrip(" \t\r\n"))
        if not text[:offset].strip():
            return "empty input: expected a JSON value", offset
        return f"unexpected end of input: {_expected_words(accepts, text, offset)}", offset
    if isinstance(e, UnexpectedToken):
        offset = e.token.start_pos
    else:
        assert isinstance(e, UnexpectedCharacters)
        offset = e.pos_in_stream
    number = _bad_number_around(text, offset)
    if number is not None:
        return f"invalid number {text[number[0]:number[1]]!r}", number[0]
    rest = text[offset : offset + 20]
    if rest.startswith(("//", "/*")):
        return "comments are not allowed in JSON", offset
    constant = _BAD_CONSTANT.match(rest)
    if constant:
        return f"{constant.group()} is not valid JSON (JSON has no NaN or Infinity)", offset
    if rest.startswith("'"):
        return "strings must use double quotes (\")", offset
    if rest.startswith('"') and isinstance(e, UnexpectedCharacters):
        return _string_problem(text, offset)
    if rest[:1] in ("}", "]") and _previous_char(text, offset) == "," and not accepts & {"RBRACE", "RSQB"}:
        return f"trailing comma before '{rest[0]}' is not allowed", text.rfind(",", 0, offset)
    word = _WORD.match(rest)
    if word and isinstance(e, UnexpectedCharacters):
        return (f"unexpected word {word.group()!r} "
                "(JSON literals are true, false and null; strings need double quotes)"), offset
    return f"{_expected_words(accepts, text, offset)}, found {_found(text, offset)}", offset


_LOOSE_NUMBER = re.compile(r"-?[0-9.][0-9.eE+-]*")


def _bad_number_around(text: str, offset: int) -> tuple[int, int] | None:
    """The span of a malformed number (01, 1., 1e, 1.2.3) touching `offset`, if any."""
    start = offset
    while start > 0 and text[start - 1] in "0123456789.eE+-":
        start -= 1
    m = _LOOSE_NUMBER.match(text, start)
    if m is None or m.end() <= offset or STRICT_NUMBER.match(m.group()):
        return None
    return m.span()


def _location(file: str, text: str, offset: int) -> SourceLocation:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return SourceLocation(file, line, column)

