"""One bloqade kernel per gate that navm expands (and one for all the gates it maps one to one),
each after the same entangling preparation, so that a wrong phase anywhere, controlled phases
included, changes the state. `SQUIN` and `QASM2` map a gate name to its kernel."""

from __future__ import annotations

from bloqade import qasm2, squin


@squin.kernel
def squin_prepared():
    q = squin.qalloc(3)
    squin.u3(0.3, 0.7, 1.1, q[0])
    squin.u3(1.3, 0.2, 0.5, q[1])
    squin.u3(2.1, 1.7, 0.4, q[2])
    squin.cx(q[0], q[1])
    return q


@squin.kernel
def s_one_to_one():
    """The gates navm has too, rotations in turns included."""
    q = squin_prepared()
    squin.x(q[0])
    squin.y(q[1])
    squin.z(q[2])
    squin.h(q[0])
    squin.s(q[1])
    squin.s_adj(q[2])
    squin.t(q[0])
    squin.t_adj(q[1])
    squin.rx(0.9, q[2])
    squin.ry(-1.3, q[0])
    squin.rz(2.2, q[1])
    squin.cx(q[2], q[0])
    squin.cz(q[1], q[2])
    squin.swap(q[0], q[2])
    squin.h(q[1])


@squin.kernel
def s_sqrt_x():
    q = squin_prepared()
    squin.sqrt_x(q[0])


@squin.kernel
def s_sqrt_x_adj():
    q = squin_prepared()
    squin.sqrt_x_adj(q[1])


@squin.kernel
def s_sqrt_y():
    q = squin_prepared()
    squin.sqrt_y(q[2])


@squin.kernel
def s_sqrt_y_adj():
    q = squin_prepared()
    squin.sqrt_y_adj(q[0])


@squin.kernel
def s_u3():
    q = squin_prepared()
    squin.u3(0.4, 1.2, -0.7, q[1])


@squin.kernel
def s_phased_xz():
    q = squin_prepared()
    squin.phased_xz(0.3, 0.5, 0.7, q[0])


@squin.kernel
def s_cy():
    q = squin_prepared()
    squin.cy(q[0], q[2])


@squin.kernel
def s_ccz():
    q = squin_prepared()
    squin.h(q[2])
    squin.ccz(q[0], q[1], q[2])


@squin.kernel
def s_broadcast():
    q = squin_prepared()
    squin.broadcast.h(q)
    squin.broadcast.cx([q[0], q[1]], [q[2], q[0]])


SQUIN = {k.sym_name.removeprefix("s_"): k for k in (
    s_one_to_one, s_sqrt_x, s_sqrt_x_adj, s_sqrt_y, s_sqrt_y_adj, s_u3, s_phased_xz, s_cy, s_ccz, s_broadcast)}


@qasm2.main
def q_prepared():
    q = qasm2.qreg(3)
    qasm2.u(q[0], 0.3, 0.7, 1.1)
    qasm2.u(q[1], 1.3, 0.2, 0.5)
    qasm2.u(q[2], 2.1, 1.7, 0.4)
    qasm2.cx(q[0], q[1])
    return q


# The gates navm has too (and id and barrier, which do nothing to the state).
@qasm2.main
def q_one_to_one():
    q = q_prepared()
    qasm2.id(q[0])
    qasm2.x(q[0])
    qasm2.y(q[1])
    qasm2.z(q[2])
    qasm2.h(q[1])
    qasm2.s(q[0])
    qasm2.sdg(q[1])
    qasm2.t(q[2])
    qasm2.tdg(q[0])
    qasm2.barrier((q[0], q[2]))
    qasm2.rx(q[0], 0.9)
    qasm2.ry(q[1], -1.3)
    qasm2.rz(q[2], 2.2)
    qasm2.cx(q[2], q[0])
    qasm2.cz(q[0], q[2])
    qasm2.swap(q[1], q[2])
    qasm2.h(q[0])


@qasm2.main
def q_sx():
    q = q_prepared()
    qasm2.sx(q[0])


@qasm2.main
def q_sxdg():
    q = q_prepared()
    qasm2.sxdg(q[1])


@qasm2.main
def q_u1():
    q = q_prepared()
    qasm2.u1(q[1], 0.3)


@qasm2.main
def q_u2():
    q = q_prepared()
    qasm2.u2(q[0], 0.2, 0.4)


@qasm2.main
def q_u():
    q = q_prepared()
    qasm2.u(q[2], 0.1, 0.2, 0.3)


@qasm2.main
def q_cy():
    q = q_prepared()
    qasm2.cy(q[0], q[2])


@qasm2.main
def q_ch():
    q = q_prepared()
    qasm2.ch(q[1], q[2])


@qasm2.main
def q_csx():
    q = q_prepared()
    qasm2.csx(q[1], q[0])


@qasm2.main
def q_crx():
    q = q_prepared()
    qasm2.crx(q[2], q[0], 0.4)


@qasm2.main
def q_cry():
    q = q_prepared()
    qasm2.cry(q[0], q[1], 0.7)


@qasm2.main
def q_crz():
    q = q_prepared()
    qasm2.crz(q[0], q[2], 0.3)


@qasm2.main
def q_cu1():
    q = q_prepared()
    qasm2.cu1(q[1], q[0], 0.9)


@qasm2.main
def q_cu3():
    q = q_prepared()
    qasm2.cu3(q[0], q[2], 0.3, 0.5, 0.8)


@qasm2.main
def q_cu():
    q = q_prepared()
    qasm2.cu(q[2], q[1], 0.3, 0.5, 0.8, 1.1)


@qasm2.main
def q_ccx():
    q = q_prepared()
    qasm2.ccx(q[0], q[1], q[2])


@qasm2.main
def q_cswap():
    q = q_prepared()
    qasm2.cswap(q[2], q[0], q[1])


@qasm2.main
def q_rxx():
    q = q_prepared()
    qasm2.rxx(q[0], q[2], 0.6)


@qasm2.main
def q_rzz():
    q = q_prepared()
    qasm2.rzz(q[1], q[2], 0.8)


QASM2 = {k.sym_name.removeprefix("q_"): k for k in (
    q_one_to_one, q_sx, q_sxdg, q_u1, q_u2, q_u, q_cy, q_ch, q_csx, q_crx, q_cry, q_crz, q_cu1, q_cu3, q_cu, q_ccx,
    q_cswap, q_rxx, q_rzz)}
