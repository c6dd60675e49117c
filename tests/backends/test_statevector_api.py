"""Statevector backend: expectation values, errors with positions, bounded compilation, the doc example."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from navm.backends.statevector import (
    final_state,
    sampling,
    simulate,
    slabs,
    trajectory_kernel,
)
from navm.diagnostics import NavmError, SourceLocation
from navm.ir.circuit_table import GateTable, Row

DOC = Path(__file__).parents[2] / "docs" / "backends" / "statevector.md"
LOC = SourceLocation("c.qbc", 4, 9)


def table(*rows: tuple) -> GateTable:
    return GateTable.from_rows([Row(*r) for r in rows])


def test_the_documented_example_runs():
    (code,) = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
    exec(compile(code, str(DOC), "exec"), {})  # noqa: S102 (the doc example is ours)


def test_bell_state_expectations():
    bell = table(("h", (0,), ()), ("cx", (0, 1), ()))
    values = simulate(bell, 2, shots=0, observables=["ZZ", "XX", "YY", "ZI", "IX", "II"]).expectations
    assert values == pytest.approx({"ZZ": 1, "XX": 1, "YY": -1, "ZI": 0, "IX": 0, "II": 1}, abs=1e-6)


def test_y_eigenstate_and_letter_order():
    t = table(("x", (0,), ()), ("h", (1,), ()), ("s", (1,), ()))  # |1> ⊗ |+i>
    values = simulate(t, 2, shots=0, observables=["ZI", "IZ", "IY", "ZY"], dtype="complex128").expectations
    assert values == pytest.approx({"ZI": -1, "IZ": 0, "IY": 1, "ZY": -1}, abs=1e-12)


def test_expectations_match_dense_pauli_matrices_on_random_states():
    paulis = {"I": np.eye(2), "X": np.array([[0, 1], [1, 0]]), "Y": np.array([[0, -1j], [1j, 0]]),
              "Z": np.diag([1, -1])}
    rng = np.random.default_rng(0)
    psi = rng.normal(size=8) + 1j * rng.normal(size=8)
    psi /= np.linalg.norm(psi)
    strings = ["XYZ", "YYI", "ZXX", "IYY", "XXX", "ZZZ"]
    got = simulate(table(), 3, shots=0, observables=strings, initial_state=psi, dtype="complex128").expectations
    for s in strings:
        dense = np.kron(np.kron(paulis[s[0]], paulis[s[1]]), paulis[s[2]])
        assert got[s] == pytest.approx(float(np.real(psi.conj() @ dense @ psi)), abs=1e-12)


def test_expectations_ignore_noise_and_terminal_measurements():
    t = table(("h", (0,), ()), ("depolarize", (0,), (0.5,)), ("measure", (0,), (), "m"))
    result = simulate(t, 1, shots=10, observables=["X"])
    assert result.method == "trajectories" and result.expectations["X"] == pytest.approx(1, abs=1e-6)


def test_expectations_need_a_circuit_without_mid_circuit_measurement():
    t = GateTable.from_rows([Row("h", (0,), ()), Row("measure", (0,), (), "m", LOC), Row("h", (0,), ())])
    with pytest.raises(NavmError) as e:
        simulate(t, 1, shots=1, observables=["Z"])
    assert e.value.message == ("expectation values need one final state, but the circuit has "
                               "a mid-circuit measurement of qubit 0 here")
    assert e.value.loc == LOC


def test_final_state_rejects_measurements_at_their_row():
    t = GateTable.from_rows([Row("h", (0,), ()), Row("reset", (0,), (), None, LOC)])
    with pytest.raises(NavmError) as e:
        final_state(t, 1)
    assert e.value.message == "final_state needs one final state, but the circuit has a reset of qubit 0 here"
    assert e.value.loc == LOC and e.value.notes == ("sample it with simulate() instead",)


def test_final_state_rejects_terminal_measurements_too():
    t = GateTable.from_rows([Row("h", (0,), ()), Row("measure", (0,), (), "m", LOC)])
    with pytest.raises(NavmError, match="final_state needs one final state, but the circuit has a measurement"):
        final_state(t, 1)


def test_final_state_ignores_noise_rows():
    t = table(("x", (0,), ()), ("depolarize", (0,), (1.0,)), ("loss", (0,), (1.0,)))
    np.testing.assert_allclose(final_state(t, 1), [0, 1])


@pytest.mark.parametrize("row, message", [
    (Row("qft", (0, 1), (), None, LOC), "'qft' is a macro the statevector backend cannot run: run unroll first"),
    (Row("w", (0, 1, 2), (), None, LOC), "'w' is a macro the statevector backend cannot run: run unroll first"),
    (Row("cx", (0, 3), (), None, LOC), "'cx' acts on qubit 3, outside the 3-qubit register"),
    (Row("pauli", (0,), (0.5, 0.4, 0.3), None, LOC), "noise.pauli: px + py + pz = 1.2 exceeds 1"),
    (Row("loss", (0,), (1.5,), None, LOC), "noise.loss: probability 1.5 is not in [0, 1]"),
])
def test_rows_the_backend_cannot_run(row, message):
    with pytest.raises(NavmError) as e:
        simulate(GateTable.from_rows([Row("h", (0,), ()), row]), 3, shots=1)
    assert (e.value.message, e.value.loc) == (message, LOC)


@pytest.mark.parametrize("kwargs, message", [
    ({"num_qubits": 0}, "num_qubits must be an integer from 1 to 30, got 0"),
    ({"num_qubits": 31}, "num_qubits must be an integer from 1 to 30, got 31"),
    ({"dtype": "float32"}, "dtype must be one of complex64, complex128, got 'float32'"),
    ({"shots": -1}, "shots must be an integer >= 0, got -1"),
    ({"seed": 1.5}, "seed must be an integer >= 0, got 1.5"),
    ({"batch": 0}, "batch must be an integer >= 1, got 0"),
    ({"observables": ["ZZ"]}, "observable 'ZZ' is not a Pauli string of 1 letter from I, X, Y, Z"),
    ({"observables": ["A"]}, "observable 'A' is not a Pauli string of 1 letter from I, X, Y, Z"),
    ({"initial_state": np.ones(3)}, "initial_state must be a vector of 2^1 amplitudes, got shape (3,)"),
    ({"initial_state": np.ones(2)}, "initial_state must have norm 1, got 1.4142135623730951"),
])
def test_bad_arguments(kwargs, message):
    args = {"num_qubits": 1, **kwargs}
    with pytest.raises(NavmError) as e:
        simulate(table(("h", (0,), ())), args.pop("num_qubits"), **args)
    assert e.value.message == message and e.value.loc is None


def test_annotation_and_barrier_rows_are_ignored():
    t = table(("h", (0,), ()), ("measure", (0,), (), "m"), ("barrier", (), ()))
    annotated = GateTable.from_rows([*t.rows(), Row("detector", (), (), None, None, (0,))])
    np.testing.assert_array_equal(simulate(annotated, 1, shots=50, seed=3).records,
                                  simulate(t, 1, shots=50, seed=3).records)


def random_rows(n: int, count: int, seed: int) -> list[Row]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(count):
        if i % 3 == 2:
            a, b = rng.choice(n, 2, replace=False)
            rows.append(Row(["cz", "cx", "swap"][i % 7 % 3], (int(a), int(b)), ()))
        else:
            rows.append(Row("r", (int(rng.integers(n)),), tuple(rng.uniform(0, 6, 2))))
    return rows


def test_long_circuits_compile_no_more_kernels_than_short_ones():
    n = 4
    final_state(GateTable.from_rows(random_rows(n, 10, 0)), n, dtype="complex64")
    before = slabs.run_chunk._cache_size()
    final_state(GateTable.from_rows(random_rows(n, 2000, 1)), n, dtype="complex64")
    final_state(GateTable.from_rows(random_rows(n, 777, 2)), n, dtype="complex64")
    assert slabs.run_chunk._cache_size() == before

    noisy = [*random_rows(n, 10, 3), Row("depolarize", (0,), (0.1,)), Row("measure", (0,), (), "m")]
    simulate(GateTable.from_rows(noisy), n, shots=8)
    before = (trajectory_kernel.run_trajectories._cache_size(), sampling.draw._cache_size())
    longer = [*random_rows(n, 2000, 4), *noisy]
    result = simulate(GateTable.from_rows(longer), n, shots=8)
    assert result.method == "trajectories"
    assert (trajectory_kernel.run_trajectories._cache_size(), sampling.draw._cache_size()) == before
