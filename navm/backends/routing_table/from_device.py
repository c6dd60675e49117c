"""Producer (b): a routing table from a device profile's lattice.

Node k is the k-th site in id order (the first N sites). Its σ-address is
σ_k = 8k/N and its j-coordinate 1728·(cos, sin)(2πk/N). Triangles are
disjoint triples of nodes whose sites pairwise blockade each other, chosen
greedily in ascending order of their site-id triples; numbered 0, 1, … in
that order. Neighbours are the other nodes within the blockade radius, the
12 nearest if there are more (ties by node id), nearest first. Every node's
fidelity is the device's CZ fidelity; its record address is
`record_base + 128·k`.
"""

from __future__ import annotations

import math

import numpy as np

from navm.backends.routing_table.layout import (
    J_RADIUS,
    MAX_NEIGHBOURS,
    NO_NEIGHBOUR,
    NO_TRIANGLE,
    RECORD_SIZE,
    SIGMA_PERIOD,
)
from navm.backends.routing_table.table import RoutingTable
from navm.diagnostics import NavmError


def lattice_columns(n: int) -> dict[str, np.ndarray]:
    """σ and j of nodes 0..n-1 (shared with the synthetic tables of the benchmark and tests)."""
    k = np.arange(n, dtype=np.float64)
    angle = 2 * math.pi * k / n
    return {"sigma": SIGMA_PERIOD * k / n, "j_re": J_RADIUS * np.cos(angle), "j_im": J_RADIUS * np.sin(angle)}


def disjoint_triangles(triples: np.ndarray, n: int) -> np.ndarray:
    """Triangle index of each of n nodes (-1: none): greedy over `triples` (rows of node indices) in order."""
    label = np.full(n, NO_TRIANGLE, dtype=np.int64)
    free = np.ones(n, dtype=bool)
    count = 0
    for a, b, c in triples.tolist():
        if free[a] and free[b] and free[c]:
            free[a] = free[b] = free[c] = False
            label[[a, b, c]] = count
            count += 1
    return label


def nearest_neighbours(a: np.ndarray, b: np.ndarray, dist: np.ndarray, n: int) -> np.ndarray:
    """(n, 12) neighbour lists from undirected pairs (a, b) at `dist`: nearest first, ties by id, -1 padded."""
    node = np.concatenate((a, b))
    other = np.concatenate((b, a))
    d = np.concatenate((dist, dist))
    order = np.lexsort((other, d, node))
    node, other = node[order], other[order]
    first = np.searchsorted(node, np.arange(n))
    rank = np.arange(len(node)) - first[node]
    keep = rank < MAX_NEIGHBOURS
    out = np.full((n, MAX_NEIGHBOURS), NO_NEIGHBOUR, dtype=np.int64)
    out[node[keep], rank[keep]] = other[keep]
    return out


def from_device(profile, nodes: int | None = None, *, record_base: int = 0) -> RoutingTable:
    """The routing table of the first `nodes` sites (all by default) of a profile (a name, path or profile)."""
    from navm.devices import DeviceProfile, load_profile
    from navm.devices.blockade import blockade_pairs, triangles

    if not isinstance(profile, DeviceProfile):
        profile = load_profile(profile)
    total = len(profile.sites)
    n = total if nodes is None else nodes
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= total:
        raise NavmError(f"the node count (--nodes) must be between 1 and the {total} sites of device "
                        f"'{profile.name}', got {n!r}")
    if isinstance(record_base, bool) or not isinstance(record_base, int) or record_base < 0 or record_base % 8:
        raise NavmError(f"record base must be a word address (an int >= 0, a multiple of 8), got {record_base!r}")
    try:
        fidelity = profile.noise.gate_fidelity("cz")
    except KeyError:
        raise NavmError(f"device '{profile.name}' has no native cz gate: the routing table's fidelity is the "
                        "CZ fidelity") from None
    ids = np.array([s.id for s in profile.sites], dtype=np.int64)
    a, b, dist = blockade_pairs(profile)
    ra, rb = np.searchsorted(ids, a), np.searchsorted(ids, b)
    inside = (ra < n) & (rb < n)
    tri = np.searchsorted(ids, np.array(triangles(profile), dtype=np.int64).reshape(-1, 3))
    columns = {
        "node_id": np.arange(n),
        "site_id": ids[:n],
        "x_um": profile.coords[:n, 0],
        "y_um": profile.coords[:n, 1],
        **lattice_columns(n),
        "triangle": disjoint_triangles(tri[(tri < n).all(axis=1)], n),
        "record_addr": record_base + RECORD_SIZE * np.arange(n, dtype=np.int64),
        "fidelity": np.full(n, fidelity),
        "neighbours": nearest_neighbours(ra[inside], rb[inside], dist[inside], n),
    }
    return RoutingTable.from_columns(columns, what=f"routing table of device '{profile.name}'")
