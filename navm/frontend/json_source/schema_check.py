"""A fast valid/invalid pre-check compiled from a JSON Schema (Draft 2020-12).

jsonschema needs ~40 µs per σ op (a descend/evolve per keyword): 4 s for 100k
ops.  This check only answers valid/invalid, for schemas that use the keywords
below with local $refs; `fast_checker` returns None for anything else, and the
caller then uses jsonschema alone.  It accepts exactly what jsonschema
accepts; error messages always come from jsonschema itself
(navm.frontend.json_source.validate).
"""

from __future__ import annotations

import re
from typing import Any, Callable

Check = Callable[[Any], bool]

_ANNOTATIONS = frozenset({
    "$schema", "$comment", "title", "description", "default", "examples", "$defs",
    "definitions", "deprecated", "readOnly", "writeOnly", "format",
})
_CHECKERS: dict[int, tuple[Any, Any]] = {}  # id(subschema) -> (subschema, check)


_PLAIN_OBJECT = frozenset({"type", "required", "properties", "additionalProperties"})


class _Unsupported(Exception):
    """The schema uses something the fast check does not implement."""


def fast_checker(root: dict) -> Check | None:
    """A check for `root`, or None if the schema uses something not implemented here."""
    compiler = _CheckCompiler(root)
    try:
        return compiler.compile(root, is_root=True)
    except _Unsupported:
        for key in compiler.added:  # their closures may reach a cell that was never filled
            _CHECKERS.pop(key, None)
        return None


def subschema_checker(subschema: dict) -> Check | None:
    """The check compiled for a subschema of a schema given to `fast_checker`, if any."""
    hit = _CHECKERS.get(id(subschema))
    return hit[1] if hit is not None and hit[0] is subschema else None


def _is_number(v: Any) -> bool:
    return (type(v) is int or type(v) is float) and v is not True and v is not False


_TYPE_TESTS = {
    "object": lambda v: type(v) is dict,
    "array": lambda v: type(v) is list,
    "string": lambda v: type(v) is str,
    "number": _is_number,
    "integer": lambda v: type(v) is int or type(v) is float and v.is_integer(),
    "boolean": lambda v: type(v) is bool,
    "null": lambda v: v is None,
}


def _json_equal(a: Any, b: Any) -> bool:
    """jsonschema's equality: true is not 1, lists and objects compare item by item."""
    if type(a) is bool or type(b) is bool:
        return type(a) is type(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(_json_equal, a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, dict)) or isinstance(b, (list, dict)):
        return False
    return a == b


def _all(checks: list) -> Any:
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda v: first(v) and second(v)

    def check(v: Any) -> bool:
        for c in checks:
            if not c(v):
                return False
        return True

    return check


class _CheckCompiler:
    """Turns a schema into nested closures `value -> bool`."""

    def __init__(self, root: dict) -> None:
        self.root = root
        self.added: list[int] = []

    def compile(self, schema: Any, is_root: bool = False) -> Any:
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        if not isinstance(schema, dict):
            raise _Unsupported
        hit = subschema_checker(schema)
        if hit is not None:
            return hit
        cell: list = []
        _CHECKERS[id(schema)] = (schema, lambda v: cell[0](v))  # recursion through $ref
        self.added.append(id(schema))
        keywords = {k for k in schema if k not in _ANNOTATIONS and not (is_root and k == "$id")}
        if schema.get("type") == "object" and keywords <= _PLAIN_OBJECT:
            check = self._plain_object(schema)
        else:
            checks = [self._keyword(k, schema[k], schema) for k in schema if k in keywords]
            check = _all([c for c in checks if c is not None]) if any(checks) else (lambda v: True)
        cell.append(check)
        _CHECKERS[id(schema)] = (schema, check)
        return check

    def _plain_object(self, schema: dict) -> Any:
        """type object + required + properties + additionalProperties, in one loop (σ ops)."""
        required = tuple(schema.get("required", ()))
        props = {name: self.compile(sub) for name, sub in schema.get("properties", {}).items()}
        extra = schema.get("additionalProperties", True)
        other = None if extra is True else self.compile(extra)

        def check(v: Any) -> bool:
            if type(v) is not dict:
                return False
            for name in required:
                if name not in v:
                    return False
            for k, x in v.items():
                c = props.get(k, other)
                if c is not None and not c(x):
                    return False
            return True

        return check

    def _keyword(self, kw: str, arg: Any, schema: dict) -> Any:
        make = getattr(self, "_k_" + kw.lstrip("$"), None)
        if make is None:
            raise _Unsupported(kw)
        return make(arg, schema)

    def _k_ref(self, ref: Any, schema: dict) -> Any:
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise _Unsupported("$ref")
        target: Any = self.root
        for part in filter(None, ref[1:].split("/")):
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(target, dict) and part in target:
                target = target[part]
            else:
                raise _Unsupported("$ref")
        return self.compile(target)

    def _k_type(self, types: Any, schema: dict) -> Any:
        names = [types] if isinstance(types, str) else types
        if not all(t in _TYPE_TESTS for t in names):
            raise _Unsupported("type")
        tests = [_TYPE_TESTS[t] for t in names]
        return tests[0] if len(tests) == 1 else (lambda v: any(t(v) for t in tests))

    def _k_properties(self, props: dict, schema: dict) -> Any:
        pairs = [(name, self.compile(sub)) for name, sub in props.items()]

        def check(v: Any) -> bool:
            if type(v) is dict:
                for name, c in pairs:
                    if name in v and not c(v[name]):
                        return False
            return True

        return check

    def _k_required(self, names: list, schema: dict) -> Any:
        return lambda v: type(v) is not dict or all(n in v for n in names)

    def _k_additionalProperties(self, extra: Any, schema: dict) -> Any:
        known = set(schema.get("properties", {}))
        joined = "|".join(schema.get("patternProperties", {}))
        pattern = re.compile(joined) if joined else None
        sub = self.compile(extra)

        def check(v: Any) -> bool:
            if type(v) is dict:
                for k, x in v.items():
                    if k not in known and not (pattern and pattern.search(k)) and not sub(x):
                        return False
            return True

        return check

    def _k_patternProperties(self, patterns: dict, schema: dict) -> Any:
        pairs = [(re.compile(p), self.compile(sub)) for p, sub in patterns.items()]
        return lambda v: type(v) is not dict or all(
            c(x) for p, c in pairs for k, x in v.items() if p.search(k))

    def _k_propertyNames(self, sub: Any, schema: dict) -> Any:
        c = self.compile(sub)
        return lambda v: type(v) is not dict or all(map(c, v))

    def _k_items(self, sub: Any, schema: dict) -> Any:
        c, skip = self.compile(sub), len(schema.get("prefixItems", ()))
        return lambda v: type(v) is not list or all(map(c, v[skip:] if skip else v))

    def _k_prefixItems(self, subs: list, schema: dict) -> Any:
        cs = [self.compile(s) for s in subs]
        return lambda v: type(v) is not list or all(c(x) for c, x in zip(cs, v))

    def _k_minItems(self, n: int, schema: dict) -> Any:
        return lambda v: type(v) is not list or len(v) >= n

    def _k_maxItems(self, n: int, schema: dict) -> Any:
        return lambda v: type(v) is not list or len(v) <= n

    def _k_minProperties(self, n: int, schema: dict) -> Any:
        return lambda v: type(v) is not dict or len(v) >= n

    def _k_maxProperties(self, n: int, schema: dict) -> Any:
        return lambda v: type(v) is not dict or len(v) <= n

    def _k_minLength(self, n: int, schema: dict) -> Any:
        return lambda v: type(v) is not str or len(v) >= n

    def _k_maxLength(self, n: int, schema: dict) -> Any:
        return lambda v: type(v) is not str or len(v) <= n

    def _k_pattern(self, pattern: str, schema: dict) -> Any:
        search = re.compile(pattern).search
        return lambda v: type(v) is not str or search(v) is not None

    def _k_minimum(self, m: Any, schema: dict) -> Any:
        return lambda v: not _is_number(v) or v >= m

    def _k_maximum(self, m: Any, schema: dict) -> Any:
        return lambda v: not _is_number(v) or v <= m

    def _k_exclusiveMinimum(self, m: Any, schema: dict) -> Any:
        return lambda v: not _is_number(v) or v > m

    def _k_exclusiveMaximum(self, m: Any, schema: dict) -> Any:
        return lambda v: not _is_number(v) or v < m

    def _k_enum(self, options: list, schema: dict) -> Any:
        return lambda v: any(_json_equal(v, o) for o in options)

    def _k_const(self, value: Any, schema: dict) -> Any:
        return lambda v: _json_equal(v, value)

    def _k_anyOf(self, subs: list, schema: dict) -> Any:
        cs = [self.compile(s) for s in subs]
        return lambda v: any(c(v) for c in cs)

    def _k_allOf(self, subs: list, schema: dict) -> Any:
        return _all([self.compile(s) for s in subs])

    def _k_oneOf(self, subs: list, schema: dict) -> Any:
        cs = [self.compile(s) for s in subs]
        return lambda v: sum(1 for c in cs if c(v)) == 1

    def _k_not(self, sub: Any, schema: dict) -> Any:
        c = self.compile(sub)
        return lambda v: not c(v)

    def _k_if(self, sub: Any, schema: dict) -> Any:
        cond = self.compile(sub)
        then = self.compile(schema.get("then", True))
        other = self.compile(schema.get("else", True))
        return lambda v: then(v) if cond(v) else other(v)

    def _k_then(self, sub: Any, schema: dict) -> None:
        self.compile(sub)  # applied by `if`; without `if` it is ignored, as in jsonschema

    _k_else = _k_then
