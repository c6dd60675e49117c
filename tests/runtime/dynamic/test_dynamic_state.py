"""StateVector (the dynamic path's state) against the tests' independent dense simulator."""

from __future__ import annotations

import math

import numpy as np
import pytest

from navm.diagnostics import NavmError
from navm.runtime.dynamic.matrices import matrix_of
from navm.runtime.dynamic.state import StateVector
from tests.statevector import apply as reference_apply
from tests.statevector import gate_matrix

ONE_QUBIT = ["h", "x", "y", "z", "s", "sdg", "t", "tdg", "rx", "ry", "rz", "r"]
TWO_QUBIT = ["cz", "cx", "swap"]
N_PARAMS = {"rx": 1, "ry": 1, "rz": 1, "r": 2}


def random_circuit(rng, n: int, length: int):
    """Gates on qubits chosen at random (not touched in index order)."""
    for _ in range(length):
        if rng.random() < 0.35:
            name = TWO_QUBIT[rng.integers(len(TWO_QUBIT))]
            qubits = tuple(int(q) for q in rng.choice(n, 2, replace=False))
        else:
            name = ONE_QUBIT[rng.integers(len(ONE_QUBIT))]
            qubits = (int(rng.integers(n)),)
        yield name, qubits, tuple(float(x) for x in rng.uniform(-4, 4, N_PARAMS.get(name, 0)))


@pytest.mark.parametrize("seed", range(6))
def test_gates_match_the_reference_simulator(seed):
    rng = np.random.default_rng(seed)
    n = 5
    state = StateVector()
    ref = np.zeros(2**n, complex)
    ref[0] = 1
    for name, qubits, params in random_circuit(rng, n, 40):
        state.apply(matrix_of(name, params), qubits)
        ref = reference_apply(ref, n, gate_matrix(name, params), qubits)
    assert np.allclose(state.vector(list(range(n))), ref, atol=1e-12)


def test_untouched_qubits_cost_nothing_and_read_zero():
    state = StateVector()
    state.apply(matrix_of("x", ()), (7,))
    assert state.num_qubits == 1 and state.probability_of_one(7) == 1.0
    assert state.probability_of_one(3) == 0.0
    state.collapse(3, 0, 1.0)  # untouched: nothing to do
    assert state.num_qubits == 1
    assert np.allclose(state.vector([3, 7]), [0, 1, 0, 0])


def test_measurement_probability_collapse_and_flip():
    state = StateVector()
    state.apply(matrix_of("ry", (2 * math.asin(math.sqrt(0.3)),)), (0,))  # P(1) = 0.3
    state.apply(matrix_of("cx", ()), (0, 1))
    assert state.probability_of_one(1) == pytest.approx(0.3)
    state.collapse(0, 1, 0.3)
    assert np.allclose(state.vector([0, 1]), [0, 0, 0, 1])
    state.flip(1)
    assert np.allclose(state.vector([0, 1]), [0, 0, 1, 0])


def test_too_many_qubits_is_an_error():
    state = StateVector(max_qubits=2)
    state.apply(matrix_of("h", ()), (0,))
    state.apply(matrix_of("h", ()), (5,))
    with pytest.raises(NavmError, match="q9 would be qubit number 3 of this shot; .* allows at most 2"):
        state.apply(matrix_of("cx", ()), (0, 9))


def test_vector_must_list_every_touched_qubit():
    state = StateVector()
    state.apply(matrix_of("h", ()), (2,))
    with pytest.raises(ValueError, match=r"qubits \[2\] are touched but not listed"):
        state.vector([0, 1])


def test_rotation_matrices_are_cached_and_read_only():
    a = matrix_of("rz", (0.25,))
    assert a is matrix_of("rz", (0.25,)) and not a.flags.writeable
    assert np.allclose(matrix_of("r", (0.5, 1.0)), gate_matrix("r", (0.5, 1.0)))
    with pytest.raises(ValueError, match="no matrix for gate 'measure'"):
        matrix_of("measure", ())
