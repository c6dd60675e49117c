"""Strict JSON with source positions, for σ documents and device profiles.

`parse_json` gives plain Python values plus a side table of positions, so
errors found later (schema, semantics) point at the offending value.

Why two grammars: Lark costs several µs per token, and a large σ document has
millions of JSON tokens (a naive grammar took 42 s on 100k ops).  The fast
grammar therefore lexes as ONE terminal each
  - a *flat* object (only scalars and arrays of scalars inside),
  - a flat array (only scalars inside),
  - a *run*: consecutive array items that are each a scalar or one of the
    above, with their commas (a whole `"ops": [...]` list is usually one run),
and decodes that text with the C `json` scanner.  Positions inside such a
token are recovered only when asked for: item starts of a run by one regex
scan, anything deeper by re-parsing just that token's text with the
fine-grained grammar (json.lark).  The fine grammar is also what reports
exact syntax errors, including those inside a flat token.
"""

from __future__ import annotations

import difflib
import json
import re
import threading
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from jsonschema.validators import extend, validator_for
from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from navm.diagnostics import NavmError, SourceLocation, register_source
from navm.frontend.json_schema_check import fast_checker, subschema_checker
from navm.perf import gc_paused

# --- position side table -------------------------------------------------------
# One tuple per container the fine grammar saw, none per value inside a token:
#   (line, col)                       a scalar
#   (line, col, start, end)           a flat container, not yet expanded: text[start:end]
#   (line, col, kids: dict, key_locs) an object; key_locs: key -> (line, col) of the key
#   (line, col, kids: list, runs)     an array; kids[i] is None for items of a run not
#                                     yet scanned; runs: [(first_index, start, end)]

# --- the fast grammar's extra terminals ---------------------------------------
_WS = r"[ \t\n\r]*+"
_STR = r'"(?:[^"\\\x00-\x1f]++|\\.)*+"'
_NUM = r"-?+(?:0|[1-9][0-9]*+)(?:\.[0-9]++)?+(?:[eE][+-]?+[0-9]++)?+"
_SCALAR = rf"(?:{_STR}|{_NUM}|true|false|null)"
_FLAT_ARRAY = rf"\[{_WS}(?:{_SCALAR}{_WS}(?:,{_WS}{_SCALAR}{_WS})*+)?+\]"
_MEMBER = rf"{_STR}{_WS}:{_WS}(?:{_SCALAR}|{_FLAT_ARRAY}){_WS}"
_FLAT_OBJECT = rf"\{{{_WS}(?:{_MEMBER}(?:,{_WS}{_MEMBER})*+)?+\}}"
_ITEM = rf"(?:{_FLAT_OBJECT}|{_FLAT_ARRAY}|{_SCALAR})"
_RUN = rf"{_ITEM}(?:{_WS},{_WS}{_ITEM})*+"
_FAST_EXTRA = f"""
%extend value: FLAT_OBJECT | FLAT_ARRAY
%extend item: FLAT_RUN
FLAT_OBJECT.2: /{_FLAT_OBJECT}/
FLAT_ARRAY.2: /{_FLAT_ARRAY}/
FLAT_RUN.3: /{_RUN}/
"""
_FLAT = frozenset({"FLAT_OBJECT", "FLAT_ARRAY"})
_RUN_ITEM = re.compile(rf"({_ITEM}){_WS}(?:,{_WS})?+")


class _Rejected(Exception):
    """The C decoder refused a token (duplicate key, bad escape): the fine grammar says where."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) != len(pairs):
        raise _Rejected
    return d


def _no_constant(name: str) -> Any:
    raise _Rejected  # NaN/Infinity never match the regexes; refuse them all the same


_scan = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constant).scan_once
_STRICT_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\Z")


class _Located(Exception):
    """Raised while parsing; becomes a NavmError once the file name is known."""

    def __init__(self, message: str, offset: int, notes: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message, self.offset, self.notes = message, offset, notes


MAX_DEPTH = 256  # deeper JSON is refused: consumers (repr, jsonschema) recurse


class _ParseState(threading.local):
    """Per-thread state of the parse in progress (the Lark parsers are shared)."""

    text = ""  # the text being parsed, for re-parsing a refused token
    depth = 0  # open brackets seen by the lexer (a flat token adds at most 2 more)


_state = _ParseState()


def _open_bracket(tok: Token) -> Token:
    _state.depth += 1
    if _state.depth > MAX_DEPTH:
        raise _Located(f"JSON is nested too deeply (more than {MAX_DEPTH} levels)", tok.start_pos)
    return tok


def _close_bracket(tok: Token) -> Token:
    _state.depth -= 1
    return tok


class _Builder(Transformer):
    """LALR callbacks: each rule returns (value, node); tokens arrive raw."""

    def leaf(self, tok: Token) -> tuple[Any, tuple]:
        kind = tok.type
        if kind in _FLAT:
            try:
                value, end = _scan(tok, 0)
            except (_Rejected, ValueError, StopIteration):
                end = -1
            if end != len(tok):
                return _parse_fine_at(_state.text, tok.start_pos, tok.end_pos)
            return value, (tok.line, tok.column, tok.start_pos, tok.end_pos)
        if kind == "NUMBER" and not _STRICT_NUMBER.match(tok):
            raise _Located(f"invalid number {str(tok)!r}", tok.start_pos)
        return _scan(tok, 0)[0], (tok.line, tok.column)

    def member(self, children: list) -> tuple:
        key, value = children
        return key, value if type(value) is tuple else self.leaf(value)

    def object(self, children: list) -> tuple:
        brace = children[0]
        values: dict[str, Any] = {}
        kids: dict[str, tuple] = {}
        key_locs: dict[str, tuple[int, int]] = {}
        for key_tok, (value, node) in children[1:]:
            key = _scan(key_tok, 0)[0]
            if key in values:
                line, col = key_locs[key]
                raise _Located(f"duplicate key {key!r} in object", key_tok.start_pos,
                               (f"first given at line {line}, column {col}",))
            values[key] = value
            kids[key] = node
            key_locs[key] = (key_tok.line, key_tok.column)
        return values, (brace.line, brace.column, kids, key_locs)

    def array(self, children: list) -> tuple:
        bracket = children[0]
        values: list[Any] = []
        kids: list[tuple | None] = []
        runs: list[tuple[int, int, int]] = []
        for child in children[1:]:
            if type(child) is tuple:
                value, node = child
            elif child.type == "FLAT_RUN":
                items = self._run(child)
                runs.append((len(values), child.start_pos, child.end_pos))
                values.extend(items)
                kids.extend([None] * len(items))
                continue
            else:
                value, node = self.leaf(child)
            values.append(value)
            kids.append(node)
        return values, (bracket.line, bracket.column, kids, runs)

    def _run(self, tok: Token) -> list[Any]:
        try:
            items, end = _scan(f"[{tok}]", 0)
        except (_Rejected, ValueError, StopIteration):
            end = -1
        if end != len(tok) + 2:
            return _parse_fine_at(_state.text, tok.start_pos, tok.end_pos, as_items=True)[0]
        return items


def _grammar() -> str:
    return Path(__file__).with_name("json.lark").read_text(encoding="utf-8")


@cache
def _parser(fast: bool) -> Lark:
    grammar = _grammar() + (_FAST_EXTRA if fast else "")
    brackets = {"LBRACE": _open_bracket, "LSQB": _open_bracket, "RBRACE": _close_bracket, "RSQB": _close_bracket}
    return Lark(grammar, parser="lalr", lexer="contextual", transformer=_Builder(),
                lexer_callbacks=brackets, maybe_placeholders=False)


def _run_parser(text: str, fast: bool) -> tuple[Any, tuple]:
    lark = _parser(fast)
    saved = _state.text, _state.depth  # a fine parse may run inside a fast one
    _state.text, _state.depth = text, 0
    try:
        result = lark.parse(text)
        if type(result) is Token:  # the whole document is one scalar or flat container
            result = lark.options.transformer.leaf(result)
    finally:
        _state.text, _state.depth = saved
    return result


def _parse_fine_at(text: str, start: int, end: int, *, as_items: bool = False) -> tuple[Any, tuple]:
    """Parse text[start:end] with the fine grammar, keeping document positions.

    Padding with the newlines and spaces before `start` makes Lark's own
    line/column counting give document positions.  `as_items` parses a run
    of array items by putting the '[' into the padding.
    """
    newlines = text.count("\n", 0, start)
    indent = start - (text.rfind("\n", 0, start) + 1)
    pad = "\n" * newlines + " " * indent
    if as_items:  # a run always follows its '[' so there is room before it
        pad = pad[:-1] + "[" if indent else "\n" * (newlines - 1) + "[\n"
    padded = pad + text[start:end] + ("]" if as_items else "")
    shift = start - len(pad)
    try:
        return _run_parser(padded, fast=False)
    except UnexpectedInput as e:
        message, offset = _explain(padded, e)
        raise _Located(message, offset + shift) from None
    except _Located as e:
        raise _Located(e.message, e.offset + shift, e.notes) from None


# --- syntax errors in words ------------------------------------------------------
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
    if m is None or m.end() <= offset or _STRICT_NUMBER.match(m.group()):
        return None
    return m.span()


def _location(file: str, text: str, offset: int) -> SourceLocation:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return SourceLocation(file, line, column)


# --- public API ----------------------------------------------------------------------
@dataclass
class JsonDocument:
    """A parsed JSON value and where each part of it came from."""

    value: Any
    file: str
    _text: str = field(default="", repr=False, compare=False)
    _root: tuple = field(default=(1, 1), repr=False, compare=False)
    _newlines: list[int] | None = field(default=None, repr=False, compare=False)

    def locate(self, path: Sequence[str | int]) -> SourceLocation:
        """Start of the value at `path`; the nearest known ancestor if the path leads nowhere."""
        line, col = self._node(path)[:2]
        return SourceLocation(self.file, line, col)

    def locate_key(self, path: Sequence[str | int]) -> SourceLocation:
        """Start of the key of the object member at `path` (the value's start for array items)."""
        if path:
            parent = self._node(path[:-1])
            if len(parent) == 4 and type(parent[2]) is dict and path[-1] in parent[3]:
                line, col = parent[3][path[-1]]
                return SourceLocation(self.file, line, col)
        return self.locate(path)

    def item_locations(self, path: Sequence[str | int]) -> list[SourceLocation]:
        """Start of every item of the array at `path`, without re-parsing the items."""
        node = self._node(path)
        if len(node) != 4 or type(node[2]) is not list:
            return []
        self._scan_runs(node)
        kids = node[2]
        lines, columns = [kid[0] for kid in kids], [kid[1] for kid in kids]
        return list(map(SourceLocation, repeat(self.file, len(kids)), lines, columns))

    def _node(self, path: Sequence[str | int]) -> tuple:
        self._root = node = self._expanded(self._root)
        for step in path:
            if len(node) != 4:
                break
            kids = node[2]
            if type(kids) is dict:
                if not isinstance(step, str) or step not in kids:
                    break
            elif type(kids) is list:
                if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step < len(kids):
                    break
                if kids[step] is None:
                    self._scan_runs(node)
            kids[step] = node = self._expanded(kids[step])
        return node

    def _expanded(self, node: tuple) -> tuple:
        if len(node) == 4 and type(node[2]) is int:
            return _parse_fine_at(self._text, node[2], node[3])[1]
        return node

    def _scan_runs(self, array: tuple) -> None:
        """Fill in the item nodes of an array's runs: one regex pass per run."""
        kids, runs, text = array[2], array[3], self._text
        for first, start, end in runs:
            spans = [m.span(1) for m in _RUN_ITEM.finditer(text, start, end)]
            starts = [s for s, _ in spans]
            lines, columns = self._lines_columns(starts)
            kids[first : first + len(spans)] = [
                (line, col, s, e) for line, col, (s, e) in zip(lines, columns, spans)
            ]
        runs.clear()

    def _lines_columns(self, offsets: list[int]) -> tuple[list[int], list[int]]:
        """1-based lines and columns of sorted offsets, by bisecting the newline offsets."""
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self._text)]
        newlines = self._newlines
        lines = [bisect_right(newlines, s) for s in offsets]  # = newlines before s = line - 1
        columns = [s - newlines[n - 1] if n else s + 1 for s, n in zip(offsets, lines)]
        return [n + 1 for n in lines], columns


def parse_json(text: str, file: str = "<input>") -> JsonDocument:
    """Parse strict JSON; any syntax error is a NavmError at its line and column."""
    register_source(file, text)
    try:
        with gc_paused():
            value, root = _run_parser(text, fast=True)
    except UnexpectedInput as e:
        message, offset = _explain(text, e)
        raise NavmError(message, _location(file, text, offset)) from None
    except _Located as e:
        raise NavmError(e.message, _location(file, text, e.offset), notes=e.notes) from None
    return JsonDocument(value, file, text, root)


# --- JSON Schema validation ------------------------------------------------------------
def validate(doc: JsonDocument, schema: dict, *, what: str) -> None:
    """Check `doc` against a JSON Schema (Draft 2020-12 unless it says otherwise).

    The best error (`best_match`) becomes a NavmError at the failing value,
    naming its JSON path, e.g. `invalid σ document: /ops/3/qubits: expected
    an array, got "x"`.
    """
    validator, fast = _compiled(schema)
    if fast(doc.value) if fast is not None else validator.is_valid(doc.value):
        return
    error = best_match(validator.iter_errors(doc.value))
    if error is not None:  # None only if the fast check is stricter than jsonschema: trust jsonschema
        raise _schema_error(doc, error, what, schema)


_COMPILED: dict[int, tuple[dict, Any, Any]] = {}
_memo_classes: dict[type, type] = {}


def _compiled(schema: dict) -> tuple[Any, Any]:
    """The jsonschema validator and the fast check of a schema, built once per schema object."""
    hit = _COMPILED.get(id(schema))
    if hit is not None and hit[0] is schema:
        return hit[1], hit[2]
    base = validator_for(schema, default=Draft202012Validator)
    base.check_schema(schema)
    cls = _memo_classes.get(base)
    if cls is None:
        cls = _memo_classes[base] = extend(base, validators={"items": _skip_valid_items(base.VALIDATORS["items"])})
    validator = cls(schema)
    fast = fast_checker(schema) if base is Draft202012Validator else None
    _COMPILED[id(schema)] = (schema, validator, fast)
    return validator, fast


def _skip_valid_items(original: Any) -> Any:
    """The `items` keyword, descending only into items that may be invalid.

    jsonschema costs ~40 µs per σ op; on the error path of a 100k-op document
    this skips items the fast check accepts (or that repeat an item already
    found valid: `repr` of a JSON value is an exact key).
    """

    def items(validator: Any, items: Any, instance: Any, schema: dict) -> Any:
        if not isinstance(items, dict) or not validator.is_type(instance, "array"):
            yield from original(validator, items, instance, schema)
            return
        fast = subschema_checker(items)
        seen: set[str] = set()
        for index in range(len(schema.get("prefixItems", ())), len(instance)):
            item = instance[index]
            if fast is not None and fast(item):
                continue
            key = repr(item)
            if key in seen:
                continue
            errors = list(validator.descend(instance=item, schema=items, path=index))
            if errors:
                yield from errors
            else:
                seen.add(key)

    return items


_TYPE_WORDS = {
    "object": "an object", "array": "an array", "string": "a string", "number": "a number",
    "integer": "an integer", "boolean": "true or false", "null": "null",
}


def _json_text(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _pointer(path: Sequence[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path) or "/"


def _plain(error: Any) -> str:
    """jsonschema's message, in plain words for the common keywords."""
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "type":
        types = [expected] if isinstance(expected, str) else list(expected)
        return f"expected {' or '.join(_TYPE_WORDS.get(t, t) for t in types)}, got {_json_text(value)}"
    if kind == "required":
        missing = [k for k in expected if isinstance(value, dict) and k not in value]
        return f"missing required field {_json_text(missing[0] if missing else expected[0])}"
    if kind == "additionalProperties" and isinstance(value, dict):
        return f"unknown field {_json_text(_extra_keys(error)[0])}"
    if kind == "enum":
        return f"{_json_text(value)} is not one of {', '.join(_json_text(v) for v in expected)}"
    if kind == "const":
        return f"expected {_json_text(expected)}, got {_json_text(value)}"
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        words = {"minimum": "at least", "maximum": "at most",
                 "exclusiveMinimum": "greater than", "exclusiveMaximum": "less than"}[kind]
        return f"{_json_text(value)} must be {words} {expected}"
    if kind == "pattern":
        return f"{_json_text(value)} does not match the pattern {expected}"
    if kind in ("anyOf", "oneOf"):
        types = [t for sub in expected if isinstance(sub, dict) for t in _types_of(sub)]
        if types and all(isinstance(sub, dict) and _types_of(sub) for sub in expected):
            words = " or ".join(dict.fromkeys(_TYPE_WORDS.get(t, t) for t in types))
            return f"expected {words}, got {_json_text(value)}"
        return f"{_json_text(value)} does not match any of the allowed forms"
    return error.message


def _types_of(schema: dict) -> list[str]:
    t = schema.get("type", [])
    return [t] if isinstance(t, str) else list(t)


def _extra_keys(error: Any) -> list[str]:
    known = set(error.schema.get("properties", {}))
    patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
    extra = [k for k in error.instance if k not in known and not any(p.search(k) for p in patterns)]
    return extra or list(error.instance)


def _schema_error(doc: JsonDocument, error: Any, what: str, root: dict) -> NavmError:
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        key = _extra_keys(error)[0]
        loc = doc.locate_key([*path, key])
        allowed = sorted(error.schema.get("properties", {}))
        close = difflib.get_close_matches(key, allowed, n=1)
        notes = (f"did you mean {close[0]!r}?",) if close else ()
        notes += (f"allowed fields here: {', '.join(allowed)}",) if allowed else ()
        return NavmError(f"invalid {what}: {_pointer(path)}: {_plain(error)}", loc, notes=notes)
    if "propertyNames" in error.absolute_schema_path and isinstance(error.instance, str):
        loc = doc.locate_key([*path, error.instance])
        message = f"invalid {what}: {_pointer(path)}: key {_plain(error)}"
    else:
        loc = doc.locate(path)
        message = f"invalid {what}: {_pointer(path)}: {_plain(error)}"
    is_leaf = isinstance(error.schema, dict) and error.schema is not root
    described = error.schema.get("description") if is_leaf else None
    return NavmError(message, loc, notes=(described,) if described else ())
