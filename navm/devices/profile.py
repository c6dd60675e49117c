"""Device profiles: the site lattice a program is placed on, its gates and noise, and the loader.

A profile is JSON checked in two steps: the JSON Schema shipped next to this
module for structure, then the physics (unique ids, minimum spacing, radii,
ISA versions; gates.py and noise.py check their sections). Every error points
at the JSON value to fix.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np

from navm.diagnostics import NavmError
from navm.frontend.json_source import JsonDocument, parse_json, trusted_json, validate
from navm.ir.instruction_set import SUPPORTED_ISA_VERSIONS
from navm.devices.architecture import Architecture, parse_architecture
from navm.devices.checks import fail as _fail
from navm.devices.gates import DeviceGates, parse_gates
from navm.devices.lattices import (
    DEFAULT_MIN_ISA,
    Block,
    JsonPath,
    LatticeSites,
    TooFarOut,
    cell_size,
    first_close_pair,
    first_duplicate,
    lattice_sites,
    site_count,
)
from navm.devices.noise import NoiseModel, parse_noise

DEFAULT_COORDINATE_TOLERANCE_UM = 0.01
DEFAULT_RESTRICTION_FACTOR = 2.0
MAX_SITES = 1_000_000
BUILTIN_PREFIX = "builtin:"
# Sites closer than min_spacing_um by less than this fraction are rounding, not a violation.
_SPACING_SLACK = 1e-9


@dataclass(frozen=True, slots=True)
class Site:
    """One trap site: its stable id, position in µm, zone and oldest ISA that may use it."""

    id: int
    x: float
    y: float
    zone: str | None = None
    min_isa: str = DEFAULT_MIN_ISA

    def available_in(self, isa_version: str) -> bool:
        """Whether a program of `isa_version` can express this site."""
        key = SUPPORTED_ISA_VERSIONS.index
        return key(isa_version) >= key(self.min_isa)


def _grid_pitch(min_spacing: float) -> float:
    """Cell size of the site grid hash: sites that pass the spacing check sit one per cell."""
    return cell_size(min_spacing * (1 - _SPACING_SLACK))


@dataclass(frozen=True)
class DeviceProfile:
    """A validated device profile. `sites` is sorted by id; `gates` and `noise` hold the
    native gate set, timings and error model (defaults filled in)."""

    name: str
    isa_version: str
    description: str
    sites: tuple[Site, ...]
    blockade_radius_um: float
    min_spacing_um: float
    coordinate_tolerance_um: float
    source: str
    restriction_factor: float
    gates: DeviceGates
    noise: NoiseModel
    architecture: Architecture | None = None
    """The zoned part (storage and entanglement zones, AODs, movement), for zoned devices."""

    @property
    def zoned(self) -> bool:
        return self.architecture is not None

    @property
    def restriction_radius_um(self) -> float:
        """Two Rydberg gates may share a stage only if all their atoms are at least this far apart."""
        return self.restriction_factor * self.blockade_radius_um

    @cached_property
    def _by_id(self) -> dict[int, Site]:
        return {s.id: s for s in self.sites}

    @cached_property
    def _grid(self) -> tuple[float, dict[tuple[int, int], int]]:
        # One site per cell (see _grid_pitch); maps a cell to the site's index in `sites`.
        pitch = _grid_pitch(self.min_spacing_um)
        cells = np.floor(self.coords / pitch).astype(np.int64)
        return pitch, dict(zip(zip(cells[:, 0].tolist(), cells[:, 1].tolist()), range(len(self.sites))))

    @cached_property
    def coords(self) -> np.ndarray:
        """(n_sites, 2) float64 positions in µm; row i is `sites[i]` (id order). Read-only."""
        out = np.array([(s.x, s.y) for s in self.sites], dtype=np.float64).reshape(-1, 2)
        out.flags.writeable = False
        return out

    @cached_property
    def _ids(self) -> np.ndarray:
        return np.array([s.id for s in self.sites], dtype=np.int64)

    def site(self, site_id: int) -> Site:
        """The site with this id; raises KeyError (callers turn it into a located NavmError)."""
        try:
            return self._by_id[site_id]
        except KeyError:
            raise KeyError(f"device profile {self.name!r} has no site {site_id}") from None

    def site_at(self, x: float, y: float) -> Site | None:
        """The site within `coordinate_tolerance_um` of (x, y), if any. O(1): the tolerance
        is below the grid pitch, so at most 2×2 cells can hold a match."""
        if not (math.isfinite(x) and math.isfinite(y)):
            return None
        tol = self.coordinate_tolerance_um
        pitch, grid = self._grid
        try:
            cols = range(math.floor((x - tol) / pitch), math.floor((x + tol) / pitch) + 1)
            rows = range(math.floor((y - tol) / pitch), math.floor((y + tol) / pitch) + 1)
        except OverflowError:  # so far out that x / pitch is infinite: no site there
            return None
        for i in cols:
            for j in rows:
                k = grid.get((i, j))
                if k is not None:
                    s = self.sites[k]
                    if math.hypot(s.x - x, s.y - y) <= tol:
                        return s
        return None

    def nearest_sites(self, x: float, y: float, k: int = 3) -> list[tuple[Site, float]]:
        """The `k` sites closest to (x, y) with their distances, nearest first (ties by id)."""
        n = len(self.sites)
        k = min(k, n)
        if k <= 0:
            return []
        dist = np.hypot(self.coords[:, 0] - x, self.coords[:, 1] - y)
        if k < n:
            kth = np.partition(dist, k - 1)[k - 1]
            candidates = np.flatnonzero(dist <= kth)
        else:
            candidates = np.arange(n)
        order = candidates[np.lexsort((self._ids[candidates], dist[candidates]))][:k]
        return [(self.sites[i], float(dist[i])) for i in order]


# ---------------------------------------------------------------- validation


@cache
def profile_schema() -> dict[str, Any]:
    """The device-profile JSON Schema shipped as package data."""
    return json.loads(Path(__file__).with_name("schema.json").read_text("utf-8"))


def _check_version(doc: JsonDocument, path, version: str, what: str) -> None:
    if version not in SUPPORTED_ISA_VERSIONS:
        raise _fail(doc, path, f"unknown {what} {version!r}; supported: {', '.join(SUPPORTED_ISA_VERSIONS)}")


def _check_numbers(doc: JsonDocument, value: dict[str, Any]) -> None:
    for key in ("blockade_radius_um", "min_spacing_um", "coordinate_tolerance_um"):
        if key in value and not (math.isfinite(value[key]) and value[key] > 0):
            raise _fail(doc, [key], f"{key} must be a positive number, got {value[key]}")
    factor = value.get("restriction_factor", DEFAULT_RESTRICTION_FACTOR)
    if not (math.isfinite(factor) and factor >= 1):
        raise _fail(doc, ["restriction_factor"], f"restriction_factor must be at least 1, got {factor}",
                    ("parallel Rydberg gates must at least keep out of each other's blockade radius",))
    tol = value.get("coordinate_tolerance_um", DEFAULT_COORDINATE_TOLERANCE_UM)
    half = value["min_spacing_um"] / 2
    if tol >= half:
        where = ["coordinate_tolerance_um"] if "coordinate_tolerance_um" in value else ["min_spacing_um"]
        raise _fail(doc, where, f"coordinate_tolerance_um ({tol}) must be less than min_spacing_um / 2 "
                                f"({half:g}), so that a position matches at most one site")


def _check_rectangular(doc: JsonDocument, lattice: dict[str, Any]) -> None:
    """A pair of spacings (x pitch, y pitch) describes a rectangular grid: only `square` blocks have one."""
    blocks = [(["lattice", "zones", i], z) for i, z in enumerate(lattice["zones"])] \
        if lattice["kind"] == "zoned" else [(["lattice"], lattice)] if lattice["kind"] != "listed" else []
    for path, block in blocks:
        if isinstance(block.get("spacing_um"), list) and block["kind"] != "square":
            raise _fail(doc, [*path, "spacing_um"], f"a {block['kind']} lattice has one spacing; "
                                                    "[x pitch, y pitch] is for square (rectangular) grids")


def _check_zone_names(doc: JsonDocument, lattice: dict[str, Any]) -> None:
    if lattice["kind"] != "zoned":
        return
    seen: dict[str, int] = {}
    for i, zone in enumerate(lattice["zones"]):
        if zone["name"] in seen:
            first = doc.locate(["lattice", "zones", seen[zone["name"]], "name"])
            raise _fail(doc, ["lattice", "zones", i, "name"], f"duplicate zone name {zone['name']!r}",
                        (f"first used at {first}",))
        seen[zone["name"]] = i


def _check_site_versions(doc: JsonDocument, blocks: tuple[Block, ...], isa_version: str) -> None:
    for block in blocks:
        if block.min_isa == DEFAULT_MIN_ISA:
            continue
        path = (*block.path, "min_isa")
        _check_version(doc, path, block.min_isa, "min_isa")
        if SUPPORTED_ISA_VERSIONS.index(block.min_isa) > SUPPORTED_ISA_VERSIONS.index(isa_version):
            raise _fail(doc, path, f"min_isa {block.min_isa} is newer than the profile's isa_version "
                                   f"{isa_version}, so no program could use these sites")


def _check_unique_ids(doc: JsonDocument, sites: LatticeSites) -> None:
    pair = first_duplicate(sites.ids)
    if pair is not None:
        first, again = (sites.blocks[sites.block[k]] for k in pair)
        raise _fail(doc, (*again.path, "id"), f"duplicate site id {sites.ids[pair[1]]}",
                    (f"first used at {doc.locate([*first.path, 'id'])}",))


def _block_anchor(block: Block) -> JsonPath:
    """The value that places a block: a listed site itself, or a zone's origin."""
    return block.path if block.listed else (*block.path, "origin_um")


def _check_spacing(doc: JsonDocument, sites: LatticeSites, min_spacing: float) -> None:
    bad = np.flatnonzero(~np.isfinite(sites.xy).all(axis=1))
    if bad.size:
        k = int(bad[0])
        raise _fail(doc, sites.blocks[sites.block[k]].path,
                    f"site {sites.ids[k]} has a non-finite position ({sites.xy[k, 0]}, {sites.xy[k, 1]})")
    try:
        pair = first_close_pair(sites.xy, min_spacing * (1 - _SPACING_SLACK))
    except TooFarOut as e:
        k = e.index
        raise _fail(doc, sites.blocks[sites.block[k]].path,
                    f"site {sites.ids[k]} at ({sites.xy[k, 0]:g}, {sites.xy[k, 1]:g}) µm is too far from "
                    f"the origin for min_spacing_um ({min_spacing:g})") from None
    if pair is None:
        return
    i, j = pair
    a, b = sites.blocks[sites.block[i]], sites.blocks[sites.block[j]]
    d = float(np.hypot(*(sites.xy[i] - sites.xy[j])))
    message = (f"sites {sites.ids[i]} and {sites.ids[j]} are {d:.6g} µm apart, closer than "
               f"min_spacing_um ({min_spacing:g})")
    if a == b:  # one generator block: its spacing is the value to fix
        raise _fail(doc, (*b.path, "spacing_um"), message)
    raise _fail(doc, _block_anchor(b), message,
                (f"site {sites.ids[i]} comes from {doc.locate(list(_block_anchor(a)))}",))


def _build(value: dict[str, Any], sites: LatticeSites, source: str, gates: DeviceGates,
           noise: NoiseModel, architecture: Architecture | None = None) -> DeviceProfile:
    order = np.argsort(sites.ids, kind="stable")
    coords = np.ascontiguousarray(sites.xy[order])
    blocks = sites.blocks
    profile = DeviceProfile(
        name=value["name"],
        isa_version=value["isa_version"],
        description=value.get("description", ""),
        sites=tuple(
            Site(i, x, y, blocks[b].zone, blocks[b].min_isa)
            for i, (x, y), b in zip(sites.ids[order].tolist(), coords.tolist(), sites.block[order].tolist())
        ),
        blockade_radius_um=float(value["blockade_radius_um"]),
        min_spacing_um=float(value["min_spacing_um"]),
        coordinate_tolerance_um=float(value.get("coordinate_tolerance_um", DEFAULT_COORDINATE_TOLERANCE_UM)),
        source=source,
        restriction_factor=float(value.get("restriction_factor", DEFAULT_RESTRICTION_FACTOR)),
        gates=gates,
        noise=noise,
        architecture=architecture,
    )
    coords.flags.writeable = False
    vars(profile)["coords"] = coords  # prime the cached_property: same values, no second pass
    return profile


def profile_from_document(doc: JsonDocument, source: str) -> DeviceProfile:
    """Validate a parsed profile document and build the DeviceProfile."""
    validate(doc, profile_schema(), what="device profile")
    value = doc.value
    _check_version(doc, ["isa_version"], value["isa_version"], "isa_version")
    _check_numbers(doc, value)
    lattice = value["lattice"]
    count = site_count(lattice)
    if count > MAX_SITES:
        raise _fail(doc, ["lattice"], f"lattice has {count} sites, more than navm supports ({MAX_SITES})")
    _check_zone_names(doc, lattice)
    _check_rectangular(doc, lattice)
    sites = lattice_sites(lattice)
    _check_site_versions(doc, sites.blocks, value["isa_version"])
    _check_unique_ids(doc, sites)
    _check_spacing(doc, sites, float(value["min_spacing_um"]))
    gates = parse_gates(doc)
    architecture = None
    if "architecture" in value:
        def fail(path, message):
            raise _fail(doc, path, message)

        architecture = parse_architecture(value["architecture"], sites.ids, sites.xy,
                                          [sites.blocks[b].zone for b in sites.block.tolist()], fail)
    return _build(value, sites, source, gates, parse_noise(doc, gates), architecture)


def parse_profile(text: str, file: str, source: str | None = None) -> DeviceProfile:
    """A profile from JSON text; errors are located in `file`. `source` defaults to `file`."""
    return profile_from_document(parse_json(text, file), source if source is not None else file)


# ---------------------------------------------------------------- loading


_CACHE: dict[tuple[str, int, int, str], DeviceProfile] = {}
_CACHE_LIMIT = 64


@cache
def _builtin_dir() -> Path:
    return Path(__file__).with_name("builtin")  # package data beside the module (importlib.resources: +6 ms)


@cache
def _builtin_path(name: str) -> Path:
    return (_builtin_dir() / f"{name}.json").resolve()


@cache
def _builtin_names() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in _builtin_dir().glob("*.json")))


def builtin_profiles() -> list[str]:
    """The names `load_profile` accepts without a path, sorted."""
    return list(_builtin_names())


def _read_text(path: Path, display: str) -> str:
    from navm.frontend.source_text import decode_source

    try:
        data = path.read_bytes()
    except OSError as e:
        raise NavmError(f"cannot read device profile {display!r}: {e.strerror or e}") from None
    return decode_source(data, display)


def _load_file(path: Path, display: str, source: str | None) -> DeviceProfile:
    resolved = path if source else path.resolve()  # built-in paths come resolved
    try:
        stat = resolved.stat()
    except OSError as e:
        raise NavmError(f"cannot read device profile {display!r}: {e.strerror or e}") from None
    key = (str(resolved), stat.st_mtime_ns, stat.st_size, source or "")
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    text = _read_text(resolved, display)
    if source and source.startswith(BUILTIN_PREFIX):  # shipped with navm: strict JSON (tests check it)
        profile = profile_from_document(trusted_json(text, display), source)
    else:
        profile = parse_profile(text, display, source or str(resolved))
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[key] = profile
    return profile


def profile_document(name_or_path: str | os.PathLike[str]) -> dict[str, Any]:
    """The JSON document of a profile `load_profile` accepts (loads and checks it first)."""
    profile = load_profile(name_or_path)
    path = _builtin_path(profile.source.removeprefix(BUILTIN_PREFIX)) \
        if profile.source.startswith(BUILTIN_PREFIX) else Path(profile.source)
    return json.loads(_read_text(path, os.fspath(name_or_path)))


def load_profile(name_or_path: str | os.PathLike[str]) -> DeviceProfile:
    """A built-in profile by name ("square-16x16", "builtin:square-16x16") or a profile file by path.

    Cached per resolved path and modification time, so callers may load freely.
    """
    text = os.fspath(name_or_path)
    name = text.removeprefix(BUILTIN_PREFIX)
    builtins = _builtin_names()
    if name in builtins:
        path = _builtin_path(name)
        return _load_file(path, str(path), BUILTIN_PREFIX + name)
    path = Path(text)
    if not text or text.startswith(BUILTIN_PREFIX) or not path.exists():
        raise NavmError(f"unknown device profile {text!r}: no built-in profile or file by that name "
                        f"(built-in profiles: {', '.join(builtins)})")
    return _load_file(path, text, None)
