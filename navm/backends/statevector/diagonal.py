"""Diagonal gates as small tables: many commuting ones applied in one multiply.

Index the state as (h, l): h the bits above `split` = n // 2, l the rest.
A product of diagonal gates is kept as tables of h and of l, never as 2^n
phases. A 2-qubit factor on (a, b) crosses the split when a is in h and b
in l; it is d(x_a, x_b) = d(0, x_b) · (d(1, x_b) / d(0, x_b))^x_a, a table of
l used where bit a of h is set: a "covers" it. Two kinds of pass hold them:

- `DiagPass`: D(h, l) = P(h) · A[g(h), l], g(h) the bits of h at the pass's
  covering positions (at most MAX_COVER). The controlled phases of one QFT
  step on a qubit in h all share that qubit as cover.
- `RowDiagonal`, riding on a dense pass of a block in l: a diagonal on the
  block's two qubits whose entries depend on h, R[v, h], applied after the
  block's matrix. A crossing factor is one on its l-side qubit. The
  controlled phases of one QFT step on a qubit in l go there, next to the
  step's Hadamard.

Products of tables cost one cheap multiply per amplitude; a per-amplitude
choice between table entries (the general form) ran 5–8× slower in XLA.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np

MAX_COVER = 2
"""Covering positions per diagonal pass: A has 2^MAX_COVER rows."""


def crossing(positions: tuple[int, ...], split: int) -> tuple[int, int] | None:
    """(h-side, l-side) positions of a 2-qubit factor across the split, else None."""
    high, low = min(positions), max(positions)
    return (high, low) if high < split <= low else None


def as_table(positions: tuple[int, ...], d: np.ndarray) -> tuple[tuple[int, ...], np.ndarray]:
    """The factor with positions ascending: d of shape (2,) or (2, 2) indexed by bits."""
    if len(positions) == 1:
        return positions, d
    t = d.reshape(2, 2)
    return (positions, t) if positions[0] < positions[1] else (positions[::-1], t.T)


@dataclass(eq=False)
class DiagPass:
    factors: list[tuple[tuple[int, ...], np.ndarray]] = field(default_factory=list)
    covers: set[int] = field(default_factory=set)

    def accepts(self, positions: tuple[int, ...], split: int) -> bool:
        ends = crossing(positions, split)
        return ends is None or ends[0] in self.covers or len(self.covers) < MAX_COVER

    def add(self, positions: tuple[int, ...], d: np.ndarray, split: int) -> None:
        """Multiply in a diagonal on `positions` (2 entries, or 4 indexed 2·bit(p0) + bit(p1))."""
        self.factors.append(as_table(positions, d))
        ends = crossing(positions, split)
        if ends is not None:
            self.covers.add(ends[0])


@dataclass(eq=False)
class RowDiagonal:
    """Factors d(x_a, x_b), a in h, b one of a block's two qubits (local index 0 or 1)."""

    factors: list[tuple[int, int, np.ndarray]] = field(default_factory=list)
    locals: set[int] = field(default_factory=set)


@cache
def _bits(count: int) -> np.ndarray:
    """(count, 2^count): row k holds bit k (0 = most significant) of every index."""
    index = np.arange(2**count)
    return (index[None, :] >> (count - 1 - np.arange(count)[:, None])) & 1


def pass_tables(p: DiagPass, n: int, split: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(P (2^split,), A (2^MAX_COVER, 2^(n-split)), g (2^split,) int32), complex128 tables."""
    hbits, lbits = _bits(split), _bits(n - split)
    row, column = np.ones(2**split, complex), np.ones(2 ** (n - split), complex)
    extra = {a: np.ones(2 ** (n - split), complex) for a in sorted(p.covers)}
    for positions, t in p.factors:
        if len(positions) == 1:
            (a,) = positions
            if a < split:
                row *= t[hbits[a]]
            else:
                column *= t[lbits[a - split]]
        elif positions[1] < split:
            row *= t[hbits[positions[0]], hbits[positions[1]]]
        elif positions[0] >= split:
            column *= t[lbits[positions[0] - split], lbits[positions[1] - split]]
        else:
            a, x = positions[0], lbits[positions[1] - split]
            column *= t[0, x]
            extra[a] *= t[1, x] / t[0, x]
    table = np.tile(column, (2**MAX_COVER, 1))
    g = np.zeros(2**split, np.int32)
    for k, a in enumerate(sorted(p.covers)):
        table[(np.arange(2**MAX_COVER) >> k) & 1 == 1] *= extra[a]
        g |= (hbits[a] << k).astype(np.int32)
    return row, table, g


def row_table(r: RowDiagonal, split: int) -> np.ndarray:
    """R (4, 2^split): the entry for local bits v = 2·x_0 + x_1 at each h."""
    hbits = _bits(split)
    sides = np.ones((2, 2, 2**split), complex)  # each factor acts on one local qubit: R = side 0 ⊗ side 1
    for a, local, t in r.factors:  # t[x_a, x_b]
        sides[local] *= np.where(hbits[a] == 1, t[1][:, None], t[0][:, None])
    return (sides[0][:, None, :] * sides[1][None, :, :]).reshape(4, 2**split)
