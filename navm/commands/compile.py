"""`navm compile`: source → scheduled native circuit, shown as a schedule, IR, stim text, OpenQASM 2 or JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from navm.diagnostics import NavmError
from navm.frontend import load
from navm.ir.context import print_module
from navm.ir.navm import CircuitOp
from navm.perf import gc_paused
from navm.pipeline import compile_for_device

EMITS = ("ir", "stim", "qasm2", "schedule", "json")


def compile_command(file, *, device, emit, output: Path | None, svg: Path | None, noise: bool, console) -> None:
    if emit not in EMITS:
        raise NavmError(f"--emit must be one of {', '.join(EMITS)}, not '{emit}'")
    if emit == "qasm2" and noise:
        raise NavmError("--emit qasm2 cannot carry the device noise model: OpenQASM 2 has no noise channels",
                        notes=("leave out --noise; the program's own noise rows are written as comments",))
    with gc_paused():
        module = compile_for_device(load(file), device, noise=noise)
    from navm.backends.report.schedule import render_table, schedule_report

    report = schedule_report(module)
    if svg is not None:
        from navm.backends.report.svg import schedule_svg
        from navm.runtime.devices import load_profile

        svg.write_text(schedule_svg(report, load_profile(device)), encoding="utf-8")
    if emit == "schedule" and output is None:
        render_table(report, console)
        return
    if emit == "schedule":
        from rich.console import Console

        with output.open("w", encoding="utf-8") as f:
            render_table(report, Console(file=f, width=120))
        return
    if emit == "json":
        text = json.dumps(report.to_json(), indent=2) + "\n"
    elif emit == "ir":
        text = print_module(module)
    elif emit == "qasm2":
        from navm.backends.qasm2 import module_to_qasm2

        text = module_to_qasm2(module, report=report)
    else:
        text = str(stim_circuit(module, device)) + "\n"
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def circuit_op(module) -> CircuitOp:
    ops = [op for op in module.body.block.ops if isinstance(op, CircuitOp)]
    if len(ops) != 1:
        raise NavmError(f"expected one navm.circuit after compilation, found {len(ops)}")
    return ops[0]


def stim_circuit(module, device: str):
    from navm.backends.stim import to_stim
    from navm.runtime.devices import load_profile

    op = circuit_op(module)
    return to_stim(op.gate_table, op.qubit_placement.num_qubits, placement=op.qubit_placement,
                   profile=load_profile(device))
