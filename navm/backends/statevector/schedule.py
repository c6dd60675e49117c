"""Scheduling: a circuit's unitaries become few passes over the state.

A pass is dense on one block (a fixed pair of positions, `layout.py`),
possibly followed by a diagonal whose entries depend on the high bits, or it
is a diagonal pass (`diagonal.py`). Gates are placed greedily: a gate joins
the latest pass it may legally join, one that comes after every pass touching
its qubits (the gate commutes with everything after that), and opens a new
pass at the end otherwise. So 1-qubit rotations and gates inside a block pile
up in one dense pass, and diagonal gates across blocks (a QFT's controlled
phases, a brickwork's CZ layer) in a diagonal one or behind a dense one.

A swap moves no amplitude: it exchanges the positions of its two qubits for
the gates that follow (`runs.py` splits a run equal to SWAP·D into D, swap).
A controlled gate across two blocks, such as a cx, is (1 ⊗ A·W) ·
diag(1, 1, λ) · (1 ⊗ W†) with A†B = W λ W†: two dense gates and a diagonal.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import takewhile

import numpy as np

from navm.backends.statevector.diagonal import DiagPass, RowDiagonal, as_table, crossing
from navm.backends.statevector.layout import BLOCK, Layout
from navm.ir.unitaries import SWAP, embed
from navm.backends.statevector.program import Unitary


@dataclass(eq=False)
class BlockPass:
    block: int
    matrix: np.ndarray  # on the block's positions, first = most significant
    rows: RowDiagonal | None = None  # applied after the matrix


Pass = BlockPass | DiagPass


def swap_permutation(unitaries: list[Unitary], n: int) -> list[int]:
    """τ: relabelling every swap moves qubit q to the position first given to qubit τ[q]."""
    labels = list(range(n))
    for u in unitaries:
        if len(u.qubits) == 2 and u.matrix[1, 2] == 1 and np.array_equal(u.matrix, SWAP):
            a, b = u.qubits
            labels[a], labels[b] = labels[b], labels[a]
    return labels


class Scheduler:
    """Places gates (on logical qubits) into passes (on positions).

    A dense gate must come after every pass touching its positions; a diagonal
    one only after every pass acting densely on them (diagonals commute), so
    it may join an earlier pass.
    """

    def __init__(self, lay: Layout, positions: list[int]):
        self.lay = lay
        self.positions = list(positions)  # logical qubit -> position, changed by swaps
        self.passes: list[Pass] = []
        self.touched: list[set[int]] = []  # positions each pass acts on (or depends on)
        self.index: dict[int, int] = {}  # id(pass) -> its place in `passes`
        self.last_touch = [-1] * lay.n
        self.last_dense = [-1] * lay.n
        self.last_block: dict[int, int] = {}
        self.diagonals: list[int] = []

    def add(self, u: Unitary) -> None:
        m, pos = u.matrix, self.positions
        if len(u.qubits) == 1:
            ps = (pos[u.qubits[0]],)
            if m[0, 1] == 0 and m[1, 0] == 0:
                self._diagonal(ps, np.diagonal(m))
            else:
                self._dense(ps, m)
            return
        a, b = u.qubits
        ps = (pos[a], pos[b])
        if m[1, 2] == 1 and np.array_equal(m, SWAP):
            pos[a], pos[b] = pos[b], pos[a]
        elif _is_diagonal(m):
            self._diagonal(ps, np.diagonal(m))
        elif ps[0] // BLOCK == ps[1] // BLOCK:
            self._dense(ps, m)
        elif not (m[:2, 2:].any() or m[2:, :2].any()):
            self._controlled(ps, m[:2, :2], m[2:, 2:])
        else:
            swapped = SWAP @ m @ SWAP
            if swapped[:2, 2:].any() or swapped[2:, :2].any():
                raise ValueError(f"no decomposition for the 2-qubit matrix on {u.qubits}")
            self._controlled(ps[::-1], swapped[:2, :2], swapped[2:, 2:])

    def _controlled(self, ps: tuple[int, ...], a: np.ndarray, b: np.ndarray) -> None:
        """|0><0| ⊗ a + |1><1| ⊗ b on (control, target) = ps."""
        before, lam, after = _controlled_parts(a.tobytes(), b.tobytes())
        self._dense(ps[1:], before)
        self._diagonal(ps, np.array([1, 1, lam[0], lam[1]], complex))
        self._dense(ps[1:], after)

    def _block_pass(self, block: int, bound: int) -> BlockPass | None:
        """The latest dense pass of `block` if it is pass `bound` or later."""
        i = self.last_block.get(block, -1)
        return self.passes[i] if i >= 0 and i >= bound else None

    def _dense(self, ps: tuple[int, ...], m: np.ndarray) -> None:
        """m joins the block's latest dense pass unless a pass touching ps comes later,
        or that pass ends with an h-dependent diagonal on ps (which m need not commute with)."""
        block = ps[0] // BLOCK
        first, size = self.lay.blocks[block]
        local = tuple(p - first for p in ps)
        i = self.last_block.get(block, -1)
        touch = self.last_touch
        if i < 0 or i < max(touch[p] for p in ps) or (self.passes[i].rows is not None
                                                        and self.passes[i].rows.locals.intersection(local)):
            i = self.last_block[block] = self._new(BlockPass(block, np.eye(2**size, dtype=complex)))
        op = self.passes[i]
        op.matrix = (m if size == 1 else embed(m, local)) @ op.matrix
        self.touched[i].update(ps)
        for p in ps:
            touch[p] = self.last_dense[p] = i

    def _diagonal(self, ps: tuple[int, ...], d: np.ndarray) -> None:
        """d joins, in this order of preference, the block's dense pass, the l-side qubit's
        dense pass (as an h-dependent diagonal), a diagonal pass, or a new diagonal pass."""
        if d.tolist() == [1] * len(d):
            return
        bound, split = max(self.last_dense[p] for p in ps), self.lay.diag_split
        op = self._block_pass(ps[0] // BLOCK, bound) if len({p // BLOCK for p in ps}) == 1 else None
        if op is not None:
            local = tuple(p - self.lay.blocks[op.block][0] for p in ps)
            op.matrix = (np.diag(d) if len(op.matrix) == 2 else embed(np.diag(d), local)) @ op.matrix
            return self._touch(op, ps)
        ends = crossing(ps, split)
        if ends is not None and self.lay.blocks[ends[1] // BLOCK][0] >= split:
            op = self._block_pass(ends[1] // BLOCK, bound)
            if op is not None:
                (a, b), t = as_table(ps, d)
                local = b - self.lay.blocks[op.block][0]
                op.rows = op.rows or RowDiagonal()
                op.rows.factors.append((a, local, t))
                op.rows.locals.add(local)
                return self._touch(op, ps)
        later = takewhile(lambda i: i >= bound, reversed(self.diagonals))
        op = next((self.passes[i] for i in later if self.passes[i].accepts(ps, split)), None)
        if op is None:
            self.diagonals.append(self._new(DiagPass()))
            op = self.passes[-1]
        op.add(ps, d, split)
        self._touch(op, ps)

    def _touch(self, op: Pass, ps: tuple[int, ...]) -> None:
        """A diagonal joined `op`, possibly before the latest pass touching ps."""
        i = self.index[id(op)]
        self.touched[i].update(ps)
        for p in ps:
            self.last_touch[p] = max(self.last_touch[p], i)

    def _new(self, p: Pass) -> int:
        self.index[id(p)] = len(self.passes)
        self.passes.append(p)
        self.touched.append(set())
        return len(self.passes) - 1


@lru_cache(maxsize=64)
def _controlled_parts(a_bytes: bytes, b_bytes: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(W†, λ, a·W) with a†b = W λ W†; cached: a circuit's cx are all alike."""
    a, b = (np.frombuffer(x, complex).reshape(2, 2) for x in (a_bytes, b_bytes))
    v = a.conj().T @ b
    if abs(v[0, 1]) + abs(v[1, 0]) + abs(v[0, 0] - v[1, 1]) < 1e-14:
        w, lam = np.eye(2, dtype=complex), np.array([v[0, 0], v[0, 0]])
    else:
        lam, w = np.linalg.eig(v)  # distinct eigenvalues of a unitary: orthonormal vectors
    return w.conj().T, lam, a @ w


def _is_diagonal(m: np.ndarray) -> bool:
    return np.count_nonzero(m) == np.count_nonzero(m.diagonal())  # count_nonzero: no ufunc overhead
