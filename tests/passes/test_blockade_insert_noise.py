"""blockade-check and insert-noise on placed, scheduled circuits."""

from __future__ import annotations

import numpy as np
import pytest

from navm.diagnostics import NavmError, SourceLocation
from navm.frontend import load_text
from navm.ir.circuit_table import Row
from navm.ir.navm import CircuitOp
from navm.passes.blockade_check import check_rows
from navm.passes.insert_noise import noisy_rows
from navm.passes.schedule import schedule_rows
from navm.pipeline import compile_module
from navm.devices import load_profile

PROFILE = load_profile("test-small")
SITES = np.arange(9)
LOC = SourceLocation("f.qbc", 3, 1)


def test_far_gate_is_an_error_at_its_position():
    rows = [Row("cz", (0, 1), ()), Row("cz", (0, 2), (), None, LOC), Row("cz", (0, 8), (), None, None)]
    with pytest.raises(NavmError) as err:
        check_rows(rows, SITES, PROFILE)
    assert err.value.loc == LOC
    assert "atoms are 10 µm apart, beyond the blockade radius 7.5 µm" in err.value.message
    assert "2 two-qubit gate(s) are out of range; run `route`" in err.value.notes[0]


def test_restricted_gates_in_one_stage_are_an_error():
    rows = [Row("cz", (0, 1), (), None, None, (), (0.0, 1.0, 0)),
            Row("cz", (3, 4), (), None, LOC, (), (0.0, 1.0, 0))]
    with pytest.raises(NavmError, match="Rydberg stage 0: 'cz' on q3, q4 has atoms within the restriction distance") as err:
        check_rows(rows, SITES, PROFILE)
    assert err.value.loc == LOC


def test_spectators_are_counted():
    # sites 0 and 1; within 7.5 µm of them among the placed: 3 and 4 (5 and 7.07 µm)
    report = check_rows([Row("cz", (0, 1), ())], np.array([0, 1, 3, 4, 8]), PROFILE)
    assert report == {"checked_gates": 1, "spectators": 2, "max_distance_um": 5.0}


def noise_rows(rows):
    timed, _ = schedule_rows(rows, SITES[:2], PROFILE)
    return noisy_rows(timed, 2, PROFILE.noise)


def test_insert_noise_places_each_channel():
    out = noise_rows([Row("r", (0,), (0.0, 0.5)), Row("cz", (0, 1), ()), Row("measure", (1,), (), "m")])
    names = [(r.name, r.qubits) for r in out]
    assert names[:2] == [("pauli", (0,)), ("pauli", (1,))]  # preparation
    assert names[names.index(("cz", (0, 1))) + 1] == ("depolarize2", (0, 1))
    assert ("loss", (0,)) in names[names.index(("cz", (0, 1))):]
    flip = names.index(("readout_flip", (1,)))
    assert names[flip + 1] == ("measure", (1,))
    assert out[flip].params == (0.015,)
    r_index = names.index(("r", (0,)))
    assert names[r_index + 1] == ("depolarize", (0,)) and out[r_index + 1].params == (0.003,)
    # q1 idles before the cz: an idle pauli channel right before it, for the gap
    idle = [r for r in out if r.name == "pauli" and r.qubits == (1,) and r.timing[0] > 0]
    assert idle and all(p > 0 for p in idle[0].params)


def test_unpaired_atoms_get_the_rydberg_error():
    timed, _ = schedule_rows([Row("cz", (0, 1), ()), Row("r", (2,), (0.0, 0.5))], SITES[:3], PROFILE)
    out = noisy_rows(timed, 3, PROFILE.noise)
    assert any(r.name == "pauli" and r.qubits == (2,) and r.params == (0.0, 0.0, 0.001) for r in out)


def test_insert_noise_needs_a_schedule():
    module = load_text(".isa 1.1\nQSITE q0, 0\nQH q0\n", "qbc", "n.qbc")
    with pytest.raises(NavmError, match="run `schedule` first"):
        compile_module(module, "unroll,insert-noise", device="test-small")


def test_full_noise_pipeline_verifies():
    module = load_text(".isa 1.1\nQSITE q0, 0\nQSITE q1, 1\nQH q0\nQCX q0, q1\nQMEAS q1, r1\n", "qbc", "n.qbc")
    compile_module(module, "unroll,decompose-native,canonicalize,schedule,blockade-check,insert-noise",
                   device="test-small")
    (op,) = [o for o in module.body.block.ops if isinstance(o, CircuitOp)]
    assert op.gate_table.scheduled
