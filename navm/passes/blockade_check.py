"""`blockade-check`: Rydberg-blockade legality of a placed (and maybe scheduled) circuit.

Fails, at the source position of the offending gate, when
- a two-qubit gate's atoms are farther apart than the blockade radius
  (notes list any further offenders), or
- two gates in the same Rydberg stage (after `schedule`) have atoms within
  the restriction distance (restriction_factor × blockade radius).
Reports, without failing, spectator atoms: atoms of the circuit inside a
two-qubit gate's blockade radius that are not part of it. The module gets
`navm.blockade` = {checked_gates, spectators, max_distance_um}.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import DictionaryAttr, FloatAttr, IntegerAttr, ModuleOp, f64, i64

from navm.diagnostics import NavmError
from navm.ir.circuit_table import Row
from navm.ir.gates import GATES, OPCODE
from navm.ir.navm import CircuitOp
from navm.passes.base import NavmPass, module_device
from navm.runtime.devices.blockade import restricted

BLOCKADE_ATTR = "navm.blockade"
MAX_NOTES = 5


@dataclass(frozen=True)
class BlockadeCheck(NavmPass):
    name = "blockade-check"

    device: str | None = None
    """Device profile; default: the module's navm.device."""

    def run(self, ctx: Context, module: ModuleOp) -> None:
        profile = module_device(module, self.device, self.name)
        for op in module.body.block.ops:
            if isinstance(op, CircuitOp):
                placement = op.qubit_placement
                if placement.sites is None or (placement.sites < 0).any():
                    raise NavmError("blockade-check needs every qubit on a device site: run `place` first")
                report = check_rows(list(op.gate_table.rows()), placement.sites, profile)
                module.attributes[BLOCKADE_ATTR] = DictionaryAttr({
                    "checked_gates": IntegerAttr(report["checked_gates"], i64),
                    "spectators": IntegerAttr(report["spectators"], i64),
                    "max_distance_um": FloatAttr(report["max_distance_um"], f64),
                })


def _two_qubit(row: Row) -> bool:
    return GATES[OPCODE[row.name]].kind == "gate" and len(row.qubits) == 2


def check_rows(rows: list[Row], sites: np.ndarray, profile) -> dict:
    coords = np.array([(profile.site(int(s)).x, profile.site(int(s)).y) for s in sites.tolist()]).reshape(-1, 2)
    radius = profile.blockade_radius_um
    far: list[tuple[Row, float]] = []
    by_stage: dict[int, list[Row]] = defaultdict(list)
    spectators = 0
    checked = 0
    max_distance = 0.0
    for row in rows:
        if not _two_qubit(row):
            continue
        checked += 1
        a, b = row.qubits
        distance = float(math.dist(coords[a], coords[b]))
        max_distance = max(max_distance, distance)
        if distance > radius + 1e-9:
            far.append((row, distance))
        if row.timing is not None and row.timing[2] >= 0:
            by_stage[row.timing[2]].append(row)
        near = (np.hypot(*(coords - coords[a]).T) <= radius) | (np.hypot(*(coords - coords[b]).T) <= radius)
        spectators += int(near.sum()) - 2
    if far:
        row, distance = far[0]
        a, b = row.qubits
        notes = [f"{len(far)} two-qubit gate(s) are out of range; run `route` to insert swaps"] if len(far) > 1 else []
        notes += [f"also q{r.qubits[0]}, q{r.qubits[1]} ({d:.3g} µm) at {r.loc}" for r, d in far[1 : 1 + MAX_NOTES]]
        raise NavmError(
            f"'{row.name}' on q{a} (site {sites[a]}) and q{b} (site {sites[b]}): atoms are {distance:.3g} µm apart, "
            f"beyond the blockade radius {radius} µm", row.loc, notes=tuple(notes))
    for stage, members in sorted(by_stage.items()):
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                if restricted(profile, [int(sites[q]) for q in first.qubits], [int(sites[q]) for q in second.qubits]):
                    raise NavmError(
                        f"Rydberg stage {stage}: '{second.name}' on q{second.qubits[0]}, q{second.qubits[1]} has "
                        f"atoms within the restriction distance "
                        f"({profile.restriction_factor} × {radius} µm) of another gate in the same stage",
                        second.loc, notes=(f"the other gate: '{first.name}' on q{first.qubits[0]}, q{first.qubits[1]} "
                                           f"at {first.loc}",))
    return {"checked_gates": checked, "spectators": spectators, "max_distance_um": max_distance}
