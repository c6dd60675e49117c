"""Build a `navm.circuit` (ISA 1.1) from a parsed σ document.

Lattice node k is device site k, so each qubit's site id is its node index.
Macro rows (`qft`, `iqft`) are kept; `unroll` expands them.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import ModuleOp

from navm.frontend.sigma.spec import SigmaCircuit
from navm.ir.circuit_table import Placement, TableBuilder
from navm.ir.gates import OPCODE
from navm.ir.locations import to_attr
from navm.ir.navm import CircuitOp, set_isa_version

SIGMA_ISA_VERSION = "1.1"


def build_module(circuit: SigmaCircuit) -> ModuleOp:
    table = TableBuilder()
    for op in circuit.ops:
        table.add(OPCODE[op.name], op.qubits, op.params, op.result, op.loc, op.records)
    sites = np.array([q.node for q in circuit.qubits], dtype=np.int64)
    placement = Placement(len(circuit.qubits), sites=sites, decl_locs=tuple(q.loc for q in circuit.qubits))
    op = CircuitOp.build(table.build(), placement)
    if circuit.ops:
        op.location = to_attr(circuit.ops[0].loc)
    module = ModuleOp([op])
    set_isa_version(module, SIGMA_ISA_VERSION)
    return module
