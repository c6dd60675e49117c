"""Explicit noise channels on the dynamic path (run_dynamic(noise=True)); ignored without noise."""

from __future__ import annotations

import pytest

from navm.runtime.dynamic import run_dynamic
from tests.runtime.dynamic.programs import qbc
from tests.runtime.dynamic.stats import P_MIN, fit_p


def counts(body: str, *, noise: bool = True, shots: int = 6000, method: str = "branches") -> dict[str, int]:
    return run_dynamic(qbc(body), shots=shots, seed=21, noise=noise, method=method).counts


@pytest.mark.parametrize("method", ["branches", "shots"])
def test_channels_act_only_with_noise(method):
    body = "QPAULI q0, 1.0, 0.0, 0.0\n QFLIP q1, 1.0\n QLOSS q2, 1.0\n QX q2\n QMEAS q0, r0\n QMEAS q1, r1\n QMEAS q2, r2"
    assert counts(body, shots=50, method=method) == {"110": 50}
    assert counts(body, noise=False, shots=50, method=method) == {"001": 50}


def test_depolarize_flips_with_two_thirds_of_p():
    got = counts("QDEPOL q0, 0.75\n QMEAS q0, r0")
    assert fit_p(got, {"0": 0.5, "1": 0.5}) > P_MIN
    assert fit_p(got, {"0": 0.25, "1": 0.75}) < P_MIN


def test_pauli_z_leaves_the_computational_basis_alone_but_not_plus():
    assert counts("QPAULI q0, 0.0, 0.0, 0.5\n QMEAS q0, r0") == {"0": 6000}
    got = counts("QH q0\n QPAULI q0, 0.0, 0.0, 0.3\n QH q0\n QMEAS q0, r0")
    assert fit_p(got, {"0": 0.7, "1": 0.3}) > P_MIN


def test_two_qubit_depolarize_draws_all_fifteen_terms():
    got = counts("QDEPOL2 q0, q1, 1.0\n QMEAS q0, r0\n QMEAS q1, r1")
    assert fit_p(got, {"00": 3 / 15, "01": 4 / 15, "10": 4 / 15, "11": 4 / 15}) > P_MIN


def test_readout_flips_are_independent_per_measurement_and_compose():
    got = counts("QFLIP q0, 0.25\n QMEAS q0, r0\n QMEAS q0, r1")
    assert fit_p(got, {"00": 0.5625, "01": 0.1875, "10": 0.1875, "11": 0.0625}) > P_MIN
    got = counts("QFLIP q0, 0.25\n QFLIP q0, 0.25\n QMEAS q0, r0")  # 0.25·0.75·2 = 0.375
    assert fit_p(got, {"0": 0.625, "1": 0.375}) > P_MIN


def test_the_program_branches_on_the_flipped_bit():
    """The register holds what was read, flips included: the program sees its readout errors."""
    body = "QFLIP q0, 1.0\n QMEAS q0, r0\n QJEQ r0, 0, end\n QX q1\nend: QMEAS q1, r1"
    assert counts(body, shots=20) == {"11": 20}


def test_a_lost_atom_reads_zero_and_its_partner_collapses():
    got = counts("QH q0\n QCX q0, q1\n QLOSS q0, 1.0\n QMEAS q0, r0\n QMEAS q1, r1")
    assert set(got) == {"00", "01"} and fit_p(got, {"00": 0.5, "01": 0.5}) > P_MIN


def test_a_lost_atom_stays_out_of_gates_resets_and_channels():
    body = """QX q1
 QLOSS q0, 1.0
 QLOSS q0, 1.0
 QRESET q0
 QX q0
 QSWAP q0, q1
 QPAULI q0, 1.0, 0.0, 0.0
 QMEAS q0, r0
 QMEAS q1, r1"""
    assert counts(body, shots=30) == {"01": 30}  # a SWAP with a lost atom does nothing to its partner
    assert counts("QLOSS q0, 1.0\n QFLIP q0, 1.0\n QMEAS q0, r0", shots=30) == {"1": 30}


def test_partial_loss():
    got = counts("QX q0\n QLOSS q0, 0.3\n QMEAS q0, r0")
    assert fit_p(got, {"0": 0.3, "1": 0.7}) > P_MIN
    assert counts("QX q0\n QLOSS q0, 0.0\n QMEAS q0, r0", shots=30) == {"1": 30}
