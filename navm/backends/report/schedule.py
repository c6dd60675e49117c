"""The schedule of a compiled module as plain data (for `--json`) and as a rich table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, ModuleOp

from navm.ir.circuit_table import Row
from navm.ir.gates import GATES, OPCODE
from navm.ir.navm import CircuitOp, device_name, isa_version


@dataclass
class Stage:
    index: int
    start_us: float
    gates: list[tuple[int, int]]  # qubit pairs


@dataclass
class ScheduleReport:
    device: str | None
    isa_version: str
    num_qubits: int
    placement: dict[int, int]  # program qubit -> site id
    duration_us: float
    stages: list[Stage]
    two_qubit_gates: int
    swaps_added: int
    fidelity_estimate: float
    spectators: int
    gate_counts: dict[str, int] = field(default_factory=dict)
    output_permutation: list[int] | None = None

    def to_json(self) -> dict:
        return {
            "device": self.device,
            "isa_version": self.isa_version,
            "num_qubits": self.num_qubits,
            "placement": {str(q): s for q, s in self.placement.items()},
            "schedule": {
                "duration_us": self.duration_us,
                "stages": len(self.stages),
                "two_qubit_gates": self.two_qubit_gates,
                "swaps_added": self.swaps_added,
                "fidelity_estimate": self.fidelity_estimate,
                "stage_list": [
                    {"index": s.index, "start_us": s.start_us, "gates": [list(g) for g in s.gates]} for s in self.stages
                ],
            },
            "spectators": self.spectators,
            "gate_counts": self.gate_counts,
            "output_permutation": self.output_permutation,
        }


def _number(attrs: DictionaryAttr | None, key: str, default=0):
    if attrs is None or key not in attrs.data:
        return default
    value = attrs.data[key]
    return value.value.data if hasattr(value, "value") else default


def _int_attr(module: ModuleOp, name: str) -> int:
    attr = module.attributes.get(name)
    if attr is None:
        return 0
    return int(getattr(getattr(attr, "value", None), "data", getattr(attr, "data", 0)))


def schedule_report(module: ModuleOp) -> ScheduleReport:
    (op,) = [o for o in module.body.block.ops if isinstance(o, CircuitOp)] or [None]
    if op is None:
        raise ValueError("no navm.circuit in the module")
    rows: list[Row] = list(op.gate_table.rows())
    placement = op.qubit_placement
    sites = placement.sites.tolist() if placement.sites is not None else [-1] * placement.num_qubits
    by_stage: dict[int, Stage] = {}
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[GATES[OPCODE[row.name]].printed_name] += 1
        if row.timing is not None and row.timing[2] >= 0:
            stage = by_stage.setdefault(row.timing[2], Stage(row.timing[2], row.timing[0], []))
            stage.gates.append(tuple(row.qubits))
    summary = module.attributes.get("navm.schedule")
    blockade = module.attributes.get("navm.blockade")
    perm = module.attributes.get("navm.output_permutation")
    return ScheduleReport(
        device=device_name(module),
        isa_version=isa_version(module),
        num_qubits=placement.num_qubits,
        placement={q: s for q, s in enumerate(sites)},
        duration_us=float(_number(summary, "duration_us", 0.0)),
        stages=[by_stage[k] for k in sorted(by_stage)],
        two_qubit_gates=int(_number(summary, "two_qubit_gates", 0)),
        swaps_added=_int_attr(module, "navm.route.swaps_added"),
        fidelity_estimate=float(_number(summary, "fidelity_estimate", 1.0)),
        spectators=int(_number(blockade, "spectators", 0)),
        gate_counts=dict(sorted(counts.items())),
        output_permutation=[int(a.data) for a in perm.data] if isinstance(perm, ArrayAttr) else None,
    )


STAGE_ROWS = 40
"""Stages listed in the terminal table; `--emit json` lists them all."""
PAIRS_SHOWN = 6


def render_table(report: ScheduleReport, console, *, noise: str | None = None) -> None:
    """A person-readable schedule: summary, then one line per Rydberg stage (the first STAGE_ROWS;
    a last line says how many are hidden)."""
    from rich.table import Table

    summary = Table(title=f"schedule on {report.device or 'no device'} (ISA {report.isa_version})", show_header=False)
    summary.add_column(style="bold")
    summary.add_column(justify="right")
    summary.add_row("qubits", str(report.num_qubits))
    summary.add_row("duration", f"{report.duration_us:.3f} µs")
    summary.add_row("Rydberg stages", str(len(report.stages)))
    summary.add_row("two-qubit gates", str(report.two_qubit_gates))
    summary.add_row("swaps added", str(report.swaps_added))
    summary.add_row("spectator atoms", str(report.spectators))
    summary.add_row("fidelity estimate", f"{report.fidelity_estimate:.6f}")
    console.print(summary)
    if noise is not None:
        console.print(f"noise: {noise}", markup=False)
    if not report.stages:
        console.print("no Rydberg stages: the circuit has no two-qubit gates")
        return
    stages = Table(title="Rydberg stages")
    stages.add_column("stage", justify="right")
    stages.add_column("start µs", justify="right")
    stages.add_column("CZs", justify="right")
    stages.add_column("pairs (qubit→site)")
    for s in report.stages[:STAGE_ROWS]:
        pairs = ", ".join(f"q{a}–q{b} ({report.placement[a]}–{report.placement[b]})"
                          for a, b in s.gates[:PAIRS_SHOWN])
        more = len(s.gates) - PAIRS_SHOWN
        stages.add_row(str(s.index), f"{s.start_us:.3f}", str(len(s.gates)),
                       pairs + (f" … and {more} more" if more > 0 else ""))
    hidden = len(report.stages) - STAGE_ROWS
    if hidden > 0:
        stages.add_row("…", "", "", f"{hidden} more stages (--emit json lists every stage)", style="dim")
    console.print(stages)
