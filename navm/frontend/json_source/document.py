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

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedInput

from navm.cache import lark_cache
from navm.diagnostics import NavmError, SourceLocation, register_source
from navm.frontend.json_source.syntax_errors import STRICT_NUMBER, _explain, _location
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
        if kind == "NUMBER" and not STRICT_NUMBER.match(tok):
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
                lexer_callbacks=brackets, maybe_placeholders=False, cache=lark_cache(f"json{'-fast' if fast else ''}"))


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


def trusted_json(text: str, file: str) -> JsonDocument:
    """A document navm ships (a built-in device profile), decoded by the C `json` module alone: ~10x
    faster than `parse_json`, which runs only if a position is asked for. Only for text known to be
    strict JSON: tests/runtime/test_builtin_profiles.py checks that `parse_json` reads each one the same."""
    register_source(file, text)
    return JsonDocument(json.loads(text), file, text, (1, 1, 0, len(text)))  # the root: a node to expand


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

