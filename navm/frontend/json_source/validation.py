"""JSON Schema validation of a parsed document, with errors at the failing value.

jsonschema is the reference; `schema_check` answers valid/invalid much faster
for the common keywords, so jsonschema runs only to explain a failure (or for
a schema the fast check cannot handle), and is imported only then: a valid
document costs no jsonschema import (~40 ms). Schemas are not checked against
their metaschema here: navm's own are checked by tests/test_shipped_schemas.py.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence
from typing import Any

from navm.diagnostics import NavmError
from navm.frontend.json_source.document import JsonDocument
from navm.frontend.json_source.schema_check import fast_checker, subschema_checker


def validate(doc: JsonDocument, schema: dict, *, what: str) -> None:
    """Check `doc` against a JSON Schema (Draft 2020-12 unless it says otherwise).

    The best error (`best_match`) becomes a NavmError at the failing value,
    naming its JSON path, e.g. `invalid σ document: /ops/3/qubits: expected
    an array, got "x"`.
    """
    fast = _fast(schema)
    if fast is not None and fast(doc.value):
        return
    from jsonschema.exceptions import best_match

    validator = _validator(schema)
    if fast is None and validator.is_valid(doc.value):
        return
    error = best_match(validator.iter_errors(doc.value))
    if error is not None:  # None only if the fast check is stricter than jsonschema: trust jsonschema
        raise _schema_error(doc, error, what, schema)


_DRAFT_2020_12 = ("https://json-schema.org/draft/2020-12/schema", "https://json-schema.org/draft/2020-12/schema#")
_FAST: dict[int, tuple[dict, Any]] = {}
_VALIDATORS: dict[int, tuple[dict, Any]] = {}
_memo_classes: dict[type, type] = {}


def _fast(schema: dict) -> Any:
    """The fast check of a Draft 2020-12 schema (the default), built once per schema object; None
    for another draft or a keyword the fast check does not implement."""
    hit = _FAST.get(id(schema))
    if hit is not None and hit[0] is schema:
        return hit[1]
    draft = schema.get("$schema") if isinstance(schema, dict) else None
    fast = fast_checker(schema) if draft is None or draft in _DRAFT_2020_12 else None
    _FAST[id(schema)] = (schema, fast)
    return fast


def _validator(schema: dict) -> Any:
    """The jsonschema validator of a schema (its `$schema` draft, else 2020-12), built once per schema object."""
    hit = _VALIDATORS.get(id(schema))
    if hit is not None and hit[0] is schema:
        return hit[1]
    from jsonschema import Draft202012Validator
    from jsonschema.validators import extend, validator_for

    base = validator_for(schema, default=Draft202012Validator)
    cls = _memo_classes.get(base)
    if cls is None:
        cls = _memo_classes[base] = extend(base, validators={"items": _skip_valid_items(base.VALIDATORS["items"])})
    validator = cls(schema)
    _VALIDATORS[id(schema)] = (schema, validator)
    return validator


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
