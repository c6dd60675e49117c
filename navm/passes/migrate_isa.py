"""`migrate-isa{to=1.2}` / `{to=1.1}` / `{to=1.0}`: move a program between ISA versions.

ISA 1.0 places qubits by (x, y) µm, ISA 1.1 by `site_id` into the device's
site lattice, so migration maps coordinates ↔ site ids against a device
profile (`device=` option, else the module's `navm.device`, set by
`--device`). Works on `qbc` programs (QLOC ↔ QSITE with literal operands) and
on `navm.circuit` placements. A coordinate that is no site, a site the
profile does not have, or a site only ISA ≥ 1.1 can use (`min_isa`) when
going to 1.0, is an error at the qubit's declaration.

ISA 1.2 (zoned devices) places atoms by site id as 1.1 does, and adds atom
motion and Rydberg pulses: `{to=1.2}` from 1.1 only changes the version
(lossless), and `{to=1.1}` (or 1.0) of a program that moves atoms is an error
at its first motion instruction or row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import FloatData, IntAttr, ModuleOp

from navm.diagnostics import NavmError, SourceLocation
from navm.ir.circuit_table import Placement
from navm.ir.instruction_set import SUPPORTED_ISA_VERSIONS
from navm.ir.locations import op_location
from navm.ir.navm import CircuitOp, PlacementAttr, isa_version, set_isa_version
from navm.ir.operands import format_float
from navm.ir.qbc import INSTRUCTION_OPS, QbcInstruction
from navm.passes.base import NavmPass, module_device


@dataclass(frozen=True)
class MigrateIsa(NavmPass):
    name = "migrate-isa"

    to: str | float = "1.1"
    """The target ISA version (`to=1.1` arrives from the pipeline parser as a float)."""

    device: str | None = None
    """Device profile (built-in name or path); defaults to the module's navm.device."""

    keep_placement: bool = True
    """Map the program's declared positions to the target's form; false: drop them (every atom
    unplaced), as the zoned pipeline does: on a zoned device `zoned-place` places atoms itself."""

    def run(self, ctx: Context, module: ModuleOp) -> None:
        target = self.to if isinstance(self.to, str) else f"{self.to:.1f}"
        if target not in SUPPORTED_ISA_VERSIONS:
            raise NavmError(
                f"migrate-isa: unknown target version '{target}'; supported: "
                f"{', '.join(SUPPORTED_ISA_VERSIONS)}"
            )
        source = isa_version(module)
        if not self.keep_placement:
            _drop_placement(module, target)
        if source == target:
            return
        if target != "1.2":
            _no_motion(module, target)
        if {source, target} == {"1.1", "1.2"}:  # both place atoms by site id: nothing else changes
            set_isa_version(module, target)
            return
        profile = module_device(module, self.device, self.name)
        mapper = _SiteMapper(profile, target)
        for op in list(module.body.block.ops):
            if isinstance(op, QbcInstruction) and op.SIGNATURE.mnemonic in ("QLOC", "QSITE"):
                _migrate_declaration(op, mapper)
            elif isinstance(op, CircuitOp):
                op.properties["placement"] = PlacementAttr(mapper.placement(op.qubit_placement))
        set_isa_version(module, target)


class _SiteMapper:
    def __init__(self, profile, target: str) -> None:
        self.profile, self.target = profile, target

    def site_of(self, x: float, y: float, loc: SourceLocation | None) -> int:
        site = self.profile.site_at(x, y)
        if site is None:
            near = ", ".join(
                f"site {s.id} at ({format_float(s.x)}, {format_float(s.y)}), {d:.3g} µm away"
                for s, d in self.profile.nearest_sites(x, y, 3)
            )
            raise NavmError(
                f"({format_float(x)}, {format_float(y)}) µm is not a site of device "
                f"'{self.profile.name}' (tolerance {self.profile.coordinate_tolerance_um} µm)",
                loc, notes=(f"nearest: {near}",),
            )
        return site.id

    def coords_of(self, site_id: int, loc: SourceLocation | None) -> tuple[float, float]:
        try:
            site = self.profile.site(site_id)
        except KeyError:
            raise NavmError(f"device '{self.profile.name}' has no site {site_id}", loc) from None
        if SUPPORTED_ISA_VERSIONS.index(site.min_isa) > SUPPORTED_ISA_VERSIONS.index(self.target):
            zone = f" (zone '{site.zone}')" if site.zone else ""
            raise NavmError(
                f"site {site_id}{zone} needs ISA {site.min_isa}; an ISA {self.target} program "
                "cannot address it", loc,
            )
        return site.x, site.y

    def placement(self, p: Placement) -> Placement:
        if p.sites is not None and self.target != "1.0":
            return p
        if self.target != "1.0":
            sites = np.full(p.num_qubits, -1, dtype=np.int64)
            for q, (x, y) in enumerate(p.coords.tolist()):
                if not np.isnan(x):
                    sites[q] = self.site_of(x, y, p.decl_loc(q))
            return Placement(p.num_qubits, sites=sites, decl_locs=p.decl_locs)
        coords = np.full((p.num_qubits, 2), np.nan)
        for q, s in enumerate(p.sites.tolist()):
            if s >= 0:
                coords[q] = self.coords_of(s, p.decl_loc(q))
        return Placement(p.num_qubits, coords=coords, decl_locs=p.decl_locs)


def _drop_placement(module: ModuleOp, target: str) -> None:
    """Forget where the program put its atoms: declarations go, circuits' atoms become unplaced."""
    for op in list(module.body.block.ops):
        if isinstance(op, QbcInstruction) and op.SIGNATURE.mnemonic in ("QLOC", "QSITE"):
            op.detach()
            op.erase()
        elif isinstance(op, CircuitOp):
            n = op.qubit_placement.num_qubits
            op.properties["placement"] = PlacementAttr(Placement.empty(n, target))
    set_isa_version(module, target)


def _no_motion(module: ModuleOp, target: str) -> None:
    """Atom motion and Rydberg pulses exist from ISA 1.2 on: moving down is an error at the first one."""
    from navm.ir.circuit_verify import ZONED_KINDS
    from navm.ir.gates import GATES

    for op in module.body.block.ops:
        if isinstance(op, QbcInstruction) and op.SIGNATURE.mnemonic in _MOTION_MNEMONICS:
            raise NavmError(f"migrate-isa: {op.SIGNATURE.mnemonic} has no form in ISA {target}: atom motion "
                            "needs ISA 1.2 (zoned devices)", op_location(op))
        if isinstance(op, CircuitOp):
            table = op.gate_table
            zoned = np.isin(table.opcode, [i for i, g in enumerate(GATES) if g.kind in ZONED_KINDS])
            if zoned.any():
                (row,) = table.take(np.flatnonzero(zoned)[:1]).rows()
                raise NavmError(f"migrate-isa: '{row.name}' has no form in ISA {target}: atom motion and "
                                "Rydberg pulses need ISA 1.2 (zoned devices)", row.loc)


_MOTION_MNEMONICS = frozenset({"QAODLOAD", "QAODMOVE", "QAODSTORE", "QRYDBERG"})


def _literal(attr) -> float | None:
    return float(attr.data) if isinstance(attr, (IntAttr, FloatData)) else None


def _migrate_declaration(op: QbcInstruction, mapper: _SiteMapper) -> None:
    loc = op_location(op)
    args = op.args.data
    if op.SIGNATURE.mnemonic == "QLOC" and mapper.target != "1.0":
        x, y = _literal(args[1]), _literal(args[2])
        if x is None or y is None:
            raise NavmError(
                "QLOC with coordinates held in registers cannot be migrated statically; "
                "run `unroll` first (e.g. -p unroll,migrate-isa{to=1.1})", loc,
            )
        new = INSTRUCTION_OPS["QSITE"].build((args[0], IntAttr(mapper.site_of(x, y, loc))), op.location)
    elif op.SIGNATURE.mnemonic == "QSITE" and mapper.target == "1.0":
        if not isinstance(args[1], IntAttr):
            raise NavmError(
                "QSITE with a site id held in a register cannot be migrated statically; "
                "run `unroll` first (e.g. -p unroll,migrate-isa{to=1.0})", loc,
            )
        x, y = mapper.coords_of(args[1].data, loc)
        new = INSTRUCTION_OPS["QLOC"].build((args[0], FloatData(x), FloatData(y)), op.location)
    else:
        return
    op.parent_block().insert_op_before(new, op)
    op.detach()
    op.erase()
