"""`optimize`: fewer gates for the same circuit, before anything device-specific.

Per `navm.circuit` (navm/passes/optimization/ holds the parts):
1. every 2-qubit gate enters as `cz` between 1-qubit gates (`cx c, t` = H(t)·cz·H(t), `swap` = 3 cx),
   or, with `elide_swaps`, a `swap` whose moved qubits are all measured last becomes a relabelling
   of the rows after it (`circuit`);
2. one sweep fuses each run of 1-qubit gates on a qubit into one gate, carries diagonal gates through
   `cz`s, and cancels `cz` pairs across gates that commute with them (`commutation`);
3. every maximal 2-qubit block with more `cz`s than its unitary needs (within `tolerance`) is
   resynthesised with the fewest (0–3, KAK) (`resynthesis`), and the sweep runs again;
step 3 repeats while the `cz` count falls. Each fused 1-qubit run leaves as one row of `basis`:
`rz(θ)` when its matrix is diagonal, else `u3` (basis "u3") or `r` then `rz` (basis "r"); a run of a
single gate already in the basis stays as written. 2-qubit gates leave as `cz`.

The result equals the input up to a global phase (each resynthesised block within `tolerance`);
with elided swaps, measured circuits keep their statistics. Rows the pass does not look into
(measurements, resets, noise channels, barriers, annotations, motion, pulses, macros) stay in order,
unchanged, and nothing moves across them on their qubits. A schedule is dropped (the gates move);
run `schedule` afterwards. `qbc`-level ops are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from navm.diagnostics import NavmError
from navm.ir.circuit_table import GateTable
from navm.ir.navm import CircuitOp, GateTableAttr
from navm.passes.base import NavmPass, record_output_permutation

BASES = ("u3", "r")
MAX_ROUNDS = 8


@dataclass(frozen=True)
class Optimize(NavmPass):
    name = "optimize"

    resynthesize: bool = True
    """Resynthesise 2-qubit blocks with the fewest CZs they need (KAK, via qiskit)."""

    basis: str = "u3"
    """What fused 1-qubit runs become: u3 (one u3, or rz when diagonal) or r (r then rz)."""

    tolerance: float = 1e-9
    """The largest infidelity (1 - average gate fidelity) a resynthesised 2-qubit block may have
    to the block it replaces (qiskit's default, 1e-9); 0: exact up to rounding."""

    elide_swaps: bool = True
    """Replace each swap by relabelling the rows after it, where every qubit it moves is measured last."""

    permute_outputs: bool = False
    """Elide every swap, and record where each qubit's state ends (navm.output_permutation): the
    compiled circuit then equals the source up to that permutation (the zoned pipeline's choice)."""

    def run(self, ctx: Context, module: ModuleOp) -> None:
        if self.basis not in BASES:
            raise NavmError(f"optimize: basis must be one of {', '.join(BASES)}, got '{self.basis}'")
        if not 0 <= self.tolerance < 1:
            raise NavmError(f"optimize: tolerance must be in [0, 1), got {self.tolerance}")
        for op in module.body.block.ops:
            if isinstance(op, CircuitOp):
                table, perm = optimize_circuit(op.gate_table, op.qubit_placement.num_qubits, basis=self.basis,
                                               resynthesize=self.resynthesize, tolerance=self.tolerance,
                                               elide_swaps=self.elide_swaps, permute_outputs=self.permute_outputs)
                op.properties["table"] = GateTableAttr(table)
                if perm is not None:
                    record_output_permutation(module, perm)


def optimize_table(table: GateTable, num_qubits: int | None = None, *, basis: str = "u3",
                   resynthesize: bool = True, tolerance: float = 1e-9, elide_swaps: bool = True) -> GateTable:
    """The optimized table (see the module docstring)."""
    return optimize_circuit(table, num_qubits, basis=basis, resynthesize=resynthesize, tolerance=tolerance,
                            elide_swaps=elide_swaps)[0]


def optimize_circuit(table: GateTable, num_qubits: int | None = None, *, basis: str = "u3",
                     resynthesize: bool = True, tolerance: float = 1e-9, elide_swaps: bool = True,
                     permute_outputs: bool = False) -> tuple[GateTable, list[int] | None]:
    """The optimized table, and the output permutation where `permute_outputs` elided swaps."""
    from navm.passes.optimization import circuit, commutation, resynthesis

    n = max(num_qubits or 0, table.max_qubit() + 1)
    nodes, table, perm = circuit.nodes_of(table, n, elide_swaps=elide_swaps, permute_outputs=permute_outputs)
    nodes = commutation.sweep(nodes, n)
    if resynthesize:
        seen: dict = {}
        for _ in range(MAX_ROUNDS):
            before = circuit.cz_count(nodes)
            again = resynthesis.resynthesize(nodes, n, tolerance, seen)
            if again is None:
                break
            nodes = commutation.sweep(again, n)
            if circuit.cz_count(nodes) >= before:
                break
    return circuit.table_of(nodes, table, basis), perm
