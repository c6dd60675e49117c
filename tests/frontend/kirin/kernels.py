"""Real bloqade kernels the Kirin front-end tests lower: squin and qasm2 flavours."""

from __future__ import annotations

import math
from typing import Any

from bloqade import qasm2, squin
from kirin.dialects import ilist


@squin.kernel
def ghz():
    q = squin.qalloc(4)
    squin.h(q[0])
    for i in range(3):
        squin.cx(q[i], q[i + 1])


@squin.kernel
def ghz_measured():
    q = squin.qalloc(3)
    squin.h(q[0])
    for i in range(2):
        squin.cx(q[i], q[i + 1])
    squin.broadcast.measure(q)


@squin.kernel
def cphase(theta: float, control: squin.qubit.Qubit, target: squin.qubit.Qubit):
    """Controlled phase from squin's gates (squin has none of its own)."""
    squin.rz(theta / 2, control)
    squin.cx(control, target)
    squin.rz(-theta / 2, target)
    squin.cx(control, target)
    squin.rz(theta / 2, target)


@squin.kernel
def qft4():
    """The QFT of |0110> (qubit 0 most significant), final swaps included: nested loops and a sub-kernel."""
    q = squin.qalloc(4)
    squin.x(q[1])
    squin.x(q[2])
    for i in range(4):
        squin.h(q[i])
        for j in range(i + 1, 4):
            cphase(math.pi / 2 ** (j - i), q[j], q[i])
    for i in range(2):
        squin.swap(q[i], q[3 - i])


@squin.kernel
def layers(theta: float, n: int):
    """A parameterised kernel: the angle and the register size are arguments."""
    q = squin.qalloc(n)
    for i in range(n):
        squin.ry(theta * (i + 1), q[i])
    for i in range(n - 1):
        squin.cz(q[i], q[i + 1])
    squin.rx(theta, q[0])


@squin.kernel
def per_qubit(angles: ilist.IList[float, Any]):
    """A list argument: its length is the register size."""
    q = squin.qalloc(len(angles))
    for i in range(len(angles)):
        squin.rx(angles[i], q[i])


@squin.kernel
def layers_called():
    layers(0.4, 3)


def rotated(phi: float):
    """A kernel whose angle comes from a Python closure."""

    @squin.kernel
    def closure():
        q = squin.qalloc(2)
        squin.h(q[0])
        squin.cx(q[0], q[1])
        squin.rz(phi, q[1])
        squin.u3(phi, 2 * phi, 3 * phi, q[0])

    return closure


@qasm2.main
def qasm2_ghz():
    q = qasm2.qreg(3)
    qasm2.h(q[0])
    qasm2.cx(q[0], q[1])
    qasm2.cx(q[1], q[2])


@qasm2.gate
def entangle(a: qasm2.Qubit, b: qasm2.Qubit, theta: float):
    qasm2.h(a)
    qasm2.crz(a, b, theta)


# Angles as qasm2 expressions (bloqade keeps them as `expr` statements) and a user gate.
@qasm2.main
def qasm2_params():
    q = qasm2.qreg(2)
    qasm2.rx(q[0], qasm2.cos(0.3) * 2 - 1 / 4)
    entangle(q[0], q[1], 0.7)
    qasm2.u(q[1], 0.1, 0.2, 0.3)


# The QFT of |101> in the qasm2 dialect, with loops (which need qasm2.extended).
@qasm2.extended
def qasm2_qft3():
    q = qasm2.qreg(3)
    qasm2.x(q[0])
    qasm2.x(q[2])
    for i in range(3):
        qasm2.h(q[i])
        for j in range(i + 1, 3):
            qasm2.cu1(q[j], q[i], math.pi / 2 ** (j - i))
    qasm2.swap(q[0], q[2])


@qasm2.main
def qasm2_measured():
    q = qasm2.qreg(2)
    c = qasm2.creg(2)
    qasm2.x(q[1])
    qasm2.measure(q, c)
    qasm2.reset(q[0])
    qasm2.measure(q[0], c[1])
