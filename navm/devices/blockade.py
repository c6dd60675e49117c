"""Which sites blockade each other: the graph blockade-check, routing and the heartbeat read.

Two sites are within the blockade when they are at most `blockade_radius_um`
apart; two Rydberg gates are restricted (may not share a stage) when any of
their atoms are closer than `restriction_factor × blockade_radius_um`.
Distances within a relative 1e-9 of a limit count as equal to it, as for
`min_spacing_um`, so lattice rounding (√3, √2) never flips an answer.

The pairs come from a grid hash in numpy, O(n + pairs); the graph and the
triangles are computed once per profile object and kept while it lives.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from navm.devices.lattices import sorted_ranks
from navm.devices.profile import DeviceProfile

if TYPE_CHECKING:
    import networkx as nx

SLACK = 1e-9
# Cell offsets that visit every pair of cells at most one cell apart once (the cell itself included).
_HALF_NEIGHBOURHOOD = ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1))

_DERIVED: dict[int, dict[str, Any]] = {}


def _derived(profile: DeviceProfile) -> dict[str, Any]:
    """Values computed from `profile`, dropped when the profile is (profiles are immutable)."""
    key = id(profile)
    entry = _DERIVED.get(key)
    if entry is None:
        entry = _DERIVED[key] = {}
        weakref.finalize(profile, _DERIVED.pop, key, None)
    return entry


def _expand(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges [lo_k, hi_k): the range number k of each element, and the element."""
    counts = hi - lo
    owner = np.repeat(np.arange(len(lo)), counts)
    starts = np.cumsum(counts) - counts
    return owner, np.arange(int(counts.sum())) - starts[owner] + lo[owner]


def pairs_within(xy: np.ndarray, limit: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows i < j of `xy` at most `limit` apart (within the slack), sorted by (i, j), and their distances.

    Cells of side `limit` put every such pair in the same or adjacent cells.
    """
    empty = np.empty(0, dtype=np.int64)
    if len(xy) < 2 or not limit > 0:
        return empty, empty, np.empty(0)
    cells = np.floor(xy / limit)
    ux, rx = np.unique(cells[:, 0], return_inverse=True)
    uy, ry = np.unique(cells[:, 1], return_inverse=True)
    key = rx.reshape(-1).astype(np.int64) * len(uy) + ry.reshape(-1)
    order = np.argsort(key, kind="stable")
    sorted_keys = key[order]
    bound = limit * (1 + SLACK)
    found_a, found_b = [], []
    for dx, dy in _HALF_NEIGHBOURHOOD:
        ix, okx = sorted_ranks(ux, cells[:, 0] + dx)
        iy, oky = sorted_ranks(uy, cells[:, 1] + dy)
        src = np.flatnonzero(okx & oky)
        target = ix[src] * len(uy) + iy[src]
        lo = np.searchsorted(sorted_keys, target, "left")
        hi = np.searchsorted(sorted_keys, target, "right")
        owner, at = _expand(lo, hi)
        a, b = src[owner], order[at]
        keep = a < b if (dx, dy) == (0, 0) else np.ones(len(a), dtype=bool)
        a, b = a[keep], b[keep]
        close = np.hypot(*(xy[a] - xy[b]).T) <= bound
        found_a.append(a[close])
        found_b.append(b[close])
    a, b = np.concatenate(found_a), np.concatenate(found_b)
    i, j = np.minimum(a, b), np.maximum(a, b)
    sort = np.lexsort((j, i))
    i, j = i[sort], j[sort]
    return i, j, np.hypot(*(xy[i] - xy[j]).T)


def _search_radius(profile: DeviceProfile) -> float:
    """The blockade radius, or 0 when it is below the minimum spacing: then no pair is within
    it, and a grid that fine could overflow for sites the spacing check let through."""
    r = profile.blockade_radius_um
    return r if r * (1 + SLACK) >= profile.min_spacing_um * (1 - SLACK) else 0.0


def _row_pairs(profile: DeviceProfile) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`pairs_within` for the blockade radius, as rows of `profile.coords`; cached."""
    cache = _derived(profile)
    if "rows" not in cache:
        cache["rows"] = pairs_within(profile.coords, _search_radius(profile))
    return cache["rows"]


def _site_ids(profile: DeviceProfile) -> np.ndarray:
    return np.array([s.id for s in profile.sites], dtype=np.int64)


def blockade_pairs(profile: DeviceProfile) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Site ids (a < b) of every pair within the blockade radius, sorted, and their distances in µm.

    Read-only numpy arrays, shared: the fast form of `blockade_graph`.
    """
    cache = _derived(profile)
    if "pairs" not in cache:
        i, j, d = _row_pairs(profile)
        ids = _site_ids(profile)
        out = (ids[i], ids[j], d)
        for arr in out:
            arr.flags.writeable = False
        cache["pairs"] = out
    return cache["pairs"]


def blockade_graph(profile: DeviceProfile) -> nx.Graph:
    """A frozen graph over every site id, with an edge (attribute `distance_um`) between two
    sites within the blockade radius. Built once per profile."""
    cache = _derived(profile)
    if "graph" not in cache:
        import networkx as nx  # only the callers that want a graph pay for the import

        a, b, d = blockade_pairs(profile)
        graph = nx.Graph()
        graph.add_nodes_from(s.id for s in profile.sites)
        graph.add_edges_from(zip(a.tolist(), b.tolist(), ({"distance_um": x} for x in d.tolist())))
        cache["graph"] = nx.freeze(graph)
    return cache["graph"]


def _position(profile: DeviceProfile, site_id: int) -> tuple[float, float]:
    positions = _derived(profile).get("positions")
    if positions is None:
        positions = _derived(profile)["positions"] = {s.id: (s.x, s.y) for s in profile.sites}
    try:
        return positions[site_id]
    except KeyError:
        profile.site(site_id)  # raises the profile's own KeyError for an unknown id
        raise


def within_blockade(profile: DeviceProfile, a: int, b: int) -> bool:
    """Whether two distinct sites are within the blockade radius. KeyError for an unknown id."""
    (ax, ay), (bx, by) = _position(profile, a), _position(profile, b)
    return a != b and math.hypot(ax - bx, ay - by) <= profile.blockade_radius_um * (1 + SLACK)


def restricted(profile: DeviceProfile, sites_a: Iterable[int], sites_b: Iterable[int]) -> bool:
    """Whether two Rydberg gates on these sites may not share a stage: some atom of one is
    closer than `restriction_factor × blockade_radius_um` to an atom of the other (a shared
    site always is). KeyError for an unknown id."""
    # Gates have 1–3 atoms: plain Python beats building NumPy arrays here (a hot path of `schedule`).
    pa = [_position(profile, s) for s in sites_a]
    pb = [_position(profile, s) for s in sites_b]
    if not (pa and pb):
        return False
    limit = profile.restriction_radius_um * (1 - SLACK)
    return any(math.hypot(ax - bx, ay - by) < limit for ax, ay in pa for bx, by in pb)


def restriction_masks(profile: DeviceProfile, site_ids: list[int]) -> list[int]:
    """Per site of `site_ids`, the sites it is restricted with (`restricted(profile, [a], [b])`,
    itself included when the radius is positive) as the bits of an int, bit k for `site_ids[k]`.
    O(n + pairs) with the grid hash; distances near the limit are redone with math.hypot, so the
    answers are exactly `restricted`'s. KeyError for an unknown id."""
    xy = np.array([_position(profile, s) for s in site_ids], dtype=np.float64).reshape(-1, 2)
    limit = profile.restriction_radius_um * (1 - SLACK)
    masks = [1 << k for k in range(len(site_ids))] if limit > 0 else [0] * len(site_ids)
    i, j, distance = pairs_within(xy, limit)  # a superset: every pair within limit × (1 + SLACK)
    close = distance < limit
    for k in np.flatnonzero(np.abs(distance - limit) <= 1e-9 * limit).tolist():
        (ax, ay), (bx, by) = xy[i[k]].tolist(), xy[j[k]].tolist()
        close[k] = math.hypot(ax - bx, ay - by) < limit
    for a, b in zip(i[close].tolist(), j[close].tolist()):
        masks[a] |= 1 << b
        masks[b] |= 1 << a
    return masks


def triangles(profile: DeviceProfile) -> list[tuple[int, int, int]]:
    """Every triple of site ids (a < b < c) pairwise within the blockade radius, sorted."""
    cache = _derived(profile)
    if "triangles" not in cache:
        n = len(profile.sites)
        i, j, _ = _row_pairs(profile)
        # Forward neighbours of row r: j[start[r]:start[r + 1]], ascending (pairs sorted by (i, j)).
        start = np.searchsorted(i, np.arange(n + 1))
        owner, at = _expand(start[j], start[j + 1])  # for edge (i, j), each k with (j, k) an edge
        first, third = i[owner], j[at]
        edge_keys = i * n + j
        pos = np.searchsorted(edge_keys, first * n + third)
        pos[pos == len(edge_keys)] = 0
        hit = edge_keys[pos] == first * n + third if len(edge_keys) else np.zeros(0, dtype=bool)
        ids = _site_ids(profile)
        rows = np.column_stack((ids[first[hit]], ids[j[owner[hit]]], ids[third[hit]]))
        cache["triangles"] = tuple(map(tuple, rows.tolist()))
    return list(cache["triangles"])
