"""`navm evaluate`: score a zoned program, navm's or another compiler's, with navm's legality
check and fidelity models.

Why a command of its own: MQT QMAP reports no duration and no fidelity (it writes only the
`.naviz` program), so comparing compilers needs one evaluator run on every output. This
one reads the program (a `.naviz` file through navm/backends/naviz, or an ISA 1.2 navm
program), runs `move-check` (unless `--no-check`), then `schedule`, whose zoned branch
times the program and scores it with every model (docs/zoned.md), and prints them.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from navm.diagnostics import NavmError

DEFAULT_DEVICE = "zoned"


@dataclass(frozen=True)
class EvaluateRequest:
    """What `navm evaluate` was asked to do."""

    file: str
    device: str = DEFAULT_DEVICE
    check: bool = True


def load_zoned(file: str, device: str):
    """The program of `file` as a module for `device`: a .naviz file through the reader, any other
    navm input through its front end and `unroll` (it must be ISA 1.2)."""
    from navm.devices import load_profile
    from navm.ir.navm import isa_version

    profile = load_profile(device)
    if profile.architecture is None:
        raise NavmError(f"navm evaluate scores zoned programs, and device '{device}' has no zoned architecture",
                        notes=("use --device zoned, or a profile with an `architecture` section",))
    if str(file).lower().endswith(".naviz"):
        from navm.backends.naviz import read_naviz_file

        return read_naviz_file(file, profile, device)
    from navm.frontend import load
    from navm.pipeline import compile_module

    module = compile_module(load(file), "unroll", device=device)
    if isa_version(module) != "1.2":
        raise NavmError(f"{file}: navm evaluate scores zoned programs (ISA 1.2, atom motion); this one is ISA "
                        f"{isa_version(module)}", notes=("compile it for a zoned device first, or give a .naviz file",))
    return module


def evaluate(req: EvaluateRequest) -> dict:
    """The evaluation as the JSON object `navm evaluate --json` prints (docs/cli.md)."""
    from navm.backends.report.schedule import schedule_report
    from navm.perf import gc_paused
    from navm.pipeline import compile_module

    with gc_paused():
        module = load_zoned(req.file, req.device)
        compile_module(module, "move-check,schedule" if req.check else "schedule", device=req.device)
    report = schedule_report(module)
    models = report.fidelity_models
    motion = report.motion or {}
    counts = models["zac"]["counts"] if "zac" in models else {}
    return {
        "file": str(req.file),
        "device": req.device,
        "num_qubits": report.num_qubits,
        "legal": True if req.check else None,
        "duration_us": report.duration_us,
        "counts": {
            "one_qubit_gates": counts.get("one_qubit_gates", 0),
            "cz": report.two_qubit_gates,
            "pulses": motion.get("pulses", len(report.stages)),
            **{k: motion.get(k, 0) for k in ("transfers", "load_groups", "move_groups", "store_groups",
                                             "unpaired_exposures")},
        },
        "fidelity_estimate": report.fidelity_estimate,
        "fidelity_models": models,
    }


def evaluate_command(req: EvaluateRequest, *, json_output: bool, console) -> None:
    result = evaluate(req)
    if json_output:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        return
    render(result, console)


def render(result: dict, console) -> None:
    """The evaluation for a person: legality, the counts, then one line per model with its factors."""
    from rich.table import Table

    from navm.backends.report.schedule import render_models

    verdict = "legal (move-check passed)" if result["legal"] else "not checked (--no-check)"
    console.print(f"{Path(result['file']).name} on {result['device']}: {verdict}", markup=False)
    table = Table(show_header=False, title="program")
    table.add_column(style="bold")
    table.add_column(justify="right")
    c = result["counts"]
    table.add_row("qubits", str(result["num_qubits"]))
    table.add_row("duration", f"{result['duration_us']:.3f} µs")
    table.add_row("1-qubit gates", str(c["one_qubit_gates"]))
    table.add_row("CZs (pairs)", str(c["cz"]))
    table.add_row("Rydberg pulses", str(c["pulses"]))
    table.add_row("atom transfers", str(c["transfers"]))
    table.add_row("AOD groups (load/move/store)", f"{c['load_groups']}/{c['move_groups']}/{c['store_groups']}")
    table.add_row("unpaired exposures", str(c["unpaired_exposures"]))
    console.print(table)
    render_models(result["fidelity_models"], console)
