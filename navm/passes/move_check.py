"""`move-check`: fail, at the offending row, if a zoned (ISA 1.2) program is not legal.

The rules are docs/zoned.md's ("Legality"): atoms start on distinct traps; loads take
stored atoms, stores put loaded atoms on free traps, moves carry loaded atoms; the AOD's
atoms stay a grid of rows and columns that never cross, merge or come closer than the AOD's
minimum spacing, and a load picks up every stored atom at its crossings; each pulse pairs
the two traps of gate sites, with the AOD empty and no other atom within the blockade radius
of a pair. The replay and every rule live in navm/passes/analysis/motion.py, which
`schedule` and the `.naviz` backend share; this pass only runs it strictly and leaves a
small summary, `navm.move_check = {groups, pulses, transfers, unpaired_exposures}`.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import DictionaryAttr, IntegerAttr, ModuleOp, i64

from navm.diagnostics import NavmError
from navm.ir.navm import CircuitOp, isa_version
from navm.passes.analysis.motion import check
from navm.passes.analysis.motion_events import zoned_architecture
from navm.passes.base import NavmPass, module_device

MOVE_CHECK_ATTR = "navm.move_check"


@dataclass(frozen=True)
class MoveCheck(NavmPass):
    name = "move-check"

    device: str | None = None
    """Device profile (a zoned one); default: the module's navm.device."""

    def run(self, ctx: Context, module: ModuleOp) -> None:
        profile = module_device(module, self.device, self.name)
        version = isa_version(module)
        if version != "1.2":
            raise NavmError(f"move-check checks zoned programs (ISA 1.2, atom motion); this one is ISA {version}",
                            notes=("run `migrate-isa{to=1.2}` and the zoned passes first",))
        zoned_architecture(profile)
        for op in module.body.block.ops:
            if isinstance(op, CircuitOp):
                trace = check(op.gate_table, op.qubit_placement, profile)
                module.attributes[MOVE_CHECK_ATTR] = DictionaryAttr({
                    "groups": IntegerAttr(trace.num_groups, i64),
                    "pulses": IntegerAttr(len(trace.pulses), i64),
                    "transfers": IntegerAttr(trace.total_transfers, i64),
                    "unpaired_exposures": IntegerAttr(trace.unpaired_exposures, i64),
                })
