"""The events of a zoned (ISA 1.2) table: what moves atoms, row range by row range.

Why a module: the replay (motion.py), the time model and the `.naviz` writer all cut a table
the same way, and the rules about groups (numbers increase along the table, a group's rows are
consecutive and of one kind) are checked here once. Also the small helpers every legality
rule uses to name a row's position in an error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from navm.diagnostics import NavmError, SourceLocation
from navm.ir.circuit_table import GateTable
from navm.ir.gates import GATES, OPCODE

LOAD, MOVE, STORE, PULSE, TWO_QUBIT_GATE = "load", "move", "store", "rydberg", "gate"
MOTION_KINDS = (LOAD, MOVE, STORE)
_MOTION_OPCODES = np.array([OPCODE[k] for k in MOTION_KINDS])
_GATE_OPCODES = np.array([i for i, g in enumerate(GATES) if g.kind == "gate"])
SLACK = 1e-9
"""Distances within this relative amount of a limit count as equal to it (as in device profiles)."""


def xy(point) -> str:
    """A position as error messages write it: `(x, y)` with 3 decimals."""
    return f"({float(point[0]):.3f}, {float(point[1]):.3f})"


def zoned_architecture(profile):
    """The profile's `Architecture`; an error naming the profile when it has none."""
    if profile.architecture is None:
        raise NavmError(f"device '{profile.name}' is not a zoned device: it has no `architecture` section "
                        "(docs/devices.md, \"Zoned architectures\"); try --device zoned")
    return profile.architecture


@dataclass(frozen=True, slots=True)
class Event:
    """Rows `start` … `stop - 1` of one kind: a motion group, a pulse, or a two-qubit gate row."""

    kind: str
    start: int
    stop: int
    group: int = -1


def events(table: GateTable, *, strict: bool = True, locate=None) -> list[Event]:
    """The table's events in row order. A motion group is a run of consecutive rows of one kind
    and one group number; with `strict`, group numbers must increase along the table (a group
    whose rows are not consecutive, or that reuses a number, is an error at its first row)."""
    opcode = table.opcode
    counts = np.diff(table.qubit_offsets)
    motion = np.flatnonzero(np.isin(opcode, _MOTION_OPCODES))
    out: list[Event] = []
    if motion.size:
        kind = opcode[motion]
        group = table.params[motion, 0]
        new = np.ones(len(motion), bool)
        new[1:] = (np.diff(motion) != 1) | (kind[1:] != kind[:-1]) | (group[1:] != group[:-1])
        starts = np.flatnonzero(new)
        stops = np.append(starts[1:], len(motion))
        numbers = group[starts]
        if strict and len(starts) > 1:
            bad = np.flatnonzero(np.diff(numbers) <= 0)
            if bad.size:
                k = int(bad[0]) + 1
                row = int(motion[starts[k]])
                g, name = int(numbers[k]), GATES[int(opcode[row])].name
                earlier = np.flatnonzero(numbers[:k] == numbers[k])
                if earlier.size:
                    first = int(motion[starts[earlier[0]]])
                    same_kind = opcode[first] == opcode[row]
                    why = (f"'{name}' group {g} is split: its rows must be consecutive" if same_kind else
                           f"group {g} mixes '{GATES[int(opcode[first])].name}' and '{name}' rows")
                    raise_at(f"{why} (the group starts at row {first})", row, locate)
                raise_at(f"'{name}' group {g} comes after group {int(numbers[k - 1])}: "
                       "group numbers must increase along the table", row, locate)
        for a, b, g in zip(motion[starts].tolist(), (motion[stops - 1] + 1).tolist(), numbers.tolist()):
            out.append(Event(GATES[int(opcode[a])].name, a, b, int(g)))
    pulses = np.flatnonzero(opcode == OPCODE["rydberg"])
    out.extend(Event(PULSE, i, i + 1) for i in pulses.tolist())
    gates2 = np.flatnonzero(np.isin(opcode, _GATE_OPCODES) & (counts == 2))
    out.extend(Event(TWO_QUBIT_GATE, i, i + 1) for i in gates2.tolist())
    out.sort(key=lambda e: e.start)
    return out


def raise_at(message: str, row: int | None, locate, notes: Sequence[str] = ()) -> None:
    """A NavmError at `row` (its location, else "row N:" in the message)."""
    loc = locate(row) if (locate is not None and row is not None) else None
    if loc is None and row is not None:
        message = f"row {row}: {message}"
    raise NavmError(message, loc, notes=tuple(notes))


def table_locator(table: GateTable) -> Callable[[int], SourceLocation | None]:
    """Row index → the row's source location (None where it has none)."""
    def locate(row: int) -> SourceLocation | None:
        k = int(table.loc[row])
        return table.locs[k] if k >= 0 and table.locs else None

    return locate


def first_row(rows, atoms, qubits, default: int | None) -> int | None:
    """The earliest of a group's `rows` naming one of `qubits` (`default` if none does, or no rows)."""
    if rows is None:
        return default
    hit = np.flatnonzero(np.isin(np.asarray(atoms), qubits))
    return int(rows[hit[0]]) if hit.size else default
