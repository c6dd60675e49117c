"""The jitted program of the noiseless path: chunks of passes, applied slab by slab.

One program per (qubit count, dtype) runs every circuit; its size grows with
the number of blocks, not with the circuit. Why this shape (measured on the
2-core development CPU, complex64, n = 20 and 24; see docs/backends/statevector.md):
- Every call that makes a new 2^n result pays for a fresh buffer: ~5.5 ns per
  amplitude of page faults at n = 24, more than a gate. So one call runs many
  passes on a donated state.
- A dense kernel with static qubit positions runs near memory speed; traced
  positions need a gather (~8 ns per amplitude). So there is one kernel per
  block (`layout.py`), picked by `lax.switch`.
- A while loop whose body is not elementwise copies its result back into the
  carry. The loop body applies two passes, the first behind an optimization
  barrier, so the second writes straight into the carry.
- A 128 MiB state goes through memory at ~2 ns per amplitude and pass; a run
  of passes applied to one cached 512 KiB slab after another costs ~1 ns.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
from jax import lax

from navm.backends.statevector.layout import Layout

PASSES = 512
"""Passes per call."""
LOW, HIGH = 0, 1


def _mix(x: jax.Array, matrix: jax.Array, k: int, after: jax.Array | None = None) -> jax.Array:
    """x (…, 2^k, C) ← matrix on axis -2, then times after[v] (broadcast) for output row v.
    A stack of products, not a dot: XLA makes it one vectorized loop per output slice."""
    size = 2**k
    cols = [x[..., j, :] for j in range(size)]
    out = [sum(matrix[r, j] * cols[j] for j in range(size)) for r in range(size)]
    return jnp.stack(out if after is None else [o * after[r] for r, o in enumerate(out)], axis=-2)


def branch_keys(lay: Layout, region: int) -> list[tuple]:
    """What the switch branches of one region do, in order: ("block", b, with_rows)
    for each block b of the region, then ("block", b, True) for the low blocks below
    the diagonal split (their dense pass may end with an h-dependent diagonal), then
    ("diagonal",) and ("noop",). Multiplying by an identity R cost 8–20%, hence two kernels."""
    blocks = [b for b, (first, _) in enumerate(lay.blocks) if (first < lay.s) == (region == HIGH)]
    rows = [b for b in blocks if region == LOW and lay.blocks[b][0] >= lay.diag_split]
    return [("block", b, False) for b in blocks] + [("block", b, True) for b in rows] + [("diagonal",), ("noop",)]


def _branches(lay: Layout, region: int):
    """The switch branches of one region (`branch_keys`). Each takes (slab, matrix,
    tables, table index, slab offset)."""
    s, c, n = lay.s, lay.c, lay.n
    split, nl = lay.table_bits
    rows, cols = lay.rows_per_slab, lay.columns_per_slab
    h_rows = rows * 2 ** (c - nl)  # values of h in a row slab

    def block_kernel(first: int, k: int, with_rows: bool):
        if region == HIGH:
            shape = (2**first, 2**k, 2 ** (s - first - k) * cols)
        else:
            shape = (rows * 2 ** (first - s), 2**k, 2 ** (c - (first - s) - k))
        if not with_rows:
            return lambda slab, m, tables, t, offset: _mix(slab.reshape(shape), m, k).reshape(slab.shape)
        shape = (h_rows, 2 ** (first - split), 2**k, 2 ** (n - first - k))

        def with_row_diagonal(slab, m, tables, t, offset):  # then R[v, h]: per h, a diagonal on the block
            r = lax.dynamic_slice_in_dim(tables[3][t], offset * 2 ** (c - nl), h_rows, axis=1)
            r = r if k == 2 else r[::2]
            return _mix(slab.reshape(shape), m, k, r[:, :, None, None]).reshape(slab.shape)

        return with_row_diagonal

    def diagonal(slab, m, tables, t, offset):  # P(h) · A[g(h), l]
        p, a, g = (x[t] for x in tables[:3])
        if region == LOW:  # h = offset·2^(c-nl) …, all l
            at = offset * 2 ** (c - nl)
            p, g = (lax.dynamic_slice_in_dim(x, at, h_rows) for x in (p, g))
            return (slab.reshape(h_rows, 2**nl) * (p[:, None] * a[g])).reshape(slab.shape)
        wide, narrow = max(1, cols >> nl), min(cols, 2**nl)  # h = (row, offset >> nl …), l = offset & mask …
        p, g = (lax.dynamic_slice_in_dim(x.reshape(2**s, -1), offset >> nl, wide, axis=1) for x in (p, g))
        a = lax.dynamic_slice_in_dim(a, offset & (2**nl - 1), narrow, axis=1)
        return (slab.reshape(2**s, wide, narrow) * (p[..., None] * a[g])).reshape(slab.shape)

    def noop(slab, *_):
        return slab

    made = {"diagonal": lambda: diagonal, "noop": lambda: noop}
    return [block_kernel(*lay.blocks[key[1]], key[2]) if key[0] == "block" else made[key[0]]()
            for key in branch_keys(lay, region)]


def _passes(slab, branches, kinds, matrices, index, tables, start, count, offset):
    """Passes start…start+count-1 on one slab, two per loop iteration."""
    noop = len(branches) - 1  # the last branch

    def body(i, slab):
        j = start + 2 * i
        slab = lax.switch(kinds[j], branches, slab, matrices[j], tables, index[j], offset)
        slab = lax.optimization_barrier(slab)
        second = jnp.where(2 * i + 1 < count, kinds[j + 1], noop)
        return lax.switch(second, branches, slab, matrices[j + 1], tables, index[j + 1], offset)

    return lax.fori_loop(0, (count + 1) // 2, body, slab)


@partial(jax.jit, static_argnames=("lay",), donate_argnums=0)
def run_chunk(state, kinds, matrices, index, groups, n_groups, tables, *, lay: Layout):
    """Apply a chunk of passes to `state` (2^n,), n = lay.n.

    kinds (PASSES,): branch of each pass within its region; matrices
    (PASSES, 4, 4); index (PASSES,): table of a diagonal pass; groups (PASSES, 3):
    (region, first pass, pass count) of each run of passes on one region;
    tables: (P, A, g, R) stacked per table slot (`chunks.py`), slot 0 the identity.
    """
    s, c = lay.s, lay.c
    rows, cols = lay.rows_per_slab, lay.columns_per_slab
    low, high = _branches(lay, LOW), _branches(lay, HIGH) if s else None
    ops = (kinds, matrices, index, tables)

    def group(i, state):
        region, start, count = groups[i, 0], groups[i, 1], groups[i, 2]
        st = state.reshape(2**s, 2**c)

        def by_rows(r, st):
            slab = lax.dynamic_slice_in_dim(st, r * rows, rows)
            slab = _passes(slab, low, *ops, start, count, r * rows)
            return lax.dynamic_update_slice_in_dim(st, slab, r * rows, axis=0)

        def by_columns(j, st):
            slab = lax.dynamic_slice_in_dim(st, j * cols, cols, axis=1)
            slab = _passes(slab, high, *ops, start, count, j * cols)
            return lax.dynamic_update_slice_in_dim(st, slab, j * cols, axis=1)

        st = lax.fori_loop(0, jnp.where(region == LOW, 2**s // rows, 0), by_rows, st)
        if s:
            st = lax.fori_loop(0, jnp.where(region == HIGH, 2**c // cols, 0), by_columns, st)
        return st.reshape(state.shape)

    return lax.fori_loop(0, n_groups, group, state)
