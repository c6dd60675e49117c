"""The heartbeat's formulas on states whose answers are known, and its two computations of each
metric (from density matrices, from Pauli components) against each other."""

from __future__ import annotations

import math

import numpy as np
import pytest

from navm.runtime.health import metrics as M
from navm.runtime.health.density import PAULI3, density_from_components
from navm.runtime.health.program import W_STATE

H_2_3 = -(2 / 3) * math.log2(2 / 3) - (1 / 3) * math.log2(1 / 3)  # 0.918…


def pure(psi):
    psi = np.asarray(psi, complex)
    psi = psi / np.linalg.norm(psi)
    return np.outer(psi, psi.conj())[None]


def components(rho):
    """ρ → c_σ = Tr(σ ρ), the inverse of density_from_components."""
    return np.real(np.einsum("sij,dji->ds", PAULI3, rho)).reshape(-1, 4, 4, 4)


def both(rho):
    """The exact (double-precision) metrics, checked against the heartbeat's single-precision ones;
    the concurrence of a pure state, where it is most sensitive, to 1e-3 (metrics.pair_concurrences)."""
    a = M.triangle_metrics(rho)
    b = M.component_metrics(components(rho))
    for k in a:
        np.testing.assert_allclose(a[k], b[k], atol=1e-3 if k == "concurrence" else 2e-6, err_msg=k)
    return a


def test_the_pure_w_state():
    m = both(pure(W_STATE))
    assert m["fidelity"][0] == pytest.approx(1.0)
    assert m["purity"][0] == pytest.approx(1.0)
    np.testing.assert_allclose(m["concurrence"][0], [2 / 3] * 3, atol=1e-6)
    np.testing.assert_allclose(m["entropy"][0], [H_2_3] * 3, atol=1e-9)


def test_the_maximally_mixed_state():
    m = both(np.eye(8)[None] / 8)
    assert m["fidelity"][0] == pytest.approx(1 / 8) and m["purity"][0] == pytest.approx(1 / 8)
    np.testing.assert_allclose(m["concurrence"][0], 0, atol=1e-6)
    np.testing.assert_allclose(m["entropy"][0], 1.0, atol=1e-9)


def test_a_product_state():
    plus = np.array([1, 1]) / math.sqrt(2)
    m = both(pure(np.kron(np.kron(plus, [0, 1]), [0, 1])))  # |+⟩|1⟩|1⟩: no single-excitation part
    assert m["fidelity"][0] == pytest.approx(0.0, abs=1e-12)
    assert m["purity"][0] == pytest.approx(1.0)
    np.testing.assert_allclose(m["concurrence"][0], 0, atol=1e-6)
    np.testing.assert_allclose(m["entropy"][0], 0, atol=1e-6)


def test_a_bell_pair_and_a_spectator():
    bell = np.zeros(8)
    bell[[0, 6]] = 1  # (|000⟩ + |110⟩)/√2: qubits 0 and 1 entangled, qubit 2 in |0⟩
    m = both(pure(bell))
    np.testing.assert_allclose(m["concurrence"][0], [1, 0, 0], atol=1e-6)
    np.testing.assert_allclose(m["entropy"][0], [1, 1, 0], atol=1e-6)
    assert m["fidelity"][0] == pytest.approx(0.0, abs=1e-12)


def test_the_two_concurrence_forms_agree_on_random_states():
    rng = np.random.default_rng(7)
    a = rng.standard_normal((300, 4, 4)) + 1j * rng.standard_normal((300, 4, 4))
    rho = a @ np.swapaxes(a.conj(), 1, 2)
    rho[:100] = np.einsum("di,dj->dij", a[:100, :, 0], a[:100, :, 0].conj())  # rank one: pure states
    rho /= np.trace(rho, axis1=1, axis2=2)[:, None, None]
    np.testing.assert_allclose(M.concurrence(rho), M.concurrence_eigvals(rho), atol=1e-7)
    assert (M.concurrence(rho[:100]) > 0.01).mean() > 0.9  # random pure states are entangled


def test_node_concurrence_averages_a_nodes_two_pairs():
    np.testing.assert_allclose(M.node_concurrence(np.array([[0.3, 0.6, 0.9]])), [[0.45, 0.6, 0.75]])


def test_components_and_matrices_round_trip():
    rho = pure(W_STATE)
    np.testing.assert_allclose(density_from_components(components(rho)), rho, atol=1e-12)
