"""Pass pipelines as text: `unroll,place{seed=7,override=true},route` → pass instances.

MLIR separates a pass's options with spaces (`place{seed=7 override=true}`);
users of xdsl-opt and of qiskit-style tools also write commas. Both are
accepted here. xDSL's own spec parser knows only the space form and reports
errors without naming the option's expected type, so navm parses the text
itself (a small Lark grammar, positions kept) and converts every option by
the type its pass declares. Errors point at the column in the spec text,
suggest the nearest pass or option name, and say in words what a typed option
accepts.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from functools import cache
from typing import Any, Callable

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from navm.cache import lark_cache
from navm.diagnostics import NavmError, SourceLocation

_GRAMMAR = r"""
pipeline: (pass_ ("," pass_)*)?
pass_: NAME options?
options: "{" (option (","? option)*)? "}"
option: NAME "=" value
value: WORD | STRING
NAME: /[A-Za-z_][A-Za-z0-9_-]*/
WORD: /[^\s,{}="']+/
STRING: /"[^"]*"/ | /'[^']*'/
%ignore /\s+/
"""


@cache
def _parser() -> Lark:
    return Lark(_GRAMMAR, start="pipeline", parser="lalr", propagate_positions=True, cache=lark_cache("pass-spec"))


@dataclasses.dataclass(frozen=True)
class OptionInfo:
    """One option of a pass as `-p` accepts it: name, its type in words, default and help."""

    name: str
    kind: str  # "integer", "boolean", "string", "number", "version"
    optional: bool
    default: object
    doc: str

    def written(self) -> str:
        """`seed=0`, `override=false`, `device=none`: the default as `-p` would spell it."""
        value = self.default
        text = "none" if value is None else ("true" if value is True else "false" if value is False else str(value))
        return f"{self.name}={text}"


def pass_options(cls: type, *, docs: bool = True) -> list[OptionInfo]:
    """The options of a pass class, from its dataclass fields and their annotations; with `docs`,
    each field's docstring too (read from the source: only `navm passes` needs them)."""
    options = _options(cls)
    if not docs:
        return list(options)
    text = _field_docs(cls)
    return [dataclasses.replace(o, doc=text.get(o.name, "")) for o in options]


@cache
def _options(cls: type) -> tuple[OptionInfo, ...]:
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        if f.name == "name":
            continue
        kind, optional = _kind_of(hints[f.name])
        out.append(OptionInfo(f.name, kind, optional, f.default, ""))
    return tuple(out)


def _kind_of(hint) -> tuple[str, bool]:
    args = set(typing.get_args(hint)) or {hint}
    optional = type(None) in args
    args.discard(type(None))
    if args == {bool}:
        return "boolean", optional
    if args == {int}:
        return "integer", optional
    if args == {float}:
        return "number", optional
    if args == {str, float}:
        return "version", optional
    return "string", optional


def _field_docs(cls: type) -> dict[str, str]:
    """Attribute docstrings (the string literal after a field) of a dataclass, by field name."""
    import ast
    import inspect
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError):
        return {}
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    docs: dict[str, str] = {}
    for stmt, nxt in zip(body, body[1:]):
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and isinstance(nxt, ast.Expr) \
                and isinstance(nxt.value, ast.Constant) and isinstance(nxt.value.value, str):
            docs[stmt.target.id] = " ".join(nxt.value.value.split())
    return docs


def convert(option: OptionInfo, text: str) -> object:
    """The value of `option` written as `text`; ValueError says what it accepts, in words."""
    low = text.lower()
    if option.optional and low == "none":
        return None
    if option.kind == "boolean":
        if low in ("true", "1", "yes", "on"):
            return True
        if low in ("false", "0", "no", "off"):
            return False
        raise ValueError(f"expects true or false, got '{text}'")
    if option.kind == "integer":
        try:
            return int(text, 0)
        except ValueError:
            raise ValueError(f"expects an integer, got '{text}'") from None
    if option.kind == "number":
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"expects a number, got '{text}'") from None
    return text


def parse_pipeline_spec(spec: str, passes: dict[str, Callable[[], type]], *, origin: str = "-p") -> list[Any]:
    """Pass instances for a pipeline spec; a bad spec is a NavmError at its column in `spec`."""
    return [cls(**values) for cls, values in parse_pass_options(spec, passes, origin=origin)]


def parse_pass_options(spec: str, passes: dict[str, Callable[[], type]], *,
                       origin: str = "-p") -> list[tuple[type, dict[str, object]]]:
    """Each pass of a spec with the options written for it (converted, defaults left out)."""
    if not spec.strip():
        return []
    where = _Locator(spec, origin)
    try:
        tree = _parser().parse(spec)
    except UnexpectedInput as err:
        raise where.error(_syntax_message(err), err.column if err.column and err.column > 0 else len(spec) + 1) \
            from None
    return [_build(node, passes, where) for node in tree.children]


class _Locator:
    """Errors located in the spec text, printed with a caret under the column."""

    def __init__(self, spec: str, origin: str) -> None:
        self.spec, self.origin = spec, origin

    def error(self, message: str, column: int, notes: tuple[str, ...] = ()) -> NavmError:
        line = self.spec.count("\n", 0, max(column - 1, 0)) + 1
        return NavmError(f"invalid pass pipeline: {message}", SourceLocation(self.origin, line, column),
                         notes=notes, source_text=self.spec.split("\n")[line - 1])


def _syntax_message(err: UnexpectedInput) -> str:
    if isinstance(err, UnexpectedEOF):
        return "the spec ends too early (an unclosed '{'?)"
    if isinstance(err, UnexpectedToken) and err.token.type == "$END":
        return "the spec ends too early (an unclosed '{'?)"
    if isinstance(err, UnexpectedCharacters):
        return f"unexpected character {err.char!r}; write passes as name or name{{option=value,...}}, " \
               "separated by commas"
    token = err.token if isinstance(err, UnexpectedToken) else None
    return f"unexpected {str(token)!r}; write passes as name or name{{option=value,...}}, separated by commas"


def _suggest(word: str, choices) -> tuple[str, ...]:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return (f"did you mean '{close[0]}'?",) if close else ()


def _build(node: Tree, passes: dict[str, Callable[[], type]], where: _Locator):
    name_token: Token = node.children[0]
    name = str(name_token)
    if name not in passes:
        raise where.error(f"unknown pass '{name}'", name_token.column,
                          notes=_suggest(name, passes) + (f"available passes: {', '.join(sorted(passes))}",))
    cls = passes[name]()
    infos = {o.name: o for o in pass_options(cls, docs=False)}
    values: dict[str, object] = {}
    for option in (node.children[1].children if len(node.children) > 1 else []):
        key_token, value_node = option.children
        key = str(key_token).replace("-", "_")
        if key not in infos:
            known = ", ".join(o.written() for o in infos.values()) or "none"
            raise where.error(f"pass '{name}' has no option '{key_token}'", key_token.column,
                              notes=_suggest(key, infos) + (f"options of {name}: {known}",))
        if key in values:
            raise where.error(f"option '{key_token}' of '{name}' is given twice", key_token.column)
        value_token: Token = value_node.children[0]
        text = str(value_token)
        if value_token.type == "STRING":
            text = text[1:-1]
        try:
            values[key] = convert(infos[key], text)
        except ValueError as why:
            raise where.error(f"option '{key_token}' of '{name}' {why}", value_token.column) from None
    return cls, values
