"""schedule: dependencies, Rydberg stages, cooldowns and parallelism hold on random circuits."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from navm.diagnostics import NavmError
from navm.ir.circuit_table import Row
from navm.passes.schedule import schedule_rows
from navm.devices import load_profile
from navm.devices.blockade import restricted

PROFILE = load_profile("test-small")
SITES = np.arange(9)  # the 3×3 entangling zone of test-small
NEIGHBOURS = [(a, b) for a in range(9) for b in range(9) if a < b and math.dist(divmod(a, 3), divmod(b, 3)) < 1.5]


@st.composite
def native_circuits(draw):
    rows = []
    for _ in range(draw(st.integers(1, 30))):
        kind = draw(st.sampled_from(["r", "rz", "cz", "cz", "measure", "reset", "barrier"]))
        q = draw(st.integers(0, 8))
        if kind == "cz":
            a, b = draw(st.sampled_from(NEIGHBOURS))
            rows.append(Row("cz", (a, b), ()))
        elif kind == "r":
            rows.append(Row("r", (q,), (draw(st.sampled_from([0.0, 1.5])), 0.5)))
        elif kind == "rz":
            rows.append(Row("rz", (q,), (0.25,)))
        elif kind == "measure":
            rows.append(Row("measure", (q,), (), f"m{len(rows)}"))
        elif kind == "reset":
            rows.append(Row("reset", (q,), ()))
        else:
            rows.append(Row("barrier", draw(st.sampled_from([(), (q,)])), ()))
    return rows


def check_invariants(rows, out, summary):
    g = PROFILE.gates
    assert [r._replace(timing=None) for r in out] == rows
    # per-qubit program order and no overlap
    end = {}
    for row in out:
        t, d, _ = row.timing
        for q in row.qubits:
            assert t >= end.get(q, 0.0) - 1e-9, row
            end[q] = t + d
    stages = {}
    for row in out:
        if row.timing[2] >= 0:
            stages.setdefault(row.timing[2], []).append(row)
    assert summary["stages"] == len(stages)
    starts = []
    for k, members in sorted(stages.items()):
        assert len({m.timing[0] for m in members}) == 1 and len(members) <= g.max_cz_per_stage
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                assert not restricted(PROFILE, list(a.qubits), list(b.qubits))
        starts.append((members[0].timing[0], max(m.timing[1] for m in members)))
    for (t0, d0), (t1, _) in zip(starts, starts[1:]):
        assert t1 >= t0 + d0 + g.rydberg_gap_us - 1e-9
    local = [(r.timing[0], r.timing[0] + r.timing[1]) for r in out if r.name == "rz"]
    for t, _ in local:
        assert sum(1 for s, e in local if s <= t < e) <= g.max_local_1q
    assert summary["duration_us"] >= max((r.timing[0] + r.timing[1] for r in out), default=0.0) - 1e-9
    assert 0.0 < summary["fidelity_estimate"] <= 1.0


@settings(max_examples=120, deadline=None)
@given(native_circuits(), st.sampled_from(["asap", "alap"]))
def test_schedule_invariants(rows, mode):
    out, summary = schedule_rows(rows, SITES, PROFILE, mode)
    check_invariants(rows, out, summary)


def test_measurement_dead_time_and_stage_numbers():
    rows = [Row("cz", (0, 1), ()), Row("measure", (0,), (), "m"), Row("rz", (0,), (0.1,)), Row("cz", (0, 1), ())]
    out, summary = schedule_rows(rows, SITES, PROFILE)
    cz1, m, rz, cz2 = (r.timing for r in out)
    assert cz1 == (0.0, 1.0, 0) and cz2[2] == 1
    assert rz[0] >= m[0] + m[1] + PROFILE.gates.measure_dead_time_us
    assert summary["two_qubit_gates"] == 2 and summary["stages"] == 2


def test_restricted_gates_go_to_different_stages():
    # (0,1) and (3,4) are 5 µm apart: within 2 × 7.5 µm, so never in one stage
    out, summary = schedule_rows([Row("cz", (0, 1), ()), Row("cz", (3, 4), ())], SITES, PROFILE)
    assert out[0].timing[2] != out[1].timing[2] and summary["stages"] == 2


def test_fidelity_estimate_drops_with_more_gates():
    one = schedule_rows([Row("cz", (0, 1), ())], SITES, PROFILE)[1]["fidelity_estimate"]
    two = schedule_rows([Row("cz", (0, 1), ()), Row("cz", (0, 1), ())], SITES, PROFILE)[1]["fidelity_estimate"]
    assert two < one < 1.0


def test_non_native_gate_and_macro_are_errors():
    with pytest.raises(NavmError, match="'h' is not native on device 'navm-test-small'; run `decompose-native`"):
        schedule_rows([Row("h", (0,), ())], SITES, PROFILE)
    with pytest.raises(NavmError, match="macro"):
        schedule_rows([Row("qft", (0, 1), ())], SITES, PROFILE)
