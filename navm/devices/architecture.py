"""Zoned architectures: storage and entanglement zones of SLM traps, gate sites, the Rydberg laser's
region, AODs, and the movement and transfer models (docs/devices.md, "Zoned architectures").

A zoned device keeps idle atoms in storage traps, out of the Rydberg laser, and an AOD carries the
atoms of each stage to gate sites in the entanglement zone, many in parallel. The `architecture`
section of a profile names which lattice zones are storage and which two trap arrays make each
entanglement zone's gate sites (trap k of one array with trap k of the other); this module turns
that into the lookups the zoned passes and the legality check need: trap positions, the gate site
of a trap, whether a point is under the laser, and how long a move of a given length takes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

DEFAULT_ACCELERATION = 0.00275
"""µm/µs²: a move of distance d takes sqrt(d / a) (ZAC's model, from its measured AOD)."""
DEFAULT_TRANSFER_US = 15.0
DEFAULT_TRANSFER_FIDELITY = 0.999


@dataclass(frozen=True)
class Aod:
    rows: int
    cols: int
    min_spacing_um: float


@dataclass(frozen=True)
class EntanglementZone:
    """Gate sites: `left[k]` and `right[k]` are the two traps of gate site k (site ids), in the arrays'
    row-major order; `rows` × `cols` sites. The laser covers `laser` = ((x0, y0), (x1, y1))."""

    name: str
    left: np.ndarray
    right: np.ndarray
    rows: int
    cols: int
    laser: tuple[tuple[float, float], tuple[float, float]]

    def in_laser(self, x, y):
        (x0, y0), (x1, y1) = self.laser
        return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)


@dataclass(frozen=True)
class Architecture:
    """The zoned part of a device profile, with the positions of every trap (`coords[site id]`)."""

    storage_zones: tuple[str, ...]
    storage: np.ndarray  # site ids of every storage trap
    zones: tuple[EntanglementZone, ...]
    aods: tuple[Aod, ...]
    acceleration_um_per_us2: float
    transfer_us: float
    transfer_fidelity: float
    transfer_loss: float
    coords: np.ndarray = field(repr=False)  # (max site id + 1, 2), NaN where no site

    def move_duration_us(self, distance_um: float) -> float:
        """How long the AOD takes to carry atoms `distance_um` (the longest move of a group)."""
        return math.sqrt(max(distance_um, 0.0) / self.acceleration_um_per_us2)

    def in_laser(self, x, y):
        """Whether each point is inside the Rydberg laser of some entanglement zone."""
        out = np.zeros(np.broadcast(np.asarray(x), np.asarray(y)).shape, bool)
        for zone in self.zones:
            out |= zone.in_laser(np.asarray(x), np.asarray(y))
        return out

    @cached_property
    def gate_site_of(self) -> dict[int, tuple[int, int, int]]:
        """Trap site id → (zone index, gate site index, 0 for the left trap or 1 for the right)."""
        out = {}
        for z, zone in enumerate(self.zones):
            for k, (a, b) in enumerate(zip(zone.left.tolist(), zone.right.tolist())):
                out[a], out[b] = (z, k, 0), (z, k, 1)
        return out

    @cached_property
    def gate_sites(self) -> list[tuple[int, int]]:
        """Every gate site as (zone index, site index)."""
        return [(z, k) for z, zone in enumerate(self.zones) for k in range(len(zone.left))]

    @cached_property
    def gate_site_centres(self) -> np.ndarray:
        """(sites, 2): the midpoint of each gate site's two traps, in `gate_sites` order."""
        return np.array([(self.coords[self.zones[z].left[k]] + self.coords[self.zones[z].right[k]]) / 2
                         for z, k in self.gate_sites]).reshape(-1, 2)

    def storage_by_distance(self, trap: int) -> list[int]:
        """Storage trap ids, nearest to `trap` first (cached per trap: the zoned passes ask often)."""
        cache = self.__dict__.setdefault("_storage_order", {})
        order = cache.get(trap)
        if order is None:
            xy = self.coords[self.storage]
            d = np.hypot(xy[:, 0] - self.coords[trap, 0], xy[:, 1] - self.coords[trap, 1])
            order = cache[trap] = self.storage[np.argsort(d, kind="stable")].tolist()
        return order

    @cached_property
    def gate_site_index(self) -> dict[tuple[int, int], int]:
        """(zone, site) → its position in `gate_sites`."""
        return {site: k for k, site in enumerate(self.gate_sites)}

    @cached_property
    def is_storage(self) -> np.ndarray:
        mask = np.zeros(len(self.coords), bool)
        mask[self.storage] = True
        return mask


def parse_architecture(value: dict[str, Any], site_ids: np.ndarray, xy: np.ndarray, zone_of: list[str | None],
                       fail) -> Architecture:
    """The `architecture` section, checked against the lattice: `fail(path, message)` raises."""
    coords = np.full((int(site_ids.max()) + 1 if len(site_ids) else 0, 2), np.nan)
    coords[site_ids] = xy
    names = {z for z in zone_of if z is not None}
    by_zone: dict[str, list[int]] = {}
    for sid, zone in zip(site_ids.tolist(), zone_of):
        by_zone.setdefault(zone, []).append(sid)

    def zone_sites(name: str, path: list) -> np.ndarray:
        if name not in names:
            fail(path, f"no lattice zone is named '{name}' (zones: {', '.join(sorted(names))})")
        return np.array(sorted(by_zone[name]), dtype=np.int64)

    storage = np.concatenate([zone_sites(n, ["architecture", "storage", i])
                              for i, n in enumerate(value["storage"])])
    zones = []
    for i, spec in enumerate(value["entanglement"]):
        path = ["architecture", "entanglement", i]
        left, right = (zone_sites(n, [*path, "slms", j]) for j, n in enumerate(spec["slms"]))
        if len(left) != len(right):
            fail([*path, "slms"], f"the two trap arrays of a gate zone must have as many traps: "
                                  f"{len(left)} and {len(right)}")
        (x0, y0), (x1, y1) = spec["rydberg_range_um"]
        if not (x0 < x1 and y0 < y1):
            fail([*path, "rydberg_range_um"], "rydberg_range_um is [[x_min, y_min], [x_max, y_max]] "
                                              "with x_min < x_max and y_min < y_max")
        rows = len(np.unique(coords[left, 1]))
        zone = EntanglementZone(spec["name"], left, right, rows, len(left) // max(rows, 1),
                                ((float(x0), float(y0)), (float(x1), float(y1))))
        traps = np.concatenate([left, right])
        if not zone.in_laser(coords[traps, 0], coords[traps, 1]).all():
            fail([*path, "rydberg_range_um"], f"gate zone '{spec['name']}' has traps outside its Rydberg laser")
        zones.append(zone)
    arch_zones = tuple(zones)
    lit = np.zeros(len(storage), bool)
    for zone in arch_zones:
        lit |= zone.in_laser(coords[storage, 0], coords[storage, 1])
    if lit.any():
        fail(["architecture", "storage"], f"storage trap {int(storage[lit][0])} is inside a Rydberg laser: "
                                          "storage must keep idle atoms out of the pulses")
    movement = value.get("movement", {})
    transfer = value.get("transfer", {})
    return Architecture(
        storage_zones=tuple(value["storage"]), storage=storage, zones=arch_zones,
        aods=tuple(Aod(int(a["rows"]), int(a["cols"]), float(a["min_spacing_um"])) for a in value["aods"]),
        acceleration_um_per_us2=float(movement.get("acceleration_um_per_us2", DEFAULT_ACCELERATION)),
        transfer_us=float(transfer.get("duration_us", DEFAULT_TRANSFER_US)),
        transfer_fidelity=float(transfer.get("fidelity", DEFAULT_TRANSFER_FIDELITY)),
        transfer_loss=float(transfer.get("loss", 0.0)),
        coords=coords,
    )
