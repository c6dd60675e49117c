"""`navm compile --emit qasm2` read back by qiskit: same state, same measurements, same records.

Every program below compiles for its device (listed explicitly: a program that
stops compiling fails here). The states compared are those with every measure
and reset left out on both sides; for programs whose measurements are all at
the end that is exactly "final measurements removed". The measurements, resets
and barriers are compared separately, in order, with the gates between them.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import pytest

from navm.cli import main
from navm.frontend import load
from navm.pipeline import compile_for_device
from tests.backends.qasm2.reading import (
    navm_state,
    qiskit_state,
    read,
    same_up_to_phase,
    skeleton,
    table_skeleton,
)
from tests.helpers import TESTS

ROOT = TESTS.parent
HERE = "tests/backends/qasm2/programs"
BOTH = ("square-16x16", "test-small")
PROGRAMS = [
    *((p, d) for p in (
        "examples/qft.sigma.json",
        "tests/programs/all_gates.qbc",
        "tests/programs/bell.qbc",
        "tests/programs/calls.qbc",
        "tests/programs/cancel.qbc",
        "tests/programs/compile_full.qbc",
        "tests/programs/loop_qubits.qbc",
        "tests/programs/macros.sigma.json",
        "tests/programs/noise.qbc",
        "tests/programs/place_w_ring.qbc",
        "tests/programs/repetition.qbc",
        "tests/programs/route_long_cz.qbc",
        "tests/programs/sites.qbc",
        "tests/programs/storage.qbc",
        "examples/sigma/noisy.sigma.json",
        f"{HERE}/rotations.qbc",
    ) for d in BOTH),
    ("examples/ghz.qbc", "square-16x16"),  # ISA 1.0 coordinates on the default lattice only
    ("examples/qbc/ghz_loop.qbc", "square-16x16"),
]


@pytest.fixture(autouse=True)
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)


@cache
def emitted(program: str, device: str) -> str:
    """`navm compile PROGRAM --device DEVICE --emit qasm2 -o OUT`, run in-process, OUT's text."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.qasm"
        assert main(["compile", program, "--device", device, "--emit", "qasm2", "-o", str(out)]) == 0
        return out.read_text()


@cache
def compiled(program: str, device: str):
    return compile_for_device(load(program), device)


@pytest.mark.parametrize("program, device", PROGRAMS, ids=lambda v: v.rsplit("/", 1)[-1])
def test_qiskit_reads_the_same_state(program, device):
    circuit = read(emitted(program, device))
    expected = navm_state(compiled(program, device))
    assert circuit.num_qubits == len(expected).bit_length() - 1
    assert same_up_to_phase(qiskit_state(circuit), expected)


@pytest.mark.parametrize("program", ["examples/ghz.qbc", "examples/qft.sigma.json", f"{HERE}/rotations.qbc"])
def test_qiskit_agrees_with_navms_jax_statevector_backend(program):
    expected = navm_state(compiled(program, "square-16x16"), simulator="jax")
    assert same_up_to_phase(qiskit_state(read(emitted(program, "square-16x16"))), expected)


@pytest.mark.parametrize("program, device", PROGRAMS, ids=lambda v: v.rsplit("/", 1)[-1])
def test_measurements_resets_and_barriers_keep_their_place(program, device):
    circuit = read(emitted(program, device))
    assert skeleton(circuit) == table_skeleton(compiled(program, device), circuit.num_qubits)
    measures = [s for s in skeleton(circuit) if s[1] == "measure"]
    assert [s[3] for s in measures] == [(k,) for k in range(len(measures))]  # records in program order
    assert circuit.num_clbits == len(measures)


def test_the_general_axis_is_written_as_u3_and_read_back_exactly():
    text = emitted(f"{HERE}/rotations.qbc", "square-16x16")
    body = [ln for ln in text.splitlines() if not ln.startswith("//")]
    assert sum(ln.startswith("u3(") for ln in body) == 3
    assert "rz(1.0e-05) q[2];" in body  # an exponent always comes with a '.'
    assert "rz(pi/4) q[0];" in body  # t, folded into rz
    names = {inst.operation.name for inst in read(text).data}
    assert names == {"u3", "ry", "rz", "cz", "measure"}


def test_routed_state_maps_back_through_the_output_permutation():
    """route_long_cz on the default device adds SWAPs: the text acts on atoms, and the
    header's output_permutation says which atom ends up holding each program qubit."""
    text = emitted("tests/programs/route_long_cz.qbc", "square-16x16")
    line = next(ln for ln in text.splitlines() if ln.startswith("// output_permutation"))
    perm = [int(x) for x in line.split(":", 1)[1].split()]
    assert perm == [1, 7, 8]
    circuit = read(text)
    assert "swaps_added=7" in text and circuit.num_qubits == 9  # six ancilla atoms brought in
    measured = [circuit.find_bit(i.qubits[0]).index for i in circuit.data if i.operation.name == "measure"]
    assert measured == [perm[0], perm[2]]  # QMEAS q0, QMEAS q2


@pytest.mark.parametrize("program, device", PROGRAMS, ids=lambda v: v.rsplit("/", 1)[-1])
def test_navms_own_qasm2_front_end_reads_the_same_state(program, device):
    """Emit → navm's OpenQASM 2 front end → the same state as the compiled circuit (a round trip in navm)."""
    from navm.frontend import load_text

    again = load_text(emitted(program, device), "qasm2", "emitted.qasm")
    expected = navm_state(compiled(program, device))
    assert same_up_to_phase(navm_state(again), expected)
