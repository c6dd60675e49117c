"""bloqade kernels navm cannot lower. Each offending line carries a `# navm-error` marker that the
tests look up, so the expected line numbers follow edits to this file."""

from __future__ import annotations

from bloqade import qasm2, squin


@squin.kernel
def leaks():
    q = squin.qalloc(2)
    squin.h(q[0])
    squin.qubit_leakage(0.1, 0.2, q[0])  # navm-error: leaks


@squin.kernel
def feedback():
    q = squin.qalloc(2)
    m = squin.measure(q[0])
    if squin.is_one(m):  # navm-error: feedback
        squin.x(q[1])


# A measurement-dependent `if` in the qasm2 dialect.
@qasm2.main
def qasm2_feedback():
    q = qasm2.qreg(2)
    c = qasm2.creg(2)
    qasm2.measure(q[0], c[0])
    if c[0] == 1:  # navm-error: qasm2_feedback
        qasm2.x(q[1])


@squin.kernel
def lossy(q: squin.qubit.Qubit):
    squin.correlated_qubit_loss(0.1, [q])  # navm-error: nested


@squin.kernel
def nested():
    q = squin.qalloc(1)
    lossy(q[0])


@squin.kernel
def takes_angle(theta: float):
    q = squin.qalloc(1)
    squin.rx(theta, q[0])


@squin.kernel
def out_of_range():
    q = squin.qalloc(2)
    squin.h(q[5])  # navm-error: out_of_range


@squin.kernel
def uneven():
    q = squin.qalloc(3)
    squin.broadcast.cx([q[0], q[1]], [q[2]])  # navm-error: uneven


@squin.kernel
def same_qubit_twice():
    q = squin.qalloc(2)
    squin.cx(q[0], q[0])  # navm-error: same_qubit_twice


@squin.kernel
def gate_on_a_number():
    squin.h(3)  # navm-error: gate_on_a_number


@qasm2.main
def negative_register():
    qasm2.qreg(-1)  # navm-error: negative_register


@qasm2.main
def measure_sizes():
    q = qasm2.qreg(2)
    c = qasm2.creg(3)
    qasm2.measure(q, c)  # navm-error: measure_sizes


@qasm2.main
def bit_out_of_range():
    q = qasm2.qreg(2)
    c = qasm2.creg(1)
    qasm2.measure(q[0], c[3])  # navm-error: bit_out_of_range


NOT_A_KERNEL = 42
