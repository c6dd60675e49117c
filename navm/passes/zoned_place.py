"""`zoned-place`: homes in storage for every atom, and before each Rydberg pulse the rearrangement
that puts its pairs on gate sites (ISA 1.2, zoned devices).

The placement becomes each atom's home trap in storage (navm/passes/zoning/homes.py: the row
nearest the entanglement zone, partners side by side, spread to the gate sites' pitch). Before
each `rydberg` row the pass writes one rearrangement (navm/passes/zoning/rearrange.py): a `load`
group of the atoms that move, one `move` group taking each straight to its destination trap, and
a `store` group. Atoms stay on their gate site between pulses they both take part in (`reuse`);
atoms of the zone without a part in the next pulse park in the free storage trap nearest below
their site, so none waits under the laser. After
the last pulse atoms stay where they are. The straight moves need not respect the AOD's rules:
`move-route` splits them into legal parallel operations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from navm.diagnostics import NavmError
from navm.ir.circuit_table import GateTable, Placement, Row
from navm.ir.gates import pulse_pairs
from navm.ir.navm import CircuitOp, GateTableAttr, PlacementAttr, isa_version
from navm.passes.base import NavmPass, module_device
from navm.passes.zoning.homes import home_traps, partner_order
from navm.passes.zoning.rearrange import ZoneState, plan_pulse


@dataclass(frozen=True)
class ZonedPlace(NavmPass):
    """Place every atom in storage and move the atoms of each pulse onto gate sites."""

    name = "zoned-place"

    device: str | None = None
    """Device profile (a zoned one); defaults to the module's navm.device."""

    reuse: bool = True
    """Keep atoms on their gate site between consecutive pulses they take part in."""

    def run(self, ctx: Context, module: ModuleOp) -> None:
        profile = module_device(module, self.device, self.name)
        if profile.architecture is None:
            raise NavmError(f"zoned-place needs a zoned device; '{profile.name}' has no storage and entanglement "
                            "zones (use place and route for fixed lattices)")
        if isa_version(module) != "1.2":
            raise NavmError("zoned-place works on ISA 1.2 circuits: run migrate-isa{to=1.2} and stage first")
        for op in module.body.block.ops:
            if isinstance(op, CircuitOp):
                rows, placement = place_circuit(op, profile.architecture, self.reuse)
                op.properties["table"] = GateTableAttr(GateTable.from_rows(rows))
                op.properties["placement"] = PlacementAttr(placement)


def first_destinations(pulses, homes: dict[int, int], arch, reuse: bool) -> list[tuple[int, int]]:
    """(atom, the first trap it moves to) in the order atoms first move, planning from `homes`."""
    state = ZoneState(arch, dict(homes))
    first: dict[int, int] = {}
    for pairs in pulses:
        for atom, trap in plan_pulse(state, pairs, reuse):
            first.setdefault(atom, trap)
    return list(first.items())


def homes_below(first: list[tuple[int, int]], homes: dict[int, int], arch) -> dict[int, int]:
    """Each atom's home moved to the free storage trap nearest to the gate site it first goes to
    (in the order atoms first move), so that its first trip is short; other atoms keep theirs."""
    out: dict[int, int] = {}
    taken: set[int] = set()
    state = ZoneState(arch, homes)
    for atom, trap in first:
        out[atom] = state.storage_near(trap, taken)
        taken.add(out[atom])
    for atom, home in homes.items():
        if atom not in out:
            out[atom] = home if home not in taken else state.storage_near(home, taken)
            taken.add(out[atom])
    return out


def place_circuit(op: CircuitOp, arch, reuse: bool) -> tuple[list[Row], Placement]:
    rows = list(op.gate_table.rows())
    n = op.qubit_placement.num_qubits
    if any(r.name in ("load", "move", "store") for r in rows):
        raise NavmError("zoned-place works on circuits without atom motion; this one moves atoms already")
    if any(r.name == "cz" for r in rows):
        cz = next(r for r in rows if r.name == "cz")
        raise NavmError("zoned-place needs every cz in a rydberg pulse: run stage first", cz.loc)
    pulses = [pulse_pairs(r.qubits) for r in rows if r.name == "rydberg"]
    try:
        homes = home_traps(partner_order(pulses, n), arch)
        homes = homes_below(first_destinations(pulses, homes, arch, reuse), homes, arch)
    except ValueError as err:
        raise NavmError(f"zoned-place: {err}") from None
    state = ZoneState(arch, homes)
    out: list[Row] = []
    group = 0
    for row in rows:
        if row.name == "rydberg":
            try:
                moves = plan_pulse(state, pulse_pairs(row.qubits), reuse)
            except ValueError as err:
                raise NavmError(f"zoned-place: {err}", row.loc) from None
            if moves:
                out.extend(Row("load", (a,), (group,), None, row.loc) for a, _ in moves)
                out.extend(Row("move", (a,), (group + 1, *map(float, arch.coords[t])), None, row.loc)
                           for a, t in moves)
                out.extend(Row("store", (a,), (group + 2,), None, row.loc) for a, _ in moves)
                group += 3
        out.append(row)
    sites = np.array([homes[q] for q in range(n)], dtype=np.int64)
    return out, Placement(n, sites=sites, decl_locs=op.qubit_placement.decl_locs)
