"""`navm run`: compile for a device, then sample on the statevector or stim backend.

Counts map bitstrings to how often they occurred. A bitstring lists the
measurement records in program order, record 0 leftmost: a program that
measures q0 into r1 and then q1 into r2 reports "01" when q0 read 0 and q1
read 1.
"""

from __future__ import annotations

import json
import numpy as np

from navm.backends.counts import counts_of
from navm.diagnostics import NavmError
from navm.frontend import load
from navm.perf import gc_paused
from navm.pipeline import compile_for_device

BACKENDS = ("statevector", "stim")
BIT_ORDER = "measurement records in program order, record 0 leftmost"


def run_command(file, *, device, backend, shots, seed, noise, json_output, detectors, dem, console) -> None:
    if backend not in BACKENDS:
        raise NavmError(f"--backend must be one of {', '.join(BACKENDS)}, not '{backend}'")
    if (detectors or dem) and backend != "stim":
        raise NavmError("--detectors and --dem need --backend stim")
    with gc_paused():
        module = compile_for_device(load(file), device, noise=noise)
    from navm.backends.report.schedule import schedule_report
    from navm.commands.compile import circuit_op

    op = circuit_op(module)
    table, n = op.gate_table, op.qubit_placement.num_qubits
    result_names = [r.result for r in table.rows() if r.name == "measure"]
    out: dict = {"backend": backend, "device": device, "shots": shots, "seed": seed, "noise": noise,
                 "bit_order": BIT_ORDER, "results": result_names}
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
    if json_output:
        print(json.dumps(out, indent=2))
        return
    _render(out, console)


def _render(out: dict, console) -> None:
    from rich.table import Table

    table = Table(title=f"{out['shots']} shots on {out['backend']} ({'noisy' if out['noise'] else 'noiseless'}, "
                        f"device {out['device']}, seed {out['seed']})")
    table.add_column("bits (" + " ".join(out["results"]) + ")")
    table.add_column("count", justify="right")
    table.add_column("fraction", justify="right")
    for bits, count in sorted(out["counts"].items(), key=lambda kv: -kv[1])[:32]:
        table.add_row(bits or "(no measurements)", str(count), f"{count / out['shots']:.4f}")
    console.print(table)
    if "detectors" in out:
        d = out["detectors"]
        console.print(f"detectors: {d['count']}, mean fire rate {np.mean(d['fire_rate'] or [0]):.4g}; "
                      f"observable flip rates {', '.join(f'{x:.4g}' for x in d['observable_flip_rate'])}")
    if "detector_error_model" in out:
        console.print(out["detector_error_model"], markup=False)
