"""The device's sites as a graph for placement and routing: hop distances in the blockade graph.

Two sites are adjacent when they are within the blockade radius (the edges of
`navm.devices.blockade`), so a 2-qubit gate is legal exactly when its
atoms are at hop distance 1, and a gate at distance d needs d - 1 SWAPs.

All-pairs hop distances are a dense matrix, fine up to `MAX_DENSE_SITES`
sites (the built-in devices have 256 and 13). A larger device is cut down to
the `MAX_DENSE_SITES` sites nearest the sites a program already uses (or the
middle of the lattice), and placement and routing work in that region.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from navm.passes.placement.hops import UNREACHABLE, components, hop_distances
from navm.devices.blockade import blockade_pairs
from navm.devices.profile import DeviceProfile

MAX_DENSE_SITES = 2048

_WHOLE_DEVICE: dict[int, SiteGraph] = {}


@dataclass(frozen=True, eq=False)
class SiteGraph:
    """Sites by local index 0..m-1: `ids` (device site ids), `coords` ((x, y) µm), `dist`
    (m × m hop distances, int16, `UNREACHABLE` across components), `neighbours` (adjacency
    lists), `component` (connected component number)."""

    ids: np.ndarray
    coords: tuple[tuple[float, float], ...]
    dist: np.ndarray
    neighbours: tuple[tuple[int, ...], ...]
    component: np.ndarray

    @cached_property
    def index(self) -> dict[int, int]:
        """Device site id → local index."""
        return {s: i for i, s in enumerate(self.ids.tolist())}

    @cached_property
    def dist_rows(self) -> list[list[int]]:
        """`dist` as Python lists: what the routing loop indexes, ~3x faster than numpy items."""
        return self.dist.tolist()

    @cached_property
    def centrality(self) -> np.ndarray:
        """Per local site, a rank (0 = most central; equal for symmetric sites): sites of a
        larger connected component first, then smaller total hop distance within it."""
        sizes = np.bincount(self.component)[self.component]
        reach = np.where(self.dist < UNREACHABLE, self.dist, 0).sum(axis=1, dtype=np.int64)
        keys = np.stack([-sizes.astype(np.int64), reach], axis=1)
        _, rank = np.unique(keys, axis=0, return_inverse=True)
        return rank.reshape(-1)

    @cached_property
    def excess(self) -> np.ndarray:
        """max(dist - 1, 0) as float64: the SWAPs a gate between two sites needs."""
        out = np.maximum(self.dist.astype(np.float64) - 1, 0)
        out.flags.writeable = False
        return out

    @cached_property
    def degree(self) -> np.ndarray:
        return np.array([len(n) for n in self.neighbours], dtype=np.int64)

    @cached_property
    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Local index pairs (a < b) of adjacent sites."""
        a = np.array([i for i, nbs in enumerate(self.neighbours) for j in nbs if i < j], dtype=np.int64)
        b = np.array([j for i, nbs in enumerate(self.neighbours) for j in nbs if i < j], dtype=np.int64)
        return a, b

    def __len__(self) -> int:
        return len(self.ids)


def site_graph(profile: DeviceProfile, used: Iterable[int] = ()) -> SiteGraph:
    """The site graph of `profile`: the whole device (cached per profile) when it has at most
    MAX_DENSE_SITES sites, else the region around the `used` site ids."""
    all_ids = np.array([s.id for s in profile.sites], dtype=np.int64)
    if len(all_ids) <= MAX_DENSE_SITES:
        key = id(profile)
        graph = _WHOLE_DEVICE.get(key)
        if graph is None:
            graph = _WHOLE_DEVICE[key] = _build(profile, np.arange(len(all_ids)))
            weakref.finalize(profile, _WHOLE_DEVICE.pop, key, None)
        return graph
    return _build(profile, _region(profile, all_ids, list(used)))


def _region(profile: DeviceProfile, all_ids: np.ndarray, used: list[int]) -> np.ndarray:
    """Rows of `profile.sites`: the used ones and the sites nearest to their centroid."""
    coords = profile.coords
    rows = np.flatnonzero(np.isin(all_ids, used)) if used else np.empty(0, dtype=np.int64)
    centre = coords[rows].mean(axis=0) if len(rows) else coords.mean(axis=0)
    d = np.hypot(coords[:, 0] - centre[0], coords[:, 1] - centre[1])
    nearest = np.lexsort((all_ids, d))[:MAX_DENSE_SITES]
    return np.unique(np.concatenate([rows, nearest]))


def _build(profile: DeviceProfile, rows: np.ndarray) -> SiteGraph:
    ids = np.array([profile.sites[r].id for r in rows.tolist()], dtype=np.int64)
    m = len(ids)
    a, b, _ = blockade_pairs(profile)
    local = {s: i for i, s in enumerate(ids.tolist())}
    keep = np.isin(a, ids) & np.isin(b, ids)
    ia = np.array([local[s] for s in a[keep].tolist()], dtype=np.int64)
    ib = np.array([local[s] for s in b[keep].tolist()], dtype=np.int64)
    dist = hop_distances(m, ia, ib)
    component = components(dist)
    dist.flags.writeable = False
    neighbours: list[list[int]] = [[] for _ in range(m)]
    for i, j in zip(ia.tolist(), ib.tolist()):
        neighbours[i].append(j)
        neighbours[j].append(i)
    coords = tuple(map(tuple, profile.coords[rows].tolist()))
    return SiteGraph(ids, coords, dist, tuple(tuple(sorted(n)) for n in neighbours), component)
