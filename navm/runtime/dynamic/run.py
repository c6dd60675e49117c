"""`run_dynamic`: sample a QBC program whose control flow depends on its measurements.

The VM (`navm.runtime.vm.execute`) runs the program's classical code and hands
every quantum instruction to a `StatevectorHandler`, which applies it at once;
a measurement's outcome goes back into a register before the next instruction,
so the program can branch on it. Two ways to spend the shots:

- "shots": one VM run per shot; shot s draws from its own Generator seeded
  with (seed, s), so a shot's outcome does not depend on the shot count.
- "branches" (the default): shots that share a history run together; at each
  random event the group is split multinomially among the outcomes, and the
  VM runs once per distinct path (`choices.BranchingChoices`). Same
  distribution, far fewer VM runs: teleportation's 10^6 shots are 4 runs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from xdsl.dialects.builtin import ModuleOp

from navm.diagnostics import NavmError
from navm.runtime.dynamic.choices import BranchingChoices, SampledChoices
from navm.runtime.dynamic.handler import StatevectorHandler
from navm.runtime.dynamic.result import DynamicResult, count_bitstrings
from navm.runtime.dynamic.state import MAX_QUBITS
from navm.runtime.vm import ENGINES, execute, load_program

METHODS = ("branches", "shots")
DEFAULT_ENGINE = "reference"
DEFAULT_MAX_STEPS = 10_000_000
"""Instructions one VM run (one shot or one path) may execute before it traps: likely an endless loop."""

Taken = tuple[str, tuple[str, ...], int]
"""A path through the program: (bitstring, record names, how many shots took it)."""


def run_dynamic(program: str | Path | ModuleOp, *, shots: int = 1024, seed: int = 0,
                engine: str = DEFAULT_ENGINE, method: str = "branches", noise: bool = True,
                max_steps: int = DEFAULT_MAX_STEPS, max_qubits: int = MAX_QUBITS) -> DynamicResult:
    """Run `program` (QBC source text, a .qbc path, or a `qbc` module) for `shots` shots.

    The program's explicit noise channels act unless `noise` is False (the rule of
    `navm run`, where `--no-noise` strips them). A trap in the program (division by zero, the step limit, …)
    raises `VMTrap` naming its line; a bad gate raises `NavmError` at its line.
    """
    _check_int("shots", shots)
    _check_int("seed", seed)
    _check_int("max_steps", max_steps)
    if method not in METHODS:
        raise NavmError(f"unknown method '{method}'; choose one of {', '.join(METHODS)}")
    if engine not in ENGINES:
        raise NavmError(f"unknown VM engine '{engine}'; choose one of {', '.join(ENGINES)}")
    module = load_program(program)
    runner = _by_branches if method == "branches" else _by_shots
    paths, records, runs, steps = runner(module, shots, seed, engine, max_steps, noise, max_qubits)
    longest = max(paths, key=lambda p: len(p[0]), default=("", (), 0))
    return DynamicResult(count_bitstrings((bits, n) for bits, _, n in paths), shots, records,
                         longest[1], method, engine, runs, steps)


def _run_once(module, choices, engine, max_steps, noise, max_qubits) -> tuple[StatevectorHandler, int]:
    handler = StatevectorHandler(choices, noise=noise, max_qubits=max_qubits)
    vm = execute(module, engine=engine, max_steps=max_steps, backend=handler)
    return handler, vm.steps


def _bits(handler: StatevectorHandler) -> str:
    return "".join("1" if b else "0" for b in handler.records)


def _by_shots(module, shots, seed, engine, max_steps, noise, max_qubits):
    paths: list[Taken] = []
    steps = 0
    for s in range(shots):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(s,)))
        handler, n = _run_once(module, SampledChoices(rng), engine, max_steps, noise, max_qubits)
        paths.append((_bits(handler), tuple(handler.names), 1))
        steps += n
    return paths, [bits for bits, _, _ in paths], shots, steps


def _by_branches(module, shots, seed, engine, max_steps, noise, max_qubits):
    rng = np.random.default_rng(seed)
    pending: list[tuple[tuple[int, ...], int]] = [((), shots)] if shots else []
    paths: list[Taken] = []
    runs = steps = 0
    while pending:
        prefix, group = pending.pop()
        choices = BranchingChoices(rng, group, prefix)
        handler, n = _run_once(module, choices, engine, max_steps, noise, max_qubits)
        paths.append((_bits(handler), tuple(handler.names), choices.shots))
        pending.extend(reversed(choices.forks))  # depth first, forks in outcome order
        runs, steps = runs + 1, steps + n
    order = np.repeat(np.arange(len(paths)), [n for _, _, n in paths])
    rng.shuffle(order)  # shots in a random order, as if drawn one by one
    return paths, [paths[i][0] for i in order.tolist()], runs, steps


def _check_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise NavmError(f"{name} must be an integer >= 0, got {value!r}")


def program_channels(module: ModuleOp) -> dict[str, int]:
    """The noise instructions a `qbc` program writes, by channel (each counted once, however often it runs)."""
    from navm.ir.gates import KIND, QBC_MNEMONIC_TO_GATE
    from navm.ir.qbc import QbcInstruction

    counts: dict[str, int] = {}
    for op in module.body.block.ops:
        if isinstance(op, QbcInstruction):
            gate = QBC_MNEMONIC_TO_GATE.get(op.mnemonic)
            if gate is not None and KIND[gate] == "noise":
                counts[gate] = counts.get(gate, 0) + 1
    return dict(sorted(counts.items()))
