"""Synthetic lattices of any size, as routing-table columns: for benchmarks, tests and the health
heartbeat's generated lattices (`navm health run --nodes N`).

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


_TRI_STEPS_EVEN = ((0, -1), (0, 1), (-1, -1), (-1, 0), (1, -1), (1, 0))
_TRI_STEPS_ODD = ((0, -1), (0, 1), (-1, 0), (-1, 1), (1, 0), (1, 1))


def triangular_columns(n: int, *, pitch_um: float = PITCH_UM, fidelity: float = 0.995,
                       record_base: int = 0) -> dict[str, np.ndarray]:
    """Columns for `RoutingTable.from_columns`: an n-node triangular lattice. Rows of ⌈√n⌉ rounded up
    to a multiple of 3 nodes, odd rows shifted by half a pitch, rows √3/2 pitch apart; every node has
    its up to 6 nearest neighbours at one pitch. Triangles tile the lattice exactly: in each pair of
    rows (2k, 2k+1) and each 3 columns 3m..3m+2, an upward triangle (2k, 3m), (2k, 3m+1),
    (2k+1, 3m) and a downward one (2k+1, 3m+1), (2k+1, 3m+2), (2k, 3m+2); only nodes of an
    incomplete last block have no triangle."""
    side = max(3, 3 * math.ceil(math.ceil(math.sqrt(n)) / 3))
    k = np.arange(n, dtype=np.int64)
    row, col = divmod(k, side)
    neighbours = np.full((n, 6), NO_NEIGHBOUR, dtype=np.int64)
    odd = row % 2 == 1
    for slot in range(6):
        dr = np.where(odd, _TRI_STEPS_ODD[slot][0], _TRI_STEPS_EVEN[slot][0])
        dc = np.where(odd, _TRI_STEPS_ODD[slot][1], _TRI_STEPS_EVEN[slot][1])
        r, c = row + dr, col + dc
        other = r * side + c
        ok = (r >= 0) & (c >= 0) & (c < side) & (other < n)
        neighbours[ok, slot] = other[ok]
    neighbours = np.take_along_axis(neighbours, np.argsort(neighbours == NO_NEIGHBOUR, axis=1, kind="stable"), 1)
    pair, block = row // 2, col // 3
    label = 2 * (pair * (side // 3) + block)
    up = ((row % 2 == 0) & (col % 3 < 2)) | ((row % 2 == 1) & (col % 3 == 0))
    triangle = np.where(up, label, label + 1)
    # a triangle whose three nodes are not all there (the last, incomplete rows) is no triangle
    counts = np.bincount(triangle, minlength=int(triangle.max()) + 1 if n else 0)
    triangle = np.where(counts[triangle] == 3, triangle, NO_TRIANGLE)
    kept = np.unique(triangle[triangle >= 0])
    triangle = np.where(triangle >= 0, np.searchsorted(kept, triangle), NO_TRIANGLE)
    return {
        "node_id": k, "site_id": k,
        "x_um": pitch_um * (col + 0.5 * odd).astype(np.float64),
        "y_um": pitch_um * math.sqrt(3) / 2 * row.astype(np.float64),
        **lattice_columns(n),
        "triangle": triangle,
        "record_addr": record_base + RECORD_SIZE * k,
        "fidelity": np.full(n, fidelity),
        "neighbours": neighbours,
    }
