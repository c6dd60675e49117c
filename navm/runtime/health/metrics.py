"""What a triangle's density matrix says about it and its nodes: W-state fidelity ⟨W|ρ|W⟩, purity
Tr ρ², the concurrence of each pair's reduced state (Wootters' formula), and the von Neumann entropy
(bits) of each node's reduced state. All batched over triangles with NumPy."""

from __future__ import annotations

import numpy as np

W_INDICES = np.array([1, 2, 4])  # |001⟩, |010⟩, |100⟩
PAIRS = ((0, 1), (0, 2), (1, 2))
_YY = np.kron([[0, -1j], [1j, 0]], [[0, -1j], [1j, 0]])


def w_fidelity(rho: np.ndarray) -> np.ndarray:
    block = rho[:, W_INDICES][:, :, W_INDICES]
    return np.real(block.sum(axis=(1, 2))) / 3.0


def purity(rho: np.ndarray) -> np.ndarray:
    return np.real(np.einsum("tij,tji->t", rho, rho))


def reduced(rho: np.ndarray, keep: tuple[int, ...]) -> np.ndarray:
    """The reduced state of the kept qubits (ordered as given), (T, 2^k, 2^k)."""
    rows, cols = "abc", "def"
    col = "".join(cols[q] if q in keep else rows[q] for q in range(3))  # a traced qubit: row label = column label
    out = "".join(rows[q] for q in keep) + "".join(cols[q] for q in keep)
    k = len(keep)
    return np.einsum(f"t{rows}{col}->t{out}", rho.reshape(-1, 2, 2, 2, 2, 2, 2)).reshape(-1, 2**k, 2**k)


def concurrence(rho2: np.ndarray) -> np.ndarray:
    """Wootters: C = max(0, λ1 − λ2 − λ3 − λ4), λ the square roots of the eigenvalues of ρ ρ̃,
    ρ̃ = (Y⊗Y) ρ* (Y⊗Y), in decreasing order. Computed without a non-Hermitian eigenproblem: with
    ρ = A A† (A = V √w from ρ's eigendecomposition, exact for singular ρ), the λ are the singular
    values of Aᵀ (Y⊗Y) A, i.e. the square roots of the eigenvalues of a Hermitian matrix."""
    w, v = np.linalg.eigh(rho2.astype(np.complex128))
    a = v * np.sqrt(np.clip(w, 0.0, None))[:, None, :]
    m = np.swapaxes(a, 1, 2) @ _YY @ a
    eig = np.linalg.eigvalsh(np.swapaxes(m.conj(), 1, 2) @ m)
    lam = np.sqrt(np.clip(eig, 0.0, None))[:, ::-1]
    return np.clip(lam[:, 0] - lam[:, 1] - lam[:, 2] - lam[:, 3], 0.0, None)


def concurrence_eigvals(rho2: np.ndarray) -> np.ndarray:
    """The same from the eigenvalues of ρ ρ̃ directly (the textbook form; the tests compare the two)."""
    tilde = _YY @ rho2.conj() @ _YY
    eig = np.linalg.eigvals(rho2.astype(np.complex128) @ tilde.astype(np.complex128))
    lam = np.sort(np.sqrt(np.clip(eig.real, 0.0, None)), axis=1)[:, ::-1]
    return np.clip(lam[:, 0] - lam[:, 1] - lam[:, 2] - lam[:, 3], 0.0, None)


def entropy_bits(rho1: np.ndarray) -> np.ndarray:
    """Von Neumann entropy of 2×2 states, in bits (eigenvalues in closed form)."""
    a, d = np.real(rho1[:, 0, 0]), np.real(rho1[:, 1, 1])
    gap = np.sqrt((a - d) ** 2 + 4 * np.abs(rho1[:, 0, 1]) ** 2)
    trace = a + d
    return _two_level_entropy((trace + gap) / 2, (trace - gap) / 2)


def _two_level_entropy(*eigenvalues: np.ndarray) -> np.ndarray:
    """−Σ λ log2 λ over a qubit's two eigenvalues (0 log 0 = 0)."""
    out = np.zeros(np.shape(eigenvalues[0]))
    for lam in eigenvalues:
        lam = np.clip(lam, 0.0, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            out -= np.where(lam > 1e-12, lam * np.log2(lam), 0.0)
    return out


def triangle_metrics(rho: np.ndarray) -> dict[str, np.ndarray]:
    """Per triangle: fidelity (T,), purity (T,), concurrence of pairs 01, 02, 12 (T, 3), entropy of
    each node's reduced state (T, 3)."""
    rho = rho.astype(np.complex128)
    return {
        "fidelity": w_fidelity(rho),
        "purity": purity(rho),
        "concurrence": np.stack([concurrence(reduced(rho, pair)) for pair in PAIRS], axis=1),
        "entropy": np.stack([entropy_bits(reduced(rho, (q,))) for q in range(3)], axis=1),
    }


_P1 = np.stack([np.eye(2), [[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]]).astype(complex)
_P2 = np.stack([np.kron(_P1[a], _P1[b]) for a in range(4) for b in range(4)])
_W_WEIGHTS: np.ndarray | None = None


def _w_weights() -> np.ndarray:
    """⟨W|σ|W⟩ for the 64 Pauli strings (index 16a + 4b + c)."""
    global _W_WEIGHTS
    if _W_WEIGHTS is None:
        from navm.runtime.health.density import PAULI3
        from navm.runtime.health.program import W_STATE

        _W_WEIGHTS = np.real(np.einsum("i,sij,j->s", W_STATE.conj(), PAULI3, W_STATE))
    return _W_WEIGHTS


def component_metrics(c: np.ndarray) -> dict[str, np.ndarray]:
    """`triangle_metrics` read from Pauli components c (D, 4, 4, 4), ρ = (1/8) Σ c_σ σ: the fidelity
    and purity are sums over components, each node's reduced state its Bloch vector, each pair's
    reduced state the 16 components that are I on the third qubit."""
    c = c.astype(np.float64)
    flat = c.reshape(len(c), 64)
    bloch = [c[:, 1:, 0, 0], c[:, 0, 1:, 0], c[:, 0, 0, 1:]]
    radius = np.stack([np.linalg.norm(b, axis=1) for b in bloch], axis=1)
    return {
        "fidelity": flat @ _w_weights() / 8.0,
        "purity": (flat**2).sum(axis=1) / 8.0,
        "concurrence": pair_concurrences(c),
        "entropy": _bloch_entropy(radius),
    }


def pair_concurrences(c: np.ndarray) -> np.ndarray:
    """(D, 3) concurrences of pairs 01, 02, 12 from Pauli components, batched in JAX, in single
    precision as the states are: ~1e-5 for the noisy states a device gives; near a pure state, where
    C is most sensitive, to ~1e-3. The factor A with ρ = A A† is a Cholesky factor of ρ + 1e-7·I (ten
    times faster than an eigendecomposition); pairs whose ρ is not positive definite even so (pure
    states, up to rounding) are redone with A = V √w from ρ's eigendecomposition."""
    if not len(c):
        return np.zeros((0, 3))
    from navm.runtime.health.density import batch_size

    def run(factor: str, rows: np.ndarray) -> np.ndarray:
        padded = np.zeros((batch_size(len(rows)), 4, 4, 4), np.float32)
        padded[:, 0, 0, 0] = 1.0  # padding rows: the maximally mixed state
        padded[:len(rows)] = rows
        return np.asarray(_concurrence_kernel(factor)(padded), dtype=np.float64)[:len(rows)]

    out = run("cholesky", c)
    bad = np.flatnonzero(~np.isfinite(out).all(axis=1))
    if len(bad):
        out[bad] = run("eigh", c[bad])
    return out


_CONCURRENCE: dict = {}


def _concurrence_kernel(factor: str):
    if factor not in _CONCURRENCE:
        import jax
        import jax.numpy as jnp

        p2 = jnp.asarray(_P2.reshape(16, 16), jnp.complex64)
        yy = jnp.asarray(_YY, jnp.complex64)
        eye = jnp.eye(4, dtype=jnp.complex64)

        def run(c):
            parts = jnp.stack([c[:, :, :, 0], c[:, :, 0, :], c[:, 0, :, :]], axis=1)  # (D, 3, 4, 4)
            rho = (parts.reshape(-1, 16).astype(jnp.complex64) @ p2).reshape(-1, 4, 4) / 4
            if factor == "cholesky":
                a = jnp.linalg.cholesky(rho + 1e-7 * eye)  # NaN where not positive definite
            else:
                w, v = jnp.linalg.eigh(rho)
                a = v * jnp.sqrt(jnp.clip(w, 0.0, None))[:, None, :]
            m = jnp.swapaxes(a, 1, 2) @ yy @ a
            eig = jnp.linalg.eigvalsh(jnp.swapaxes(m.conj(), 1, 2) @ m)
            lam = jnp.sqrt(jnp.clip(eig, 0.0, None))[:, ::-1]
            conc = jnp.clip(lam[:, 0] - lam[:, 1] - lam[:, 2] - lam[:, 3], 0.0, None)
            if factor == "cholesky":
                conc = jnp.where(jnp.isfinite(a).all(axis=(1, 2)), conc, jnp.nan)
            return conc.reshape(-1, 3)

        _CONCURRENCE[factor] = jax.jit(run)
    return _CONCURRENCE[factor]


def _bloch_entropy(radius: np.ndarray) -> np.ndarray:
    return _two_level_entropy((1 + radius) / 2, (1 - radius) / 2)


def node_concurrence(pairs: np.ndarray) -> np.ndarray:
    """Each node's mean concurrence with its two triangle partners, (T, 3) from pairs 01, 02, 12."""
    return np.stack([(pairs[:, 0] + pairs[:, 1]) / 2, (pairs[:, 0] + pairs[:, 2]) / 2,
                     (pairs[:, 1] + pairs[:, 2]) / 2], axis=1)
