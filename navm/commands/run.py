"""`navm run`: compile for a device, then sample on the statevector or stim backend.

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

from navm.backends.counts import record_labels
from navm.diagnostics import NavmError
from navm.frontend import load
from navm.perf import gc_paused
from navm.pipeline import NoiseApplied, compile_program
from navm.progress import NO_PROGRESS, Progress
from navm.runtime.vm import DynamicValueError

BACKENDS = ("statevector", "stim")
BIT_ORDER = "measurement records in program order, record 0 leftmost"
DYNAMIC_BIT_ORDER = (BIT_ORDER + "; dynamic: each shot's own records in the order it executed them, "
                     "so bitstrings may differ in length")
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
    try:
        with gc_paused():
            module, noise = compile_program(load(req.file), req.device, noise=req.noise, seed=req.compile_seed,
                                            options=req.pass_options, progress=progress)
    except DynamicValueError as why:
        _print(_run_dynamic(req, why), json_output, console)
        return
    from navm.backends.report.schedule import schedule_report
    from navm.commands.compile import the_circuit

    op = the_circuit(module, req.file)
    table, n = op.gate_table, op.qubit_placement.num_qubits
    names = [table.result_names[r] for r in table.result[table.result >= 0].tolist()]
    out: dict = {"backend": req.backend, "device": req.device, "shots": req.shots, "seed": req.seed,
                 "noise": noise.to_json(), "noise_description": noise.describe(), "bit_order": BIT_ORDER,
                 "results": record_labels(names), "dynamic": False}
    if req.backend == "statevector":
        _statevector(req, module, op, out, progress)
    else:
        _stim(req, module, out, progress)
    out["schedule"] = schedule_report(module).to_json()["schedule"]
    _print(out, json_output, console)


def _statevector(req: RunRequest, module, op, out: dict, progress: Progress) -> None:
    from navm.backends.statevector import MAX_QUBITS, simulate

    table, n = op.gate_table, op.qubit_placement.num_qubits
    if n > MAX_QUBITS:
        raise NavmError(f"the circuit has {n} qubits; the statevector backend simulates at most {MAX_QUBITS}",
                        notes=_too_many_qubits_notes(module, req.device))
    paulis = [_logical_pauli(text, n, module) for text in req.observables]
    result = simulate(table, n, shots=req.shots, seed=req.seed, noise=True, keep_records=False,
                      observables=paulis, progress=progress)
    out["counts"] = result.counts
    out["method"] = result.method
    if req.observables:
        out["expectations"] = {text: result.expectations[p] for text, p in zip(req.observables, paulis)}


def _too_many_qubits_notes(module, device: str) -> tuple[str, ...]:
    from navm.commands.compile import stim_circuit

    try:
        stim_circuit(module, device)
    except NavmError:
        return ("the circuit is not Clifford, so stim cannot run it either; make it smaller",)
    return ("the circuit is Clifford: run it with --backend stim (no qubit limit)",)


def _logical_pauli(text: str, n: int, module) -> str:
    """A Pauli string over program qubits (qubit 0 leftmost) as one over the compiled circuit's
    qubits: routing may have moved program qubit k to another atom (`navm.output_permutation`)."""
    sign, body = (text[0], text[1:]) if text[:1] in "+-" else ("", text)
    body = body.upper()
    if len(body) != n:
        raise NavmError(f"--observable {text}: {len(body)} letters for a circuit of {n} qubit{'s' * (n != 1)}",
                        notes=("write one of I, X, Y, Z per program qubit, qubit 0 leftmost",))
    if sign == "-":
        raise NavmError(f"--observable {text}: write the Pauli string without a sign; negate the value instead")
    perm = module.attributes.get("navm.output_permutation")
    where = [int(a.data) for a in perm.data] if perm is not None else list(range(n))
    letters = ["I"] * n
    for k, letter in enumerate(body):
        letters[where[k]] = letter
    return "".join(letters)


def _stim(req: RunRequest, module, out: dict, progress: Progress) -> None:
    from navm.backends.stim import count_samples, detector_error_model, sample_detectors
    from navm.commands.compile import stim_circuit

    circuit = stim_circuit(module, req.device)
    out["counts"] = count_samples(circuit, req.shots, req.seed, progress=progress)
    if req.detectors:
        events, flips = sample_detectors(circuit, req.shots, req.seed)
        out["detectors"] = {
            "count": int(events.shape[1]),
            "fire_rate": [float(x) for x in np.asarray(events, dtype=float).mean(axis=0)],
            "observable_flip_rate": [float(x) for x in np.asarray(flips, dtype=float).mean(axis=0)],
        }
    if req.dem:
        out["detector_error_model"] = str(detector_error_model(circuit))


def _run_dynamic(req: RunRequest, why: DynamicValueError) -> dict:
    """Run a program with measurement-dependent control flow shot by shot (docs/cli.md, "Dynamic circuits")."""
    from navm.runtime.dynamic import DEFAULT_ENGINE, program_channels, run_dynamic
    from navm.runtime.vm.reference import DYNAMIC_HINT

    reason = why.message.removesuffix(DYNAMIC_HINT)
    where = f"{why.loc}: {reason}" if why.loc else reason
    notes = (f"it is a dynamic circuit: {reason}",)
    if req.backend != "statevector":
        raise NavmError(f"the {req.backend} backend cannot run a dynamic circuit (control flow that depends on "
                        "measurements); use --backend statevector", why.loc, notes=notes)
    if req.noise == "device":
        raise NavmError("--noise (the device's noise model) is not supported for dynamic circuits yet: the model "
                        "is laid on the compiled schedule, which a dynamic circuit does not have; the program's own "
                        "channels act without --noise", why.loc, notes=notes)
    if req.observables:
        raise NavmError("--observable is not supported for dynamic circuits: they have no single final state",
                        why.loc, notes=notes)
    module = load(req.file)
    channels = program_channels(module)
    noise = NoiseApplied("none", stripped=channels) if req.noise == "none" else NoiseApplied("program", channels)
    # Not under gc_paused: a long run decodes a VM per path, and the collector should reclaim them.
    result = run_dynamic(module, shots=req.shots, seed=req.seed, engine=DEFAULT_ENGINE,
                         noise=req.noise != "none")
    return {"backend": req.backend, "device": req.device, "shots": req.shots, "seed": req.seed,
            "noise": noise.to_json(), "noise_description": noise.describe(), "bit_order": DYNAMIC_BIT_ORDER,
            "results": record_labels(result.record_names), "counts": result.counts, "schedule": None,
            "dynamic": True, "engine": result.engine, "vm_runs": result.runs, "why_dynamic": where}


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
