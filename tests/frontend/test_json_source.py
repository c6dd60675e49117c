"""navm.frontend.json_source: strict JSON with positions, and schema validation."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from navm.diagnostics import NavmError, SourceLocation
from navm.frontend.json_source.schema_check import fast_checker
from navm.frontend.json_source import MAX_DEPTH, JsonDocument, parse_json, validate

# --- values -------------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=5), inner, max_size=5),
    max_leaves=30,
)
dump_styles = st.sampled_from(
    [{}, {"indent": 2}, {"indent": 1, "ensure_ascii": False}, {"separators": (",", ":")}, {"indent": "\t"}]
)


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types (1, 1.0 and true differ) with keys in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    return a == b or a != a and b != b


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += paths(v, (*prefix, i))
    return out


def value_at(value: Any, path: tuple) -> Any:
    for step in path:
        value = value[step]
    return value


def offset_of(text: str, loc: SourceLocation) -> int:
    lines = text.split("\n")
    return sum(len(line) + 1 for line in lines[: loc.line - 1]) + loc.column - 1


@settings(max_examples=300, deadline=None)
@given(json_values, dump_styles)
def test_values_round_trip_like_json_loads(value: Any, style: dict) -> None:
    text = json.dumps(value, **style)
    assert same(parse_json(text).value, json.loads(text))


@settings(max_examples=150, deadline=None)
@given(json_values, dump_styles)
def test_every_path_locates_the_start_of_its_value(value: Any, style: dict) -> None:
    text = json.dumps(value, **style)
    doc = parse_json(text)
    decoder = json.JSONDecoder()
    for path in paths(doc.value):
        at = offset_of(text, doc.locate(path))
        assert same(decoder.raw_decode(text, at)[0], value_at(doc.value, path)), path
        if path and isinstance(path[-1], str):
            key_at = offset_of(text, doc.locate_key(path))
            assert decoder.raw_decode(text, key_at)[0] == path[-1]


def test_numbers_keep_their_type() -> None:
    doc = parse_json('[1, 1.0, 1e2, -0, -0.5, 12345678901234567890, true]')
    assert [type(v) for v in doc.value] == [int, float, float, int, float, int, bool]
    assert doc.value[5] == 12345678901234567890


def test_top_level_scalars_and_flat_containers() -> None:
    assert parse_json(' "x" ').value == "x"
    assert parse_json("null").value is None
    assert parse_json("[1, 2]").value == [1, 2]
    assert parse_json('{"a": [1]}').value == {"a": [1]}
    assert parse_json("[]").value == []
    assert parse_json("{}").value == {}


DOC = """{
  "name": "demo",
  "nested": {"inner": {"deep": [1, 2]},
             "list": [
      {"gate": "h", "qubits": ["a"]},
      {"gate": "cz",
       "qubits": ["a", "b"]},
      [3, 4], 5, "six"
    ]},
  "flat": {"x": 1, "y": [true, null]}
}"""


@pytest.mark.parametrize(
    ("path", "line", "column"),
    [
        ([], 1, 1),
        (["name"], 2, 11),
        (["nested"], 3, 13),
        (["nested", "inner"], 3, 23),
        (["nested", "inner", "deep"], 3, 32),
        (["nested", "inner", "deep", 1], 3, 36),
        (["nested", "list"], 4, 22),
        (["nested", "list", 0], 5, 7),
        (["nested", "list", 0, "gate"], 5, 16),
        (["nested", "list", 0, "qubits", 0], 5, 32),
        (["nested", "list", 1], 6, 7),
        (["nested", "list", 1, "qubits"], 7, 18),
        (["nested", "list", 1, "qubits", 1], 7, 24),
        (["nested", "list", 2], 8, 7),
        (["nested", "list", 2, 1], 8, 11),
        (["nested", "list", 3], 8, 15),
        (["nested", "list", 4], 8, 18),
        (["flat"], 10, 11),
        (["flat", "y", 1], 10, 32),
        # Unknown paths stop at the nearest ancestor.
        (["nested", "list", 9], 4, 22),
        (["flat", "zzz"], 10, 11),
        (["name", 0], 2, 11),
    ],
)
def test_locate_exact_positions(path: list, line: int, column: int) -> None:
    doc = parse_json(DOC, "doc.json")
    assert doc.locate(path) == SourceLocation("doc.json", line, column)


def test_locate_key_and_item_locations() -> None:
    doc = parse_json(DOC, "doc.json")
    assert doc.locate_key(["flat", "y"]) == SourceLocation("doc.json", 10, 20)
    assert doc.locate_key(["nested", "list", 1, "qubits"]) == SourceLocation("doc.json", 7, 8)
    starts = [(loc.line, loc.column) for loc in doc.item_locations(["nested", "list"])]
    assert starts == [(5, 7), (6, 7), (8, 7), (8, 15), (8, 18)]
    assert doc.item_locations(["name"]) == []


def test_item_locations_of_a_large_array_of_flat_objects() -> None:
    ops = [{"gate": "h", "qubits": [f"q{i}"]} for i in range(1000)]
    text = '{"ops": [\n' + ",\n".join("  " + json.dumps(op) for op in ops) + "\n]}"
    doc = parse_json(text)
    locs = doc.item_locations(["ops"])
    assert [(loc.line, loc.column) for loc in locs] == [(i + 2, 3) for i in range(1000)]
    assert doc.locate(["ops", 999, "qubits", 0]) == SourceLocation("<input>", 1001, 28)


# --- syntax errors -------------------------------------------------------------------

SYNTAX_ERRORS = [
    ("", "empty input: expected a JSON value", 1, 1),
    ("  \n ", "empty input: expected a JSON value", 1, 1),
    ('{"a": 1,}', "trailing comma before '}' is not allowed", 1, 8),
    ("[1,\n 2,\n]", "trailing comma before ']' is not allowed", 2, 3),
    ('{"a" 1}', "expected ':' after object key, found a number", 1, 6),
    ('{"a": 1 "b": 2}', "expected ',' or '}' after object member, found a string", 1, 9),
    ("[1 2]", "expected ',' or ']' after array element, found a number", 1, 4),
    ('{"a": [1, 2}', "expected ',' or ']' after array element, found '}'", 1, 12),
    ('{"a": }', "expected a value after ':', found '}'", 1, 7),
    ("[,1]", "expected a value or ']', found ','", 1, 2),
    ("{,}", "expected a string key or '}', found ','", 1, 2),
    ('{"a": 1, 2}', "expected a string key after ',', found a number", 1, 10),
    ("[1] 2", "unexpected text after the JSON value, found a number", 1, 5),
    ('{"a": 1', "unexpected end of input: expected ',' or '}' after object member", 1, 8),
    ("[1, 2\n\n", "unexpected end of input: expected ',' or ']' after array element", 1, 6),
    ('{"a":', "unexpected end of input: expected a value after ':'", 1, 6),
    ('{"a": NaN}', "NaN is not valid JSON (JSON has no NaN or Infinity)", 1, 7),
    ("[Infinity]", "Infinity is not valid JSON (JSON has no NaN or Infinity)", 1, 2),
    ("[1, -Infinity]", "-Infinity is not valid JSON (JSON has no NaN or Infinity)", 1, 5),
    ("// note\n{}", "comments are not allowed in JSON", 1, 1),
    ('{"a": 1 /* x */}', "comments are not allowed in JSON", 1, 9),
    ("{'a': 1}", "strings must use double quotes (\")", 1, 2),
    ('["abc', "unterminated string", 1, 2),
    ('["a\\qb"]', "invalid escape '\\q' in string", 1, 4),
    ('["\\u12G4"]', "invalid \\u escape in string (needs 4 hex digits)", 1, 3),
    ('["a\tb"]', "control character U+0009 in string (write it as an escape)", 1, 4),
    ("[01]", "invalid number '01'", 1, 2),
    ('{"n": 1.}', "invalid number '1.'", 1, 7),
    ("[1e]", "invalid number '1e'", 1, 2),
    ("[-]", "expected a value or ']', found '-'", 1, 2),
    ("[True]", "unexpected word 'True' (JSON literals are true, false and null; strings need double quotes)", 1, 2),
    ('{"a": undefined}', "unexpected word 'undefined' (JSON literals are true, false and null; "
     "strings need double quotes)", 1, 7),
]


@pytest.mark.parametrize(("text", "message", "line", "column"), SYNTAX_ERRORS)
def test_syntax_errors_have_exact_positions(text: str, message: str, line: int, column: int) -> None:
    with pytest.raises(NavmError) as info:
        parse_json(text, "bad.json")
    assert info.value.message == message
    assert info.value.loc == SourceLocation("bad.json", line, column)


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    assert parse_json("[" * MAX_DEPTH + "]" * MAX_DEPTH).value is not None
    for text in ("[" * 100_000 + "]" * 100_000, '{"a":' * 300 + "1" + "}" * 300, "[" * 5000):
        with pytest.raises(NavmError) as info:
            parse_json(text)
        assert info.value.message == f"JSON is nested too deeply (more than {MAX_DEPTH} levels)"
        first_too_deep = [i for i, ch in enumerate(text) if ch in "[{"][MAX_DEPTH]
        assert info.value.loc == SourceLocation("<input>", 1, first_too_deep + 1)


def test_duplicate_key_is_reported_at_the_second_key() -> None:
    text = '{\n  "a": {"x": [1, {"k": 1}]},\n  "b": 2,\n  "a": 3\n}'
    with pytest.raises(NavmError) as info:
        parse_json(text, "dup.json")
    assert info.value.message == "duplicate key 'a' in object"
    assert info.value.loc == SourceLocation("dup.json", 4, 3)
    assert info.value.notes == ("first given at line 2, column 3",)


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        # Inside a flat object lexed as one token (the C decoder refuses it).
        ('{"x": {"k": 1, "k": 2}, "y": {"z": {}}}', "duplicate key 'k' in object", 1, 16),
        # Inside an item of a run (a whole array of flat objects is one token).
        ('{"ops": [\n  {"gate": "h"},\n    {"gate": "x", "gate": "y"}\n]}', "duplicate key 'gate' in object", 3, 19),
        ('[{"a": 1},\n {"b": "\\x"}]', "invalid escape '\\x' in string", 2, 9),
        ('[\n{"a": 1, "a": 2}]', "duplicate key 'a' in object", 2, 10),
        ('[1, 2, {"a": [3, 4, "\\u00"]}]', "invalid \\u escape in string (needs 4 hex digits)", 1, 22),
    ],
)
def test_errors_inside_flat_tokens_are_exact(text: str, message: str, line: int, column: int) -> None:
    with pytest.raises(NavmError) as info:
        parse_json(text)
    assert (info.value.message, info.value.loc.line, info.value.loc.column) == (message, line, column)


def test_errors_render_with_the_source_line() -> None:
    with pytest.raises(NavmError) as info:
        parse_json('{"a": [1,]}', "render.json")
    assert info.value.render() == (
        "render.json:1:9: error: trailing comma before ']' is not allowed\n"
        '  {"a": [1,]}\n'
        "          ^"
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='{}[],:"\\ \n0123456789.-+eEtrufalsnNI/\'x', max_size=30))
def test_random_text_gives_a_value_or_a_navm_error(text: str) -> None:
    try:
        expected = json.loads(text)
    except ValueError:
        expected = NavmError
    try:
        got = parse_json(text).value
    except NavmError as e:
        assert e.loc is not None and 1 <= e.loc.line and 1 <= e.loc.column
        got = NavmError
    if expected is NavmError or got is NavmError:
        # json.loads accepts NaN/Infinity and duplicate keys; strict JSON does not.
        assert got is NavmError
    else:
        assert same(got, expected)


# --- schema validation ---------------------------------------------------------------

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "items"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "string", "enum": ["1.0", "1.1"]},
        "count": {"type": "integer", "minimum": 1, "description": "how many"},
        "items": {"type": "array", "items": {"$ref": "#/$defs/item"}},
        "names": {"type": "object", "propertyNames": {"pattern": "^[a-z]+$"}},
    },
    "$defs": {
        "item": {
            "type": "object",
            "required": ["kind"],
            "additionalProperties": False,
            "properties": {
                "kind": {"type": "string"},
                "size": {"type": "number", "exclusiveMaximum": 8},
                "tags": {"type": "array", "items": {"type": "string"}},
            },
        }
    },
}


def check(text: str) -> NavmError:
    with pytest.raises(NavmError) as info:
        validate(parse_json(text, "s.json"), SCHEMA, what="test document")
    return info.value


def test_valid_document_passes() -> None:
    validate(parse_json('{"version": "1.0", "items": [{"kind": "a", "size": 1}], "count": 2}'),
             SCHEMA, what="test document")


@pytest.mark.parametrize(
    ("text", "message", "line", "column", "notes"),
    [
        ('{"version": "1.0", "items": [{"kind": "a"},\n {"kind": "b", "tags": ["x", 3]}]}',
         "invalid test document: /items/1/tags/1: expected a string, got 3", 2, 30, ()),
        ('{"version": "1.0", "items": [{"kind": "a", "sise": 2}]}',
         'invalid test document: /items/0: unknown field "sise"', 1, 44,
         ("did you mean 'size'?", "allowed fields here: kind, size, tags")),
        ('{"version": "1.0", "items": [{"kind": "a", "size": 8}]}',
         "invalid test document: /items/0/size: 8 must be less than 8", 1, 52, ()),
        ('{"version": "2.0", "items": []}',
         'invalid test document: /version: "2.0" is not one of "1.0", "1.1"', 1, 13, ()),
        ('{"version": "1.0"}', 'invalid test document: /: missing required field "items"', 1, 1, ()),
        ('{"version": "1.0", "items": [], "count": 0}',
         "invalid test document: /count: 0 must be at least 1", 1, 42, ("how many",)),
        ('{"version": "1.0", "items": [], "names": {"ok": 1, "Bad": 2}}',
         'invalid test document: /names: key "Bad" does not match the pattern ^[a-z]+$', 1, 52, ()),
        ("[1]", "invalid test document: /: expected an object, got [1]", 1, 1, ()),
    ],
)
def test_schema_errors_point_at_the_failing_value(
    text: str, message: str, line: int, column: int, notes: tuple
) -> None:
    error = check(text)
    assert error.message == message
    assert error.loc == SourceLocation("s.json", line, column)
    assert error.notes == notes


def test_schema_error_deep_in_a_large_array() -> None:
    items = [{"kind": "k", "size": i % 7} for i in range(5000)]
    items[4321]["size"] = "big"
    text = '{"version": "1.0", "items": [\n' + ",\n".join(json.dumps(i) for i in items) + "\n]}"
    error = check(text)
    assert error.message == 'invalid test document: /items/4321/size: expected a number, got "big"'
    assert error.loc == SourceLocation("s.json", 4323, 23)


FAST_SCHEMAS = [
    SCHEMA,
    {"type": ["integer", "null"], "minimum": 0, "maximum": 10},
    {"enum": [1, "a", [True], {"k": None}]},
    {"const": 1.0},
    {"oneOf": [{"type": "number"}, {"type": "integer"}, {"type": "string", "minLength": 2}]},
    {"anyOf": [{"type": "array", "maxItems": 2, "prefixItems": [{"type": "boolean"}], "items": {"type": "string"}},
               {"not": {"type": "object"}}]},
    {"type": "object", "patternProperties": {"^x": {"type": "integer"}}, "additionalProperties": {"type": "string"},
     "minProperties": 1, "maxProperties": 3},
    {"if": {"type": "string"}, "then": {"maxLength": 2}, "else": {"type": ["number", "array"]}},
    {"$ref": "#/$defs/tree", "$defs": {"tree": {"type": ["array", "integer"], "items": {"$ref": "#/$defs/tree"}}}},
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(range(len(FAST_SCHEMAS))), json_values)
def test_fast_check_agrees_with_jsonschema(which: int, value: Any) -> None:
    schema = FAST_SCHEMAS[which]
    fast = fast_checker(schema)
    assert fast is not None
    assert fast(value) == jsonschema.Draft202012Validator(schema).is_valid(value)


def test_fast_check_declines_what_it_does_not_implement() -> None:
    assert fast_checker({"type": "array", "uniqueItems": True}) is None
    assert fast_checker({"$ref": "https://example.com/other.json"}) is None
    with pytest.raises(NavmError) as info:
        validate(parse_json("[1, 1]"), {"type": "array", "uniqueItems": True}, what="list")
    assert info.value.message == "invalid list: /: [1, 1] has non-unique elements"


def test_json_document_is_a_plain_dataclass() -> None:
    doc = parse_json('{"a": 1}', "f.json")
    assert isinstance(doc, JsonDocument)
    assert (doc.value, doc.file) == ({"a": 1}, "f.json")


def test_parsing_in_threads_keeps_each_parse_separate() -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = ["[" * 200 + "]" * 200, json.dumps({"a": [[1, {"b": [2, [3]]}]] * 50}, indent=1),
             '{"x": [1, 2,]}', '[{"a": 1, "a": 2}, [[[0]]]]'] * 25

    def outcome(text: str) -> Any:
        try:
            return parse_json(text).value
        except NavmError as e:
            return (e.message, e.loc)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(outcome, texts))
    assert results == [outcome(t) for t in texts]
