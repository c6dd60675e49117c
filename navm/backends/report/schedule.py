"""The schedule of a compiled module as plain data (for `--json`) and as a rich table.

Zoned (ISA 1.2) programs add what their schedule summary holds: the counts of atom
transfers, AOD groups and pulses (`motion`), and every fidelity model with its factors
(`fidelity_models`: navm's own, ZAC's, ZAC's with unpaired excitation; docs/zoned.md).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, FloatAttr, IntegerAttr, ModuleOp, StringAttr

from navm.ir.circuit_table import Row
from navm.ir.gates import GATES, OPCODE, pulse_pairs
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
    fidelity_models: dict[str, dict] = field(default_factory=dict)
    """Model name → {fidelity, log10, factors, factors_log10, counts} (zoned programs)."""
    motion: dict[str, int] | None = None
    """Zoned programs: pulses, transfers, load/move/store groups, unpaired exposures."""

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
                "fidelity_models": self.fidelity_models,
                "motion": self.motion,
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


def _plain(attr):
    """An attribute of the schedule summary as plain Python (dicts, numbers, strings)."""
    if isinstance(attr, DictionaryAttr):
        return {k: _plain(v) for k, v in attr.data.items()}
    if isinstance(attr, (FloatAttr, IntegerAttr)):
        return attr.value.data
    if isinstance(attr, StringAttr):
        return attr.data
    return None


MOTION_KEYS = ("transfers", "load_groups", "move_groups", "store_groups", "unpaired_exposures")


def _models(summary: DictionaryAttr | None) -> dict[str, dict]:
    """Each model as JSON: its factors also as values (10^log10; a log10 of -inf reads as 0 and null)."""
    if summary is None or "fidelity_models" not in summary.data:
        return {}
    out = {}
    for name, model in _plain(summary.data["fidelity_models"]).items():
        logs = model.get("factors_log10", {})
        out[name] = {
            "fidelity": model.get("fidelity"),
            "log10": _finite(model.get("log10")),
            "factors": {k: (10.0 ** v if v != -math.inf else 0.0) for k, v in logs.items()},
            "factors_log10": {k: _finite(v) for k, v in logs.items()},
            "counts": model.get("counts", {}),
        }
    return out


def _finite(value):
    return None if value is None or value == -math.inf else value


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
            if row.name == "rydberg":  # one pulse: a CZ on each pair
                stage.gates.extend(pulse_pairs(row.qubits))
            else:
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
        fidelity_models=_models(summary),
        motion=({"pulses": int(_number(summary, "stages", 0)),
                 **{k: int(_number(summary, k, 0)) for k in MOTION_KEYS}}
                if summary is not None and "transfers" in summary.data else None),
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
    if report.motion is None:
        summary.add_row("swaps added", str(report.swaps_added))
        summary.add_row("spectator atoms", str(report.spectators))
    else:
        m = report.motion
        summary.add_row("atom transfers", str(m["transfers"]))
        summary.add_row("AOD groups (load/move/store)", f"{m['load_groups']}/{m['move_groups']}/{m['store_groups']}")
        summary.add_row("unpaired exposures", str(m["unpaired_exposures"]))
    summary.add_row("fidelity estimate", f"{report.fidelity_estimate:.6f}")
    console.print(summary)
    if report.fidelity_models:
        render_models(report.fidelity_models, console)
    if noise is not None:
        console.print(f"noise: {noise}", markup=False)
    if not report.stages:
        console.print("no Rydberg stages: the circuit has no two-qubit gates")
        return
    stages = Table(title="Rydberg stages")
    stages.add_column("stage", justify="right")
    stages.add_column("start µs", justify="right")
    stages.add_column("CZs", justify="right")
    zoned = report.motion is not None  # atoms move: their placement is where they start, not where they meet
    stages.add_column("pairs" if zoned else "pairs (qubit→site)")
    for s in report.stages[:STAGE_ROWS]:
        pairs = ", ".join(f"q{a}–q{b}" if zoned else f"q{a}–q{b} ({report.placement[a]}–{report.placement[b]})"
                          for a, b in s.gates[:PAIRS_SHOWN])
        more = len(s.gates) - PAIRS_SHOWN
        stages.add_row(str(s.index), f"{s.start_us:.3f}", str(len(s.gates)),
                       pairs + (f" … and {more} more" if more > 0 else ""))
    hidden = len(report.stages) - STAGE_ROWS
    if hidden > 0:
        stages.add_row("…", "", "", f"{hidden} more stages (--emit json lists every stage)", style="dim")
    console.print(stages)


def render_models(models: dict[str, dict], console) -> None:
    """The fidelity models side by side, one column each: fidelity, log10, then every factor (—
    where a model has no such factor; JSON also has each factor's log10)."""
    from rich.table import Table

    names = list(dict.fromkeys(k for model in models.values() for k in model["factors"]))
    table = Table(title="fidelity models")
    table.add_column("")
    for name in models:
        table.add_column(name, justify="right")
    table.add_row("fidelity", *(_fidelity_text(m["fidelity"]) for m in models.values()), style="bold")
    table.add_row("log10", *("-inf" if m["log10"] is None else f"{m['log10']:.6f}" for m in models.values()))
    for k in names:
        table.add_row(f"× {k.replace('_', ' ')}", *(_fidelity_text(m["factors"][k]) if k in m["factors"] else "—"
                                                    for m in models.values()))
    console.print(table)


def _fidelity_text(value: float) -> str:
    """Six decimals, or three significant digits in exponent form below 0.001 (the log10 column
    carries what underflows)."""
    return f"{value:.6f}" if value >= 1e-3 or value == 0 else f"{value:.3e}"
