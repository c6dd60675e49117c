"""The heartbeat's states, exactly: every triangle's three-qubit density matrix evolved through the
program's gates and noise channels at once, batched over triangles with JAX (one jit-compiled kernel
per program and batch size; the noise scales per triangle are its argument, so a new heartbeat
recompiles nothing; batches are padded so that few sizes ever compile).

The state is kept in the Pauli basis: ρ = (1/8) Σ_σ c_σ σ over the 64 Pauli strings, c real, as a
(4, 4, 4, B) tensor (I X Y Z per qubit, the batch innermost). There a gate on k qubits is a real
4^k × 4^k matrix on its qubits' axes (its Pauli transfer matrix); a Pauli channel multiplies the
components by per-triangle factors (X, Y, Z on the qubit: pI + pX − pY − pZ and so on); the
two-qubit depolarising channel scales every component that is not I on both its qubits by
1 − 16p/15; loss of qubit q (the atom gone, read as dark: ρ → (1 − p) ρ + p |0⟩⟨0|_q ⊗ Tr_q ρ)
moves weight from I to Z on that qubit and scales X and Y by 1 − p. Half the memory of complex
matrices and no complex arithmetic: that is what makes 10^5 triangles fit the time budget
(benchmarks/health.py). Readout flips act on records, not on states, and are left to samples.

Triangles with the same three noise scales share one state: only the distinct ones are computed.
"""

from __future__ import annotations

import numpy as np

from navm.runtime.health.program import Depolarize2, Gate, HeartbeatProgram, PauliChannel

MIN_BATCH = 64
CHUNK = 8192
_PAULI = np.stack([np.eye(2), [[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]]).astype(complex)
PAULI3 = np.stack([np.kron(np.kron(_PAULI[a], _PAULI[b]), _PAULI[c])
                   for a in range(4) for b in range(4) for c in range(4)])
"""The 64 Pauli strings as 8×8 matrices, index 16a + 4b + c."""


def transfer_matrix(matrix: np.ndarray) -> np.ndarray:
    """The Pauli transfer matrix of a 1- or 2-qubit unitary: R_ij = Tr(P_i U P_j U†) / 2^k, real."""
    k = int(round(np.log2(matrix.shape[0])))
    paulis = _PAULI if k == 1 else np.stack([np.kron(_PAULI[a], _PAULI[b]) for a in range(4) for b in range(4)])
    moved = np.einsum("ab,jbc,dc->jad", matrix, paulis, matrix.conj())
    return np.real(np.einsum("iab,jba->ij", paulis, moved)) / 2**k


def initial_components() -> np.ndarray:
    """|000⟩⟨000| = ((I + Z)/2)^⊗3: c_σ = 1 where every letter is I or Z."""
    c = np.zeros((4, 4, 4))
    iz = [0, 3]
    c[np.ix_(iz, iz, iz)] = 1.0
    return c


def _kernel_cache(program: HeartbeatProgram):
    hit = _KERNELS.get(id(program))
    if hit is None or hit[0] is not program:
        hit = _KERNELS[id(program)] = (program, _build_kernel(program))
    return hit[1]


_KERNELS: dict[int, tuple[HeartbeatProgram, object]] = {}


def _build_kernel(program: HeartbeatProgram):
    import jax
    import jax.numpy as jnp

    def part(x, axis, i):
        return jax.lax.index_in_dim(x, i, axis, keepdims=False)

    def combine(weights, parts):
        """Σ w_k · part_k over the weights that are not zero (a transfer matrix is mostly zeros)."""
        terms = [float(w) * p for w, p in zip(weights, parts) if abs(w) > 1e-12]
        return sum(terms[1:], terms[0]) if terms else jnp.zeros_like(parts[0])

    def gate1(c, q, r):
        parts = [part(c, q, k) for k in range(4)]
        return jnp.stack([combine(r[i], parts) for i in range(4)], axis=q)

    def gate2(c, a, b, r):  # a < b: index 4i + j is (a's Pauli, b's Pauli)
        parts = [part(part(c, b, j), a, i) for i in range(4) for j in range(4)]
        rows = [jnp.stack([combine(r[4 * i + j], parts) for j in range(4)], axis=b - 1) for i in range(4)]
        return jnp.stack(rows, axis=a)

    def along(axis_values, q):
        shape = [1, 1, 1, 1]
        shape[q] = 4
        return axis_values.reshape(shape[:3] + [axis_values.shape[-1]])

    ops = []
    for op in program.ops:
        if isinstance(op, Gate):
            qubits = op.qubits
            matrix = op.matrix
            if len(qubits) == 2 and qubits[0] > qubits[1]:  # keep the axes ascending
                swap = np.eye(4)[[0, 2, 1, 3]]
                matrix, qubits = swap @ matrix @ swap, (qubits[1], qubits[0])
            ops.append(("g", qubits, transfer_matrix(matrix)))
        else:
            ops.append(("n", op))

    def evolve(scales):
        batch = scales.shape[0]
        s = scales.T
        c = jnp.broadcast_to(jnp.asarray(initial_components(), jnp.float32)[..., None], (4, 4, 4, batch))
        for kind, *rest in ops:
            if kind == "g":
                qubits, r = rest
                c = gate1(c, qubits[0], r) if len(qubits) == 1 else gate2(c, qubits[0], qubits[1], r)
                continue
            op = rest[0]
            if isinstance(op, PauliChannel):
                err = jnp.asarray(op.probs[1:], jnp.float32)[:, None] * s[op.qubit][None, :]
                total = err.sum(axis=0)
                err = jnp.where(total > 1.0, err / jnp.maximum(total, 1e-30), err)
                px, py, pz = err[0], err[1], err[2]
                pi = 1.0 - px - py - pz
                lam = jnp.stack([jnp.ones_like(pi), pi + px - py - pz, pi - px + py - pz, pi - px - py + pz])
                c = c * along(lam, op.qubit)
            elif isinstance(op, Depolarize2):
                p = jnp.clip(op.p * jnp.maximum(s[op.qubits[0]], s[op.qubits[1]]), 0.0, 1.0)
                keep = np.zeros((4, 4, 4))
                idx = [slice(None)] * 3
                idx[op.qubits[0]], idx[op.qubits[1]] = 0, 0
                keep[tuple(idx)] = 1.0
                f = 1.0 - (16.0 / 15.0) * p
                c = c * (jnp.asarray(keep, jnp.float32)[..., None] + jnp.asarray(1 - keep, jnp.float32)[..., None]
                         * f[None, None, None, :])
            else:  # loss
                p = jnp.clip(op.p * s[op.qubit], 0.0, 1.0)
                q = op.qubit
                ci, cx, cy, cz = (part(c, q, k) for k in range(4))
                c = jnp.stack([ci, (1 - p) * cx, (1 - p) * cy, (1 - p) * cz + p * ci], axis=q)
        return c

    return jax.jit(evolve)


def batch_size(n: int) -> int:
    """The padded batch for n distinct triangles: a power of two up to CHUNK, then a multiple of it."""
    if n <= CHUNK:
        return max(MIN_BATCH, 1 << int(np.ceil(np.log2(max(n, 1)))))
    return -(-n // CHUNK) * CHUNK


def unique_rows(scales: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct rows, index of each row among them) of a (T, 3) float32 array: by their bit patterns,
    sorted with one lexsort (np.unique(axis=0) sorts opaque 12-byte records, ten times slower)."""
    bits = np.ascontiguousarray(scales).view(np.uint32)
    if len(bits) == 0 or (bits == bits[0]).all():
        return scales[:1], np.zeros(len(scales), dtype=np.int64)
    high = (bits[:, 0].astype(np.uint64) << np.uint64(32)) | bits[:, 1].astype(np.uint64)
    order = np.lexsort((bits[:, 2], high))
    h, low = high[order], bits[order, 2]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (h[1:] != h[:-1]) | (low[1:] != low[:-1])
    group = np.cumsum(first) - 1
    inverse = np.empty(len(order), dtype=np.int64)
    inverse[order] = group
    return scales[order[first]], inverse


def pauli_components(program: HeartbeatProgram, scales: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(c, inverse): the Pauli components (D, 4, 4, 4) of the D distinct triangles, and for each of the
    T triangles the index of its state among them."""
    scales = np.asarray(scales, dtype=np.float32).reshape(-1, 3)
    distinct, inverse = unique_rows(scales)
    padded = np.ones((batch_size(len(distinct)), 3), np.float32)
    padded[:len(distinct)] = distinct
    c = np.asarray(_kernel_cache(program)(padded))[..., :len(distinct)]
    return np.moveaxis(c, 3, 0), inverse.reshape(-1)


def density_from_components(c: np.ndarray) -> np.ndarray:
    """ρ (D, 8, 8) from Pauli components (D, 4, 4, 4)."""
    return np.einsum("ds,sij->dij", c.reshape(len(c), 64).astype(np.complex128), PAULI3) / 8.0


def density_matrices(program: HeartbeatProgram, scales: np.ndarray) -> np.ndarray:
    """ρ (T, 8, 8) of every triangle, for noise scales (T, 3) per triangle position."""
    c, inverse = pauli_components(program, scales)
    return density_from_components(c)[inverse]

