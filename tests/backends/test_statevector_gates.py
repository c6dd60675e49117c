"""Statevector backend: every gate, fused or not, gives exactly the reference simulator's state."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from navm.backends.statevector import final_state, simulate
from navm.backends.statevector.fusion import fuse
from navm.backends.statevector.program import read_table
from navm.ir.circuit_table import GateTable, Row
from tests.statevector import final_state as reference

ONE_QUBIT = ["h", "x", "y", "z", "s", "sdg", "t", "tdg", "rx", "ry", "rz", "r"]
TWO_QUBIT = ["cz", "cx", "swap"]
N_PARAMS = {"rx": 1, "ry": 1, "rz": 1, "r": 2}
TOLERANCE = {"complex64": 1e-6, "complex128": 1e-12}
angles = st.floats(-2 * math.pi, 2 * math.pi, allow_nan=False)


@st.composite
def circuits(draw, max_qubits=5, max_gates=14):
    n = draw(st.integers(1, max_qubits))
    rows = []
    for _ in range(draw(st.integers(0, max_gates))):
        names = ONE_QUBIT + (TWO_QUBIT if n > 1 else [])
        name = draw(st.sampled_from(names))
        k = 2 if name in TWO_QUBIT else 1
        qubits = tuple(draw(st.permutations(range(n)))[:k])
        params = tuple(draw(angles) for _ in range(N_PARAMS.get(name, 0)))
        rows.append(Row(name, qubits, params))
    if draw(st.booleans()):
        rows.insert(draw(st.integers(0, len(rows))), Row("barrier", (), ()))
    return n, GateTable.from_rows(rows)


def random_state(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    psi = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    return psi / np.linalg.norm(psi)


@settings(max_examples=60, deadline=None)
@given(circuits(), st.integers(0, 2**31), st.sampled_from(["complex64", "complex128"]))
def test_random_circuits_match_the_reference_exactly(circuit, seed, dtype):
    n, table = circuit
    psi0 = random_state(n, seed)
    got = final_state(table, n, dtype=dtype, initial_state=psi0)
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got, reference(table, n, psi0), rtol=0, atol=TOLERANCE[dtype])


@pytest.mark.parametrize("name", ONE_QUBIT + TWO_QUBIT)
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_each_gate_on_every_qubit_of_a_random_state(name, dtype):
    n = 4
    params = (0.7, -1.3)[: N_PARAMS.get(name, 0)]
    placements = [(q,) for q in range(n)] if name in ONE_QUBIT else [
        (a, b) for a in range(n) for b in range(n) if a != b]
    psi0 = random_state(n, 7)
    for qubits in placements:
        table = GateTable.from_rows([Row(name, qubits, params)])
        got = final_state(table, n, dtype=dtype, initial_state=psi0)
        np.testing.assert_allclose(got, reference(table, n, psi0), rtol=0, atol=TOLERANCE[dtype])


def test_rotation_conventions():
    rz = final_state(GateTable.from_rows([Row("h", (0,), ()), Row("rz", (0,), (0.5,))]), 1)
    np.testing.assert_allclose(rz, np.array([np.exp(-0.25j), np.exp(0.25j)]) / math.sqrt(2), atol=1e-12)
    # r(φ = π/2, θ) is ry(θ); r(0, θ) is rx(θ)
    r = final_state(GateTable.from_rows([Row("r", (0,), (math.pi / 2, 0.8))]), 1)
    np.testing.assert_allclose(r, [math.cos(0.4), math.sin(0.4)], atol=1e-12)
    rx = final_state(GateTable.from_rows([Row("r", (0,), (0.0, 0.8))]), 1)
    np.testing.assert_allclose(rx, [math.cos(0.4), -1j * math.sin(0.4)], atol=1e-12)


def test_qubit_zero_is_the_most_significant_bit():
    state = final_state(GateTable.from_rows([Row("x", (0,), ())]), 3)
    assert np.argmax(np.abs(state)) == 0b100


def test_runs_of_one_qubit_gates_fuse_into_one_op():
    rows = [Row(name, (0,), (0.3,) * N_PARAMS.get(name, 0)) for name in ONE_QUBIT * 5]
    prog = read_table(GateTable.from_rows(rows), 2, noise=False)
    assert len(fuse(prog.events, 2)) == 1


def test_one_qubit_gates_fuse_into_neighbouring_two_qubit_gates():
    rows = [Row("h", (0,), ()), Row("h", (1,), ()), Row("cz", (0, 1), ()), Row("rz", (1,), (0.2,)),
            Row("cx", (1, 0), ()), Row("s", (0,), ()), Row("cz", (1, 2), ()), Row("t", (0,), ())]
    table = GateTable.from_rows(rows)
    ops = fuse(read_table(table, 3, noise=False).events, 3)
    assert [op.qubits for op in ops] == [(0, 1), (1, 2)]
    np.testing.assert_allclose(final_state(table, 3), reference(table, 3), atol=1e-12)


def test_controlled_phase_from_the_qft_macro_is_one_diagonal_op():
    rows = [Row("rz", (0,), (0.4,)), Row("rz", (1,), (0.4,)), Row("cx", (0, 1), ()),
            Row("rz", (1,), (-0.4,)), Row("cx", (0, 1), ())]
    ops = fuse(read_table(GateTable.from_rows(rows), 2, noise=False).events, 2)
    assert len(ops) == 1
    m = ops[0].matrices[0]
    np.testing.assert_allclose(m, np.diag(np.diag(m)), atol=1e-15)


def test_simulate_returns_the_same_state_as_final_state():
    rows = [Row("h", (0,), ()), Row("cx", (0, 2), ()), Row("ry", (1,), (0.3,)), Row("measure", (2,), (), "m")]
    table = GateTable.from_rows(rows)
    result = simulate(table, 3, shots=10, return_state=True, dtype="complex128")
    np.testing.assert_allclose(result.state, final_state(GateTable.from_rows(rows[:3]), 3), atol=1e-12)


INVERSE = {"s": "sdg", "sdg": "s", "t": "tdg", "tdg": "t"}


def inverse_rows(rows: list[Row]) -> list[Row]:
    out = []
    for r in reversed(rows):
        if r.name in ("rx", "ry", "rz"):
            out.append(r._replace(params=(-r.params[0],)))
        elif r.name == "r":
            out.append(r._replace(params=(r.params[0], -r.params[1])))
        else:
            out.append(r._replace(name=INVERSE.get(r.name, r.name)))
    return out


@settings(max_examples=15, deadline=None)
@given(circuits(max_qubits=3, max_gates=12), st.sampled_from(["reset", "loss"]), st.integers(0, 2))
def test_trajectories_undo_random_circuits(circuit, ancilla_op, lost_qubit):
    """U then U⁻¹ in the batched trajectory kernel reads all zeros. With an atom lost
    before U, the gates on it must be dropped: U is undone by the inverse of U
    without them (for most circuits, U⁻¹ itself then leaves random bits)."""
    _, table = circuit
    rows = [r for r in table.rows() if r.name != "barrier"]
    if ancilla_op == "loss":
        first, undo = Row("loss", (lost_qubit,), (1.0,)), [r for r in rows if lost_qubit not in r.qubits]
    else:
        first, undo = Row("reset", (3,), ()), rows
    measures = [Row("measure", (q,), (), f"m{q}") for q in range(4)]
    result = simulate(GateTable.from_rows([first, *rows, *inverse_rows(undo), *measures]), 4, shots=8)
    assert result.method == "trajectories" and result.counts == {"0000": 8}
