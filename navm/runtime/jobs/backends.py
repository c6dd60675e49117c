"""Backends the service runs jobs on, as plugins: the entry-point group `navm.backends` names a
factory per backend (navm's own statevector and stim, the qiskit-aer adapter of the `aer` extra, and
whatever another package registers). A backend runs a compiled program; the service asks it for its
capabilities to answer GET /v1/targets, to refuse options and noise it does not take when a job is
submitted, and a program over its qubit limit once it is compiled (before it runs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import entry_points
from typing import Protocol

from navm.api import Compiled, RunResult
from navm.progress import NO_PROGRESS, Progress

GROUP = "navm.backends"
RUN_OPTIONS = ("observables", "detectors", "dem", "records", "state")
"""Options of a job that reach its backend (docs/service.md, "Job options")."""


@dataclass(frozen=True)
class Capabilities:
    max_qubits: int | None
    clifford_only: bool
    noise_models: tuple[str, ...]
    gpu: bool = False
    options: tuple[str, ...] = ()
    description: str = ""

    def to_json(self) -> dict:
        return {"max_qubits": self.max_qubits, "clifford_only": self.clifford_only,
                "noise_models": list(self.noise_models), "gpu": self.gpu, "options": list(self.options),
                "description": self.description}


class Backend(Protocol):
    name: str
    version: str
    capabilities: Capabilities

    def run(self, compiled: Compiled, *, shots: int, seed: int, options: dict,
            progress: Progress = NO_PROGRESS) -> RunResult: ...


@dataclass
class NavmBackend:
    """navm's own simulators, through navm.api.run."""

    name: str
    capabilities: Capabilities
    version: str = field(default_factory=lambda: _navm_version())

    def run(self, compiled: Compiled, *, shots: int, seed: int, options: dict,
            progress: Progress = NO_PROGRESS) -> RunResult:
        from navm.api import run

        return run(compiled, backend=self.name, shots=shots, seed=seed, observables=options.get("observables", ()),
                   detectors=bool(options.get("detectors")), dem=bool(options.get("dem")),
                   keep_records=bool(options.get("records")), return_state=bool(options.get("state")),
                   progress=progress)


def statevector() -> Backend:
    from navm.backends.statevector import MAX_QUBITS

    return NavmBackend("statevector", Capabilities(
        MAX_QUBITS, False, ("program", "device", "none"), gpu=False,
        options=("observables", "records", "state"),
        description="navm's JAX statevector simulator: exact states, noise as trajectories"))


def stim_backend() -> Backend:
    return NavmBackend("stim", Capabilities(
        None, True, ("program", "device", "none"), options=("detectors", "dem", "records"),
        description="stim: Clifford circuits of any size, detectors and error models"))


def _navm_version() -> str:
    from importlib.metadata import version

    return version("navm")


@dataclass(frozen=True)
class Unavailable:
    """A registered backend that cannot be loaded here (its extra is not installed)."""

    name: str
    reason: str


@cache
def registry() -> dict[str, Backend | Unavailable]:
    """Every backend of the entry-point group, loaded once per process."""
    out: dict[str, Backend | Unavailable] = {}
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:
            out[ep.name] = ep.load()()
        except Exception as err:  # a plugin's missing dependency must not take the service down
            out[ep.name] = Unavailable(ep.name, f"{type(err).__name__}: {err}")
    return out


def available() -> dict[str, Backend]:
    return {k: v for k, v in registry().items() if not isinstance(v, Unavailable)}
