"""What `navm compile` makes for the zoned device does what the source does: on random circuits
(hypothesis) the compiled program passes move-check (it runs in the pipeline) and its noiseless state
equals the source's up to the output permutation (navm.output_permutation) and a global phase."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import navm
from navm.frontend import load_text
from navm.pipeline import compile_module
from tests.statevector import equal_up_to_phase, final_state

GATES_1Q = ["h", "x", "y", "z", "s", "sdg", "t", "tdg", "sx"]


@st.composite
def circuits(draw) -> str:
    n = draw(st.integers(2, 7))
    lines = ['OPENQASM 2.0;', 'include "qelib1.inc";', f"qreg q[{n}];"]
    for _ in range(draw(st.integers(1, 40))):
        kind = draw(st.integers(0, 5))
        if kind <= 1:
            a, b = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
            gate = draw(st.sampled_from(["cx", "cz", "swap", "cu1(0.7)", "crz(1.3)", "rzz(0.4)"]))
            lines.append(f"{gate} q[{a}],q[{b}];")
        elif kind == 2:
            angle = draw(st.floats(-3.2, 3.2, allow_nan=False))
            lines.append(f"{draw(st.sampled_from(['rx', 'ry', 'rz']))}({angle}) q[{draw(st.integers(0, n - 1))}];")
        else:
            lines.append(f"{draw(st.sampled_from(GATES_1Q))} q[{draw(st.integers(0, n - 1))}];")
    return "\n".join(lines) + "\n"


def permuted(state: np.ndarray, perm: list[int]) -> np.ndarray:
    """`state` with program qubit k's axis moved to qubit perm[k]."""
    n = len(perm)
    return np.moveaxis(state.reshape((2,) * n), list(range(n)), perm).reshape(-1)


@settings(max_examples=60, deadline=None)
@given(circuits())
def test_zoned_programs_keep_the_state(text):
    source = next(op for op in compile_module(load_text(text, "qasm2"), "unroll").body.block.ops
                  if hasattr(op, "gate_table"))
    compiled = navm.compile(text, "zoned", language="qasm2")
    n = compiled.num_qubits
    perm = compiled.module.attributes.get("navm.output_permutation")
    order = [int(a.data) for a in perm.data] if perm is not None else list(range(n))
    expected = permuted(final_state(source.gate_table, n), order)
    assert equal_up_to_phase(final_state(compiled.table, n), expected, atol=1e-8)
    kinds = {row.name for row in compiled.table.rows()}
    assert "cz" not in kinds and kinds <= {"u3", "rydberg", "load", "move", "store"}
