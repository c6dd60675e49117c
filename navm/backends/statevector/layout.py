"""How the noiseless path cuts a state of n qubits into blocks, regions and slabs.

Qubit positions are bit positions of a basis index, 0 the most significant.
- Blocks: positions 0-1, 2-3, … (the last one may hold one qubit). Every dense
  pass acts on one block, so there is one kernel per block, with static shapes.
- Regions: the state is a (2^s, 2^c) matrix. Blocks inside the first s
  positions ("high") touch only whole columns, the others ("low") only whole
  rows; s is a multiple of the block size so no block straddles the two.
- Slabs: a run of passes on one region is applied slab by slab, a slab being
  2^slab amplitudes (a few rows, or a band of columns), so that it stays in
  cache while all the passes of the run go over it: the state crosses the
  memory bus once per run instead of once per pass.
- Diagonal tables cut the positions at `diag_split` = n // 2 (`diagonal.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

BLOCK = 2
"""Qubits per block. With 3, a pass cost 1.6× as much and brickwork circuits
needed as many passes; a 4-qubit kernel took seconds to compile."""
LOW_BITS = 16
"""At most this many positions in the low region (a row of 2^16 amplitudes)."""
SLAB = 16
"""log2 of the amplitudes in a slab: 512 KiB in complex64 (14-18 measured alike)."""
MIN_COLUMNS = 3
"""log2 of the narrowest column band: 8 contiguous amplitudes per row."""


@dataclass(frozen=True)
class Layout:
    n: int
    s: int  # high-region positions: 0 … s-1
    diag_split: int
    blocks: tuple[tuple[int, int], ...]  # (first position, size) of each block, top to bottom
    rows_per_slab: int
    columns_per_slab: int
    table_slots: int  # diagonal tables per call: ~9 MiB of them in complex64

    @property
    def c(self) -> int:
        return self.n - self.s

    @property
    def table_bits(self) -> tuple[int, int]:
        """(h bits, l bits) of the diagonal tables."""
        return self.diag_split, self.n - self.diag_split

    def is_high(self, block: int) -> bool:
        return self.blocks[block][0] < self.s


@cache
def layout(n: int, low_bits: int = LOW_BITS, slab: int = SLAB) -> Layout:
    """The layout of n ≥ 2 qubits; tests pass small `low_bits` and `slab` to get many
    slabs and both regions on small states."""
    s = -(-max(0, n - low_bits) // BLOCK) * BLOCK
    c = n - s
    blocks = tuple((p, min(BLOCK, n - p)) for p in range(0, n, BLOCK))
    rows, columns = min(2**s, max(1, 2 ** (slab - c))), min(2**c, 2 ** max(MIN_COLUMNS, slab - s))
    out = Layout(n, s, n // 2, blocks, rows, columns, min(128, max(8, 2 ** (17 - n // 2))))
    assert out.c >= out.table_bits[1], "a row of the state must hold whole rows of the diagonal tables"
    return out
