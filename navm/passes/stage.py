"""`stage`: group the CZs of a zoned (ISA 1.2) circuit into Rydberg pulses, as few as dependencies allow.

On a zoned device one Rydberg pulse entangles every pair of atoms standing on a gate site, so the
CZs that can run together should be one pulse: every pulse costs a rearrangement of atoms. The
pass layers the CZs as soon as possible (a CZ's pulse is one after the latest pulse of either of
its atoms), at most `max_cz_per_stage` pairs a pulse (the profile's limit: one pair per gate
site), and writes each pulse as one `rydberg` row listing its pairs. Every other row keeps its
place relative to the pulses on its qubits: it goes right after the latest pulse that touched
one of them, in its original order among the rows that land there. Measurements also keep their
order among themselves (record numbers, which detectors refer to, do not change); a detector or
observable row goes after the measurements it names; a barrier holds its qubits (all qubits when
it lists none) back from earlier pulses.

Needs `cz` as the only 2-qubit gate (run `decompose-native` first) and ISA 1.2.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from navm.diagnostics import NavmError
from navm.ir.circuit_table import GateTable, Row
from navm.ir.gates import KIND
from navm.ir.navm import CircuitOp, GateTableAttr, isa_version
from navm.passes.base import NavmPass, module_device


@dataclass(frozen=True)
class Stage(NavmPass):
    """Group CZs into Rydberg pulses (one `rydberg` row each), as few as dependencies allow."""

    name = "stage"

    device: str | None = None
    """Device profile (its max_cz_per_stage); defaults to the module's navm.device."""

    def run(self, ctx: Context, module: ModuleOp) -> None:
        if isa_version(module) != "1.2":
            raise NavmError(f"stage works on ISA 1.2 (zoned) circuits, this one is ISA {isa_version(module)}: "
                            "run migrate-isa{to=1.2} first")
        profile = module_device(module, self.device, self.name)
        for op in module.body.block.ops:
            if isinstance(op, CircuitOp):
                rows = staged_rows(list(op.gate_table.rows()), op.qubit_placement.num_qubits,
                                   profile.gates.max_cz_per_stage)
                op.properties["table"] = GateTableAttr(GateTable.from_rows(rows))


def staged_rows(rows: list[Row], num_qubits: int, capacity: int) -> list[Row]:
    """The rows with CZs grouped into `rydberg` rows (see the module docstring)."""
    layer = [-1] * num_qubits  # the latest pulse that touched each qubit, or that a barrier held it to
    pulses: list[list[Row]] = []
    buckets: list[list[Row]] = [[]]  # bucket k: rows between pulse k-1 and pulse k (bucket 0: before all)
    measure_floor = 0  # measurements keep their order
    record_bucket: list[int] = []  # the bucket of each measurement record
    for row in rows:
        kind = KIND[row.name]
        if row.name == "cz":
            a, b = row.qubits
            k = max(layer[a], layer[b]) + 1
            while k < len(pulses) and len(pulses[k]) >= capacity:
                k += 1
            while len(pulses) <= k:
                pulses.append([])
                buckets.append([])
            pulses[k].append(row)
            layer[a] = layer[b] = k
            continue
        if kind == "gate" and len(row.qubits) == 2:
            raise NavmError(f"stage needs cz as the only 2-qubit gate, found '{row.name}': run decompose-native "
                            "first", row.loc)
        if kind in ("motion", "pulse"):
            raise NavmError(f"stage works before atoms move: found a '{row.name}' row", row.loc)
        if kind == "annotation":
            bucket = max((record_bucket[r] for r in row.records), default=0)
        elif kind == "barrier" and not row.qubits:
            bucket = max(layer, default=-1) + 1
            layer = [bucket - 1] * num_qubits
        else:
            bucket = max((layer[q] for q in row.qubits), default=-1) + 1
            if kind == "measure":
                bucket = max(bucket, measure_floor)
                measure_floor = bucket
                record_bucket.append(bucket)
            if kind == "barrier":
                for q in row.qubits:
                    layer[q] = bucket - 1
        while len(buckets) <= bucket:
            buckets.append([])
            pulses.append([])
        buckets[bucket].append(row)
    out: list[Row] = []
    for k, bucket in enumerate(buckets):
        out.extend(bucket)
        if k < len(pulses) and pulses[k]:
            first = pulses[k][0]
            out.append(Row("rydberg", tuple(q for r in pulses[k] for q in r.qubits), (), None, first.loc))
    return out
