"""Passes as the fixed-shape arrays of `slabs.run_chunk`, cut into chunks.

Every chunk has the same shapes (padding is never run), so the program
compiles once per qubit count and dtype, whatever the circuit's length.
Tables travel in slots: slot 0 is the identity, a diagonal pass or a dense
pass with an h-dependent diagonal takes one more.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from navm.backends.statevector.diagonal import (
    MAX_COVER,
    DiagPass,
    pass_tables,
    row_table,
)
from navm.backends.statevector.layout import Layout
from navm.backends.statevector.schedule import BlockPass, Pass
from navm.backends.statevector.slabs import HIGH, LOW, PASSES, branch_keys


def regions(passes: list[Pass], lay: Layout) -> list[int]:
    """The region each pass runs in; a diagonal pass runs in either, so it joins its predecessor's."""
    out, current = [], LOW
    for p in passes:
        if isinstance(p, BlockPass):
            current = HIGH if lay.is_high(p.block) else LOW
        out.append(current)
    return out


def _needs_table(p: Pass) -> bool:
    return isinstance(p, DiagPass) or p.rows is not None


def pack(passes: list[Pass], lay: Layout, dtype: np.dtype) -> Iterator[tuple]:
    """Argument tuples (kinds, matrices, index, groups, n_groups, tables) for `run_chunk`."""
    where = regions(passes, lay)
    first = 0
    while first < len(passes):
        last, slots = first, 1
        while last < len(passes) and last - first < PASSES and slots + _needs_table(passes[last]) <= lay.table_slots:
            slots += _needs_table(passes[last])
            last += 1
        yield _arrays(passes[first:last], where[first:last], lay, dtype)
        first = last


def _arrays(passes: list[Pass], where: list[int], lay: Layout, dtype: np.dtype) -> tuple:
    kind = {region: {key: i for i, key in enumerate(branch_keys(lay, region))} for region in (LOW, HIGH)}
    split, l_bits = lay.table_bits
    kinds = np.zeros(PASSES, np.int32)
    matrices = np.tile(np.eye(4, dtype=dtype), (PASSES, 1, 1))
    index = np.zeros(PASSES, np.int32)
    groups = np.zeros((PASSES, 3), np.int32)
    slots = lay.table_slots  # slot 0 the identity; slots no pass uses stay uninitialized
    tables = (np.empty((slots, 2**split), dtype), np.empty((slots, 2**MAX_COVER, 2**l_bits), dtype),
              np.empty((slots, 2**split), np.int32), np.empty((slots, 4, 2**split), dtype))
    for table in tables:
        table[0] = table.dtype.type(table.dtype.kind == "c")
    n_groups, slot = 0, 0
    for i, (p, region) in enumerate(zip(passes, where)):
        if _needs_table(p):
            slot += 1
            index[i] = slot
        if isinstance(p, BlockPass):
            kinds[i] = kind[region]["block", p.block, p.rows is not None]
            k = p.matrix.shape[0]
            matrices[i, :k, :k] = p.matrix
            if p.rows is not None:
                tables[3][slot] = row_table(p.rows, split)
        else:
            kinds[i] = kind[region]["diagonal",]
            tables[0][slot], tables[1][slot], tables[2][slot] = pass_tables(p, lay.n, split)
        if n_groups and groups[n_groups - 1, 0] == region:
            groups[n_groups - 1, 2] += 1
        else:
            groups[n_groups] = (region, i, 1)
            n_groups += 1
    return kinds, matrices, index, groups, np.int32(n_groups), tables
