"""`move-route`: each rearrangement of a zoned circuit as parallel AOD operations the AOD can do.

`zoned-place` writes a rearrangement as one `load` group, one `move` group straight to the
destination traps and one `store` group, which an AOD usually cannot do at once (rows would
cross, loading would pick up bystanders). This pass replays the atoms' positions and rewrites
each such block as groups one AOD can carry (navm/passes/zoning/aod.py): per group a `load`, a
`move` and a `store`, ordered so that traps are freed before they are filled; where atoms must
take each other's places (a cycle), one of them steps aside to a free storage trap first and goes on
in a later group.
Motion that is already in another shape (written by hand, or routed before) is left as it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from navm.diagnostics import NavmError
from navm.ir.circuit_table import GateTable, Row
from navm.ir.navm import CircuitOp, GateTableAttr
from navm.passes.base import NavmPass, module_device, placed_sites
from navm.passes.zoning.aod import Mover, position_key, routed_groups, snap


@dataclass(frozen=True)
class MoveRoute(NavmPass):
    """Split each rearrangement into parallel AOD operations that respect the AOD's rules."""

    name = "move-route"

    device: str | None = None
    """Device profile (a zoned one); defaults to the module's navm.device."""

    def run(self, ctx: Context, module: ModuleOp) -> None:
        profile = module_device(module, self.device, self.name)
        if profile.architecture is None:
            raise NavmError(f"move-route needs a zoned device; '{profile.name}' has no AOD")
        for op in module.body.block.ops:
            if isinstance(op, CircuitOp):
                rows = route_rows(list(op.gate_table.rows()), placed_sites(op, self.name).tolist(),
                                  profile.architecture)
                op.properties["table"] = GateTableAttr(GateTable.from_rows(rows))


def route_rows(rows: list[Row], sites: list[int], arch) -> list[Row]:
    coords = arch.coords
    pos = {q: snap(coords[s]) for q, s in enumerate(sites)}
    storage_xy = [snap(p) for p in coords[arch.storage]]
    aod = arch.aods[0]
    out: list[Row] = []
    group = 0
    renumbered: dict[float, int] = {}  # group numbers of motion left as it is
    i = 0
    while i < len(rows):
        block = _rearrangement(rows, i)
        if block is None:
            row = rows[i]
            if row.name in ("load", "move", "store"):
                if row.params[0] not in renumbered:
                    renumbered[row.params[0]] = group
                    group += 1
                row = row._replace(params=(renumbered[row.params[0]], *row.params[1:]))
                if row.name == "move":
                    pos[row.qubits[0]] = snap(row.params[1:3])
            out.append(row)
            i += 1
            continue
        end, movers = block
        moving = {m.atom for m in movers}
        movers = [Mover(m.atom, pos[m.atom], m.end) for m in movers]
        occupied = {position_key(p) for q, p in pos.items() if q not in moving}
        bound = occupied | {position_key(m.start) for m in movers} | {position_key(m.end) for m in movers}

        def park(mover: Mover) -> tuple[float, float]:
            """The free storage trap nearest to a mover that must step aside."""
            spot = min((p for p in storage_xy if position_key(p) not in bound), key=lambda p: math.dist(p, mover.start))
            bound.add(position_key(spot))
            return spot

        try:
            groups = routed_groups(movers, park, occupied, aod.min_spacing_um, aod.rows, aod.cols)
        except ValueError as err:
            raise NavmError(f"move-route: {err}", rows[i].loc) from None
        loc = rows[i].loc
        for g in groups:
            out.extend(Row("load", (m.atom,), (group,), None, loc) for m in g)
            out.extend(Row("move", (m.atom,), (group + 1, *m.end), None, loc) for m in g)
            out.extend(Row("store", (m.atom,), (group + 2,), None, loc) for m in g)
            group += 3
            for m in g:
                pos[m.atom] = m.end
        i = end
    return out


def _rearrangement(rows: list[Row], i: int):
    """(end index, movers) when rows[i:] start with one load group, one move group of the same atoms,
    and one store group of them: the shape zoned-place writes; else None."""
    runs = []
    k = i
    for name in ("load", "move", "store"):
        start = k
        while k < len(rows) and rows[k].name == name and rows[k].params[0] == rows[start].params[0]:
            k += 1
        if k == start:
            return None
        runs.append(rows[start:k])
    loads, moves, stores = runs
    atoms = [r.qubits[0] for r in loads]
    if [r.qubits[0] for r in moves] != atoms or sorted(r.qubits[0] for r in stores) != sorted(atoms) \
            or len(set(atoms)) != len(atoms):
        return None
    return k, [Mover(r.qubits[0], (0.0, 0.0), snap(r.params[1:3])) for r in moves]
