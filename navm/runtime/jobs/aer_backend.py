"""The qiskit-aer backend (the `aer` extra): a compiled navm program, written as OpenQASM 2 by navm's
own emitter, run on Aer's simulator. It is the first backend from outside navm and proves the plugin
interface (navm.runtime.jobs.backends); it runs noiseless programs only, since OpenQASM 2 has no way
to carry navm's noise channels.
"""

from __future__ import annotations

from dataclasses import dataclass

from navm.api import Compiled, RunResult
from navm.diagnostics import NavmError
from navm.progress import NO_PROGRESS, Progress, task
from navm.runtime.jobs.backends import Capabilities


@dataclass
class AerBackend:
    name: str = "aer"
    version: str = ""
    capabilities: Capabilities = Capabilities(
        32, False, ("program", "none"), options=(),
        description="qiskit-aer's AerSimulator (automatic method) on navm's OpenQASM 2 output; noiseless")

    def run(self, compiled: Compiled, *, shots: int, seed: int, options: dict,
            progress: Progress = NO_PROGRESS) -> RunResult:
        from qiskit import QuantumCircuit
        from qiskit_aer import AerSimulator

        if compiled.noise.program or compiled.noise.device:
            raise NavmError("the aer backend runs noiseless programs only: OpenQASM 2 cannot carry noise channels",
                            notes=("submit with noise \"none\", or use the statevector or stim backend",))
        circuit = QuantumCircuit.from_qasm_str(compiled.to_qasm2())
        with task(progress, "sampling (aer)", shots) as bar:
            counts = AerSimulator().run(circuit, shots=shots, seed_simulator=seed).result().get_counts()
            bar.advance(shots)
        ordered: dict[str, int] = {}
        for key, n in counts.items():  # qiskit writes classical bit 0 rightmost; navm's record 0 is leftmost
            bits = key.replace(" ", "")[::-1]
            ordered[bits] = ordered.get(bits, 0) + n
        return RunResult(ordered, shots, seed, self.name, compiled.device, compiled.noise, compiled.record_names,
                         method="aer", compiled=compiled)


def aer() -> AerBackend:
    import qiskit_aer

    return AerBackend(version=qiskit_aer.__version__)
