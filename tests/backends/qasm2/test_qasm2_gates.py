"""Each gate row's qelib1 statements have the row's unitary: exactly for r, rx, ry and rz
(qiskit's matrices), up to a global phase for the fixed gates; angles read back bit for bit."""

from __future__ import annotations

import math

import numpy as np
import pytest
from qiskit.quantum_info import Operator

from navm.backends.qasm2.gates import gate_statements
from navm.backends.qasm2.reals import real_text
from navm.diagnostics import NavmError
from tests.backends.qasm2.reading import read
from tests.statevector import FIXED, equal_up_to_phase, gate_matrix

PI = math.pi
RNG = np.random.default_rng(5)
R_PARAMS = [(0.0, 1.0), (PI / 2, -0.4), (PI, PI / 2), (-PI / 2, 2.0), (0.3, 1.1), (-2.5, 0.7),
            (1e-12, 3.0), *((float(a), float(b)) for a, b in RNG.uniform(-7, 7, (12, 2)))]


def matrix_of(statements: list[str], n: int) -> np.ndarray:
    """qiskit's unitary of the statements on q[0..n-1], qubit 0 most significant (navm's order)."""
    text = "\n".join(['OPENQASM 2.0;', 'include "qelib1.inc";', f"qreg q[{n}];", *statements])
    return Operator(read(text).reverse_bits()).data


def qubits(n: int) -> list[str]:
    return [f"q[{k}]" for k in range(n)]


@pytest.mark.parametrize("axis, angle", R_PARAMS)
def test_r_is_exactly_its_u3_rx_or_ry(axis, angle):
    statements = gate_statements("r", (axis, angle), qubits(1))
    assert len(statements) == 1
    expected_head = {0.0: "rx(", PI / 2: "ry("}.get(axis, "u3(")
    assert statements[0].startswith(expected_head)
    np.testing.assert_allclose(matrix_of(statements, 1), gate_matrix("r", (axis, angle)), rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", ["rx", "ry", "rz"])
@pytest.mark.parametrize("angle", [0.25, -PI / 4, 3 * PI / 2, 1e-7, 5.5])
def test_rotations_are_exactly_qiskits(name, angle):
    statements = gate_statements(name, (angle,), qubits(1))
    assert statements == [f"{name}({real_text(angle)}) q[0];"]
    np.testing.assert_allclose(matrix_of(statements, 1), gate_matrix(name, (angle,)), rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", sorted(FIXED))
def test_fixed_gates_match_up_to_global_phase(name):
    n = 2 if name in ("cz", "cx", "swap") else 1
    statements = gate_statements(name, (), qubits(n))
    assert equal_up_to_phase(matrix_of(statements, n), gate_matrix(name, ()))


def test_swap_is_three_cx_because_the_original_qelib1_has_no_swap():
    assert gate_statements("swap", (), ["q[3]", "q[1]"]) == ["cx q[3],q[1];", "cx q[1],q[3];", "cx q[3],q[1];"]


def test_cx_keeps_control_then_target():
    (statement,) = gate_statements("cx", (), ["q[1]", "q[0]"])
    assert statement == "cx q[1],q[0];"
    np.testing.assert_allclose(matrix_of([statement], 2), np.kron(np.eye(2), [[1, 0], [0, 0]])
                               + np.kron(np.array([[0, 1], [1, 0]]), [[0, 0], [0, 1]]), atol=1e-12)


def test_a_non_gate_row_kind_is_not_a_gate():
    with pytest.raises(KeyError):
        gate_statements("measure", (), qubits(1))


def test_an_angle_that_is_not_finite_is_an_error():
    with pytest.raises(NavmError, match="no literal for the angle inf"):
        gate_statements("rz", (math.inf,), qubits(1))
