"""OpenQASM 2 programs written here: navm's state equals qiskit's reading of the same text."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from navm.frontend.qasm2.library import QELIB1_NAMES, qelib1_gates
from navm.frontend.qasm2.qelib1 import NATIVE, QELIB1
from tests.frontend.qasm2.states import (
    little_to_big_endian,
    navm_state,
    qiskit_state,
    same_state,
)
from tests.statevector import equal_up_to_phase

HEADER = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'
N = 5


def prepare(n: int = N, seed: int = 1) -> str:
    """A register in a generic product state, entangled a little, so no gate acts trivially."""
    rng = random.Random(seed)
    lines = [f"qreg q[{n}];"]
    lines += [f"U({rng.uniform(0.3, 2.8):.6f},{rng.uniform(-3, 3):.6f},{rng.uniform(-3, 3):.6f}) q[{k}];"
              for k in range(n)]
    lines += [f"CX q[{k}],q[{k + 1}];" for k in range(n - 1)]
    return "\n".join(lines) + "\n"


def test_bit_order_is_made_explicit():
    """x on qubit 0 of 2: navm's index 0b10 (qubit 0 most significant), qiskit's 0b01."""
    text = HEADER + "qreg q[2];\nx q[0];\n"
    assert np.argmax(np.abs(navm_state(text))) == 2
    assert np.argmax(np.abs(qiskit_state(text))) == 2  # after little_to_big_endian
    assert np.allclose(little_to_big_endian(np.arange(8), 3), [0, 4, 2, 6, 1, 5, 3, 7])


def _call(gate, rng: random.Random) -> str:
    params = ",".join(f"{rng.uniform(-3, 3):.6f}" for _ in range(gate.n_params))
    if gate.name == "u0":  # a number of idle cycles: qiskit wants an integer
        params = str(rng.randrange(1, 5))
    qubits = ",".join(f"q[{k}]" for k in rng.sample(range(N), gate.n_qubits))
    return f"{gate.name}({params}) {qubits};" if params else f"{gate.name} {qubits};"


@pytest.mark.parametrize("name", sorted(QELIB1_NAMES))
def test_every_qelib1_gate_matches_qiskit(name):
    gate = next(g for g in qelib1_gates() if g.name == name)
    rng = random.Random(name)
    text = HEADER + prepare() + "\n".join(_call(gate, rng) for _ in range(3)) + "\n"
    assert same_state(text)


def test_qelib1_covers_the_whole_file():
    names = {line.split()[1].split("(")[0] for line in QELIB1.splitlines() if line.startswith("gate ")}
    assert names == QELIB1_NAMES and len(names) == 42
    assert set(NATIVE) < names


@pytest.mark.parametrize("name", sorted(NATIVE))
def test_native_mappings_equal_qelib1s_own_definitions(name):
    """The same calls with qelib1's text pasted in (so every gate is expanded from its
    definition down to U and CX) and with the built-in include (navm's native rows)."""
    gate = next(g for g in qelib1_gates() if g.name == name)
    rng = random.Random(name)
    body = prepare() + "\n".join(_call(gate, rng) for _ in range(3)) + "\n"
    native = navm_state(HEADER + body)
    defined = navm_state("OPENQASM 2.0;\n" + QELIB1 + body)
    assert equal_up_to_phase(native, defined)


PROGRAMS = {
    "broadcasting": """
        qreg a[3]; qreg b[3];
        h a;
        cx a, b;
        cx a[0], b;
        rz(pi/3) b;
        swap a[2], b[1];
    """,
    "user gates with parameters": """
        qreg q[3];
        gate rot(theta, phi) t { U(theta, phi, -phi) t; }
        gate layer(a) x, y, z { rot(a, a/2) x; rot(-a^2, sin(a)) y; CX x, y; cu1(a*pi) y, z; }
        gate twice(a) x, y, z { layer(a) x, y, z; barrier x, z; layer(2*a) z, x, y; }
        h q;
        twice(0.7) q[0], q[1], q[2];
        twice(-1.1) q[2], q[0], q[1];
    """,
    "expressions": """
        qreg q[2];
        U(-2^2 + 3*pi/4, 2^3^0.5 - ln(3), exp(-0.5) * sqrt(2)) q[0];
        U(cos(pi)/tan(0.3), -(1.5e-1 - .25) / 2., +7 - -2) q[1];
        CX q[0], q[1];
        rz(((1))) q[1];
    """,
    "calls across lines and comments": """
        qreg q[3];   // three qubits
        h q[0];      // fast path
        cx q[0],
           q[1];     // rules
        u3 ( pi / 2 , 0.1 , -0.2 )
           q[2] ;
        cu3(0.3, 0.2, 0.1) q[2], q[0];
        rccx q[0], q[1], q[2]; ccx q[2], q[1], q[0];
    """,
    "identities and empty gates": """
        qreg q[2];
        gate nothing a { }
        gate e(x) a, b { }
        id q[0]; u0(3) q[1]; nothing q[0]; e(1) q[0], q[1];
        U(0, 0, 0) q[1];
        h q[1];
    """,
}


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_hand_written_program_matches_qiskit(name):
    assert same_state(HEADER + PROGRAMS[name])


def test_random_circuits_of_every_gate_match_qiskit():
    rng = random.Random(7)
    gates = [g for g in qelib1_gates() if g.name not in ("id", "u0")]
    for _ in range(5):
        body = prepare(seed=rng.randrange(1000)) + "\n".join(_call(rng.choice(gates), rng) for _ in range(40))
        assert same_state(HEADER + body + "\n")


def test_u_is_rz_ry_rz():
    """The mapping the docs state: U(θ, φ, λ) = rz(λ), ry(θ), rz(φ) rows in that order."""
    from navm.frontend.qasm2 import load_text
    from tests.frontend.qasm2.states import circuit_of

    rows = list(circuit_of(load_text("qreg q[1];\nU(0.1, 0.2, 0.3) q[0];\n", "u.qasm")).gate_table.rows())
    assert [(r.name, r.params) for r in rows] == [("rz", (0.3,)), ("ry", (0.1,)), ("rz", (0.2,))]
    assert math.isclose(rows[0].params[0], 0.3)
