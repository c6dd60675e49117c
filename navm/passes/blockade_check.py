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
from navm.ir.circuit_table import GateTable, Row
from navm.ir.gates import GATES
from navm.ir.navm import CircuitOp
from navm.passes.base import NavmPass, module_device, placed_sites
from navm.passes.schedule_parts import row_location
from navm.devices.blockade import restricted, restriction_masks

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
                report = check_table(op.gate_table, sites, profile)
                module.attributes[BLOCKADE_ATTR] = DictionaryAttr({
                    "checked_gates": IntegerAttr(report["checked_gates"], i64),
                    "spectators": IntegerAttr(report["spectators"], i64),
                    "max_distance_um": FloatAttr(report["max_distance_um"], f64),
                })


def check_rows(rows: list[Row], sites: np.ndarray, profile) -> dict:
    """`check_table` on rows."""
    return check_table(GateTable.from_rows(rows), sites, profile)


_GATE_KIND = np.array([g.kind == "gate" for g in GATES])


def check_table(table: GateTable, sites: np.ndarray, profile) -> dict:
    coords = np.array([(profile.site(int(s)).x, profile.site(int(s)).y) for s in sites.tolist()]).reshape(-1, 2)
    radius = profile.blockade_radius_um
    counts = np.diff(table.qubit_offsets)
    pairs = np.flatnonzero(_GATE_KIND[table.opcode.astype(np.intp)] & (counts == 2))
    if not len(pairs):
        return {"checked_gates": 0, "spectators": 0, "max_distance_um": 0.0}
    first = table.qubit_offsets[pairs].astype(np.intp)
    ends = np.column_stack((table.qubits[first], table.qubits[first + 1])).astype(np.int64)
    distance = np.hypot(*(coords[ends[:, 0]] - coords[ends[:, 1]]).T)
    far = np.nonzero(distance > radius + 1e-9)[0]
    if far.size:
        i, d = int(far[0]), distance[far[0]]
        a, b = ends[i].tolist()
        notes = [f"{far.size} two-qubit gate(s) are out of range; run `route` to insert swaps"] if far.size > 1 else []
        notes += [f"also q{ends[k, 0]}, q{ends[k, 1]} ({distance[k]:.3g} µm) at {row_location(table, int(pairs[k]))}"
                  for k in far[1 : 1 + MAX_NOTES].tolist()]
        raise NavmError(
            f"'{_name(table, pairs[i])}' on q{a} (site {sites[a]}) and q{b} (site {sites[b]}): atoms are {d:.3g} µm "
            f"apart, beyond the blockade radius {radius} µm", row_location(table, int(pairs[i])), notes=tuple(notes))
    _check_stages(table, pairs, ends, sites, profile)
    # Spectators per distinct pair of atoms (gates repeat pairs a lot).
    width = int(ends.max()) + 1
    keys, counts = np.unique(ends.min(axis=1) * width + ends.max(axis=1), return_counts=True)
    spectators = 0
    for a, b, count in zip((keys // width).tolist(), (keys % width).tolist(), counts.tolist()):
        near = (np.hypot(*(coords - coords[a]).T) <= radius) | (np.hypot(*(coords - coords[b]).T) <= radius)
        spectators += (int(near.sum()) - 2) * count
    return {"checked_gates": len(pairs), "spectators": spectators, "max_distance_um": float(distance.max())}


def _name(table: GateTable, row) -> str:
    return GATES[int(table.opcode[row])].name


def _check_stages(table: GateTable, pairs: np.ndarray, ends: np.ndarray, sites: np.ndarray, profile) -> None:
    """No two gates of one Rydberg stage restricted: a quick pass with the restriction masks,
    then, if it finds a clash, the gate-by-gate pass that reports the first one."""
    staged = ~np.isnan(table.start[pairs]) & (table.stage[pairs] >= 0)
    members = np.flatnonzero(staged)
    if not len(members):
        return
    members = members[np.argsort(table.stage[pairs][members], kind="stable")]
    stage = table.stage[pairs][members].tolist()
    atoms = np.unique(ends[members])
    try:
        near = restriction_masks(profile, sites[atoms].tolist())
    except KeyError:
        _report_first_clash(table, pairs, ends, members, stage, sites, profile)
        return
    local = np.searchsorted(atoms, ends[members]).tolist()
    current, blocked = None, 0
    for s, (x, y) in zip(stage, local):
        if s != current:
            current, blocked = s, 0
        if (blocked >> x) & 1 or (blocked >> y) & 1:
            _report_first_clash(table, pairs, ends, members, stage, sites, profile)
            return
        blocked |= near[x] | near[y]


def _report_first_clash(table, pairs, ends, members, stage, sites, profile) -> None:
    by_stage: dict[int, list[int]] = defaultdict(list)
    for s, k in zip(stage, members.tolist()):
        by_stage[s].append(k)
    radius = profile.blockade_radius_um
    for s, ks in sorted(by_stage.items()):
        for i, one in enumerate(ks):
            for other in ks[i + 1 :]:
                if restricted(profile, [int(sites[q]) for q in ends[one].tolist()],
                              [int(sites[q]) for q in ends[other].tolist()]):
                    (a1, b1), (a2, b2) = ends[one].tolist(), ends[other].tolist()
                    raise NavmError(
                        f"Rydberg stage {s}: '{_name(table, pairs[other])}' on q{a2}, q{b2} has "
                        f"atoms within the restriction distance "
                        f"({profile.restriction_factor} × {radius} µm) of another gate in the same stage",
                        row_location(table, int(pairs[other])),
                        notes=(f"the other gate: '{_name(table, pairs[one])}' on q{a1}, q{b1} "
                               f"at {row_location(table, int(pairs[one]))}",))
