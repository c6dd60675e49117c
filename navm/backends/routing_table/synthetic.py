"""Synthetic lattices of any size, as routing-table columns: for benchmarks and tests.

No built-in device has 196,883 sites; `grid_columns(n)` lays n nodes row by
row on a square grid (pitch 5 µm, ⌈√n⌉ columns), links each to its up to 8
grid neighbours (all within a 7.5 µm blockade radius), and tiles disjoint
triangles (r, c), (r, c+1), (r+1, c) over even rows and columns. σ and j
follow the lattice rule, as for a device (from_device.lattice_columns).
"""

from __future__ import annotations

import math

import numpy as np

from navm.backends.routing_table.from_device import lattice_columns
from navm.backends.routing_table.layout import NO_NEIGHBOUR, NO_TRIANGLE, RECORD_SIZE

PITCH_UM = 5.0
_STEPS = ((0, -1), (0, 1), (-1, 0), (1, 0), (-1, -1), (-1, 1), (1, -1), (1, 1))  # nearest first


def grid_columns(n: int, *, fidelity: float = 0.995, record_base: int = 0) -> dict[str, np.ndarray]:
    """Columns for `RoutingTable.from_columns`: an n-node square-grid lattice."""
    side = max(1, math.ceil(math.sqrt(n)))
    k = np.arange(n, dtype=np.int64)
    row, col = divmod(k, side)
    neighbours = np.full((n, len(_STEPS)), NO_NEIGHBOUR, dtype=np.int64)
    for slot, (dr, dc) in enumerate(_STEPS):
        r, c = row + dr, col + dc
        other = r * side + c
        ok = (r >= 0) & (c >= 0) & (c < side) & (other < n)
        neighbours[ok, slot] = other[ok]
    # Move the -1s to the end of each row, keeping nearest-first order.
    neighbours = np.take_along_axis(neighbours, np.argsort(neighbours == NO_NEIGHBOUR, axis=1, kind="stable"), 1)
    corner = k[(row % 2 == 0) & (col % 2 == 0) & (col + 1 < side) & (k + side < n)]
    triangle = np.full(n, NO_TRIANGLE, dtype=np.int64)
    labels = np.arange(len(corner))
    triangle[corner] = triangle[corner + 1] = triangle[corner + side] = labels
    return {
        "node_id": k, "site_id": k,
        "x_um": PITCH_UM * col.astype(np.float64), "y_um": PITCH_UM * row.astype(np.float64),
        **lattice_columns(n),
        "triangle": triangle,
        "record_addr": record_base + RECORD_SIZE * k,
        "fidelity": np.full(n, fidelity),
        "neighbours": neighbours,
    }
