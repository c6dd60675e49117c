"""Fuzzing the σ front end: whatever the input, only NavmError (with a position) comes out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from navm.diagnostics import NavmError
from navm.frontend.sigma import parse_sigma_text
from navm.frontend.sigma.spec import GATE_NAMES

EXAMPLES = [p.read_text(encoding="utf-8")
            for p in sorted((Path(__file__).resolve().parents[2] / "examples" / "sigma").glob("*.sigma.json"))]
JSONISH = '{}[],:" \n\\0123456789.-+eE' + "abcqxyz_πNaIfinty/*'\t\x00"


def parses_or_fails_cleanly(text: str) -> None:
    try:
        parse_sigma_text(text, "fuzz.sigma.json")
    except NavmError as e:
        assert e.loc is not None, e
        assert e.loc.file == "fuzz.sigma.json"
        assert 1 <= e.loc.line <= text.count("\n") + 1, e
        assert 1 <= e.loc.column, e
        e.render()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200) | st.text(alphabet=JSONISH, max_size=200))
def test_random_text(text: str) -> None:
    parses_or_fails_cleanly(text)


edits = st.lists(
    st.tuples(st.integers(min_value=0, max_value=2000), st.integers(min_value=0, max_value=5),
              st.text(alphabet=JSONISH, max_size=4)),
    min_size=1, max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(EXAMPLES), edits)
def test_text_mutations_of_examples(example: str, changes: list[tuple[int, int, str]]) -> None:
    text = example
    for at, delete, insert in changes:
        at %= len(text) + 1
        text = text[:at] + insert + text[at + delete:]
    parses_or_fails_cleanly(text)


interesting = (
    st.sampled_from(["a", "b", "x0", "q1", "m_a", "", "pi/4", "-pi", "1/0", "(", "1.0", "2.0", *GATE_NAMES])
    | st.sampled_from([0, 1, 2, 3, -1, 8, 16, 0.5, 0.3, 7.999999999, 1e-12, 1e300, -0.0, True, False, None])
    | st.floats(allow_nan=False) | st.integers() | st.text(max_size=6)
)
json_values = st.recursive(
    interesting,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["gate", "qubits", "params", "result", "node", "N", "sigma", "x"]) | st.text(max_size=4),
        inner, max_size=4),
    max_leaves=12,
)


def containers(value: Any, path: tuple = ()) -> list[tuple]:
    out = [path] if isinstance(value, (dict, list)) else []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        out += containers(child, (*path, key))
    return out


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(EXAMPLES), st.data())
def test_structural_mutations_of_examples(example: str, data: st.DataObject) -> None:
    doc = json.loads(example)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        path = data.draw(st.sampled_from(containers(doc)))
        parent = doc
        for step in path:
            parent = parent[step]
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if isinstance(parent, dict):
            keys = list(parent)
            if action == "add" or not keys:
                key = data.draw(st.sampled_from(["gate", "qubits", "params", "result", "node", "N", "extra"]))
                parent[key] = data.draw(json_values)
            elif action == "delete":
                del parent[data.draw(st.sampled_from(keys))]
            else:
                parent[data.draw(st.sampled_from(keys))] = data.draw(json_values)
        elif isinstance(parent, list):
            if action == "add" or not parent:
                parent.insert(data.draw(st.integers(0, len(parent))), data.draw(json_values))
            elif action == "delete":
                del parent[data.draw(st.integers(0, len(parent) - 1))]
            else:
                parent[data.draw(st.integers(0, len(parent) - 1))] = data.draw(json_values)
    indent = data.draw(st.sampled_from([None, 1, 2]))
    parses_or_fails_cleanly(json.dumps(doc, indent=indent, ensure_ascii=data.draw(st.booleans())))
