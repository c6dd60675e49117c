"""canonicalize keeps the circuit's unitary exactly and removes what it promises to."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from navm.ir.circuit_table import GateTable, Row
from navm.passes.canonicalize import simplify
from tests.statevector import unitary

N = 3
ONE_Q = ["h", "x", "y", "z", "s", "sdg", "t", "tdg"]
ROT = ["rx", "ry", "rz"]
TWO_Q = ["cz", "cx", "swap"]
angles = st.sampled_from([0.0, 0.25, -0.25, math.pi, 2 * math.pi, 4 * math.pi, 1e-13, 3.0, -3.0])


@st.composite
def rows(draw):
    kind = draw(st.sampled_from(["1q", "rot", "r", "2q", "barrier"]))
    q = draw(st.integers(0, N - 1))
    if kind == "1q":
        return Row(draw(st.sampled_from(ONE_Q)), (q,), ())
    if kind == "rot":
        return Row(draw(st.sampled_from(ROT)), (q,), (draw(angles),))
    if kind == "r":
        return Row("r", (q,), (draw(st.sampled_from([0.0, 0.5])), draw(angles)))
    if kind == "2q":
        p = draw(st.integers(0, N - 1).filter(lambda x: x != q))
        return Row(draw(st.sampled_from(TWO_Q)), (q, p), ())
    return Row("barrier", draw(st.sampled_from([(), (q,)])), ())


@settings(max_examples=300, deadline=None)
@given(st.lists(rows(), max_size=24))
def test_unitary_is_unchanged(circuit):
    table = GateTable.from_rows(circuit)
    out = simplify(table) or table
    assert np.allclose(unitary(out, N), unitary(table, N), atol=1e-9)
    assert len(out) <= len(table)


def names(table):
    return [(r.name, r.qubits, r.params) for r in table.rows()]


def test_cascading_cancellation():
    t = GateTable.from_rows([Row("h", (0,), ()), Row("x", (0,), ()), Row("x", (0,), ()), Row("h", (0,), ())])
    assert names(simplify(t)) == []


def test_merge_and_reduce_angles():
    t = GateTable.from_rows([Row("rz", (0,), (0.25,)), Row("rz", (0,), (0.5,)), Row("ry", (1,), (5 * math.pi,))])
    assert names(simplify(t)) == [("rz", (0,), (0.75,)), ("ry", (1,), (math.remainder(5 * math.pi, 4 * math.pi),))]


def test_blocked_by_other_qubit_use_and_barriers():
    t = GateTable.from_rows([
        Row("h", (0,), ()), Row("cz", (0, 1), ()), Row("h", (0,), ()),
        Row("x", (1,), ()), Row("barrier", (), ()), Row("x", (1,), ()),
        Row("z", (2,), ()), Row("measure", (2,), (), "m"), Row("z", (2,), ()),
    ])
    assert simplify(t) is None


def test_cx_direction_matters_but_cz_and_swap_do_not():
    t = GateTable.from_rows([Row("cx", (0, 1), ()), Row("cx", (1, 0), ()),
                             Row("swap", (2, 3), ()), Row("swap", (3, 2), ())])
    assert names(simplify(t)) == [("cx", (0, 1), ()), ("cx", (1, 0), ())]


def test_unchanged_table_reports_no_change():
    t = GateTable.from_rows([Row("h", (0,), ()), Row("cx", (0, 1), ())])
    assert simplify(t) is None
