"""`strip-noise`: remove every noise channel from the circuit.

The explicit "no noise at all" of `navm run --no-noise`: channels written in
the program (`QDEPOL`, `noise.pauli`, …) are part of the program and act by
default (docs/cli.md, "Noise"), so dropping them is a pass of its own that a
pipeline names, never a backend flag. Gates, measurements, detectors and the
schedule are untouched; record numbering does not change (noise rows carry no
records).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from navm.ir.navm import CircuitOp, GateTableAttr
from navm.ir.noise import NOISE_OPCODES
from navm.passes.base import NavmPass


@dataclass(frozen=True)
class StripNoise(NavmPass):
    """Remove every noise channel (the program's own and inserted ones)."""

    name = "strip-noise"

    def run(self, ctx: Context, module: ModuleOp) -> None:
        for op in module.body.block.ops:
            if isinstance(op, CircuitOp):
                table = op.gate_table
                noisy = np.isin(table.opcode, NOISE_OPCODES)
                if noisy.any():
                    op.properties["table"] = GateTableAttr(table.take(np.flatnonzero(~noisy)))
