"""The zoned passes: stage (CZs into pulses), zoned-place (homes, gate sites, reuse), move-route (AOD groups).

Semantics: a circuit compiled through them gives the same state as the source (motion moves atoms,
not states). Legality is checked by move-check in its own tests; here the pieces' own promises.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from navm.devices import load_profile
from navm.diagnostics import NavmError
from navm.frontend import load_text
from navm.ir.circuit_table import Row
from navm.ir.gates import pulse_pairs
from navm.ir.navm import CircuitOp
from navm.passes.stage import staged_rows
from navm.passes.zoning.aod import Mover, compatible, routed_groups
from navm.passes.zoning.homes import home_traps, partner_order
from navm.passes.zoning.rearrange import ZoneState, plan_pulse
from navm.pipeline import compile_module
from tests.statevector import equal_up_to_phase, final_state

ZONED = "unroll,decompose-native,migrate-isa{to=1.2},stage,zoned-place,move-route"
ARCH = load_profile("zoned").architecture


def circuit(module) -> CircuitOp:
    return next(op for op in module.body.block.ops if isinstance(op, CircuitOp))


def rows_of(text: str, passes: str = ZONED):
    return list(circuit(compile_module(load_text(text, "qbc"), passes, device="zoned")).gate_table.rows())


# --- stage ---------------------------------------------------------------------------------

def cz(a, b):
    return Row("cz", (a, b), ())


def test_stage_layers_czs_as_soon_as_possible():
    rows = staged_rows([cz(0, 1), cz(2, 3), Row("h", (1,), ()), cz(1, 2), cz(0, 3)], 4, 140)
    assert [(r.name, r.qubits) for r in rows] == [
        ("rydberg", (0, 1, 2, 3)), ("h", (1,)), ("rydberg", (1, 2, 0, 3))]


def test_stage_respects_the_pulse_capacity():
    rows = staged_rows([cz(0, 1), cz(2, 3), cz(4, 5)], 6, 2)
    assert [r.qubits for r in rows] == [(0, 1, 2, 3), (4, 5)]


def test_measurements_keep_their_order_and_detectors_follow_them():
    rows = staged_rows([cz(0, 1), Row("measure", (2,), (), "a"), Row("measure", (0,), (), "b"),
                        Row("detector", (), (), records=(0, 1)), Row("measure", (3,), (), "c")], 4, 140)
    names = [r.name if r.name != "measure" else r.result for r in rows]
    assert names == ["a", "rydberg", "b", "detector", "c"]


def test_a_global_barrier_holds_every_qubit_back():
    rows = staged_rows([cz(0, 1), Row("barrier", (), ()), cz(2, 3)], 4, 140)
    assert [r.name for r in rows] == ["rydberg", "barrier", "rydberg"]


def test_stage_errors():
    with pytest.raises(NavmError, match="stage needs cz as the only 2-qubit gate, found 'cx'"):
        staged_rows([Row("cx", (0, 1), ())], 2, 140)
    with pytest.raises(NavmError, match=r"stage works on ISA 1.2 \(zoned\) circuits, this one is ISA 1.0"):
        rows_of("QCZ q0, q1\n", "unroll,stage")


# --- homes and gate sites ------------------------------------------------------------------

def test_partners_are_neighbours_in_the_home_order():
    assert partner_order([[(0, 1)], [(1, 2)], [(0, 3)]], 5) == [0, 3, 1, 2, 4]


def test_homes_sit_in_the_storage_row_nearest_the_zone_at_the_gate_pitch():
    homes = home_traps([2, 0, 1], ARCH)
    xy = ARCH.coords[[homes[2], homes[0], homes[1]]]
    assert (xy[:, 1] == 57.0).all() and np.diff(xy[:, 0]).tolist() == [6.0, 6.0]
    assert abs(xy[:, 0].mean() - 150.0) < 6  # centred under the zone


def test_a_pair_on_one_site_stays_and_a_partner_comes_to_a_reused_atom():
    homes = home_traps([0, 1, 2], ARCH)
    state = ZoneState(ARCH, homes)
    first = plan_pulse(state, [(0, 1)])
    assert sorted(a for a, _ in first) == [0, 1]
    left, right = state.trap[0], state.trap[1]
    assert ARCH.gate_site_of[left][:2] == ARCH.gate_site_of[right][:2]
    assert plan_pulse(state, [(0, 1)]) == []  # the pair stays
    moves = dict(plan_pulse(state, [(1, 2)]))
    assert 1 not in moves and moves[2] == left and moves[0] == homes[0]  # 0 goes home, 2 takes its trap
    no_reuse = ZoneState(ARCH, homes)
    plan_pulse(no_reuse, [(0, 1)], reuse=False)
    assert sorted(a for a, _ in plan_pulse(no_reuse, [(0, 1)], reuse=False)) == []  # already there
    assert {a for a, _ in plan_pulse(no_reuse, [(1, 2)], reuse=False)} >= {1, 2}


# --- AOD groups ----------------------------------------------------------------------------

def m(atom, start, end):
    return Mover(atom, start, end)


def test_aod_compatibility():
    up = m(0, (0.0, 57.0), (35.0, 67.0))
    assert compatible(up, m(1, (6.0, 57.0), (37.0, 67.0)), 2.0)  # one row up, columns keep their order
    assert not compatible(up, m(1, (6.0, 57.0), (33.0, 67.0)), 2.0)  # columns would cross
    assert not compatible(up, m(1, (6.0, 57.0), (35.0, 77.0)), 2.0)  # columns merge, the row splits
    assert not compatible(up, m(1, (1.0, 57.0), (37.0, 67.0)), 2.0)  # columns closer than 2 µm
    assert not compatible(up, m(1, (6.0, 67.0), (40.0, 57.0)), 2.0)  # rows would cross


def test_groups_free_traps_before_filling_them():
    leave = m(0, (35.0, 67.0), (0.0, 57.0))
    arrive = m(1, (9.0, 57.0), (35.0, 67.0))
    groups = routed_groups([arrive, leave], None, set(), 2.0, 100, 100)
    assert [[x.atom for x in g] for g in groups] == [[0], [1]]


def test_a_cycle_of_traps_is_broken_through_a_home():
    a = m(0, (35.0, 67.0), (47.0, 67.0))  # two atoms taking each other's places
    b = m(1, (47.0, 67.0), (35.0, 67.0))
    homes = {0: (30.0, 57.0), 1: (60.0, 57.0)}
    groups = routed_groups([a, b], lambda mover: homes[mover.atom], set(), 2.0, 100, 100)
    trips = [(x.atom, x.start, x.end) for g in groups for x in g]
    assert trips[-1] == (0, homes[0], (47.0, 67.0)) and (0, (35.0, 67.0), homes[0]) in trips
    assert (1, (47.0, 67.0), (35.0, 67.0)) in trips


def test_loading_never_picks_up_a_bystander_at_a_crossing():
    a = m(0, (0.0, 54.0), (35.0, 67.0))
    b = m(1, (9.0, 57.0), (47.0, 77.0))
    assert len(routed_groups([a, b], None, set(), 2.0, 100, 100)) == 1
    bystander = {(9.0, 54.0)}  # at the crossing of a's row and b's column
    assert len(routed_groups([a, b], None, bystander, 2.0, 100, 100)) == 2


def test_a_chain_of_traps_is_emptied_from_its_end():
    chain = [m(0, (35.0, 67.0), (47.0, 67.0)), m(1, (47.0, 67.0), (59.0, 67.0)), m(2, (59.0, 67.0), (9.0, 57.0))]
    groups = routed_groups(chain, None, set(), 2.0, 100, 100)
    first = {x.atom: k for k, g in enumerate(groups) for x in g}
    assert first[2] <= first[1] <= first[0]


# --- the passes together -------------------------------------------------------------------

def test_every_pulse_finds_its_pairs_on_gate_sites():
    rows = rows_of(open("tests/programs/zoned_chain.qbc").read())
    position = {}
    for row in rows:
        if row.name == "move":
            position[row.qubits[0]] = (row.params[1], row.params[2])
        if row.name == "rydberg":
            for a, b in pulse_pairs(row.qubits):
                (xa, ya), (xb, yb) = position[a], position[b]
                assert ya == yb == 67.0 and abs(xb - xa) == 2.0


GATES_1Q = ["QH", "QX", "QS", "QT"]


@st.composite
def programs(draw):
    n = draw(st.integers(2, 6))
    lines = []
    for _ in range(draw(st.integers(1, 25))):
        if draw(st.booleans()):
            a, b = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
            lines.append(f"QCZ q{a}, q{b}" if draw(st.booleans()) else f"QCX q{a}, q{b}")
        else:
            q = draw(st.integers(0, n - 1))
            lines.append(f"{draw(st.sampled_from(GATES_1Q))} q{q}")
    lines.append(f"QH q{n - 1}")
    return "\n".join(lines) + "\n"


@settings(max_examples=40, deadline=None)
@given(programs())
def test_the_zoned_passes_keep_the_state(text):
    source = circuit(compile_module(load_text(text, "qbc"), "unroll", device="zoned"))
    compiled = circuit(compile_module(load_text(text, "qbc"), ZONED, device="zoned"))
    n = source.qubit_placement.num_qubits
    assert equal_up_to_phase(final_state(compiled.gate_table, n), final_state(source.gate_table, n))
