"""The Python API: compile a program for a device and run it, as `navm compile` and `navm run` do.

    import navm
    compiled = navm.compile("examples/qbc/bell.qbc")          # a file, source text, or a module
    compiled.circuit, compiled.table, compiled.num_qubits     # the one navm.circuit
    compiled.schedule().duration_us, compiled.noise.describe()
    result = navm.run(compiled, shots=1000, seed=1, observables=["ZZ"])
    result.counts, result.expectations

The commands are thin layers over these functions (navm/commands/); docs/python-api.md
shows them with tested examples. Dynamic programs (control flow on measurements)
run through `navm.run` too, as the CLI runs them; `navm.compile` raises
`DynamicValueError` for them, since they have no single circuit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from xdsl.dialects.builtin import ModuleOp

from navm.backends.counts import record_labels
from navm.diagnostics import NavmError
from navm.ir.navm import CircuitOp
from navm.perf import gc_paused
from navm.pipeline import DEFAULT_DEVICE, NoiseApplied, compile_program
from navm.progress import NO_PROGRESS, Progress, task

BACKENDS = ("statevector", "stim")
BIT_ORDER = "measurement records in program order, record 0 leftmost"
DYNAMIC_BIT_ORDER = (BIT_ORDER + "; dynamic: each shot's own records in the order it executed them, "
                     "so bitstrings may differ in length")


def load_program(program: str | Path | ModuleOp, language: str | None = None,
                 source_name: str = "<input>") -> tuple[ModuleOp, str]:
    """(module, name for messages) of a file path, source text (with `language`, named `source_name` in
    diagnostics), or a parsed module."""
    from navm.frontend import language_of, load, load_text

    if isinstance(program, ModuleOp):
        return program, "<module>"
    if language is not None:
        return load_text(str(program), language, source_name), source_name
    language_of(program)  # a bad suffix is an error before anything is read
    return load(program), str(program)


@dataclass(frozen=True)
class Compiled:
    """A program compiled for a device: the module, its one circuit, and the noise it carries."""

    module: ModuleOp
    device: str
    noise: NoiseApplied
    name: str = "<module>"

    @property
    def circuit(self) -> CircuitOp:
        return the_circuit(self.module, self.name)

    @property
    def table(self):
        return self.circuit.gate_table

    @property
    def num_qubits(self) -> int:
        return self.circuit.qubit_placement.num_qubits

    @property
    def record_names(self) -> list[str]:
        """The measurement records, labelled so that repeats are told apart (`r3[0]`, `r3[1]`)."""
        t = self.table
        return record_labels(t.result_names[r] for r in t.result[t.result >= 0].tolist())

    def schedule(self):
        from navm.backends.report.schedule import schedule_report

        return schedule_report(self.module)

    def ir(self, *, locations: bool = True) -> str:
        from navm.ir.context import print_module

        return print_module(self.module, locations=locations)

    def to_stim(self):
        from navm.backends.stim import to_stim
        from navm.devices import load_profile

        op = self.circuit
        return to_stim(op.gate_table, op.qubit_placement.num_qubits, placement=op.qubit_placement,
                       profile=load_profile(self.device))

    def to_qasm2(self) -> str:
        from navm.backends.qasm2 import module_to_qasm2

        return module_to_qasm2(self.module, report=self.schedule())


def compile(program: str | Path | ModuleOp, device: str = DEFAULT_DEVICE, *, language: str | None = None,
            noise: str = "program", seed: int | None = None, pass_options: Sequence[str] = (),
            source_name: str = "<input>", progress: Progress = NO_PROGRESS) -> Compiled:
    """Compile for `device` (a built-in name or a profile file) with the noise rule `noise`
    ("program", "device" or "none"; navm.pipeline.NOISE_MODES). `seed` seeds placement and routing,
    `pass_options` set options of the pipeline's passes (`"place{override=true}"`)."""
    module, name = load_program(program, language, source_name)
    with gc_paused():
        module, applied = compile_program(module, device, noise=noise, seed=seed, options=pass_options,
                                          progress=progress)
    compiled = Compiled(module, device, applied, name)
    compiled.circuit  # a program with nothing to run is an error here, not later
    return compiled


def the_circuit(module: ModuleOp, name: str) -> CircuitOp:
    """The one `navm.circuit` of a compiled program; a program with nothing quantum is a user error."""
    ops = [op for op in module.body.block.ops if isinstance(op, CircuitOp)]
    if not ops or not len(ops[0].gate_table) and not ops[0].qubit_placement.num_qubits:
        raise NavmError(f"{name}: the program has no quantum instructions: there is no circuit to compile",
                        notes=("a program needs at least one qubit instruction such as QH q0, h q[0]; or a "
                               "σ-language gate",
                               "to run classical QBC code, use `navm exec`"))
    if len(ops) != 1:
        raise NavmError(f"{name}: expected one circuit after compilation, found {len(ops)}")
    if not ops[0].qubit_placement.num_qubits:
        raise NavmError(f"{name}: the program uses no qubits: its circuit has nothing to run on")
    return ops[0]


@dataclass
class RunResult:
    """What a run produced. `counts` maps bitstrings (records in program order, record 0 leftmost;
    per shot and in execution order for a dynamic circuit) to shots; `results` labels the records."""

    counts: dict[str, int]
    shots: int
    seed: int
    backend: str
    device: str
    noise: NoiseApplied
    results: list[str]
    dynamic: bool = False
    method: str | None = None
    expectations: dict[str, float] = field(default_factory=dict)
    detectors: dict | None = None
    detector_error_model: str | None = None
    compiled: Compiled | None = None
    dynamic_info: dict = field(default_factory=dict)
    records: np.ndarray | None = None
    """Per-shot records (shots × records, 0/1), when the run was asked to keep them."""
    state: np.ndarray | None = None
    """The final state vector, when asked for and the circuit has one (statevector backend)."""


def run(program: str | Path | ModuleOp | Compiled, device: str = DEFAULT_DEVICE, *, backend: str = "statevector",
        shots: int = 1024, seed: int = 0, noise: str = "program", observables: Sequence[str] = (),
        detectors: bool = False, dem: bool = False, language: str | None = None,
        compile_seed: int | None = None, pass_options: Sequence[str] = (), keep_records: bool = False,
        return_state: bool = False, source_name: str = "<input>", max_qubits: int | None = None,
        progress: Progress = NO_PROGRESS) -> RunResult:
    """Compile (unless given a `Compiled`) and sample on `backend`. `observables` are Pauli strings over
    the program's qubits (qubit 0 leftmost), evaluated on the noiseless state before the final
    measurements (statevector). A dynamic program runs shot by shot on the VM and a simulator.
    `keep_records` keeps every shot's records (`RunResult.records`), `return_state` the final state
    (statevector, circuits that have one). `max_qubits` caps the qubits a dynamic program may touch
    (below the simulator's own limit; the job service passes a tenant's quota)."""
    from navm.runtime.vm import DynamicValueError

    if backend not in BACKENDS:
        raise NavmError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if (detectors or dem) and backend != "stim":
        raise NavmError("--detectors and --dem need --backend stim")
    if observables and backend != "statevector":
        raise NavmError("--observable needs --backend statevector (stim samples records, not amplitudes)")
    if isinstance(program, Compiled):
        compiled = program
    else:
        try:
            compiled = compile(program, device, language=language, noise=noise, seed=compile_seed,
                               pass_options=pass_options, source_name=source_name, progress=progress)
        except DynamicValueError as why:
            return _run_dynamic(program, language, source_name, why, max_qubits, device=device, backend=backend,
                                shots=shots, seed=seed,
                                noise=noise, observables=observables, progress=progress)
    result = RunResult({}, shots, seed, backend, compiled.device, compiled.noise, compiled.record_names,
                       compiled=compiled)
    if backend == "statevector":
        _statevector(compiled, result, observables, progress, keep_records, return_state)
    else:
        _stim(compiled, result, detectors, dem, progress, keep_records)
    return result


def _statevector(compiled: Compiled, result: RunResult, observables: Sequence[str], progress: Progress,
                 keep_records: bool = False, return_state: bool = False) -> None:
    from navm.backends.statevector import MAX_QUBITS, simulate

    n = compiled.num_qubits
    if n > MAX_QUBITS:
        raise NavmError(f"the circuit has {n} qubits; the statevector backend simulates at most {MAX_QUBITS}",
                        notes=_too_many_qubits_notes(compiled))
    paulis = [_placed_pauli(text, n, compiled.module) for text in observables]
    sim = simulate(compiled.table, n, shots=result.shots, seed=result.seed, noise=True, keep_records=keep_records,
                   return_state=return_state, observables=paulis, progress=progress)
    result.counts, result.method = sim.counts, sim.method
    result.records, result.state = sim.records, getattr(sim, "state", None)
    result.expectations = {text: sim.expectations[p] for text, p in zip(observables, paulis)}


def _too_many_qubits_notes(compiled: Compiled) -> tuple[str, ...]:
    try:
        compiled.to_stim()
    except NavmError:
        return ("the circuit is not Clifford, so stim cannot run it either; make it smaller",)
    return ("the circuit is Clifford: run it with --backend stim (no qubit limit)",)


def _placed_pauli(text: str, n: int, module: ModuleOp) -> str:
    """A Pauli string over program qubits (qubit 0 leftmost) as one over the compiled circuit's
    qubits: routing may have moved program qubit k to another atom (`navm.output_permutation`)."""
    body = text.upper()
    if text[:1] in "+-":
        raise NavmError(f"--observable {text}: write the Pauli string without a sign; negate the value instead")
    if len(body) != n or set(body) - set("IXYZ"):
        raise NavmError(f"--observable {text}: {len(body)} letters for a circuit of {n} qubit{'s' * (n != 1)}"
                        if len(body) != n else f"--observable {text}: use only the letters I, X, Y, Z",
                        notes=("write one of I, X, Y, Z per program qubit, qubit 0 leftmost",))
    perm = module.attributes.get("navm.output_permutation")
    where = [int(a.data) for a in perm.data] if perm is not None else list(range(n))
    letters = ["I"] * n
    for k, letter in enumerate(body):
        letters[where[k]] = letter
    return "".join(letters)


def _stim(compiled: Compiled, result: RunResult, detectors: bool, dem: bool, progress: Progress,
          keep_records: bool = False) -> None:
    from navm.backends.stim import count_samples, detector_error_model, sample_detectors

    circuit = compiled.to_stim()
    if keep_records:  # the counts of exactly these records (stim draws them in one call, not in chunks)
        from navm.backends.counts import CountAccumulator
        from navm.backends.stim.sample import sample

        result.records = sample(circuit, result.shots, result.seed)
        acc = CountAccumulator(result.records.shape[1])
        acc.add(result.records)
        result.counts = acc.counts()
    else:
        result.counts = count_samples(circuit, result.shots, result.seed, progress=progress)
    if detectors:
        events, flips = sample_detectors(circuit, result.shots, result.seed)
        result.detectors = {
            "count": int(events.shape[1]),
            "fire_rate": [float(x) for x in np.asarray(events, dtype=float).mean(axis=0)],
            "observable_flip_rate": [float(x) for x in np.asarray(flips, dtype=float).mean(axis=0)],
        }
    if dem:
        result.detector_error_model = str(detector_error_model(circuit))


def _run_dynamic(program, language, source_name, why, max_qubits, *, device, backend, shots, seed, noise, observables,
                 progress: Progress) -> RunResult:
    """A program with measurement-dependent control flow, shot by shot (docs/cli.md, "Dynamic circuits")."""
    from navm.runtime.dynamic import DEFAULT_ENGINE, program_channels, run_dynamic
    from navm.runtime.vm.reference import DYNAMIC_HINT

    reason = why.message.removesuffix(DYNAMIC_HINT)
    notes = (f"it is a dynamic circuit: {reason}",)
    if backend != "statevector":
        raise NavmError(f"the {backend} backend cannot run a dynamic circuit (control flow that depends on "
                        "measurements); use --backend statevector", why.loc, notes=notes)
    if noise == "device":
        raise NavmError("--noise (the device's noise model) is not supported for dynamic circuits yet: the model "
                        "is laid on the compiled schedule, which a dynamic circuit does not have; the program's own "
                        "channels act without --noise", why.loc, notes=notes)
    if observables:
        raise NavmError("--observable is not supported for dynamic circuits: they have no single final state",
                        why.loc, notes=notes)
    module, _ = load_program(program, language, source_name)
    channels = program_channels(module)
    applied = NoiseApplied("none", stripped=channels) if noise == "none" else NoiseApplied("program", channels)
    # Not under gc_paused: a long run decodes a VM per path, and the collector should reclaim them.
    with task(progress, f"dynamic circuit: {shots:,} shots on the VM and the simulator"):
        from navm.runtime.dynamic.state import MAX_QUBITS

        done = run_dynamic(module, shots=shots, seed=seed, engine=DEFAULT_ENGINE, noise=noise != "none",
                           max_qubits=min(MAX_QUBITS, max_qubits) if max_qubits is not None else MAX_QUBITS)
    return RunResult(done.counts, shots, seed, backend, device, applied, record_labels(done.record_names),
                     dynamic=True, dynamic_info={"engine": done.engine, "vm_runs": done.runs,
                                                 "why_dynamic": f"{why.loc}: {reason}" if why.loc else reason})


def run_result_json(result: RunResult) -> dict:
    """The JSON object of `navm run --json` (docs/cli.md) and of a service job's result."""
    out: dict = {"backend": result.backend, "device": result.device, "shots": result.shots, "seed": result.seed,
                 "noise": result.noise.to_json(), "noise_description": result.noise.describe(),
                 "bit_order": DYNAMIC_BIT_ORDER if result.dynamic else BIT_ORDER, "results": result.results,
                 "dynamic": result.dynamic, "counts": result.counts}
    if result.dynamic:
        out.update(result.dynamic_info, schedule=None)
        return out
    out["method"] = result.method if result.backend == "statevector" else "stim"
    if result.expectations:
        out["expectations"] = result.expectations
    if result.detectors is not None:
        out["detectors"] = result.detectors
    if result.detector_error_model is not None:
        out["detector_error_model"] = result.detector_error_model
    out["schedule"] = result.compiled.schedule().to_json()["schedule"]
    return out
