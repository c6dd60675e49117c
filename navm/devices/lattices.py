"""Site generators: turn a profile's `lattice` block into numbered sites.

Generators number sites row-major from their origin (row 0 col 0 is the first
id, then along the row); zoned lattices number zone by zone in the listed
order; listed lattices keep the ids they give. docs/devices.md documents the
same rules: they are part of the profile format, since programs address
sites by id. Positions are numpy arrays so that large lattices stay cheap.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

Point = tuple[float, float]
JsonPath = tuple[str | int, ...]

DEFAULT_MIN_ISA = "1.0"
SQRT3 = math.sqrt(3.0)


def _grid(rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    r, c = np.divmod(np.arange(rows * cols, dtype=np.int64), cols)
    return r.astype(np.float64), c.astype(np.float64)


def square_sites(rows: int, cols: int, spacing: float | tuple[float, float],
                 origin: Point = (0.0, 0.0)) -> np.ndarray:
    """(rows·cols, 2) positions of a grid with pitch `spacing` in x and y (or (x pitch, y pitch):
    a rectangular grid, as the trap arrays of zoned devices are), row-major."""
    r, c = _grid(rows, cols)
    sx, sy = (spacing, spacing) if isinstance(spacing, (int, float)) else spacing
    return np.column_stack((origin[0] + c * sx, origin[1] + r * sy))


def triangular_sites(rows: int, cols: int, spacing: float, origin: Point = (0.0, 0.0)) -> np.ndarray:
    """Rows `spacing·√3/2` apart, odd rows shifted right by `spacing/2`, row-major.

    Every interior site then has six neighbours at distance `spacing`.
    """
    r, c = _grid(rows, cols)
    pitch = spacing * SQRT3 / 2.0
    return np.column_stack((origin[0] + (c + 0.5 * (r % 2)) * spacing, origin[1] + r * pitch))


def honeycomb_sites(rows: int, cols: int, spacing: float, origin: Point = (0.0, 0.0)) -> np.ndarray:
    """A honeycomb (nearest-neighbour distance `spacing`) built from zigzag rows, row-major.

    Row r is a zigzag chain: site c sits at x = c·spacing·√3/2 and is "low"
    (y = r·1.5·spacing) when r + c is even, "high" (half a spacing above) when
    odd. Neighbours along a chain are `spacing` apart; each high site sits
    exactly `spacing` below the low site of the next row at the same x, which
    closes the hexagons. Interior sites have three neighbours.
    """
    r, c = _grid(rows, cols)
    dx = spacing * SQRT3 / 2.0
    lift = np.where((r + c) % 2 == 1, 0.5 * spacing, 0.0)
    return np.column_stack((origin[0] + c * dx, origin[1] + r * 1.5 * spacing + lift))


GENERATORS: dict[str, Callable[[int, int, float, Point], np.ndarray]] = {
    "square": square_sites,
    "triangular": triangular_sites,
    "honeycomb": honeycomb_sites,
}


@dataclass(frozen=True)
class Block:
    """Where a group of sites was written: a generator block or one listed site.

    Semantic errors point into `path`, so they land on the value to fix.
    """

    path: JsonPath
    zone: str | None
    min_isa: str
    listed: bool


@dataclass(frozen=True)
class LatticeSites:
    """Sites in file order, column-wise: site k has id `ids[k]`, position `xy[k]`
    and came from `blocks[block[k]]`."""

    ids: np.ndarray  # int64
    xy: np.ndarray  # (n, 2) float64
    block: np.ndarray  # int64 index into blocks
    blocks: tuple[Block, ...]


def site_count(lattice: dict[str, Any]) -> int:
    """How many sites a schema-valid `lattice` block describes, without generating them."""
    kind = lattice["kind"]
    if kind == "zoned":
        return sum(int(z["rows"]) * int(z["cols"]) for z in lattice["zones"])
    if kind == "listed":
        return len(lattice["sites"])
    return int(lattice["rows"]) * int(lattice["cols"])


def _generate(block: dict[str, Any]) -> np.ndarray:
    origin = block.get("origin_um", (0.0, 0.0))
    spacing = block["spacing_um"]
    spacing = (float(spacing[0]), float(spacing[1])) if isinstance(spacing, list) else float(spacing)
    return GENERATORS[block["kind"]](
        int(block["rows"]), int(block["cols"]), spacing, (float(origin[0]), float(origin[1])),
    )


def _generated(parts: list[tuple[dict[str, Any], Block]]) -> LatticeSites:
    xy = [_generate(spec) for spec, _ in parts]
    sizes = [len(p) for p in xy]
    return LatticeSites(
        ids=np.arange(sum(sizes), dtype=np.int64),
        xy=np.concatenate(xy).reshape(-1, 2),
        block=np.repeat(np.arange(len(parts), dtype=np.int64), sizes),
        blocks=tuple(b for _, b in parts),
    )


def _listed(sites: list[dict[str, Any]], path: JsonPath) -> LatticeSites:
    n = len(sites)
    return LatticeSites(
        ids=np.array([int(s["id"]) for s in sites], dtype=np.int64).reshape(n),
        xy=np.array([(float(s["x"]), float(s["y"])) for s in sites], dtype=np.float64).reshape(n, 2),
        block=np.arange(n, dtype=np.int64),
        blocks=tuple(Block((*path, i), s.get("zone"), s.get("min_isa", DEFAULT_MIN_ISA), True)
                     for i, s in enumerate(sites)),
    )


def lattice_sites(lattice: dict[str, Any], path: JsonPath = ("lattice",)) -> LatticeSites:
    """The sites a schema-valid `lattice` block describes, in file order."""
    kind = lattice["kind"]
    if kind == "listed":
        return _listed(lattice["sites"], (*path, "sites"))
    if kind == "zoned":
        zones = lattice["zones"]
        return _generated([
            (z, Block((*path, "zones", i), z["name"], z.get("min_isa", DEFAULT_MIN_ISA), False))
            for i, z in enumerate(zones)
        ])
    return _generated([(lattice, Block(path, None, DEFAULT_MIN_ISA, False))])


# ---------------------------------------------------------------- geometry

# (dx, dy) cell offsets covering every neighbouring cell pair once.
_HALF_OFFSETS = tuple((dx, dy) for dx in range(3) for dy in range(-2, 3) if (dx, dy) > (0, 0))
_MAX_CELL = 2.0**52  # beyond this, float cell indices stop being exact integers


def cell_size(limit: float) -> float:
    """Grid pitch for a set of sites at least `limit` apart: at most one site per cell,
    since two points in one cell are closer than its diagonal (`limit`)."""
    return limit / math.sqrt(2.0)


class TooFarOut(ValueError):
    """Site `index` is so far from the origin, for this spacing, that a grid hash cannot hold it."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


def sorted_ranks(values: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of each target in the sorted unique `values`, and whether it is there."""
    pos = np.searchsorted(values, targets)
    found = pos < len(values)
    found[found] = values[pos[found]] == targets[found]
    return pos, found


def first_close_pair(xy: np.ndarray, limit: float) -> tuple[int, int] | None:
    """The first pair (i, j), i < j, of rows of `xy` closer than `limit`, or None.

    "First" is the smallest j, then the smallest i: the earliest site in file
    order that collides with an earlier one. A grid hash, O(n log n) in numpy.
    """
    n = len(xy)
    if n < 2:
        return None
    cells = np.floor(xy / cell_size(limit))
    too_far = np.flatnonzero(~(np.abs(cells) < _MAX_CELL).all(axis=1))
    if too_far.size:
        raise TooFarOut(int(too_far[0]))
    ux, rx = np.unique(cells[:, 0], return_inverse=True)
    uy, ry = np.unique(cells[:, 1], return_inverse=True)
    key = rx.astype(np.int64) * len(uy) + ry
    # Two sites in one cell always collide: the first such later site bounds the search.
    order = np.argsort(key, kind="stable")
    shared = order[np.flatnonzero(key[order][1:] == key[order][:-1]) + 1]
    best = int(shared.min()) if shared.size else n
    # Sites before `best` sit one per cell: look each neighbouring cell up by key.
    prefix_order = np.argsort(key[:best])
    prefix_keys = key[:best][prefix_order]
    for dx, dy in _HALF_OFFSETS:
        ix, okx = sorted_ranks(ux, cells[:best, 0] + dx)
        iy, oky = sorted_ranks(uy, cells[:best, 1] + dy)
        a = np.flatnonzero(okx & oky)
        pos, found = sorted_ranks(prefix_keys, ix[a] * len(uy) + iy[a])
        a, b = a[found], prefix_order[pos[found]]
        close = np.hypot(*(xy[a] - xy[b]).T) < limit
        if close.any():
            best = min(best, int(np.maximum(a, b)[close].min()))
    if best == n:
        return None
    i = int(np.flatnonzero(np.hypot(*(xy[:best] - xy[best]).T) < limit)[0])
    return i, best


def first_duplicate(ids: np.ndarray) -> tuple[int, int] | None:
    """The first (i, j), i < j, with ids[i] == ids[j]: smallest j, then smallest i."""
    order = np.argsort(ids, kind="stable")
    later = order[np.flatnonzero(ids[order][1:] == ids[order][:-1]) + 1]
    if not later.size:
        return None
    j = int(later.min())
    return int(np.flatnonzero(ids[:j] == ids[j])[0]), j
