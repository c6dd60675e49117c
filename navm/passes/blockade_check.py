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

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import DictionaryAttr, FloatAttr, IntegerAttr, ModuleOp, f64, i64

from navm.diagnostics import NavmError
from navm.ir.circuit_table import Row
from navm.ir.gates import KIND
from navm.ir.navm import CircuitOp
from navm.passes.base import NavmPass, module_device, placed_sites
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
                sites = placed_sites(op, self.name)
                report = check_rows(list(op.gate_table.rows()), sites, profile)
                module.attributes[BLOCKADE_ATTR] = DictionaryAttr({
                    "checked_gates": IntegerAttr(report["checked_gates"], i64),
                    "spectators": IntegerAttr(report["spectators"], i64),
                    "max_distance_um": FloatAttr(report["max_distance_um"], f64),
                })


def _two_qubit(row: Row) -> bool:
    return KIND[row.name] == "gate" and len(row.qubits) == 2


def check_rows(rows: list[Row], sites: np.ndarray, profile) -> dict:
    coords = np.array([(profile.site(int(s)).x, profile.site(int(s)).y) for s in sites.tolist()]).reshape(-1, 2)
    radius = profile.blockade_radius_um
    pairs = [row for row in rows if _two_qubit(row)]
    if not pairs:
        return {"checked_gates": 0, "spectators": 0, "max_distance_um": 0.0}
    ends = np.array([row.qubits for row in pairs])
    distance = np.hypot(*(coords[ends[:, 0]] - coords[ends[:, 1]]).T)
    far = np.nonzero(distance > radius + 1e-9)[0]
    if far.size:
        row, d = pairs[far[0]], distance[far[0]]
        a, b = row.qubits
        notes = [f"{far.size} two-qubit gate(s) are out of range; run `route` to insert swaps"] if far.size > 1 else []
        notes += [f"also q{pairs[i].qubits[0]}, q{pairs[i].qubits[1]} ({distance[i]:.3g} µm) at {pairs[i].loc}"
                  for i in far[1 : 1 + MAX_NOTES].tolist()]
        raise NavmError(
            f"'{row.name}' on q{a} (site {sites[a]}) and q{b} (site {sites[b]}): atoms are {d:.3g} µm apart, "
            f"beyond the blockade radius {radius} µm", row.loc, notes=tuple(notes))
    _check_stages(pairs, sites, profile)
    # Spectators per distinct pair of atoms (gates repeat pairs a lot).
    unique, counts = np.unique(np.sort(ends, axis=1), axis=0, return_counts=True)
    spectators = 0
    for (a, b), count in zip(unique.tolist(), counts.tolist()):
        near = (np.hypot(*(coords - coords[a]).T) <= radius) | (np.hypot(*(coords - coords[b]).T) <= radius)
        spectators += (int(near.sum()) - 2) * count
    return {"checked_gates": len(pairs), "spectators": spectators, "max_distance_um": float(distance.max())}


def _check_stages(pairs: list[Row], sites: np.ndarray, profile) -> None:
    by_stage: dict[int, list[Row]] = defaultdict(list)
    for row in pairs:
        if row.timing is not None and row.timing[2] >= 0:
            by_stage[row.timing[2]].append(row)
    radius = profile.blockade_radius_um
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
