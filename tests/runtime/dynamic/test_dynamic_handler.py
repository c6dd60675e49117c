"""StatevectorHandler through run_dynamic: reset, barrier, macros, registers, annotations and checks."""

from __future__ import annotations

import numpy as np
import pytest

from navm.diagnostics import NavmError
from navm.runtime.dynamic import StatevectorHandler, run_dynamic
from navm.runtime.dynamic.choices import SampledChoices
from tests.runtime.dynamic.programs import qbc
from tests.runtime.dynamic.stats import P_MIN, fit_p


def counts(body: str, shots: int = 2000, **kw) -> dict[str, int]:
    return run_dynamic(qbc(body), shots=shots, seed=7, **kw).counts


def test_reset_returns_a_qubit_to_zero_and_collapses_its_partner():
    assert counts("QX q0\n QRESET q0\n QMEAS q0, r0") == {"0": 2000}
    got = counts("QH q0\n QCX q0, q1\n QRESET q0\n QMEAS q0, r0\n QMEAS q1, r1")
    assert set(got) == {"00", "01"} and fit_p(got, {"00": 0.5, "01": 0.5}) > P_MIN


def test_barrier_does_nothing():
    assert counts("QX q1\n QBARRIER\n QBARRIER q0, q1\n QMEAS q0, r0\n QMEAS q1, r1") == {"01": 2000}


def test_w_macro_gives_one_excitation_in_three():
    got = counts("QW q0, q1, q2\n QMEAS q0, r0\n QMEAS q1, r1\n QMEAS q2, r2", shots=6000)
    assert fit_p(got, {"100": 1 / 3, "010": 1 / 3, "001": 1 / 3}) > P_MIN


def test_measured_bits_steer_qubit_indices_and_angles():
    """A measured bit is an ordinary int: it may pick a qubit (q[r0]) or scale an angle."""
    body = """QH q0
 QMEAS q0, r0
 QADD r1, r0, 1
 QX q[r1]
 QMUL r2, r0, 3.141592653589793
 QRY q0, r2
 QMEAS q0, r3
 QMEAS q1, r4
 QMEAS q2, r5"""
    got = counts(body)
    assert set(got) == {"0010", "1001"} and fit_p(got, {"0010": 0.5, "1001": 0.5}) > P_MIN


def test_a_measurement_in_a_loop_gives_one_record_per_pass():
    body = """QMOV r1, 0
loop: QX q0
 QMEAS q0, r0
 QADD r1, 1
 QJLT r1, 3, loop"""
    result = run_dynamic(qbc(body), shots=10, seed=0)
    assert result.counts == {"101": 10} and result.record_names == ("r0", "r0", "r0")


def test_a_program_without_measurements_has_empty_bitstrings():
    result = run_dynamic(qbc("QH q0"), shots=5)
    assert result.counts == {"": 5} and result.records == [""] * 5 and result.record_names == ()


def test_detectors_and_observables_check_their_look_backs():
    assert counts("QMEAS q0, r0\n QDETECTOR -1\n QOBSERVABLE 0, -1", shots=3) == {"0": 3}
    with pytest.raises(NavmError, match="look-back -1: there is no earlier measurement") as err:
        counts("QDETECTOR -1", shots=1)
    assert err.value.loc.line == 5
    with pytest.raises(NavmError, match=r"look-back -2 does not name an earlier measurement \(use -1 … -1\)"):
        counts("QMEAS q0, r0\n QDETECTOR -2", shots=1)
    with pytest.raises(NavmError, match="observable index -1 is negative"):
        counts("QMEAS q0, r0\n QOBSERVABLE -1, -1", shots=1)


def test_declarations_are_checked_as_unroll_checks_them():
    with pytest.raises(NavmError, match="qubit q0 is declared twice") as err:
        counts("QLOC q0, 1.0, 1.0", shots=1)
    assert err.value.notes and "first declared at" in err.value.notes[0]
    with pytest.raises(NavmError, match=r"qubits q1 and q3 are declared at the same position \[5.0, 0.0\]"):
        counts("QLOC q3, 5.0, 0.0", shots=1)
    with pytest.raises(NavmError, match="coordinates .* are not finite"):
        counts("QMUL r1, 1e308, 10.0\n QLOC q3, r1, 0.0", shots=1)
    sites = ".isa 1.1\n QSITE q0, 4\n QSITE q1, 4\n"
    with pytest.raises(NavmError, match="qubits q0 and q1 are declared at the same site 4"):
        run_dynamic(sites, shots=1)


def test_gates_are_checked_as_unroll_checks_them():
    with pytest.raises(NavmError, match="'cx' acts on the same qubit twice: q1, q1"):
        counts("QMOV r1, 1\n QCX q1, q[r1]", shots=1)
    with pytest.raises(NavmError, match="'ry' parameter is not finite"):
        counts("QMUL r1, 1e308, 10.0\n QRY q0, r1", shots=1)
    with pytest.raises(NavmError, match=r"noise.depolarize: probability 1.5 is not in \[0, 1\]"):
        counts("QMOV r1, 1.5\n QDEPOL q0, r1", shots=1)  # checked even when noise is off
    handler = StatevectorHandler(SampledChoices(np.random.default_rng(0)))
    with pytest.raises(NavmError, match=r"'cx' acts on 2 qubit\(s\), got 1"):
        handler.apply("cx", (0,), (), None)
    with pytest.raises(NavmError, match=r"'measure' rows go to measure\(\) or annotate\(\), not apply\(\)"):
        handler.apply("measure", (0,), (), None)


def test_too_many_qubits_is_an_error_at_the_instruction():
    with pytest.raises(NavmError, match="allows at most 2") as err:
        counts("QH q0\n QH q1\n QCX q1, q2", shots=1, max_qubits=2)
    assert err.value.loc.line == 7
