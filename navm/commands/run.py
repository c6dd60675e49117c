"""`navm run`: compile for a device, then sample on the statevector or stim backend (navm.api.run),
and show the result as a table or JSON.

Counts map bitstrings to how often they occurred. A bitstring lists the
measurement records in program order, record 0 leftmost: a program that
measures q0 into r1 and then q1 into r2 reports "01" when q0 read 0 and q1
read 1. Records are labelled so they can be told apart (`record_labels`).

Noise follows one rule on every path (docs/cli.md, "Noise"): the channels
written in the program act; `--noise` adds the device's model; `--no-noise`
strips everything. The header and the JSON say which channels acted.

A program that branches on its measurements cannot be compiled into one
circuit (`unroll` raises `DynamicValueError`); `navm run` then runs it as a
dynamic circuit (`navm.runtime.dynamic`): the VM and the statevector simulator
interleaved, on the program's logical qubits, without placement or schedule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from navm.api import run, run_result_json as to_json
from navm.diagnostics import NavmError
from navm.progress import NO_PROGRESS, Progress

COUNT_ROWS = 32
"""Rows of the counts table in the terminal; --json has them all."""


@dataclass(frozen=True)
class RunRequest:
    """What `navm run` was asked to do, checked before any work."""

    file: str
    device: str
    backend: str = "statevector"
    shots: int = 1024
    seed: int = 0
    noise: str = "program"
    observables: tuple[str, ...] = ()
    detectors: bool = False
    dem: bool = False
    compile_seed: int | None = None
    pass_options: tuple[str, ...] = field(default_factory=tuple)


def check_request(req: RunRequest) -> None:
    """Combinations of options that cannot work, refused before compiling."""
    if (req.detectors or req.dem) and req.backend != "stim":
        raise NavmError("--detectors and --dem need --backend stim")
    if req.observables and req.backend != "statevector":
        raise NavmError("--observable needs --backend statevector (stim samples records, not amplitudes)")


def run_command(req: RunRequest, *, json_output: bool, console, progress: Progress = NO_PROGRESS) -> None:
    check_request(req)
    result = run(req.file, req.device, backend=req.backend, shots=req.shots, seed=req.seed, noise=req.noise,
                 observables=req.observables, detectors=req.detectors, dem=req.dem, compile_seed=req.compile_seed,
                 pass_options=req.pass_options, progress=progress)
    _print(to_json(result), json_output, console)


def _print(out: dict, json_output: bool, console) -> None:
    if json_output:
        print(json.dumps(out, indent=2))
    else:
        _render(out, console)


def _render(out: dict, console) -> None:
    from rich.table import Table

    dynamic = out.get("dynamic", False)
    table = Table(title=f"{out['shots']:,} shots on {out['backend']} "
                        f"({'dynamic circuit' if dynamic else 'device ' + out['device']}, seed {out['seed']})",
                  caption=f"noise: {out['noise_description']}", caption_justify="left")
    table.add_column("bits (" + ("records in execution order" if dynamic else " ".join(out["results"])) + ")")
    table.add_column("count", justify="right")
    table.add_column("fraction", justify="right")
    ranked = sorted(out["counts"].items(), key=lambda kv: -kv[1])
    for bits, count in ranked[:COUNT_ROWS]:
        table.add_row(bits or "(no measurements)", f"{count:,}", f"{count / out['shots']:.4f}")
    if len(ranked) > COUNT_ROWS:
        hidden = ranked[COUNT_ROWS:]
        table.add_row(f"… {len(hidden):,} more outcomes", f"{sum(c for _, c in hidden):,}",
                      f"{sum(c for _, c in hidden) / out['shots']:.4f}", style="dim")
    console.print(table)
    if dynamic:
        console.print(f"dynamic circuit: {out['why_dynamic']}\n"
                      f"the VM drove the simulator shot by shot ({out['vm_runs']} VM runs: shots with the same "
                      "history run together) on the program's own qubits; no placement, routing or schedule "
                      "for the device", markup=False)
    if "expectations" in out:
        console.print("expectation values (the noiseless state before the final measurements, "
                      "program qubits, qubit 0 leftmost):", markup=False)
        for text, value in out["expectations"].items():
            console.print(f"  <{text}> = {value:+.6f}", markup=False)
    if "detectors" in out:
        d = out["detectors"]
        if not d["count"]:
            console.print("no detectors: the program declares none (QDETECTOR)", markup=False)
        else:
            console.print(f"detectors: {d['count']}, mean fire rate {np.mean(d['fire_rate']):.4g}", markup=False)
        flips = d["observable_flip_rate"]
        console.print(f"observable flip rates: {', '.join(f'{x:.4g}' for x in flips)}" if flips
                      else "no observables: the program declares none (QOBSERVABLE)", markup=False)
    if "detector_error_model" in out:
        console.print(out["detector_error_model"] or "(an empty detector error model: no detectors)", markup=False)
