"""The comment lines at the top of an emitted file: how to map it back to navm.

OpenQASM 2 has nowhere to put a device, a placement or a schedule, so they go
in `//` comments with a fixed `key: value` shape (docs/backends/qasm2.md) that
a regular expression can read. Everything is ASCII: some readers reject other
characters even in comments.
"""

from __future__ import annotations

import math

from xdsl.dialects.builtin import ModuleOp

from navm.backends.report.schedule import ScheduleReport, schedule_report
from navm.ir.circuit_table import GateTable, Placement
from navm.ir.gates import OPCODE

GATE_NOTE = ("gates: r(axis,angle) = u3(angle,axis-pi/2,pi/2-axis); r(0,a) = rx(a); r(pi/2,a) = ry(a); "
             "rz, cz as in qelib1.inc (docs/backends/qasm2.md)")


def module_header(module: ModuleOp, placement: Placement, table: GateTable,
                  report: ScheduleReport | None = None) -> list[str]:
    """The header comments of a compiled module: device, placement, schedule, permutation, records."""
    report = report if report is not None else schedule_report(module)
    lines = [
        "// written by navm: the compiled circuit (docs/backends/qasm2.md)",
        f"// device: {escape(report.device or 'none')} (ISA {escape(report.isa_version)})",
        f"// qubits: q[k] is navm qubit k, the atom on site placement[k]; {placement.num_qubits} qubits",
        placement_line(placement),
    ]
    if "navm.schedule" in module.attributes:
        lines.append(
            f"// schedule: duration_us={report.duration_us!r} stages={len(report.stages)} "
            f"two_qubit_gates={report.two_qubit_gates} swaps_added={report.swaps_added} "
            f"fidelity_estimate={report.fidelity_estimate!r}")
    else:
        lines.append("// schedule: none")
    if report.output_permutation is not None:
        lines.append("// output_permutation (program qubit k ends on q[p[k]]):"
                     + "".join(f" {a}" for a in report.output_permutation))
    lines.append(records_line(table))
    lines.append("// " + GATE_NOTE)
    return lines


def placement_line(placement: Placement) -> str:
    """`// placement (k:site_id): 0:0 1:4 …`, or `(k:x,y um)` for ISA 1.0 coordinates; `-` = unplaced."""
    if placement.coords is not None:
        items = [f"{q}:-" if math.isnan(x) or math.isnan(y) else f"{q}:{x!r},{y!r}"
                 for q, (x, y) in enumerate(placement.coords.tolist())]
        return "// placement (k:x,y um):" + "".join(" " + i for i in items)
    items = [f"{q}:{s if s >= 0 else '-'}" for q, s in enumerate(placement.sites.tolist())]
    return "// placement (k:site_id):" + "".join(" " + i for i in items)


def records_line(table: GateTable) -> str:
    """`// records (rec[k]:result): 0:r1 1:r2 …`: each measurement record's navm result name."""
    measures = table.result[table.opcode == OPCODE["measure"]].tolist()
    names = table.result_names
    items = [f"{k}:{escape(names[r]) if r >= 0 else '-'}" for k, r in enumerate(measures)]
    return "// records (rec[k]:result):" + "".join(" " + i for i in items)


def escape(text: str) -> str:
    """`text` as printable ASCII without spaces (backslash escapes), safe inside a comment."""
    out = text.encode("unicode_escape").decode("ascii")
    return out.replace(" ", "\\x20")
