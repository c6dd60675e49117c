"""unroll: static control flow evaluated away, dynamic programs and traps rejected at their source line."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from navm.diagnostics import NavmError
from navm.frontend import load_text
from navm.ir.circuit_table import GateTable, Row
from navm.ir.macros import expand
from navm.ir.navm import CircuitOp
from navm.pipeline import compile_module
from tests.helpers import compile_program
from tests.statevector import equal_up_to_phase, final_state, unitary


def circuit_of(module) -> CircuitOp:
    (op,) = [op for op in module.body.block.ops if isinstance(op, CircuitOp)]
    return op


def unrolled(text: str, passes: str = "unroll") -> CircuitOp:
    return circuit_of(compile_module(load_text(text, "qbc", "t.qbc"), passes))


def rows(op: CircuitOp):
    return [(r.name, r.qubits, r.params) for r in op.gate_table.rows()]


def test_loop_over_qubits_becomes_straight_line(in_tests_dir):
    op = circuit_of(compile_program("loop_qubits.qbc", "unroll"))
    assert rows(op)[:3] == [("h", (0,), ()), ("cx", (0, 1), ()), ("cx", (1, 2), ())]
    assert op.qubit_placement.coords.tolist() == [[0.0, 0.0], [5.0, 0.0], [10.0, 0.0]]
    # the GHZ state it prepares
    state = final_state(op.gate_table, 3)
    expected = np.zeros(8, complex)
    expected[0] = expected[7] = 1 / math.sqrt(2)
    assert equal_up_to_phase(state, expected)


def test_calls_and_stack_compute_angles(in_tests_dir):
    op = circuit_of(compile_program("calls.qbc", "unroll"))
    assert rows(op) == [("rz", (0,), (math.pi / 2,)), ("rz", (1,), (math.pi / 4,)), ("cz", (0, 1), ())]


def test_dynamic_control_flow_is_an_error_at_the_branch(in_tests_dir):
    with pytest.raises(NavmError) as err:
        compile_program("dynamic.qbc", "unroll")
    assert str(err.value.loc) == "programs/dynamic.qbc:5:9"
    assert "depends on the measurement of q0 at programs/dynamic.qbc:4:9" in err.value.message
    assert "navm run" in err.value.message


@pytest.mark.parametrize(
    "source, line, message",
    [
        ("QMOV r1, 0\nQDIV r2, 5, r1\n", 2, "division by zero"),
        ("QMOD r2, 5, 0\n", 1, "modulo by zero"),
        ("QLOAD r1, 4\n", 1, "address 4 is not a multiple of 8"),
        ("QLOAD r1, 8.0\n", 1, "address 8.0 is not an int"),
        ("QPOP r1\n", 1, "QPOP on an empty value stack"),
        ("QRET\n", 1, "QRET with an empty call stack"),
        ("QMOV r1, -1\nQH q[r1]\n", 2, "r1 = -1 is not a qubit index"),
        ("QLOC q0, 0.0, 0.0\nQLOC q0, 5.0, 0.0\n", 2, "qubit q0 is declared twice"),
        ("QLOC q0, 0.0, 0.0\nQLOC q1, 0.0, 0.0\n", 2, "declared at the same position"),
        ("QMOV r1, 0\nQCZ q[r1], q0\n", 2, "'cz' acts on the same qubit twice"),
        ("QDEPOL q0, 1.5\n", 1, "probability 1.5 is not in [0, 1]"),
        ("QPAULI q0, 0.5, 0.4, 0.3\n", 1, "px + py + pz"),
    ],
)
def test_traps_and_bad_quantum_operations_name_their_line(source, line, message):
    with pytest.raises(NavmError) as err:
        unrolled(source)
    assert err.value.loc.line == line and err.value.loc.file == "t.qbc"
    assert message in err.value.message


def test_endless_loop_hits_the_step_limit():
    with pytest.raises(NavmError, match="step limit of 1000 reached") as err:
        unrolled("top:\nQJMP top\n", "unroll{max_steps=1000}")
    assert err.value.loc.line == 2


def test_measured_value_may_be_stored_but_not_used():
    op = unrolled("QMEAS q0, r1\nQMOV r2, r1\nQSTORE r1, 8\nQH q0\n")
    assert rows(op) == [("measure", (0,), ()), ("h", (0,), ())]
    with pytest.raises(NavmError, match="depends on the measurement"):
        unrolled("QMEAS q0, r1\nQADD r1, 1\n")


def test_registers_wrap_and_promote_like_the_spec():
    op = unrolled(
        "QMOV r1, 0x7FFFFFFFFFFFFFFF\nQADD r1, 1\n"  # wraps to INT64_MIN
        "QJLT r1, 0, neg\nQX q0\nneg:\n"
        "QMOV r2, 7\nQDIV r2, -2\n"  # floored: -4
        "QJEQ r2, -4, floored\nQX q0\nfloored:\n"
        "QMOV r3, 1\nQDIV r3, 2.0\n"  # true division: 0.5
        "QRZ q0, r3\n"
    )
    assert rows(op) == [("rz", (0,), (0.5,))]


def test_qft_macro_matches_the_qft_matrix():
    n = 3
    table = GateTable.from_rows(expand(Row("qft", (0, 1, 2), ())))
    omega = np.exp(2j * math.pi / 2**n)
    qft = np.array([[omega ** (j * k) for j in range(2**n)] for k in range(2**n)]) / math.sqrt(2**n)
    assert equal_up_to_phase(unitary(table, n), qft)


def test_iqft_inverts_qft():
    qubits = (2, 0, 1)
    table = GateTable.from_rows(expand(Row("qft", qubits, ())) + expand(Row("iqft", qubits, ())))
    assert equal_up_to_phase(unitary(table, 3), np.eye(8))


def test_w_macro_prepares_the_w_state():
    table = GateTable.from_rows(expand(Row("w", (0, 1, 2), ())))
    expected = np.zeros(8, complex)
    expected[0b100] = expected[0b010] = expected[0b001] = 1 / math.sqrt(3)
    assert np.allclose(final_state(table, 3), expected, atol=1e-12)


def test_detector_look_backs_become_absolute_records(in_tests_dir):
    op = circuit_of(compile_program("repetition.qbc", "unroll"))
    annotations = [(r.name, r.params, r.records) for r in op.gate_table.rows() if r.name in ("detector", "observable")]
    assert annotations == [
        ("detector", (), (0,)),
        ("detector", (), (1, 0)),
        ("detector", (), (3, 2, 1)),
        ("observable", (0.0,), (2,)),
    ]


@pytest.mark.parametrize(
    "source, message",
    [
        ("QDETECTOR -1\n", "there is no earlier measurement"),
        ("QMEAS q0, r1\nQDETECTOR -2\n", "look-back -2 does not name an earlier measurement (use -1 … -1)"),
        ("QMEAS q0, r1\nQDETECTOR 0\n", "look-back 0 does not name an earlier measurement"),
        ("QMEAS q0, r1\nQOBSERVABLE -1, -1\n", "observable index -1 is negative"),
        ("QMEAS q0, r1\nQDETECTOR 1.5\n", "1.5 is not an int"),
    ],
)
def test_bad_annotations(source, message):
    with pytest.raises(NavmError, match=re.escape(message)) as err:
        unrolled(source)
    assert err.value.loc.line == source.count("\n")
