"""The compiled circuit (placed, routed, scheduled, noise off) computes what the source does:
same state up to the qubit permutation and global phase, on random small circuits."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import ArrayAttr, ModuleOp

from navm.ir.circuit_table import GateTable, Placement, Row
from navm.ir.navm import CircuitOp, set_isa_version
from navm.pipeline import COMPILE_PIPELINE, compile_module
from tests.statevector import equal_up_to_phase, final_state

PIPELINE = COMPILE_PIPELINE.replace("unroll,", "")
ONE_Q = ["h", "x", "y", "z", "s", "sdg", "t", "tdg"]


@st.composite
def circuits(draw):
    n = draw(st.integers(2, 5))
    rows = []
    for _ in range(draw(st.integers(1, 14))):
        kind = draw(st.sampled_from(ONE_Q + ["rx", "ry", "rz", "r", "cx", "cz", "swap", "cx"]))
        q = draw(st.integers(0, n - 1))
        if kind in ("cx", "cz", "swap"):
            p = draw(st.integers(0, n - 1).filter(lambda x: x != q))
            rows.append(Row(kind, (q, p), ()))
        elif kind == "r":
            rows.append(Row("r", (q,), (draw(st.floats(-3, 3)), draw(st.floats(-3, 3)))))
        elif kind in ("rx", "ry", "rz"):
            rows.append(Row(kind, (q,), (draw(st.floats(-3, 3)),)))
        else:
            rows.append(Row(kind, (q,), ()))
    return n, rows


def compiled(n: int, rows: list[Row], device: str, sites=None):
    placement = Placement(n, sites=np.array(sites if sites is not None else [-1] * n, dtype=np.int64))
    module = ModuleOp([CircuitOp.build(GateTable.from_rows(rows), placement)])
    set_isa_version(module, "1.1")
    compile_module(module, PIPELINE, device=device)
    (op,) = [o for o in module.body.block.ops if isinstance(o, CircuitOp)]
    perm = module.attributes.get("navm.output_permutation")
    permutation = [a.data for a in perm.data] if isinstance(perm, ArrayAttr) else list(range(n))
    return op, permutation


def embed(state: np.ndarray, n: int, permutation: list[int], atoms: int) -> np.ndarray:
    """The n-qubit state with program qubit k on atom permutation[k], every other atom in |0>."""
    out = np.zeros(2**atoms, dtype=complex)
    for index, amplitude in enumerate(state):
        target = 0
        for k in range(n):
            if (index >> (n - 1 - k)) & 1:
                target |= 1 << (atoms - 1 - permutation[k])
        out[target] = amplitude
    return out


def check(n, rows, device="square-16x16", sites=None):
    op, permutation = compiled(n, rows, device, sites)
    atoms = op.qubit_placement.num_qubits
    got = final_state(op.gate_table, atoms)
    want = embed(final_state(GateTable.from_rows(rows), n), n, permutation, atoms)
    assert equal_up_to_phase(got, want, atol=1e-7)
    return op


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(circuits())
def test_compiled_circuit_keeps_the_state(circuit):
    check(*circuit)


def test_far_apart_user_placement_needs_routing_and_keeps_the_state():
    rows = [Row("h", (0,), ()), Row("cx", (0, 1), ()), Row("cx", (1, 2), ()), Row("cz", (0, 2), ()), Row("t", (2,), ())]
    op = check(3, rows, device="square-16x16", sites=[0, 40, 255])
    assert op.gate_table.scheduled
