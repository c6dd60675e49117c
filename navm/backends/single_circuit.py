"""The one straight-line `navm.circuit` a backend or emitter works on, or an error saying what to run."""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp

from navm.diagnostics import NavmError
from navm.ir.locations import op_location
from navm.ir.navm import CircuitOp


def single_circuit(module: ModuleOp, who: str, fix: str) -> CircuitOp:
    """`who` names the consumer in the error ("the stim backend"); `fix` says what to run first."""
    ops = list(module.body.block.ops)
    circuits = [op for op in ops if isinstance(op, CircuitOp)]
    others = [op for op in ops if not isinstance(op, CircuitOp)]
    if others or len(circuits) != 1:
        raise NavmError(
            f"{who} needs one straight-line navm.circuit, found {len(circuits)} circuit(s) "
            f"and {len(others)} other op(s): {fix}",
            op_location(others[0]) if others else None,
        )
    return circuits[0]
