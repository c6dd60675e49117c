"""`navm compile`: source → scheduled native circuit, shown as a schedule, IR, stim text, OpenQASM 2 or JSON."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from navm.commands.options import write_text
from navm.diagnostics import NavmError
from navm.frontend import load
from navm.ir.context import print_module
from navm.ir.navm import CircuitOp
from navm.perf import gc_paused
from navm.pipeline import compile_program
from navm.progress import NO_PROGRESS, Progress

EMITS = ("ir", "stim", "qasm2", "schedule", "json")


@dataclass(frozen=True)
class CompileRequest:
    """What `navm compile` was asked to do, checked before any work."""

    file: str
    device: str
    emit: str = "schedule"
    output: Path | None = None
    svg: Path | None = None
    noise: str = "program"
    seed: int | None = None
    pass_options: tuple[str, ...] = ()


def compile_command(req: CompileRequest, *, console, progress: Progress = NO_PROGRESS) -> None:
    if req.emit == "qasm2" and req.noise == "device":
        raise NavmError("--emit qasm2 cannot carry the device noise model: OpenQASM 2 has no noise channels",
                        notes=("leave out --noise; the program's own noise rows are written as comments",))
    with gc_paused():
        module, noise = compile_program(load(req.file), req.device, noise=req.noise, seed=req.seed,
                                        options=req.pass_options, progress=progress)
    the_circuit(module, req.file)
    from navm.backends.report.schedule import render_table, schedule_report

    report = schedule_report(module)
    if req.svg is not None:
        from navm.backends.report.svg import schedule_svg
        from navm.runtime.devices import load_profile

        write_text(req.svg, schedule_svg(report, load_profile(req.device)))
    if req.emit == "schedule":
        if req.output is None:
            render_table(report, console, noise=noise.describe())
            return
        from io import StringIO

        from rich.console import Console

        buffer = StringIO()
        render_table(report, Console(file=buffer, width=120), noise=noise.describe())
        write_text(req.output, buffer.getvalue())
        return
    if req.emit == "json":
        text = json.dumps({**report.to_json(), "noise": noise.to_json()}, indent=2) + "\n"
    elif req.emit == "ir":
        text = print_module(module)
    elif req.emit == "qasm2":
        from navm.backends.qasm2 import module_to_qasm2

        text = module_to_qasm2(module, report=report)
    else:
        text = str(stim_circuit(module, req.device)) + "\n"
    if req.output is not None:
        write_text(req.output, text)
    else:
        sys.stdout.write(text)


def the_circuit(module, file: str) -> CircuitOp:
    """The one `navm.circuit` a compiled program has; a program with nothing quantum in it is a user error."""
    ops = [op for op in module.body.block.ops if isinstance(op, CircuitOp)]
    if not ops or not len(ops[0].gate_table) and not ops[0].qubit_placement.num_qubits:
        raise NavmError(f"{file}: the program has no quantum instructions: there is no circuit to compile",
                        notes=("a program needs at least one qubit instruction such as QH q0, h q[0]; or a "
                               "σ-language gate",
                               "to run classical QBC code, use `navm exec`"))
    if len(ops) != 1:
        raise NavmError(f"{file}: expected one circuit after compilation, found {len(ops)}")
    if not ops[0].qubit_placement.num_qubits:
        raise NavmError(f"{file}: the program uses no qubits: its circuit has nothing to run on")
    return ops[0]


def circuit_op(module) -> CircuitOp:
    return the_circuit(module, "the program")


def stim_circuit(module, device: str):
    from navm.backends.stim import to_stim
    from navm.runtime.devices import load_profile

    op = circuit_op(module)
    return to_stim(op.gate_table, op.qubit_placement.num_qubits, placement=op.qubit_placement,
                   profile=load_profile(device))
