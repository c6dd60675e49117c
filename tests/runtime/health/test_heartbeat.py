"""The heartbeat: its exact states against an independent density-matrix simulation of the same
compiled program (Kraus operators, full 8×8 products), the noiseless program preparing W exactly,
per-node noise scales, a degraded site alerting exactly its triangle, samples with a seed, and the
lattice generator's triangles."""

from __future__ import annotations

import numpy as np
import pytest

from navm.runtime.health.alerts import AlertRules, decide
from navm.runtime.health.density import density_matrices
from navm.runtime.health.heartbeat import generated_lattice, run_heartbeat
from navm.runtime.health.metrics import triangle_metrics
from navm.runtime.health.program import Depolarize2, Gate, Loss, PauliChannel, embed3, heartbeat_program

_P = np.stack([np.eye(2), [[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]]).astype(complex)


def reference(program, scale):
    """The program's state by plain Kraus sums on 8×8 matrices: no Pauli basis, no JAX."""
    rho = np.zeros((8, 8), complex)
    rho[0, 0] = 1
    for op in program.ops:
        if isinstance(op, Gate):
            u = embed3(op.matrix, op.qubits)
            rho = u @ rho @ u.conj().T
        elif isinstance(op, PauliChannel):
            err = op.probs[1:] * scale[op.qubit]
            err = err / err.sum() if err.sum() > 1 else err
            weights = [1 - err.sum(), *err]
            rho = sum(w * embed3(_P[k], (op.qubit,)) @ rho @ embed3(_P[k], (op.qubit,)).conj().T
                      for k, w in enumerate(weights))
        elif isinstance(op, Depolarize2):
            p = min(1.0, op.p * max(scale[op.qubits[0]], scale[op.qubits[1]]))
            terms = [embed3(np.kron(_P[a], _P[b]), op.qubits) for a in range(4) for b in range(4)][1:]
            rho = (1 - p) * rho + p / 15 * sum(t @ rho @ t.conj().T for t in terms)
        else:
            assert isinstance(op, Loss)
            p = min(1.0, op.p * scale[op.qubit])
            k0 = embed3(np.array([[1, 0], [0, 0]]), (op.qubit,))
            k1 = embed3(np.array([[0, 1], [0, 0]]), (op.qubit,))
            rho = (1 - p) * rho + p * (k0 @ rho @ k0.conj().T + k1 @ rho @ k1.conj().T)
    return rho


@pytest.fixture(scope="module")
def program():
    return heartbeat_program("square-16x16")


def test_the_program_is_navms_compiled_w_circuit(program):
    assert program.channels > 10 and any(isinstance(op, Depolarize2) for op in program.ops)
    assert any(isinstance(op, Loss) for op in program.ops) and program.duration_us > 0
    fidelity = triangle_metrics(density_matrices(program, np.zeros((1, 3))))["fidelity"][0]
    assert fidelity == pytest.approx(1.0, abs=1e-6)  # without noise, exactly W


def test_the_states_match_a_plain_density_matrix_simulation(program):
    rng = np.random.default_rng(2)
    scales = np.vstack([np.ones(3), rng.uniform(0, 40, (5, 3)), [[400, 1, 1]]])
    got = density_matrices(program, scales)
    for scale, rho in zip(scales, got):
        np.testing.assert_allclose(rho, reference(program, scale), atol=2e-6)
        assert np.trace(rho).real == pytest.approx(1.0, abs=1e-5)


def test_a_degraded_site_alerts_exactly_its_triangle():
    lattice = generated_lattice(500)
    first = run_heartbeat(lattice)
    assert np.nanmin(first.node["fidelity"]) > 0.9
    hb = run_heartbeat(lattice, overrides={40: 25.0})
    members = lattice.members[lattice.triangle_of[lattice.table.row_of(40)]]
    low = np.flatnonzero(hb.node["fidelity"] < 0.9)
    assert sorted(low.tolist()) == sorted(members.tolist())
    decision = decide(hb.node["fidelity"], first.node["fidelity"], 3, np.zeros(lattice.nodes, bool), AlertRules())
    assert sorted(decision.opened.tolist()) == sorted(members.tolist())
    assert hb.distinct_states == 2


def test_a_drop_against_the_baseline_alerts_even_above_the_threshold():
    f = np.array([0.95, 0.95, np.nan])
    base = np.array([0.99, 0.95, np.nan])
    d = decide(f, base, 5, np.zeros(3, bool), AlertRules(threshold=0.9, drop=0.03))
    assert d.opened.tolist() == [0] and d.kinds.tolist() == ["drop"]
    assert decide(f, base, 1, np.zeros(3, bool), AlertRules(drop=0.03)).opened.tolist() == []  # warming up
    cleared = decide(np.array([0.99, 0.95, np.nan]), base, 6, np.array([True, False, False]), AlertRules())
    assert cleared.cleared.tolist() == [0]


def test_samples_follow_the_seed():
    lattice = generated_lattice(30)
    a = run_heartbeat(lattice, shots=50, seed=9).samples
    b = run_heartbeat(lattice, shots=50, seed=9).samples
    assert a.shape == (lattice.triangles, 8) and (a == b).all() and (a.sum(axis=1) == 50).all()
    assert a[:, [1, 2, 4]].sum() > 0.9 * a.sum()  # mostly one excitation


def test_the_generated_lattice_tiles_triangles_of_neighbours():
    lattice = generated_lattice(1000)
    x, y = (np.asarray(lattice.table.column(c)) for c in ("x_um", "y_um"))
    m = lattice.members
    for i, j in ((0, 1), (0, 2), (1, 2)):
        np.testing.assert_allclose(np.hypot(x[m[:, i]] - x[m[:, j]], y[m[:, i]] - y[m[:, j]]), 5.0)
    assert lattice.triangles * 3 >= 0.95 * lattice.nodes
    assert len(np.unique(m)) == m.size


def test_overrides_of_unknown_nodes_or_bad_scales_are_errors():
    from navm.diagnostics import NavmError

    lattice = generated_lattice(30)
    with pytest.raises(NavmError, match="no node 999"):
        run_heartbeat(lattice, overrides={999: 2.0})
    with pytest.raises(NavmError, match="must be a number >= 0"):
        run_heartbeat(lattice, overrides={3: -1.0})
    hb = run_heartbeat(lattice, overrides={29: 1.0})  # the last node: its scale is its own, no one else's
    assert hb.distinct_states == 1


@pytest.mark.parametrize("kind", ["equal", "few", "all"])
def test_unique_rows_is_numpys_unique(kind):
    from navm.runtime.health.density import unique_rows

    rng = np.random.default_rng(5)
    scales = {"equal": np.ones((500, 3)), "few": np.where(rng.random((500, 3)) < 0.05, 3.0, 1.0),
              "all": rng.random((500, 3))}[kind].astype(np.float32)
    distinct, inverse = unique_rows(scales)
    expected = np.unique(scales, axis=0)
    assert len(distinct) == len(expected) and np.array_equal(distinct[inverse], scales)
    assert len({tuple(r) for r in distinct.tolist()}) == len(distinct)
