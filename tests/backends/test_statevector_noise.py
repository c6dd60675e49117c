"""Statevector backend: mid-circuit measurement, reset, Pauli channels, readout flips, atom loss."""

from __future__ import annotations

import math

import numpy as np
import pytest

from navm.backends.statevector import simulate
from navm.ir.circuit_table import GateTable, Row

SHOTS = 4000
TOL = 0.03  # > 4 standard deviations of a rate estimated from 4000 shots


def table(*rows: tuple) -> GateTable:
    return GateTable.from_rows([Row(*r) for r in rows])


def ones(result, record: int = 0) -> float:
    return float(result.records[:, record].mean())


def test_mid_circuit_measurement_collapses_the_state():
    t = table(("h", (0,), ()), ("measure", (0,), (), "a"), ("cx", (0, 1), ()), ("measure", (1,), (), "b"),
              ("h", (0,), ()), ("h", (0,), ()), ("measure", (0,), (), "c"))
    result = simulate(t, 2, shots=SHOTS, seed=1)
    assert result.method == "trajectories"
    assert set(result.counts) == {"000", "111"}
    assert abs(ones(result) - 0.5) < TOL


def test_measuring_in_between_destroys_interference():
    # H·H = I, but a measurement between the two H gates leaves a coin flip
    t = table(("h", (0,), ()), ("measure", (0,), (), "a"), ("h", (0,), ()), ("measure", (0,), (), "b"))
    assert abs(ones(simulate(t, 1, shots=SHOTS, seed=2), 1) - 0.5) < TOL


def test_reset_returns_the_qubit_to_zero():
    t = table(("x", (0,), ()), ("h", (1,), ()), ("cx", (1, 2), ()), ("reset", (0,), ()), ("reset", (1,), ()),
              ("measure", (0,), (), "a"), ("measure", (1,), (), "b"), ("measure", (2,), (), "c"))
    result = simulate(t, 3, shots=SHOTS, seed=3)
    assert set(result.counts) == {"000", "001"}  # resetting q1 collapses its Bell partner q2
    assert abs(ones(result, 2) - 0.5) < TOL


@pytest.mark.parametrize("params, basis, rate", [
    ((0.3, 0.0, 0.0), "z", 0.3),  # X flips |0>
    ((0.0, 0.3, 0.0), "z", 0.3),  # so does Y
    ((0.0, 0.0, 0.3), "z", 0.0),  # Z does not...
    ((0.0, 0.0, 0.3), "x", 0.3),  # ...but flips |+>
    ((0.1, 0.1, 0.1), "x", 0.2),
])
def test_pauli_channel_rates(params, basis, rate):
    h = [("h", (0,), ())] if basis == "x" else []
    t = table(*h, ("pauli", (0,), params), *h, ("measure", (0,), (), "m"))
    assert abs(ones(simulate(t, 1, shots=SHOTS, seed=4)) - rate) < TOL


def test_depolarizing_channels_flip_at_two_thirds_and_eight_fifteenths_of_p():
    t = table(("depolarize", (0,), (0.45,)), ("depolarize2", (1, 2), (0.6,)),
              *[("measure", (q,), (), f"m{q}") for q in range(3)])
    result = simulate(t, 3, shots=SHOTS, seed=5)
    assert abs(ones(result, 0) - 0.3) < TOL
    assert abs(ones(result, 1) - 0.32) < TOL and abs(ones(result, 2) - 0.32) < TOL
    both = float((result.records[:, 1] & result.records[:, 2]).mean())
    assert abs(both - 0.6 * 4 / 15) < TOL  # X⊗X, X⊗Y, Y⊗X, Y⊗Y


def test_channels_after_fused_two_qubit_gates_act_on_the_right_qubit():
    # the 2-qubit channel is attached to the op on (1, 0): P_a ⊗ P_b must land on (0, 1) as written
    t = table(("cx", (1, 0), ()), ("pauli", (0,), (1.0, 0.0, 0.0)), ("measure", (0,), (), "a"),
              ("measure", (1,), (), "b"))
    assert simulate(t, 2, shots=50, seed=6).counts == {"10": 50}


def test_noise_off_ignores_every_channel():
    t = table(("pauli", (0,), (1.0, 0.0, 0.0)), ("loss", (1,), (1.0,)), ("x", (1,), ()),
              ("readout_flip", (1,), (1.0,)), ("measure", (0,), (), "a"), ("measure", (1,), (), "b"))
    result = simulate(t, 2, shots=20, noise=False, return_state=True)
    assert result.counts == {"01": 20} and result.method == "sampled"
    np.testing.assert_allclose(np.abs(result.state), [0, 1, 0, 0], atol=1e-7)


def test_noisy_runs_have_no_single_final_state():
    t = table(("depolarize", (0,), (0.1,)), ("measure", (0,), (), "a"))
    assert simulate(t, 1, shots=10, return_state=True).state is None


@pytest.mark.parametrize("mid_circuit", [False, True])
def test_readout_flip_changes_later_records_only(mid_circuit):
    extra = [("measure", (1,), (), "z"), ("h", (1,), ())] if mid_circuit else []
    t = table(*extra, ("x", (0,), ()), ("measure", (0,), (), "before"), ("readout_flip", (0,), (0.2,)),
              ("measure", (0,), (), "after"), ("readout_flip", (0,), (0.25,)), ("measure", (0,), (), "twice"))
    result = simulate(t, 2, shots=SHOTS, seed=7)
    assert result.method == ("trajectories" if mid_circuit else "sampled")
    first = len(extra) // 2
    assert ones(result, first) == 1.0
    assert abs(ones(result, first + 1) - 0.8) < TOL
    # two independent flips: the record flips when exactly one fires
    assert abs(ones(result, first + 2) - (1 - (0.2 * 0.75 + 0.8 * 0.25))) < TOL


def test_a_flip_does_not_change_the_state():
    t = table(("readout_flip", (0,), (1.0,)), ("measure", (0,), (), "a"), ("cx", (0, 1), ()),
              ("measure", (1,), (), "b"))
    assert simulate(t, 2, shots=40, seed=8).counts == {"10": 40}


def test_loss_rate_and_lost_atoms_read_zero():
    t = table(("x", (0,), ()), ("loss", (0,), (0.3,)), ("x", (0,), ()), ("x", (0,), ()),
              ("measure", (0,), (), "a"))
    result = simulate(t, 1, shots=SHOTS, seed=9)
    assert abs(result.lost[:, 0].mean() - 0.3) < TOL
    assert np.array_equal(result.records[:, 0] == 0, result.lost[:, 0])


def test_gates_on_a_lost_atom_act_as_the_identity():
    # without loss: H CZ H on q1 with q0 = |1> is X, so q1 reads 1; with q0 lost, CZ does nothing
    rows = [("x", (0,), ()), ("loss", (0,), (1.0,)), ("h", (1,), ()), ("cz", (0, 1), ()), ("h", (1,), ()),
            ("measure", (0,), (), "a"), ("measure", (1,), (), "b")]
    assert simulate(table(*rows), 2, shots=30, seed=10).counts == {"00": 30}
    rows[1] = ("loss", (0,), (0.0,))
    assert simulate(table(*rows), 2, shots=30, seed=10).counts == {"11": 30}


def test_gates_fused_with_a_lost_atoms_gates_still_act_on_the_partner():
    theta = 1.2
    t = table(("loss", (0,), (1.0,)), ("ry", (1,), (theta,)), ("cx", (0, 1), ()), ("x", (0,), ()),
              ("measure", (1,), (), "b"))
    assert abs(ones(simulate(t, 2, shots=SHOTS, seed=11)) - math.sin(theta / 2) ** 2) < TOL


def test_noiseless_circuits_with_readout_flips_are_sampled_from_one_state():
    t = table(("h", (0,), ()), ("readout_flip", (0,), (0.5,)), ("measure", (0,), (), "a"))
    assert simulate(t, 1, shots=10).method == "sampled"
