"""decompose-native: every rule is exact up to global phase; output is native; errors are located."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from navm.diagnostics import NavmError, SourceLocation
from navm.ir.circuit_table import GateTable, Row
from navm.passes.decompose_native import DEFAULT_NATIVE, RULES, decompose, swap_rows
from tests.statevector import equal_up_to_phase, unitary

PARAMS = {"rx": (0.7,), "ry": (-1.3,), "rz": (2.1,), "r": (0.4, 1.1), "u3": (0.9, -0.4, 2.3)}


def qubits_of(name):
    return (0, 1) if name in ("cx", "swap", "cz") else (0,)


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_rule_preserves_the_unitary(name):
    row = Row(name, qubits_of(name), PARAMS.get(name, ()))
    n = len(row.qubits)
    out = decompose([row], DEFAULT_NATIVE)
    assert {r.name for r in out} <= DEFAULT_NATIVE
    assert equal_up_to_phase(unitary(GateTable.from_rows(out), n), unitary(GateTable.from_rows([row]), n))


def test_cx_in_both_directions_and_swap_helper():
    for c, t in ((0, 1), (1, 0)):
        row = Row("cx", (c, t), ())
        assert equal_up_to_phase(unitary(GateTable.from_rows(decompose([row], DEFAULT_NATIVE)), 2),
                                 unitary(GateTable.from_rows([row]), 2))
    assert equal_up_to_phase(unitary(GateTable.from_rows(swap_rows(0, 1)), 2),
                             unitary(GateTable.from_rows([Row("swap", (0, 1), ())]), 2))


GATES_1Q = ["h", "x", "y", "z", "s", "sdg", "t", "tdg"]


@st.composite
def circuits(draw):
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(GATES_1Q + ["rx", "ry", "rz", "r", "cx", "cz", "swap"]))
        q = draw(st.integers(0, 2))
        if kind in ("cx", "cz", "swap"):
            p = draw(st.integers(0, 2).filter(lambda x: x != q))
            rows.append(Row(kind, (q, p), ()))
        else:
            params = tuple(draw(st.floats(-7, 7)) for _ in PARAMS.get(kind, ()))
            rows.append(Row(kind, (q,), params))
    return rows


@settings(max_examples=150, deadline=None)
@given(circuits())
def test_random_circuits_keep_their_unitary(rows):
    out = decompose(rows, DEFAULT_NATIVE)
    assert {r.name for r in out} <= DEFAULT_NATIVE
    assert equal_up_to_phase(unitary(GateTable.from_rows(out), 3), unitary(GateTable.from_rows(rows), 3), atol=1e-8)


def test_non_gates_pass_through_and_native_gates_stay():
    rows = [Row("measure", (0,), (), "m"), Row("barrier", (), ()), Row("depolarize", (0,), (0.01,)),
            Row("detector", (), (), None, None, (0,)), Row("rz", (0,), (0.3,)), Row("cz", (0, 1), ())]
    assert decompose(rows, DEFAULT_NATIVE) == rows


def test_a_profile_may_keep_more_gates_native():
    row = Row("cx", (0, 1), ())
    assert decompose([row], DEFAULT_NATIVE | {"cx"}) == [row]


def test_locations_are_kept_and_macros_are_refused():
    loc = SourceLocation("f.qbc", 4, 2)
    assert {r.loc for r in decompose([Row("swap", (0, 1), (), None, loc)], DEFAULT_NATIVE)} == {loc}
    with pytest.raises(NavmError, match="'qft' is a macro; run `unroll` first") as err:
        decompose([Row("qft", (0, 1), (), None, loc)], DEFAULT_NATIVE)
    assert err.value.loc == loc


def test_no_rule_into_a_smaller_native_set():
    with pytest.raises(NavmError, match="no rule turns 'rz' into the native set"):
        decompose([Row("z", (0,), ())], frozenset({"cz", "r"}))


def test_angles_are_exact():
    (row,) = decompose([Row("t", (0,), ())], DEFAULT_NATIVE)
    assert row.params == (math.pi / 4,)
