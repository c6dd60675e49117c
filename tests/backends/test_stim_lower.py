"""The stim backend's lowering: every row kind, Clifford angles, look-backs, coordinates, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import stim
from xdsl.dialects.builtin import StringAttr

from navm.backends.stim import (
    LOSS_MODELS,
    detector_error_model,
    module_to_stim,
    sample,
    sample_detectors,
    to_stim,
)
from navm.diagnostics import NavmError, SourceLocation
from navm.frontend import load_text
from navm.ir.circuit_table import GateTable, Placement, Row
from navm.ir.navm import DEVICE_ATTR
from navm.pipeline import compile_module
from navm.devices import load_profile
from tests.statevector import FIXED, equal_up_to_phase, gate_matrix

PI = math.pi
LOC = SourceLocation("t.qbc", 7, 9)


def lower_rows(*rows: Row, num_qubits: int = 3, **kw) -> stim.Circuit:
    return to_stim(GateTable.from_rows(rows), num_qubits, **kw)


def lower_qbc(text: str, **kw) -> stim.Circuit:
    return module_to_stim(compile_module(load_text(text, "qbc", "t.qbc"), "unroll"), **kw)


def text_of(circuit: stim.Circuit) -> list[str]:
    return str(circuit).splitlines()


# --- every row kind -------------------------------------------------------------------------

def test_every_row_kind_lowers_to_its_stim_instruction():
    circuit = lower_rows(
        Row("h", (0,), ()), Row("x", (1,), ()), Row("y", (0,), ()), Row("z", (1,), ()),
        Row("s", (0,), ()), Row("sdg", (1,), ()),
        Row("cx", (0, 1), ()), Row("cz", (1, 2), ()), Row("swap", (0, 2), ()),
        Row("rz", (0,), (PI / 2,)), Row("rx", (1,), (PI,)), Row("r", (2,), (0.0, PI / 2)),
        Row("barrier", (), ()), Row("barrier", (0, 1), ()),
        Row("pauli", (0,), (0.1, 0.0, 0.0)), Row("pauli", (1,), (0.0, 0.2, 0.0)),
        Row("pauli", (2,), (0.0, 0.0, 0.3)), Row("pauli", (0,), (0.1, 0.2, 0.3)),
        Row("depolarize", (1,), (0.01,)), Row("depolarize2", (0, 2), (0.02,)),
        Row("loss", (2,), (0.04,)), Row("readout_flip", (1,), (0.05,)),
        Row("measure", (0,), (), "a"), Row("measure", (1,), (), "b"), Row("reset", (0,), ()),
        Row("detector", (), (), records=(0, 1)), Row("observable", (), (1.0,), records=(1,)),
    )
    assert text_of(circuit) == [
        "H 0", "X 1", "Y 0", "Z 1", "S 0", "S_DAG 1",
        "CX 0 1", "CZ 1 2", "SWAP 0 2",
        "S 0", "X 1", "SQRT_X 2",
        "TICK", "TICK",
        "X_ERROR(0.1) 0", "Y_ERROR(0.2) 1", "Z_ERROR(0.3) 2", "PAULI_CHANNEL_1(0.1, 0.2, 0.3) 0",
        "DEPOLARIZE1(0.01) 1", "DEPOLARIZE2(0.02) 0 2",
        "HERALDED_ERASE(0.04) 2",
        "M 0", "M(0.05) 1", "R 0",
        # stim's records: herald, a, b; look-backs count from the end
        "DETECTOR rec[-2] rec[-1]", "OBSERVABLE_INCLUDE(1) rec[-1]",
    ]


def test_an_empty_table_is_an_empty_circuit():
    assert to_stim(GateTable.from_rows([]), 0) == stim.Circuit()


@pytest.mark.parametrize("loss, expected", [
    ("heralded", ["HERALDED_ERASE(0.04) 0", "M 0", "DETECTOR rec[-1]"]),
    ("depolarize", ["DEPOLARIZE1(0.03) 0", "M 0", "DETECTOR rec[-1]"]),
    ("ignore", ["M 0", "DETECTOR rec[-1]"]),
])
def test_loss_models(loss, expected):
    rows = (Row("loss", (0,), (0.04,)), Row("measure", (0,), (), "m"), Row("detector", (), (), records=(0,)))
    assert text_of(lower_rows(*rows, loss=loss)) == expected
    assert loss in LOSS_MODELS


def test_an_unknown_loss_model_is_an_error():
    with pytest.raises(NavmError) as err:
        lower_rows(Row("h", (0,), ()), loss="drop")
    assert err.value.message == "unknown loss model 'drop'; choose one of: heralded, depolarize, ignore"


def test_readout_flips_compose_and_stay_with_the_qubit():
    circuit = lower_rows(
        Row("measure", (0,), (), "m"),
        Row("readout_flip", (0,), (0.1,)), Row("readout_flip", (0,), (0.2,)),
        Row("measure", (0,), (), "m"), Row("reset", (0,), ()), Row("measure", (0,), (), "m"),
        Row("measure", (1,), (), "m"),
    )
    ops = list(circuit)
    assert [(op.name, [t.value for t in op.targets_copy()]) for op in ops] == [
        ("M", [0]), ("M", [0]), ("R", [0]), ("M", [0]), ("M", [1])]
    assert ops[0].gate_args_copy() == []
    both = 0.1 * 0.8 + 0.2 * 0.9  # exactly one of the two flips fires
    assert ops[1].gate_args_copy() == pytest.approx([both], abs=1e-15)
    assert ops[3].gate_args_copy() == pytest.approx([both], abs=1e-15)
    assert ops[4].gate_args_copy() == []


def test_readout_flip_flips_the_record_not_the_state():
    circuit = lower_rows(Row("readout_flip", (0,), (1.0,)), Row("measure", (0,), (), "a"),
                         Row("measure", (0,), (), "b"), num_qubits=1)
    assert sample(circuit, 20, seed=1).all()  # both records flipped, the qubit stays |0>


# --- Clifford angles ------------------------------------------------------------------------

def stim_unitary(circuit: stim.Circuit) -> np.ndarray:
    return stim.Tableau.from_circuit(circuit).to_unitary_matrix(endian="big")


ANGLES = [k * PI / 2 for k in range(-4, 9)]
ROTATIONS = (
    [("rx", (a,)) for a in ANGLES] + [("ry", (a,)) for a in ANGLES] + [("rz", (a,)) for a in ANGLES]
    + [("r", (axis, a)) for axis in (0.0, PI / 2, PI, 3 * PI / 2) for a in ANGLES]
)


@pytest.mark.parametrize("name, params", ROTATIONS, ids=lambda v: str(v))
def test_clifford_rotations_keep_their_unitary(name, params):
    circuit = lower_rows(Row(name, (0,), params), num_qubits=1)
    assert len(circuit) == 1
    assert equal_up_to_phase(stim_unitary(circuit), gate_matrix(name, params), atol=1e-6)


@pytest.mark.parametrize("name", ["h", "x", "y", "z", "s", "sdg", "cx", "cz", "swap"])
def test_fixed_gates_keep_their_unitary(name):
    n = 2 if FIXED[name].shape == (4, 4) else 1
    circuit = lower_rows(Row(name, tuple(range(n)), ()), num_qubits=n)
    assert equal_up_to_phase(stim_unitary(circuit), gate_matrix(name, ()), atol=1e-6)


@pytest.mark.parametrize("name, params, stim_name", [
    ("rz", (PI / 2,), "S"), ("rz", (-PI / 2,), "S_DAG"), ("rz", (3 * PI / 2,), "S_DAG"), ("rz", (PI,), "Z"),
    ("rz", (2 * PI,), "I"), ("rz", (0.0,), "I"), ("rx", (PI,), "X"), ("ry", (PI,), "Y"),
    ("rx", (PI / 2,), "SQRT_X"), ("rx", (-PI / 2,), "SQRT_X_DAG"), ("ry", (PI / 2,), "SQRT_Y"),
    ("r", (0.0, PI / 2), "SQRT_X"), ("r", (PI / 2, PI / 2), "SQRT_Y"), ("r", (PI, PI / 2), "SQRT_X_DAG"),
    ("r", (3 * PI / 2, PI / 2), "SQRT_Y_DAG"), ("r", (PI / 4, PI), "H_XY"),
    ("rz", (PI / 2 + 1e-12,), "S"),
])
def test_clifford_rotation_names(name, params, stim_name):
    assert text_of(lower_rows(Row(name, (0,), params), num_qubits=1)) == [f"{stim_name} 0"]


@pytest.mark.parametrize("source, line", [
    ("QRZ q0, 0.3", "rz(0.3) q0"),
    ("QT q0", "t q0"),
    ("QTDG q0", "tdg q0"),
    ("QR q0, 0.1, 1.5707963267948966", "r(0.1, 1.5707963267948966) q0"),
    ("QRX q0, 1.5708", "rx(1.5708) q0"),  # π/2 + 4e-6
])
def test_a_non_clifford_gate_is_an_error_at_its_row(source, line):
    with pytest.raises(NavmError) as err:
        lower_qbc(f"QLOC q0, 0.0, 0.0\nQH q0\n        {source}\nQMEAS q0, r1\n")
    assert str(err.value) == f"t.qbc:3:9: error: stim needs a Clifford circuit: {line} is not Clifford"
    assert err.value.notes == (("stim simulates Clifford gates only: rotations by multiples of π/2 "
                                "(t and tdg never are); use the statevector backend for this circuit"),)


# --- other errors ---------------------------------------------------------------------------

def test_a_macro_is_an_error():
    with pytest.raises(NavmError) as err:
        lower_rows(Row("h", (0,), ()), Row("qft", (0, 1), (), loc=LOC))
    assert str(err.value) == "t.qbc:7:9: error: the stim backend cannot lower the macro 'qft': run unroll first"


def test_a_module_that_is_not_unrolled_is_an_error():
    module = load_text("QLOC q0, 0.0, 0.0\nQH q0\n", "qbc", "t.qbc")
    with pytest.raises(NavmError) as err:
        module_to_stim(module)
    assert str(err.value) == ("t.qbc:1:1: error: the stim backend needs one straight-line navm.circuit, "
                              "found 0 circuit(s) and 2 other op(s): run unroll first")


def test_a_qubit_outside_the_register_is_an_error():
    with pytest.raises(NavmError) as err:
        lower_rows(Row("cx", (0, 5), (), loc=LOC), num_qubits=3)
    assert str(err.value) == "t.qbc:7:9: error: 'cx q0, q5' acts on q5, outside the 3-qubit register"


def test_a_record_that_is_not_earlier_is_an_error():
    with pytest.raises(NavmError) as err:
        lower_rows(Row("measure", (0,), (), "m"), Row("detector", (), (), loc=LOC, records=(0, 1)))
    assert str(err.value) == "t.qbc:7:9: error: detector names rec[1], but only 1 measurement(s) come before it"


def test_a_detector_that_is_not_deterministic_is_an_error_of_the_error_model():
    circuit = lower_rows(Row("h", (0,), ()), Row("measure", (0,), (), "m"), Row("detector", (), (), records=(0,)))
    with pytest.raises(NavmError) as err:
        detector_error_model(circuit)
    assert err.value.message == "stim cannot build a detector error model: The circuit contains non-deterministic detectors."
    assert "The collapse anti-commuted with these detectors/observables: D0" in err.value.notes
    assert err.value.notes[-1] == "detector Dk is the (k+1)-th detector row of the circuit"


# --- detectors and observables --------------------------------------------------------------

def test_lookbacks_count_from_where_the_detector_stands():
    circuit = lower_qbc(
        "QLOC q0, 0.0, 0.0\nQLOC q1, 5.0, 0.0\n"
        "QMEAS q0, r1\nQMEAS q1, r1\nQDETECTOR -2\n"       # rec[0] seen from 2 records
        "QMEAS q0, r1\nQDETECTOR -1, -3\n"                # rec[2], rec[0] seen from 3
        "QOBSERVABLE 2, -2\n"                            # rec[1]
        "QLOSS q1, 0.5\nQMEAS q1, r1\nQDETECTOR -1, -4\n"  # a herald sits between rec[2] and rec[3]
    )
    assert [ln for ln in text_of(circuit) if not ln.startswith("QUBIT_COORDS")] == [
        "M 0 1", "DETECTOR rec[-2]",
        "M 0", "DETECTOR rec[-1] rec[-3]",
        "OBSERVABLE_INCLUDE(2) rec[-2]",
        "HERALDED_ERASE(0.5) 1", "M 1", "DETECTOR rec[-1] rec[-5]",
    ]


def test_sample_drops_the_herald_bits():
    circuit = lower_qbc("QLOC q0, 0.0, 0.0\nQLOC q1, 5.0, 0.0\nQX q0\nQLOSS q1, 0.5\n"
                        "QMEAS q0, r1\nQLOSS q1, 1.0\nQMEAS q1, r1\nQLOSS q1, 0.5\n")
    assert circuit.num_measurements == 5
    records = sample(circuit, 50, seed=3)
    assert records.shape == (50, 2) and records.dtype == np.bool_
    assert records[:, 0].all()


def test_sample_detectors_returns_events_and_observables():
    circuit = lower_qbc("QLOC q0, 0.0, 0.0\nQLOC q1, 5.0, 0.0\nQX q0\nQPAULI q1, 1.0, 0.0, 0.0\n"
                        "QMEAS q0, r1\nQMEAS q1, r1\nQDETECTOR -2\nQDETECTOR -1\nQOBSERVABLE 0, -1\n")
    events, observables = sample_detectors(circuit, 10, seed=1)
    assert events.shape == (10, 2) and observables.shape == (10, 1)
    # Events are flips against the noiseless circuit: the X gate is no event, the X error is.
    assert not events[:, 0].any() and events[:, 1].all() and observables.all()


# --- QUBIT_COORDS ---------------------------------------------------------------------------

def test_isa_1_0_coordinates_are_used_as_they_are():
    placement = Placement(3, coords=np.array([[0.0, 0.0], [np.nan, np.nan], [2.5, -7.0]]))
    circuit = lower_rows(Row("h", (0,), ()), placement=placement)
    assert text_of(circuit) == ["QUBIT_COORDS(0, 0) 0", "QUBIT_COORDS(2.5, -7) 2", "H 0"]


def test_isa_1_1_sites_become_the_profiles_coordinates():
    placement = Placement(3, sites=np.array([4, -1, 10]))
    circuit = lower_rows(Row("h", (0,), ()), placement=placement, profile=load_profile("test-small"))
    assert text_of(circuit) == ["QUBIT_COORDS(5, 5) 0", "QUBIT_COORDS(5, 30) 2", "H 0"]


def test_isa_1_1_sites_without_a_profile_are_1d_coordinates():
    placement = Placement(2, sites=np.array([4, 10]))
    assert text_of(lower_rows(Row("h", (0,), ()), placement=placement)) == [
        "QUBIT_COORDS(4) 0", "QUBIT_COORDS(10) 1", "H 0"]


def test_a_site_the_profile_lacks_is_an_error_at_the_declaration():
    placement = Placement(2, sites=np.array([4, 99]), decl_locs=(None, LOC))
    with pytest.raises(NavmError) as err:
        lower_rows(Row("h", (0,), ()), placement=placement, profile=load_profile("test-small"))
    assert str(err.value) == ("t.qbc:7:9: error: q1 is placed on site 99, which device profile "
                              "'navm-test-small' does not have")


def test_a_module_uses_its_device_profile():
    module = compile_module(load_text(".isa 1.1\nQSITE q0, 4\nQSITE q1, 10\nQCZ q0, q1\n", "qbc", "t.qbc"),
                            "unroll", device="test-small")
    assert module.attributes[DEVICE_ATTR] == StringAttr("test-small")
    assert text_of(module_to_stim(module)) == ["QUBIT_COORDS(5, 5) 0", "QUBIT_COORDS(5, 30) 1", "CZ 0 1"]
    assert text_of(module_to_stim(module, profile=load_profile("square-16x16")))[:2] == [
        "QUBIT_COORDS(20, 0) 0", "QUBIT_COORDS(50, 0) 1"]
