"""`place`: put every logical qubit on a device site, so that routing has little or nothing to do.

The interaction graph (qubits; an edge for each pair that shares a 2-qubit
gate or a macro, weighted by how many) is embedded into the device's blockade
graph (sites; an edge for each pair within the blockade radius):
1. greedy: the most connected qubit on the most central site, then each next
   qubit (most tied to those placed) on the free site cheapest for its partners;
2. if that leaves pairs out of range, an exact embedding search (VF2, bounded;
   see placement/embed.py) — when it succeeds no gate needs routing;
3. else steepest-descent moves and swaps of the greedy placement (cost: Σ weight ×
   hops beyond the first, i.e. about the SWAPs `route` will insert);
4. and then, when no qubit is pinned, routing the circuit's first gates forwards
   and backwards a few times to fit the placement to the order of the gates
   (placement/refine.py), kept only if it needs fewer SWAPs.
User placements are kept (`override=true` re-places everything); ISA 1.0
coordinates are first mapped to sites as `migrate-isa` does. The module ends
in ISA 1.1 with `navm.place.unrouted_pairs`: the interacting pairs still out
of blockade range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import IntAttr, ModuleOp

from navm.diagnostics import NavmError
from navm.ir.circuit_table import Placement
from navm.ir.locations import op_location
from navm.ir.navm import CircuitOp, PlacementAttr, set_isa_version
from navm.ir.qbc import QbcInstruction
from navm.passes.base import NavmPass, module_device
from navm.passes.migrate_isa import _SiteMapper
from navm.passes.placement.embed import exact_embedding
from navm.passes.placement.greedy import greedy_place, improve, placement_cost
from navm.passes.placement.interaction import Interactions, gate_pairs, interactions
from navm.passes.placement.qubits import qubit_location
from navm.passes.placement.refine import refine_by_routing
from navm.passes.placement.sites import SiteGraph, site_graph

UNROUTED_ATTR = "navm.place.unrouted_pairs"


@dataclass(frozen=True)
class Place(NavmPass):
    name = "place"

    device: str | None = None
    """Device profile (built-in name or path); defaults to the module's navm.device."""

    seed: int = 0
    """Seed of the random tie-breaks: the same seed gives the same placement."""

    override: bool = False
    """Re-place every qubit, ignoring the program's own placements."""

    def run(self, ctx: Context, module: ModuleOp) -> None:
        profile = module_device(module, self.device, self.name)
        unrouted = 0
        for op in module.body.block.ops:
            if isinstance(op, QbcInstruction):
                raise NavmError("place works on navm.circuit; run `unroll` first", op_location(op))
        for op in module.body.block.ops:
            if isinstance(op, CircuitOp):
                placement, count = place_circuit(op, profile, self.seed, self.override)
                op.properties["placement"] = PlacementAttr(placement)
                unrouted += count
        set_isa_version(module, "1.1")
        module.attributes[UNROUTED_ATTR] = IntAttr(unrouted)


def place_circuit(op: CircuitOp, profile, seed: int, override: bool) -> tuple[Placement, int]:
    """The circuit's new placement (sites) and how many interacting pairs it leaves out of range."""
    given = op.qubit_placement
    n = given.num_qubits
    mapper = _SiteMapper(profile, "1.1")
    if override:
        user = np.full(n, -1, dtype=np.int64)
    elif given.kind == "coords":
        user = mapper.placement(given).sites
    else:
        user = given.sites.astype(np.int64)
        for q in np.flatnonzero(user >= 0).tolist():
            mapper.coords_of(int(user[q]), qubit_location(op, q))  # an unknown site is an error here
    graph = site_graph(profile, user[user >= 0].tolist())
    fixed = np.array([graph.index[s] if s >= 0 else -1 for s in user.tolist()], dtype=np.int64)
    _check_capacity(op, profile, graph, fixed)
    pairs = interactions(op.gate_table)
    local = choose_sites(graph, pairs, fixed, seed)
    if (fixed < 0).all() and (graph.dist[local[pairs.a], local[pairs.b]] > 1).any():
        local = refine_by_routing(graph, *gate_pairs(op.gate_table), local, seed)  # nothing is pinned
    unrouted = int((graph.dist[local[pairs.a], local[pairs.b]] > 1).sum())
    return Placement(n, sites=graph.ids[local], decl_locs=given.decl_locs), unrouted


def choose_sites(graph: SiteGraph, pairs: Interactions, fixed: np.ndarray, seed: int) -> np.ndarray:
    """Local site per qubit: greedy; else an exact embedding; else the greedy one improved."""
    rng = np.random.default_rng(seed)
    weights = pairs.matrix(len(fixed)).astype(np.float64)
    greedy = greedy_place(graph, weights, fixed, rng)
    if placement_cost(graph, weights, greedy) == 0:
        return greedy
    exact = exact_embedding(graph, weights, fixed, rng)
    if exact is not None:
        return greedy_place(graph, weights, exact, rng)  # the qubits without partners
    return improve(graph, weights, greedy, fixed < 0)


def _check_capacity(op: CircuitOp, profile, graph: SiteGraph, fixed: np.ndarray) -> None:
    todo = np.flatnonzero(fixed < 0)
    free = len(graph) - int((fixed >= 0).sum())
    if len(todo) > free:
        first = int(todo[free])
        taken = int((fixed >= 0).sum())
        note = f"; {taken} are taken by placed qubits" if taken else ""
        raise NavmError(
            f"place: {len(fixed)} qubits do not fit on device '{profile.name}': it has "
            f"{len(profile.sites)} sites{note}; q{first} is the first without one",
            qubit_location(op, first),
        )
