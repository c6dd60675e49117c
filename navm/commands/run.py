"""`navm run`: compile for a device, then sample on the statevector or stim backend.

Counts map bitstrings to how often they occurred. A bitstring lists the
measurement records in program order, record 0 leftmost: a program that
measures q0 into r1 and then q1 into r2 reports "01" when q0 read 0 and q1
read 1.

A program that branches on its measurements cannot be compiled into one
circuit (`unroll` raises `DynamicValueError`); `navm run` then runs it as a
dynamic circuit (`navm.runtime.dynamic`): the VM and the statevector simulator
interleaved, on the program's logical qubits, without placement or schedule.
"""

from __future__ import annotations

import json

import numpy as np

from navm.backends.counts import counts_of
from navm.diagnostics import NavmError
from navm.frontend import load
from navm.perf import gc_paused
from navm.pipeline import compile_for_device
from navm.runtime.vm import DynamicValueError

BACKENDS = ("statevector", "stim")
BIT_ORDER = "measurement records in program order, record 0 leftmost"
DYNAMIC_BIT_ORDER = (BIT_ORDER + "; dynamic: each shot's own records in the order it executed them, "
                     "so bitstrings may differ in length")


def run_command(file, *, device, backend, shots, seed, noise, json_output, detectors, dem, console) -> None:
    if backend not in BACKENDS:
        raise NavmError(f"--backend must be one of {', '.join(BACKENDS)}, not '{backend}'")
    if (detectors or dem) and backend != "stim":
        raise NavmError("--detectors and --dem need --backend stim")
    try:
        with gc_paused():
            module = compile_for_device(load(file), device, noise=noise)
    except DynamicValueError as why:
        out = _run_dynamic(file, why, device=device, backend=backend, shots=shots, seed=seed, noise=noise)
        _print(out, json_output, console)
        return
    from navm.backends.report.schedule import schedule_report
    from navm.commands.compile import circuit_op

    op = circuit_op(module)
    table, n = op.gate_table, op.qubit_placement.num_qubits
    result_names = [r.result for r in table.rows() if r.name == "measure"]
    out: dict = {"backend": backend, "device": device, "shots": shots, "seed": seed, "noise": noise,
                 "bit_order": BIT_ORDER, "results": result_names, "dynamic": False}
    if backend == "statevector":
        from navm.backends.statevector import simulate

        result = simulate(table, n, shots=shots, seed=seed, noise=noise)
        out["counts"] = dict(sorted(result.counts.items()))
    else:
        from navm.backends.stim import detector_error_model, sample, sample_detectors
        from navm.commands.compile import stim_circuit

        circuit = stim_circuit(module, device)
        out["counts"] = counts_of(sample(circuit, shots, seed))
        if detectors:
            events, flips = sample_detectors(circuit, shots, seed)
            out["detectors"] = {
                "count": int(events.shape[1]),
                "fire_rate": [float(x) for x in np.asarray(events, dtype=float).mean(axis=0)],
                "observable_flip_rate": [float(x) for x in np.asarray(flips, dtype=float).mean(axis=0)],
            }
        if dem:
            out["detector_error_model"] = str(detector_error_model(circuit))
    out["schedule"] = schedule_report(module).to_json()["schedule"]
    _print(out, json_output, console)


def _run_dynamic(file, why: DynamicValueError, *, device, backend, shots, seed, noise) -> dict:
    """Run a program with measurement-dependent control flow shot by shot (docs/cli.md, "Dynamic circuits")."""
    from navm.runtime.dynamic import DEFAULT_ENGINE, run_dynamic

    from navm.runtime.vm.reference import DYNAMIC_HINT

    reason = why.message.removesuffix(DYNAMIC_HINT)
    where = f"{why.loc}: {reason}" if why.loc else reason
    notes = (f"it is a dynamic circuit: {reason}",)
    if backend != "statevector":
        raise NavmError(f"the {backend} backend cannot run a dynamic circuit (control flow that depends on "
                        "measurements); use --backend statevector", why.loc, notes=notes)
    if noise:
        raise NavmError("--noise is not supported for dynamic circuits yet: the device noise model comes "
                        "from the compiled schedule, which a dynamic circuit does not have; run without --noise",
                        why.loc, notes=notes)
    # Not under gc_paused: a long run decodes a VM per path, and the collector should reclaim them.
    result = run_dynamic(load(file), shots=shots, seed=seed, engine=DEFAULT_ENGINE)
    return {"backend": backend, "device": device, "shots": shots, "seed": seed, "noise": noise,
            "bit_order": DYNAMIC_BIT_ORDER, "results": list(result.record_names), "counts": result.counts,
            "schedule": None, "dynamic": True, "engine": result.engine, "vm_runs": result.runs,
            "why_dynamic": where}


def _print(out: dict, json_output: bool, console) -> None:
    if json_output:
        print(json.dumps(out, indent=2))
    else:
        _render(out, console)


def _render(out: dict, console) -> None:
    from rich.table import Table

    dynamic = out.get("dynamic", False)
    table = Table(title=f"{out['shots']} shots on {out['backend']} ({'noisy' if out['noise'] else 'noiseless'}, "
                        f"{'dynamic circuit' if dynamic else 'device ' + out['device']}, seed {out['seed']})")
    table.add_column("bits (" + ("records in execution order" if dynamic else " ".join(out["results"])) + ")")
    table.add_column("count", justify="right")
    table.add_column("fraction", justify="right")
    for bits, count in sorted(out["counts"].items(), key=lambda kv: -kv[1])[:32]:
        table.add_row(bits or "(no measurements)", str(count), f"{count / out['shots']:.4f}")
    console.print(table)
    if dynamic:
        console.print(f"dynamic circuit: {out['why_dynamic']}\n"
                      f"the VM drove the simulator shot by shot ({out['vm_runs']} VM runs: shots with the same "
                      "history run together) on the program's own qubits; no placement, routing or schedule "
                      "for the device", markup=False)
    if "detectors" in out:
        d = out["detectors"]
        console.print(f"detectors: {d['count']}, mean fire rate {np.mean(d['fire_rate'] or [0]):.4g}; "
                      f"observable flip rates {', '.join(f'{x:.4g}' for x in d['observable_flip_rate'])}")
    if "detector_error_model" in out:
        console.print(out["detector_error_model"], markup=False)
