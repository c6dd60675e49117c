"""Whole bloqade kernels (GHZ, QFT, loops, parameters, sub-kernels; squin and qasm2) lowered to
navm IR: the same state as bloqade's own simulator, the rows and records navm expects."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("bloqade.pyqrack")

from kirin.dialects import ilist

from navm.frontend.kirin import load_kernel
from navm.ir.verify import verify_module
from tests.frontend.kirin import kernels as k
from tests.frontend.kirin.states import (
    assert_same_state,
    bloqade_state,
    circuit,
    navm_state,
)

KERNELS = [  # (kernel, qubits, args)
    (k.ghz, 4, ()),
    (k.qft4, 4, ()),
    (k.layers, 3, (0.4, 3)),
    (k.layers, 5, (-1.1, 5)),
    (k.layers_called, 3, ()),
    (k.per_qubit, 3, (ilist.IList([0.1, -0.5, 2.0]),)),
    (k.rotated(0.7), 2, ()),
    (k.qasm2_ghz, 3, ()),
    (k.qasm2_params, 2, ()),
    (k.qasm2_qft3, 3, ()),
]


@pytest.mark.parametrize("kernel, n, args", KERNELS, ids=lambda v: getattr(v, "sym_name", None) or repr(v))
def test_kernel_state_matches_pyqrack(kernel, n, args):
    assert_same_state(navm_state(kernel, args), bloqade_state(kernel, n, args))


def test_ghz_state_is_ghz():
    want = np.zeros(16)
    want[0] = want[15] = 1 / math.sqrt(2)
    assert_same_state(navm_state(k.ghz), want)


@pytest.mark.parametrize("kernel, n, x", [(k.qft4, 4, 0b0110), (k.qasm2_qft3, 3, 0b101)], ids=["squin", "qasm2"])
def test_qft_is_the_discrete_fourier_transform(kernel, n, x):
    """Independent of either simulator: QFT|x> = Σ_y e^{2πi·xy/N} |y> / √N, qubit 0 most significant."""
    size = 2**n
    want = np.exp(2j * np.pi * x * np.arange(size) / size) / math.sqrt(size)
    assert_same_state(navm_state(kernel), want)


def test_loops_and_calls_are_gone_and_rows_point_at_the_users_lines():
    op = circuit(load_kernel(k.ghz))
    rows = list(op.gate_table.rows())
    assert [(r.name, r.qubits) for r in rows] == [("h", (0,)), ("cx", (0, 1)), ("cx", (1, 2)), ("cx", (2, 3))]
    source = (k.__file__, "squin.h(q[0])", "squin.cx(q[i], q[i + 1])")
    lines = _lines_of(*source)
    assert [r.loc.line for r in rows] == [lines[0]] + [lines[1]] * 3
    assert rows[0].loc.file.endswith("tests/frontend/kirin/kernels.py")


def test_squin_angles_are_turns_converted_to_radians():
    op = circuit(load_kernel(k.layers, (0.4, 2)))
    assert [(r.name, r.params) for r in op.gate_table.rows() if r.params] == [
        ("ry", (0.4,)), ("ry", (0.8,)), ("rx", (0.4,))]


def test_a_python_list_binds_a_list_parameter():
    op = circuit(load_kernel(k.per_qubit, ([0.25, 0.5],)))
    assert [(r.name, r.qubits, r.params) for r in op.gate_table.rows()] == [("rx", (0,), (0.25,)),
                                                                            ("rx", (1,), (0.5,))]


def test_qasm2_angle_expressions_are_evaluated():
    op = circuit(load_kernel(k.qasm2_params))
    (first, *_) = op.gate_table.rows()
    assert first.name == "rx" and first.params == pytest.approx((math.cos(0.3) * 2 - 1 / 4,))


def test_squin_measurements_are_records_in_program_order():
    module = load_kernel(k.ghz_measured)
    verify_module(module)
    measures = [r for r in circuit(module).gate_table.rows() if r.name == "measure"]
    assert [(r.qubits, r.result) for r in measures] == [((0,), "m0"), ((1,), "m1"), ((2,), "m2")]


def test_qasm2_measurements_are_named_after_their_bits():
    rows = [(r.name, r.qubits, r.result) for r in circuit(load_kernel(k.qasm2_measured)).gate_table.rows()]
    assert rows == [("x", (1,), None), ("measure", (0,), "c[0]"), ("measure", (1,), "c[1]"), ("reset", (0,), None),
                    ("measure", (0,), "c[1]")]


def test_qubits_are_unplaced_and_declared_where_allocated():
    op = circuit(load_kernel(k.qasm2_ghz))
    placement = op.qubit_placement
    assert placement.num_qubits == 3 and (placement.sites == -1).all()
    assert {loc.line for loc in placement.decl_locs} == {_lines_of(k.__file__, "q = qasm2.qreg(3)")[0]}


def test_noise_channels_map_to_navm_noise_rows():
    from bloqade import squin

    @squin.kernel
    def noisy():
        q = squin.qalloc(2)
        squin.depolarize(0.01, q[0])
        squin.depolarize2(0.02, q[0], q[1])
        squin.single_qubit_pauli_channel(0.1, 0.2, 0.3, q[1])
        squin.qubit_loss(0.05, q[0])

    module = load_kernel(noisy)
    verify_module(module)
    assert [(r.name, r.qubits, r.params) for r in circuit(module).gate_table.rows()] == [
        ("depolarize", (0,), (0.01,)), ("depolarize2", (0, 1), (0.02,)), ("pauli", (1,), (0.1, 0.2, 0.3)),
        ("loss", (0,), (0.05,))]


def test_the_kernel_itself_is_left_unchanged():
    before = _printed(k.qft4)
    assert "scf.for" in before and "func.invoke" in before
    load_kernel(k.qft4)
    load_kernel(k.layers, (0.3, 2))
    assert _printed(k.qft4) == before
    assert len(k.layers.args) == 2


def _printed(kernel) -> str:
    import io
    from contextlib import redirect_stdout

    out = io.StringIO()
    with redirect_stdout(out):
        kernel.print()
    return out.getvalue()


def _lines_of(file: str, *snippets: str) -> list[int]:
    text = Path(file).read_text(encoding="utf-8").splitlines()
    return [next(i for i, line in enumerate(text, 1) if snippet in line) for snippet in snippets]
