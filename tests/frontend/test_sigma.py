"""The σ-language front end: fields, gates, macros, noise, errors, examples and docs."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from navm.diagnostics import NavmError, SourceLocation
from navm.frontend.sigma import parse_sigma_file, parse_sigma_text
from navm.frontend.sigma.angles import AngleError, parse_angle
from navm.frontend.sigma.gates import GATES, ParamKind
from navm.frontend.sigma.parser import SUPPORTED_VERSIONS, sigma_schema
from navm.frontend.sigma.spec import GATE_NAMES, SigmaCircuit, SigmaOp, SigmaQubit

ROOT = Path(__file__).resolve().parents[2]
QUBITS = '"a": 0.0, "b": 0.5, "c": 1.0, "d": {"node": 3}'
QUBITS_COLUMN = len('  "qubits": {') + 1
OPS_LINE, OPS_COLUMN = 6, 5


def document(ops: list[str], qubits: str = QUBITS, n: str = '"N": 16') -> str:
    """A σ document with `qubits` on line 4 and op i on line 6 + i, column 5."""
    body = ",\n".join("    " + op for op in ops)
    return '{\n  "sigma": "1.0",\n  ' + n + ',\n  "qubits": {' + qubits + '},\n  "ops": [\n' + body + "\n  ]\n}"


def parse_ops(*ops: str) -> SigmaCircuit:
    return parse_sigma_text(document(list(ops)), "t.sigma.json")


def error_of(text: str) -> NavmError:
    with pytest.raises(NavmError) as info:
        parse_sigma_text(text, "t.sigma.json")
    return info.value


def at_op(op_index: int, op: str, marker: str) -> SourceLocation:
    return SourceLocation("t.sigma.json", OPS_LINE + op_index, OPS_COLUMN + op.index(marker))


def at_qubits(qubits: str, marker: str) -> SourceLocation:
    return SourceLocation("t.sigma.json", 4, QUBITS_COLUMN + qubits.index(marker))


# --- fields --------------------------------------------------------------------------


def test_minimal_document_and_default_n() -> None:
    circuit = parse_sigma_text('{"sigma": "1.0", "qubits": {}, "ops": []}', "m.json")
    assert circuit == SigmaCircuit("1.0", 256, [], [], [], "m.json")


def test_qubits_by_sigma_and_by_node() -> None:
    circuit = parse_ops()
    assert circuit.n_nodes == 16
    assert circuit.qubits == [
        SigmaQubit("a", 0.0, 0, at_qubits(QUBITS, '"a"')),
        SigmaQubit("b", 0.5, 1, at_qubits(QUBITS, '"b"')),
        SigmaQubit("c", 1.0, 2, at_qubits(QUBITS, '"c"')),
        SigmaQubit("d", 1.5, 3, at_qubits(QUBITS, '"d"')),
    ]


def test_default_n_is_256() -> None:
    circuit = parse_sigma_text('{"sigma": "1.0", "qubits": {"a": 0.03125, "b": 7.96875}, "ops": []}')
    assert circuit.n_nodes == 256
    assert [(q.node, q.sigma) for q in circuit.qubits] == [(1, 0.03125), (255, 7.96875)]


@pytest.mark.parametrize(
    ("sigma", "node"),
    [("1.5000000001", 3), ("1.4999999999", 3), ("0.5e0", 1), ("0", 0), ("7.5", 15), ("2", 4)],
)
def test_sigma_within_tolerance_snaps_to_the_node(sigma: str, node: int) -> None:
    circuit = parse_sigma_text(document([], f'"q": {sigma}'))
    assert (circuit.qubits[0].node, circuit.qubits[0].sigma) == (node, node * 0.5)


def test_name_and_description_are_accepted() -> None:
    text = '{"sigma": "1.0", "name": "x", "description": "y", "qubits": {}, "ops": []}'
    assert parse_sigma_text(text).version == "1.0"


def test_integral_float_n_and_node_are_accepted() -> None:
    circuit = parse_sigma_text(document([], '"q": {"node": 2.0}', n='"N": 8.0'))
    assert (circuit.n_nodes, circuit.qubits[0].node, circuit.qubits[0].sigma) == (8, 2, 2.0)


def test_supported_versions() -> None:
    assert SUPPORTED_VERSIONS == ("1.0",)


# --- every gate -------------------------------------------------------------------------

ONE_OP = {
    "h": ('{"gate": "h", "qubits": ["a"]}', (0,), ()),
    "x": ('{"gate": "x", "qubits": ["b"]}', (1,), ()),
    "y": ('{"gate": "y", "qubits": ["c"]}', (2,), ()),
    "z": ('{"gate": "z", "qubits": ["d"]}', (3,), ()),
    "s": ('{"gate": "s", "qubits": ["a"], "params": []}', (0,), ()),
    "sdg": ('{"gate": "sdg", "qubits": ["a"]}', (0,), ()),
    "t": ('{"gate": "t", "qubits": ["a"]}', (0,), ()),
    "tdg": ('{"gate": "tdg", "qubits": ["a"]}', (0,), ()),
    "rx": ('{"gate": "rx", "qubits": ["a"], "params": [0.25]}', (0,), (0.25,)),
    "ry": ('{"gate": "ry", "qubits": ["a"], "params": ["pi/2"]}', (0,), (math.pi / 2,)),
    "rz": ('{"gate": "rz", "qubits": ["a"], "params": [-1]}', (0,), (-1.0,)),
    "r": ('{"gate": "r", "qubits": ["a"], "params": [0.5, "pi"]}', (0,), (0.5, math.pi)),
    "u3": ('{"gate": "u3", "qubits": ["a"], "params": ["pi/2", 0, "pi"]}', (0,), (math.pi / 2, 0.0, math.pi)),
    "cz": ('{"gate": "cz", "qubits": ["a", "b"]}', (0, 1), ()),
    "cx": ('{"gate": "cx", "qubits": ["b", "a"]}', (1, 0), ()),
    "swap": ('{"gate": "swap", "qubits": ["c", "d"]}', (2, 3), ()),
    "w": ('{"gate": "w", "qubits": ["a", "c", "b"]}', (0, 2, 1), ()),
    "reset": ('{"gate": "reset", "qubits": ["d"]}', (3,), ()),
    "barrier": ('{"gate": "barrier", "qubits": ["a", "d"]}', (0, 3), ()),
    "qft": ('{"gate": "qft", "qubits": ["d", "c", "b", "a"]}', (3, 2, 1, 0), ()),
    "iqft": ('{"gate": "iqft", "qubits": ["b"]}', (1,), ()),
    "pauli": ('{"gate": "pauli", "qubits": ["a"], "params": [0.1, 0.2, 0.3]}', (0,), (0.1, 0.2, 0.3)),
    "depolarize": ('{"gate": "depolarize", "qubits": ["a"], "params": [0]}', (0,), (0.0,)),
    "depolarize2": ('{"gate": "depolarize2", "qubits": ["a", "b"], "params": [1]}', (0, 1), (1.0,)),
    "loss": ('{"gate": "loss", "qubits": ["c"], "params": [0.5]}', (2,), (0.5,)),
    "readout_flip": ('{"gate": "readout_flip", "qubits": ["d"], "params": [0.01]}', (3,), (0.01,)),
}


def test_gate_table_matches_gate_names() -> None:
    assert tuple(GATES) == GATE_NAMES
    assert set(ONE_OP) | {"measure", "detector", "observable"} == set(GATE_NAMES)


def test_detectors_and_observables_name_earlier_results() -> None:
    circuit = parse_ops(
        '{"gate": "measure", "qubits": ["a"], "result": "m0"}',
        '{"gate": "measure", "qubits": ["b"], "result": "m1"}',
        '{"gate": "detector", "results": ["m1", "m0"]}',
        '{"gate": "observable", "params": [2], "results": ["m1"]}',
    )
    detector, observable = circuit.ops[2], circuit.ops[3]
    assert (detector.name, detector.qubits, detector.params, detector.records) == ("detector", (), (), (1, 0))
    assert (observable.params, observable.records) == ((2.0,), (1,))


@pytest.mark.parametrize(
    "op, marker, message",
    [
        ('{"gate": "detector", "results": ["m9"]}', '"m9"', "'m9' is not the result of an earlier measurement"),
        ('{"gate": "detector"}', "{", "'detector' needs \"results\""),
        ('{"gate": "observable", "params": [-1], "results": ["m0"]}', "-1", "index must be a non-negative integer"),
        ('{"gate": "observable", "params": [0.5], "results": ["m0"]}', "0.5", "index must be a non-negative integer"),
        ('{"gate": "h", "qubits": ["a"], "results": ["m0"]}', '["m0"]', "only detector and observable list"),
    ],
)
def test_annotation_errors(op: str, marker: str, message: str) -> None:
    measure = '{"gate": "measure", "qubits": ["a"], "result": "m0"}'
    err = error_of(document([measure, op]))
    assert message in err.message
    assert err.loc == at_op(1, op, marker)


@pytest.mark.parametrize("gate", sorted(ONE_OP))
def test_every_gate(gate: str) -> None:
    op, qubits, params = ONE_OP[gate]
    circuit = parse_ops('{"gate": "h", "qubits": ["a"]}', op)
    expected_loc = SourceLocation("t.sigma.json", OPS_LINE + 1, OPS_COLUMN)
    assert circuit.ops[1] == SigmaOp(gate, qubits, params, None, expected_loc)
    assert all(type(p) is float for p in circuit.ops[1].params)


def test_measure_and_results() -> None:
    circuit = parse_ops(
        '{"gate": "measure", "qubits": ["b"], "result": "m_b"}',
        '{"gate": "measure", "qubits": ["b"], "result": "again"}',
        '{"gate": "measure", "qubits": ["a"], "result": "_0"}',
    )
    assert [(op.name, op.qubits, op.result) for op in circuit.ops] == [
        ("measure", (1,), "m_b"), ("measure", (1,), "again"), ("measure", (0,), "_0")]
    assert circuit.results == ["m_b", "again", "_0"]


def test_empty_barrier_means_all_qubits() -> None:
    assert parse_ops('{"gate": "barrier", "qubits": []}').ops[0].qubits == ()


def test_macros_take_any_number_of_qubits_in_order() -> None:
    circuit = parse_ops('{"gate": "qft", "qubits": ["c"]}', '{"gate": "iqft", "qubits": ["a", "d", "b"]}')
    assert [(op.name, op.qubits) for op in circuit.ops] == [("qft", (2,)), ("iqft", (0, 3, 1))]


def test_op_locations_follow_the_document() -> None:
    text = '{"sigma": "1.0", "qubits": {"a": 0},\n "ops": [{"gate": "h", "qubits": ["a"]},\n\n   {"gate": "x",\n "qubits": ["a"]}]}'
    ops = parse_sigma_text(text, "f").ops
    assert [(op.loc.line, op.loc.column) for op in ops] == [(2, 10), (4, 4)]


def test_param_kinds() -> None:
    kinds = {name: sig.param_kind for name, sig in GATES.items() if sig.params}
    assert kinds == {
        "rx": ParamKind.ANGLE, "ry": ParamKind.ANGLE, "rz": ParamKind.ANGLE, "r": ParamKind.ANGLE,
        "u3": ParamKind.ANGLE,
        "pauli": ParamKind.PROBABILITY, "depolarize": ParamKind.PROBABILITY,
        "depolarize2": ParamKind.PROBABILITY, "loss": ParamKind.PROBABILITY,
        "readout_flip": ParamKind.PROBABILITY, "observable": ParamKind.INDEX,
    }


# --- angles --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("pi/4", math.pi / 4), ("-3*pi/2", -3 * math.pi / 2), ("2*(pi - 1)/3", 2 * (math.pi - 1) / 3),
        ("π/2", math.pi / 2), ("tau/4", math.tau / 4), ("1e-3", 1e-3), (" .5 ", 0.5), ("--1", 1.0),
        ("+pi", math.pi), ("1 - 2 - 3", -4.0), ("8/2/2", 2.0), ("2*3+4*5", 26.0), ("1.", 1.0),
    ],
)
def test_angle_expressions(text: str, value: float) -> None:
    assert parse_angle(text) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("pi/*4", "expected a number, pi or '(', found '*'", 3),
        ("", "expected a number, pi or '(', found end of expression", 0),
        ("(pi", "expected ')'", 3),
        ("pi pi", "unexpected 'number'", 3),
        ("2^3", "unexpected '^'", 1),
        ("1/0", "division by zero", 1),
        ("e", "unexpected 'e'", 0),
        ("__import__('os')", "unexpected '_'", 0),
        ("1e308*10", "the value is not finite", 0),
        ("(" * 51 + "1" + ")" * 51, "more than 50 nested parentheses", 50),
        ("-" * 201, "the expression is longer than 200 characters", 200),
    ],
)
def test_angle_errors(text: str, message: str, position: int) -> None:
    with pytest.raises(AngleError) as info:
        parse_angle(text)
    assert (info.value.message, info.value.position) == (message, position)


# --- semantic errors --------------------------------------------------------------------------

OP_ERRORS = [
    # (op text, marker where the error points, message, notes)
    ('{"gate": "hadamard", "qubits": ["a"]}', '"hadamard"', "unknown gate 'hadamard'", ("did you mean 'h'?",)),
    ('{"gate": "cnot", "qubits": ["a", "b"]}', '"cnot"', "unknown gate 'cnot'", ("did you mean 'cx'?",)),
    ('{"gate": "CZ", "qubits": ["a", "b"]}', '"CZ"', "unknown gate 'CZ'", ("did you mean 'cz'?",)),
    ('{"gate": "rxx", "qubits": ["a"]}', '"rxx"', "unknown gate 'rxx'", ("did you mean 'rx' or 'x' or 'r'?",)),
    ('{"gate": "frobnicate", "qubits": ["a"]}', '"frobnicate"', "unknown gate 'frobnicate'",
     ("known gates: " + ", ".join(GATE_NAMES),)),
    ('{"gate": "cz", "qubits": ["a", "bb"]}', '"bb"', "unknown qubit 'bb'", ("did you mean 'b'?",)),
    ('{"gate": "h", "qubits": ["zzz"]}', '"zzz"', "unknown qubit 'zzz'", ("declared qubits: a, b, c, d",)),
    ('{"gate": "cz", "qubits": ["a"]}', '["a"]', "'cz' takes 2 qubits, got 1", ()),
    ('{"gate": "h", "qubits": ["a", "b"]}', '["a"', "'h' takes 1 qubit, got 2", ()),
    ('{"gate": "w", "qubits": ["a", "b"]}', '["a"', "'w' takes 3 qubits, got 2", ()),
    ('{"gate": "qft", "qubits": []}', "[]", "'qft' takes at least 1 qubit, got 0", ()),
    ('{"gate": "cz", "qubits": ["b", "b"]}', '"b"]', "qubit 'b' appears twice in 'cz'", ("first at line 7, column 31",)),
    ('{"gate": "barrier", "qubits": ["a", "c", "a"]}', '"a"]', "qubit 'a' appears twice in 'barrier'",
     ("first at line 7, column 36",)),
    ('{"gate": "rx", "qubits": ["a"]}', '{', "'rx' takes 1 parameter (angle), got 0", ()),
    ('{"gate": "r", "qubits": ["a"], "params": [1]}', "[1]", "'r' takes 2 parameters (axis, angle), got 1", ()),
    ('{"gate": "h", "qubits": ["a"], "params": [1]}', "[1]", "'h' takes no parameters, got 1", ()),
    ('{"gate": "pauli", "qubits": ["a"], "params": [0.1]}', "[0.1]", "'pauli' takes 3 parameters (px, py, pz), got 1", ()),
    ('{"gate": "rz", "qubits": ["a"], "params": ["pi/*4"]}', '"pi/*4"',
     "invalid angle 'pi/*4': expected a number, pi or '(', found '*' (at character 4)",
     ('angles are radians: a number or an expression such as "pi/4", "-3*pi/2"',)),
    ('{"gate": "rx", "qubits": ["a"], "params": ["' + "(" * 60 + '"]}', '"((',
     "invalid angle '" + "(" * 37 + "...': more than 50 nested parentheses (at character 51)",
     ('angles are radians: a number or an expression such as "pi/4", "-3*pi/2"',)),
    ('{"gate": "depolarize", "qubits": ["a"], "params": [1.5]}', "1.5", "probability p = 1.5 is outside [0, 1]", ()),
    ('{"gate": "loss", "qubits": ["a"], "params": [-0.1]}', "-0.1", "probability p = -0.1 is outside [0, 1]", ()),
    ('{"gate": "pauli", "qubits": ["a"], "params": [0.1, 2, 0]}', "2,", "probability py = 2 is outside [0, 1]", ()),
    ('{"gate": "readout_flip", "qubits": ["a"], "params": ["0.1"]}', '"0.1"',
     "probability p must be a number, got '0.1'", ()),
    ('{"gate": "pauli", "qubits": ["a"], "params": [0.5, 0.4, 0.3]}', "[0.5",
     "pauli probabilities px + py + pz = 1.2 exceed 1", ()),
    ('{"gate": "depolarize2", "qubits": ["a", "a"], "params": [0.1]}', '"a"]', "qubit 'a' appears twice in 'depolarize2'",
     ("first at line 7, column 40",)),
    ('{"gate": "measure", "qubits": ["a"]}', "{", 'measure needs a "result" name', ()),
    ('{"gate": "h", "qubits": ["a"], "result": "m"}', '"m"', "only measure has a \"result\" ('h' does not)", ()),
]


@pytest.mark.parametrize(("op", "marker", "message", "notes"), OP_ERRORS)
def test_op_errors_are_located_at_the_offending_value(op: str, marker: str, message: str, notes: tuple) -> None:
    error = error_of(document(['{"gate": "x", "qubits": ["a"]}', op]))
    assert error.message == message
    assert error.loc == at_op(1, op, marker)
    assert error.notes == notes


def test_duplicate_result_name() -> None:
    first = '{"gate": "measure", "qubits": ["a"], "result": "m"}'
    second = '{"gate": "measure", "qubits": ["b"], "result": "m"}'
    error = error_of(document([first, second]))
    assert error.message == "result 'm' is already used"
    assert error.loc == at_op(1, second, '"m"')
    assert error.notes == (f"first measured into at line 6, column {OPS_COLUMN + first.index(chr(34) + 'm' + chr(34))}",)


QUBIT_ERRORS = [
    ('"a": 0.3', "0.3", "σ = 0.3 is not a lattice node for N = 16; nearest nodes: k=0 (σ=0.0), k=1 (σ=0.5)",
     ("the nodes are σ = 8k/N for k = 0..15, 0.5 apart",)),
    ('"a": 1.50000001', "1.5", "σ = 1.50000001 is not a lattice node for N = 16; nearest nodes: k=3 (σ=1.5), "
     "k=4 (σ=2.0)", ("the nodes are σ = 8k/N for k = 0..15, 0.5 apart",)),
    ('"a": 7.9', "7.9", "σ = 7.9 is not a lattice node for N = 16; nearest nodes: k=15 (σ=7.5), k=0 (σ=0.0 ≡ 8)",
     ("the nodes are σ = 8k/N for k = 0..15, 0.5 apart",)),
    ('"a": 8', "8", "σ = 8 is outside [0, 8)", ()),
    ('"a": 8.0', "8.0", "σ = 8.0 is outside [0, 8)", ()),
    ('"a": -0.5', "-0.5", "σ = -0.5 is outside [0, 8)", ()),
    ('"a": {"node": 16}', "16", "node 16 is outside the lattice (N = 16: nodes 0..15)", ()),
    ('"a": 0.5, "b": {"node": 1}', "1}", "qubit 'b' is on node k=1 (σ=0.5), already used by qubit 'a'",
     (f"qubit 'a' is declared at line 4, column {QUBITS_COLUMN}",)),
    ('"a": 0, "b": 1.0, "c": 1.0000000001', "1.0000000001",
     "qubit 'c' is on node k=2 (σ=1.0), already used by qubit 'b'",
     (f"qubit 'b' is declared at line 4, column {QUBITS_COLUMN + 8}",)),
]


@pytest.mark.parametrize(("qubits", "marker", "message", "notes"), QUBIT_ERRORS)
def test_qubit_errors_are_located_at_the_address(qubits: str, marker: str, message: str, notes: tuple) -> None:
    error = error_of(document([], qubits))
    assert error.message == message
    assert error.loc == at_qubits(qubits, marker)
    assert error.notes == notes


def test_single_node_lattice() -> None:
    assert parse_sigma_text(document([], '"a": 0', n='"N": 1')).qubits[0].node == 0
    error = error_of(document([], '"a": 4', n='"N": 1'))
    assert error.message == "σ = 4 is not a lattice node for N = 1; nearest nodes: k=0 (σ=0.0)"


def test_unknown_version_lists_the_supported_ones() -> None:
    error = error_of('{\n  "sigma": "2.0", "qubits": {}, "ops": []}')
    assert error.message == "unsupported σ version '2.0'; supported: 1.0"
    assert error.loc == SourceLocation("t.sigma.json", 2, 12)


SCHEMA_ERRORS = [
    ('{"sigma": 1.0, "qubits": {}, "ops": []}', "/sigma: expected a string, got 1.0", 1, 11,
     ('the format version, a string such as "1.0"',)),
    ('{"sigma": "1.0", "ops": []}', '/: missing required field "qubits"', 1, 1, ()),
    ('{"sigma": "1.0", "qubits": {}, "ops": [], "extra": 1}', '/: unknown field "extra"', 1, 43,
     ("allowed fields here: N, description, name, ops, qubits, sigma",)),
    ('{"sigma": "1.0", "N": 0, "qubits": {}, "ops": []}', "/N: 0 must be at least 1", 1, 23,
     ("number of lattice nodes (default 256)",)),
    ('{"sigma": "1.0", "N": 3.5, "qubits": {}, "ops": []}', "/N: expected an integer, got 3.5", 1, 23,
     ("number of lattice nodes (default 256)",)),
    ('{"sigma": "1.0", "qubits": {"a": "x"}, "ops": []}', '/qubits/a: expected a number or an object, got "x"',
     1, 34, ('sigma value 8k/N, or {"node": k}',)),
    ('{"sigma": "1.0", "qubits": {"a": {"node": -1}}, "ops": []}', "/qubits/a/node: -1 must be at least 0",
     1, 43, ()),
    ('{"sigma": "1.0", "qubits": {"a": {"k": 1}}, "ops": []}', '/qubits/a: expected a number or an object, got {"k": 1}',
     1, 34, ('sigma value 8k/N, or {"node": k}',)),
    ('{"sigma": "1.0", "qubits": {"2a": 0}, "ops": []}',
     '/qubits: key "2a" does not match the pattern ^[A-Za-z_][A-Za-z0-9_]*$', 1, 29,
     ("a name: letters, digits and _, not starting with a digit",)),
    ('{"sigma": "1.0", "qubits": {"a": 0}, "ops": {}}', "/ops: expected an array, got {}", 1, 45, ("operations, in program order",)),
    ('{"sigma": "1.0", "qubits": {"a": 0}, "ops": [{"gate": "h", "qubits": "a"}]}',
     '/ops/0/qubits: expected an array, got "a"', 1, 70, ()),
    ('{"sigma": "1.0", "qubits": {"a": 0}, "ops": [{"qubits": ["a"]}]}',
     '/ops/0: missing required field "gate"', 1, 46, ()),
    ('{"sigma": "1.0", "qubits": {"a": 0}, "ops": [{"gate": "rx", "qubits": ["a"], "param": [1]}]}',
     '/ops/0: unknown field "param"', 1, 78, ("did you mean 'params'?", "allowed fields here: gate, params, qubits, result, results")),
    ('{"sigma": "1.0", "qubits": {"a": 0}, "ops": [{"gate": "rx", "qubits": ["a"], "params": [null]}]}',
     "/ops/0/params/0: expected a number or a string, got null", 1, 89,
     ('a number; rotation angles may also be expressions such as "pi/4"',)),
    ('{"sigma": "1.0", "qubits": {"a": 0}, "ops": [{"gate": "measure", "qubits": ["a"], "result": "m-1"}]}',
     '/ops/0/result: "m-1" does not match the pattern ^[A-Za-z_][A-Za-z0-9_]*$', 1, 93,
     ("a name: letters, digits and _, not starting with a digit",)),
    ('{"sigma": "1.0", "qubits": {"a": 0}, "ops": [{"gate": 7, "qubits": ["a"]}]}',
     "/ops/0/gate: expected a string, got 7", 1, 55, ()),
    ("[]", "/: expected an object, got []", 1, 1, ()),
]


@pytest.mark.parametrize(("text", "message", "line", "column", "notes"), SCHEMA_ERRORS)
def test_schema_errors(text: str, message: str, line: int, column: int, notes: tuple) -> None:
    error = error_of(text)
    assert error.message == "invalid σ document: " + message
    assert error.loc == SourceLocation("t.sigma.json", line, column)
    assert error.notes == notes


def test_json_syntax_errors_come_first() -> None:
    error = error_of('{"sigma": "1.0", "qubits": {}, "ops": [1,]}')
    assert (error.message, error.loc) == ("trailing comma before ']' is not allowed", SourceLocation("t.sigma.json", 1, 41))


def test_error_renders_the_source_line() -> None:
    op = '{"gate": "cz", "qubits": ["a", "bb"]}'
    rendered = error_of(document([op])).render().splitlines()
    assert rendered[0] == f"t.sigma.json:6:{OPS_COLUMN + op.index(chr(34) + 'bb')}: error: unknown qubit 'bb'"
    assert rendered[1] == "      " + op
    assert rendered[2] == "  " + " " * (OPS_COLUMN - 1 + op.index('"bb')) + "^"
    assert rendered[3] == "  note: did you mean 'b'?"


def test_error_deep_in_a_large_document_is_exact() -> None:
    ops = ['{"gate": "cz", "qubits": ["a", "b"]}'] * 20000
    ops[15000] = '{"gate": "cz", "qubits": ["a", "e"]}'
    error = error_of(document(ops))
    assert error.message == "unknown qubit 'e'"
    assert error.loc == at_op(15000, ops[15000], '"e"')


# --- files, examples and docs ----------------------------------------------------------------


def test_schema_is_package_data() -> None:
    schema = sigma_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["sigma", "qubits", "ops"]


@pytest.mark.parametrize("path", sorted((ROOT / "examples" / "sigma").glob("*.sigma.json")), ids=lambda p: p.name)
def test_examples_parse(path: Path) -> None:
    circuit = parse_sigma_file(path)
    assert circuit.file == str(path)
    assert circuit.ops and circuit.qubits


def test_example_contents() -> None:
    examples = ROOT / "examples" / "sigma"
    assert {p.name for p in examples.glob("*.sigma.json")} >= {
        "bell.sigma.json", "ghz.sigma.json", "qft4.sigma.json", "noisy.sigma.json"}
    bell = parse_sigma_file(examples / "bell.sigma.json")
    assert [(op.name, op.qubits, op.result) for op in bell.ops] == [
        ("h", (0,), None), ("cx", (0, 1), None), ("measure", (0,), "m_a"), ("measure", (1,), "m_b")]
    assert bell.n_nodes == 256 and [q.node for q in bell.qubits] == [0, 1]
    qft = parse_sigma_file(examples / "qft4.sigma.json")
    assert ("qft", (0, 1, 2, 3)) in [(op.name, op.qubits) for op in qft.ops]
    noisy = parse_sigma_file(examples / "noisy.sigma.json")
    assert {"pauli", "depolarize", "depolarize2", "loss", "readout_flip"} <= {op.name for op in noisy.ops}


def doc_examples() -> list[str]:
    text = (ROOT / "docs" / "sigma.md").read_text(encoding="utf-8")
    return re.findall(r"<!-- sigma-example -->\n```json\n(.*?)```", text, flags=re.S)


def test_docs_have_examples() -> None:
    assert len(doc_examples()) >= 4


@pytest.mark.parametrize("index", range(len(doc_examples())))
def test_docs_examples_parse(index: int) -> None:
    parse_sigma_text(doc_examples()[index], f"docs/sigma.md example {index + 1}")


def test_parse_sigma_file_errors(tmp_path: Path) -> None:
    with pytest.raises(NavmError) as info:
        parse_sigma_file(tmp_path / "missing.sigma.json")
    assert info.value.message == f"{tmp_path / 'missing.sigma.json'}: no such file"
    bad = tmp_path / "bad.sigma.json"
    bad.write_bytes(b'{"sigma": "1.0",\n  "name": "\xff"}')
    with pytest.raises(NavmError) as info:
        parse_sigma_file(bad)
    assert (info.value.message, info.value.loc) == ("not UTF-8 text (byte 0xff)", SourceLocation(str(bad), 2, 12))


def test_parse_sigma_file_ignores_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.sigma.json"
    path.write_bytes(b'\xef\xbb\xbf{"sigma": "1.0", "qubits": {"a": 0}, "ops": []}')
    assert parse_sigma_file(path).qubits[0].name == "a"
