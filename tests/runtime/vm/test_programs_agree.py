"""Every QBC example and test program runs identically on both engines, quantum instructions included:
a recording backend sees the same calls in the same order, and the results agree bit for bit."""

from __future__ import annotations

import pytest

from navm.frontend import load, load_text
from navm.runtime.vm import VMTrap, execute
from tests.helpers import TESTS

ROOT = TESTS.parent
PROGRAMS = sorted(p.relative_to(ROOT) for p in [*(ROOT / "examples").rglob("*.qbc"), *(TESTS / "programs").glob("*.qbc")])
SMALLER = {"examples/lattice.qbc": (".define N 196883", ".define N 300")}


class Recorder:
    """A quantum backend that records every call; measurements read 1 on odd calls (so branches vary)."""

    def __init__(self) -> None:
        self.calls: list = []

    def declare(self, qubit, coords, site, loc):
        self.calls.append(("declare", qubit, coords, site, loc))

    def apply(self, gate, qubits, params, loc):
        self.calls.append(("apply", gate, qubits, params, loc))

    def measure(self, qubit, result, loc):
        self.calls.append(("measure", qubit, result, loc))
        return len(self.calls) % 2

    def annotate(self, kind, params, lookbacks, loc):
        self.calls.append(("annotate", kind, params, lookbacks, loc))


def module_of(path):
    if str(path) in SMALLER:
        old, new = SMALLER[str(path)]
        return load_text((ROOT / path).read_text().replace(old, new), "qbc", str(path))
    return load(ROOT / path)


def outcome(path, engine):
    backend = Recorder()
    try:
        result = execute(module_of(path), engine=engine, backend=backend, max_steps=2_000_000)
    except VMTrap as trap:
        return ("trap", trap.message, trap.loc), backend.calls
    return result, backend.calls


@pytest.mark.parametrize("path", PROGRAMS, ids=str)
def test_program_runs_identically_on_both_engines(path, monkeypatch):
    monkeypatch.chdir(ROOT)
    ref, ref_calls = outcome(path, "reference")
    cmp_, cmp_calls = outcome(path, "compiled")
    assert cmp_calls == ref_calls
    assert cmp_ == ref


def test_there_are_quantum_and_classical_programs():
    assert len(PROGRAMS) >= 15
