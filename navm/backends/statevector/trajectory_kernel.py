"""The jitted Monte-Carlo kernel: one chunk of ops on a batch of trajectories.

Trajectories are the minor axis of the state, (2^n, B), so the gathers of
`kernels.apply_pair` move B contiguous amplitudes per index (`jax.vmap` over a
leading batch axis made every gathered element a strided access, several
times slower on a CPU). Per op and trajectory three uniforms are drawn ahead of
the loop: u0 picks the Pauli term of a channel or whether a loss happens, u1 the
measurement outcome, u2 the readout flip.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
from jax import lax

from navm.backends.statevector.kernels import CHUNK, KIND_COLLAPSE, apply_op
from navm.ir.unitaries import PAULI_PAIRS

SHOT_BLOCK = 8


@partial(jax.jit, static_argnames=("dtype",))
def shot_block_uniforms(key, first_shot, start, *, dtype):
    """(SHOT_BLOCK, CHUNK, 3) uniforms for shots first_shot… and the chunk starting at op `start`.

    Shot s, op start + i uses row i of uniform(fold_in(fold_in(key, s), start)), so a
    shot's outcome depends neither on the batch size nor on other shots. Drawn
    outside the op loop and for a fixed number of shots: a threefry program costs
    seconds of XLA compile time on a CPU, so there is one per dtype."""
    shots = first_shot + lax.iota(jnp.int32, SHOT_BLOCK)

    def one(shot):
        return jax.random.uniform(jax.random.fold_in(jax.random.fold_in(key, shot), start), (CHUNK, 3), dtype)

    return jax.vmap(one)(shots)


def chunk_uniforms(key, first_shot: int, start: int, size: int, dtype) -> jax.Array:
    """(size, CHUNK, 3) uniforms for a batch of `size` shots (see `shot_block_uniforms`)."""
    blocks = [shot_block_uniforms(key, first_shot + b, start, dtype=dtype) for b in range(0, size, SHOT_BLOCK)]
    return (jnp.concatenate(blocks) if len(blocks) > 1 else blocks[0])[:size]


@partial(jax.jit, static_argnames=("n",))
def run_trajectories(psi, lost, uniforms, ops, count, *, n: int):
    """Run `count` ops of a chunk on a batch of trajectories.

    psi (2^n, B), lost (B, n) bool, uniforms (B, CHUNK, 3) from `chunk_uniforms`;
    `ops` holds the chunk's arrays (see `packing.pack`). Returns the new psi and
    lost flags and the (CHUNK, B) outcomes of the chunk's measurement ops.
    """
    pauli_pairs = jnp.asarray(PAULI_PAIRS, psi.dtype)
    uniforms = jnp.swapaxes(uniforms, 0, 1)
    variants = ops["matrices"].shape[1]

    def body(i, carry):
        psi, lost, records = carry
        u = uniforms[i]
        k1, k2 = ops["k1"][i], ops["k2"][i]

        def gate(_):
            lost1, lost2 = lost[:, k1], lost[:, k2]
            v = (lost1.astype(jnp.int32) + 2 * lost2.astype(jnp.int32)) if variants == 4 else 0
            term = jnp.sum(u[:, 0, None] >= ops["cum"][i, None, :15], axis=1)
            a = jnp.where(lost1, 0, term // 4)
            b = jnp.where(lost2, 0, term % 4)
            matrix = jnp.matmul(pauli_pairs[4 * a + b], ops["matrices"][i, v], precision=lax.Precision.HIGHEST)
            return matrix, lost, jnp.zeros(u.shape[0], jnp.uint8)

        def collapse(_):
            return _collapse(psi, lost, u, i, k1, ops, n)

        matrix, lost, outcome = lax.cond(ops["kind"][i] == KIND_COLLAPSE, collapse, gate, None)
        psi = apply_op(psi, matrix, k1, k2, ops["diagonal"][i], n)
        records = records.at[ops["slot"][i]].set(outcome)
        return psi, lost, records

    records = jnp.zeros((CHUNK + 1, psi.shape[1]), jnp.uint8)
    psi, lost, records = lax.fori_loop(0, count, body, (psi, lost, records))
    return psi, lost, records[:CHUNK]


def _collapse(psi, lost, u, i, k, ops, n):
    """Per trajectory: the 4×4 Kraus matrix (projection ⊗ I) of a measure/reset/loss
    op, the new lost flags and the recorded bit (after the readout flip)."""
    real = u.dtype
    bit = ((lax.iota(jnp.int32, 2**n) >> (n - 1 - k)) & 1)[:, None] == 1
    weights = jnp.abs(psi) ** 2
    total = jnp.sum(weights, axis=0)
    p1 = jnp.sum(jnp.where(bit, weights, 0), axis=0)
    already = lost[:, k]
    lose = ops["lose"][i]
    event = (u[:, 0] < ops["p_event"][i]) & ~(lose & already)
    one = u[:, 1] * total < p1
    scale = lax.rsqrt(jnp.maximum(jnp.where(one, p1, total - p1), jnp.finfo(real).tiny))
    to_zero = ops["reset"][i] | lose
    zero = jnp.zeros_like(one)
    # |0><0|, or |1><1|, or |0><1| for a reset/lost qubit that was found in |1>
    kraus = jnp.stack([jnp.stack([~one, one & to_zero], -1), jnp.stack([zero, one & ~to_zero], -1)], -2)
    kraus = kraus.astype(real) * scale[:, None, None]
    kraus = jnp.where(event[:, None, None], kraus, jnp.eye(2, dtype=real)).astype(psi.dtype)
    matrix = jnp.einsum("bij,xy->bixjy", kraus, jnp.eye(2, dtype=psi.dtype)).reshape(-1, 4, 4)
    lost = lost.at[:, k].set(already | (event & lose))
    outcome = (one ^ (u[:, 2] < ops["flip_p"][i])).astype(jnp.uint8)
    return matrix, lost, outcome
