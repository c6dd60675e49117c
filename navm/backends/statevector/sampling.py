"""Drawing shots from a final state, readout flips, and counting bitstrings.

A cumulative sum over 2^24 float32 probabilities cannot resolve single
amplitudes near the top of the range, so sampling is two-level: probabilities
are viewed as a (2^⌈n/2⌉, 2^⌊n/2⌋) matrix, a shot first picks a row from the
row totals, then a column from that row's own cumulative sum. Both picks are
binary searches over traced arrays; shots are drawn `SHOT_CHUNK` at a time so
the jitted programs do not depend on the shot count.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np


SHOT_CHUNK = 8192
BLOCK_WIDTH = 8


@partial(jax.jit, static_argnames=("dtype",))
def uniform_block(key, index, *, dtype):
    """(SHOT_CHUNK, BLOCK_WIDTH) uniforms from fold_in(key, index): the only
    threefry program of this module, compiled once per dtype (threefry costs
    seconds of XLA compile time on a CPU)."""
    return jax.random.uniform(jax.random.fold_in(key, index), (SHOT_CHUNK, BLOCK_WIDTH), dtype)


@partial(jax.jit, static_argnames=("n",))
def cumulative(psi, *, n: int):
    """(row cdf (2^a, 2^b), row-total cdf (2^a,)) of |psi|², a = n - n // 2."""
    probs = (jnp.abs(psi) ** 2).reshape(2 ** (n - n // 2), 2 ** (n // 2))
    rows = jnp.cumsum(probs, axis=1)
    return rows, jnp.cumsum(rows[:, -1])


def _search(cdf_at, size_bits: int, target):
    """Number of entries of a nondecreasing array that are <= `target` (cdf_at(i) reads
    entry i): the index drawn, never one of zero probability."""
    pos = jnp.zeros(target.shape, jnp.int32)
    for bit in reversed(range(size_bits)):
        cand = pos + (1 << bit)
        pos = jnp.where(cdf_at(cand - 1) <= target, cand, pos)
    return pos


@partial(jax.jit, static_argnames=("n",))
def draw(rows, tops, u, *, n: int):
    """SHOT_CHUNK basis-state indices drawn from the distribution `cumulative` describes,
    using u[:, 0] for the row and u[:, 1] for the column.

    The uniforms lie on a grid of step eps (2^-23 for float32) starting at 0; u = 0 would
    give a target of 0 and pick the first entry whose cumulative sum is above 0, however
    small its probability (rounding leaves 1e-32 on basis states a Bell pair never
    reaches: one shot in 2^23 read "10"). Each uniform is moved to the middle of its
    grid cell, so a target is never 0 and every outcome keeps its probability to within eps/2."""
    u = u.T + jnp.finfo(u.dtype).eps / 2
    a_bits, b_bits = n - n // 2, n // 2
    row = _search(lambda i: tops[i], a_bits, u[0] * tops[-1])
    row = jnp.minimum(row, 2**a_bits - 1)
    totals = rows[row, -1]
    col = _search(lambda i: rows[row, i], b_bits, u[1] * totals)
    col = jnp.minimum(col, 2**b_bits - 1)
    return (row << b_bits) | col


def sample_indices(psi, n: int, shots: int, key) -> np.ndarray:
    """`shots` basis-state indices drawn from |psi|² (qubit 0 = most significant bit)."""
    parts = list(index_chunks(psi, n, shots, key, shots))
    return np.concatenate(parts) if parts else np.zeros(0, np.int32)


def index_chunks(psi, n: int, shots: int, key, per_chunk: int) -> Iterator[np.ndarray]:
    """The indices of `sample_indices`, about `per_chunk` (rounded to SHOT_CHUNK) at a time."""
    rows, tops = cumulative(psi, n=n)
    blocks = -(-shots // SHOT_CHUNK)
    step = max(1, per_chunk // SHOT_CHUNK)
    for first in range(0, blocks, step):
        parts = [np.asarray(draw(rows, tops, uniform_block(key, c, dtype=tops.dtype), n=n))
                 for c in range(first, min(first + step, blocks))]
        yield np.concatenate(parts)[: shots - first * SHOT_CHUNK]


def flip_records(records: np.ndarray, flip_p: np.ndarray, key, real, first_shot: int = 0) -> np.ndarray:
    """Records with readout errors applied; `flip_p` holds one probability per record. Shot chunk c
    (shots from c · SHOT_CHUNK), records 8g…8g+7 use uniform_block(key, c · groups + g); `records`
    starts at shot `first_shot`, a multiple of SHOT_CHUNK."""
    shots, r = records.shape
    if shots == 0 or r == 0 or not np.any(flip_p > 0):
        return records
    groups = -(-r // BLOCK_WIDTH)
    first = first_shot // SHOT_CHUNK
    chunks = range(first, first + -(-shots // SHOT_CHUNK))
    u = np.concatenate([
        np.concatenate([np.asarray(uniform_block(key, c * groups + g, dtype=real)) for g in range(groups)], axis=1)
        for c in chunks
    ])
    return records ^ (u[:shots, :r] < np.asarray(flip_p, real)[None, :]).astype(np.uint8)


def bits_of(indices: np.ndarray, qubits: list[int], n: int) -> np.ndarray:
    """(shots, len(qubits)) uint8: each qubit's bit of each basis-state index."""
    shifts = np.asarray([n - 1 - q for q in qubits], np.int64)
    return ((indices.astype(np.int64)[:, None] >> shifts[None, :]) & 1).astype(np.uint8)
