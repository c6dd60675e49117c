"""`route`: insert SWAPs so that every 2-qubit gate acts on atoms within the blockade radius.

After routing, the circuit's qubit indices are *atoms* (the placement gives
each atom's site; atoms never move, SWAPs move the states). Atom k starts
with program qubit k; rows after a SWAP act on the atom that holds the
program qubit at that point, measurements included. The module records
`navm.output_permutation` (entry k = the atom holding program qubit k at the
end; composed with an earlier one when routing twice) and
`navm.route.swaps_added` (the number of SWAPs). A SWAP into a site without
an atom adds an ancilla atom in |0> on it, appended to the placement.

SWAPs are emitted in native gates, exactly what `decompose-native` makes of
`swap` (3 × `r(π/2, -π/2) b; cz a, b; r(π/2, π/2) b` with the roles of a and b
alternating), or as one `swap` row when the device lists `swap` as native.
The heuristic is in placement/sabre.py. Inserted rows carry the location of
the gate that needed them. A routed circuit loses its schedule (run
`schedule` after `route`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import IntAttr, ModuleOp

from navm.diagnostics import NavmError
from navm.ir.circuit_table import Placement, Row
from navm.ir.gates import GATES
from navm.ir.locations import op_location
from navm.ir.navm import CircuitOp, GateTableAttr, PlacementAttr, isa_version
from navm.ir.qbc import QbcInstruction
from navm.passes.base import NavmPass, module_device, record_output_permutation
from navm.passes.decompose_native import swap_rows
from navm.passes.migrate_isa import _SiteMapper
from navm.passes.placement.emit import routed_table
from navm.passes.placement.qubits import qubit_location, row_location
from navm.passes.placement.sabre import route_table
from navm.passes.placement.sites import UNREACHABLE, SiteGraph, site_graph

SWAPS_ATTR = "navm.route.swaps_added"
DEFAULT_LOOKAHEAD = 4

_ROUTED_KIND = np.array([g.kind == "gate" for g in GATES])
_MACRO_KIND = np.array([g.kind == "macro" for g in GATES])


@dataclass(frozen=True)
class Route(NavmPass):
    name = "route"

    device: str | None = None
    """Device profile (built-in name or path); defaults to the module's navm.device."""

    seed: int = 0
    """Seed of the random tie-breaks: the same seed gives the same SWAPs."""

    lookahead: int = DEFAULT_LOOKAHEAD
    """How many upcoming partners of each moved qubit score a SWAP (weights 1, ½, ¼, …)."""

    def run(self, ctx: Context, module: ModuleOp) -> None:
        profile = module_device(module, self.device, self.name)
        if self.lookahead < 1:
            raise NavmError(f"route: lookahead must be at least 1, got {self.lookahead}")
        circuits = []
        for op in module.body.block.ops:
            if isinstance(op, QbcInstruction):
                raise NavmError("route works on navm.circuit; run `unroll` and `place` first", op_location(op))
            if isinstance(op, CircuitOp):
                circuits.append(op)
        if len(circuits) > 1:
            raise NavmError("route: a module may hold one navm.circuit", op_location(circuits[1]))
        if not circuits:
            return
        op = circuits[0]
        if isa_version(module) != "1.1":
            raise NavmError("route needs qubits on sites (ISA 1.1); run `place` first", op_location(op))
        final, swaps = route_circuit(op, profile, self.seed, self.lookahead)
        record_output_permutation(module, final)
        module.attributes[SWAPS_ATTR] = IntAttr(swaps)


def route_circuit(op: CircuitOp, profile, seed: int, lookahead: int) -> tuple[list[int], int]:
    """Rewrite `op` in place; returns the atom holding each program qubit at the end, and the SWAP count."""
    placement = op.qubit_placement
    n = placement.num_qubits
    sites = placement.sites.astype(np.int64)
    mapper = _SiteMapper(profile, "1.1")
    for q in range(n):
        if sites[q] < 0:
            raise NavmError(f"route: qubit q{q} has no site; run `place` first", qubit_location(op, q))
        mapper.coords_of(int(sites[q]), qubit_location(op, q))  # an unknown site is an error here
    table = op.gate_table
    _reject_macros(op)
    graph = site_graph(profile, sites.tolist())
    local = np.array([graph.index[s] for s in sites.tolist()], dtype=np.int64)
    counts = np.diff(table.qubit_offsets)
    routed = _ROUTED_KIND[table.opcode.astype(np.int64)] & (counts == 2)
    start = table.qubit_offsets[:-1][routed]
    hops = graph.dist[local[table.qubits[start]], local[table.qubits[start + 1]]]
    _check_connected(op, graph, routed, hops)
    if not (hops > 1).any():
        return list(range(n)), 0
    result = route_table(table, n, local, graph, routed, lookahead, seed)
    op.properties["table"] = GateTableAttr(routed_table(table, result, _swap_rows(profile)))
    atom_sites = graph.ids[np.array(result.atom_sites, dtype=np.int64)]
    op.properties["placement"] = PlacementAttr(
        Placement(len(atom_sites), sites=atom_sites, decl_locs=placement.decl_locs))
    return result.final_atom, result.swaps


def _reject_macros(op: CircuitOp) -> None:
    table = op.gate_table
    macros = np.flatnonzero(_MACRO_KIND[table.opcode.astype(np.int64)])
    if len(macros):
        row = int(macros[0])
        name = GATES[int(table.opcode[row])].name
        raise NavmError(f"route: '{name}' is a macro; run `unroll` first", row_location(op, row))


def _check_connected(op: CircuitOp, graph: SiteGraph, routed: np.ndarray, hops: np.ndarray) -> None:
    apart = np.flatnonzero(hops >= UNREACHABLE)
    if len(apart):
        row = int(np.flatnonzero(routed)[apart[0]])
        a, b = op.gate_table.row_qubits(row)
        sa, sb = op.qubit_placement.sites[[a, b]].tolist()
        raise NavmError(
            f"route: q{a} (site {sa}) and q{b} (site {sb}) cannot be brought within the blockade "
            "radius: no chain of sites within the radius joins their sites",
            row_location(op, row),
        )


def _swap_rows(profile) -> list[Row]:
    """The rows of one SWAP of qubits 0 and 1 on this device."""
    return [Row("swap", (0, 1), ())] if profile.gates.is_native("swap") else swap_rows(0, 1)
