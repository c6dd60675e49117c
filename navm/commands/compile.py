"""`navm compile`: source → scheduled native circuit (navm.api.compile), shown as a schedule, IR, stim text,
OpenQASM 2, .naviz (zoned devices) or JSON."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from navm.api import compile, the_circuit
from navm.commands.options import write_text
from navm.diagnostics import NavmError
from navm.ir.navm import CircuitOp
from navm.progress import NO_PROGRESS, Progress

EMITS = ("ir", "stim", "qasm2", "naviz", "schedule", "json")


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
    if req.emit == "naviz":
        _check_naviz(req)
    compiled = compile(req.file, req.device, noise=req.noise, seed=req.seed, pass_options=req.pass_options,
                       progress=progress)
    from navm.backends.report.schedule import render_table

    report = compiled.schedule()
    if req.svg is not None:
        from navm.backends.report.svg import schedule_svg
        from navm.devices import load_profile

        write_text(req.svg, schedule_svg(report, load_profile(req.device), module=compiled.module))
    if req.emit == "schedule":
        if req.output is None:
            render_table(report, console, noise=compiled.noise.describe())
            return
        from io import StringIO

        from rich.console import Console

        buffer = StringIO()
        render_table(report, Console(file=buffer, width=120), noise=compiled.noise.describe())
        write_text(req.output, buffer.getvalue())
        return
    if req.emit == "json":
        text = json.dumps({**report.to_json(), "noise": compiled.noise.to_json()}, indent=2) + "\n"
    elif req.emit == "ir":
        text = compiled.ir()
    elif req.emit == "qasm2":
        text = compiled.to_qasm2()
    elif req.emit == "naviz":
        from navm.backends.naviz import module_to_naviz
        from navm.devices import load_profile

        text = module_to_naviz(compiled.module, load_profile(req.device))
    else:
        text = str(compiled.to_stim()) + "\n"
    if req.output is not None:
        write_text(req.output, text)
    else:
        sys.stdout.write(text)


def _check_naviz(req: CompileRequest) -> None:
    """--emit naviz needs a zoned device, and cannot carry noise channels: checked before compiling."""
    from navm.devices import load_profile

    if req.noise == "device":
        raise NavmError("--emit naviz cannot carry the device noise model: the .naviz format has no noise channels",
                        notes=("leave out --noise",))
    if load_profile(req.device).architecture is None:
        raise NavmError(f"--emit naviz writes zoned programs (atom motion), and device '{req.device}' is not zoned",
                        notes=("compile for a zoned device: --device zoned",))


def circuit_op(module) -> CircuitOp:
    """The one circuit of a compiled module (navm.api.the_circuit)."""
    return the_circuit(module, "the program")
