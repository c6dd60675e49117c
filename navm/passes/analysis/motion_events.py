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
_EVENT_KIND = {**{int(c): TWO_QUBIT_GATE for c in _GATE_OPCODES}, OPCODE["rydberg"]: PULSE,
               **{OPCODE[k]: k for k in MOTION_KINDS}}  # an event's first opcode -> its kind
_NONE = np.zeros(0, dtype=np.int64)
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
    return [Event(*e) for e in zip(*event_columns(table, strict=strict, locate=locate))]


def event_columns(table: GateTable, *, strict: bool = True, locate=None
                  ) -> tuple[list[str], list[int], list[int], list[int]]:
    """`events` as columns (kinds, starts, stops, group numbers), without an object per event: what
    the replay's loop reads (a table of 10,000 groups is cut in about a millisecond)."""
    opcode = table.opcode
    motion = np.flatnonzero(np.isin(opcode, _MOTION_OPCODES))
    starts, stops, codes, numbers = _NONE, _NONE, _NONE, _NONE
    if motion.size:
        kind = opcode[motion]
        group = table.params[motion, 0]
        new = np.ones(len(motion), bool)
        new[1:] = (np.diff(motion) != 1) | (kind[1:] != kind[:-1]) | (group[1:] != group[:-1])
        first = np.flatnonzero(new)
        last = np.append(first[1:], len(motion))
        numbers = group[first]
        if strict and len(first) > 1:
            bad = np.flatnonzero(np.diff(numbers) <= 0)
            if bad.size:
                k = int(bad[0]) + 1
                row = int(motion[first[k]])
                g, name = int(numbers[k]), GATES[int(opcode[row])].name
                earlier = np.flatnonzero(numbers[:k] == numbers[k])
                if earlier.size:
                    head = int(motion[first[earlier[0]]])
                    same_kind = opcode[head] == opcode[row]
                    why = (f"'{name}' group {g} is split: its rows must be consecutive" if same_kind else
                           f"group {g} mixes '{GATES[int(opcode[head])].name}' and '{name}' rows")
                    raise_at(f"{why} (the group starts at row {head})", row, locate)
                raise_at(f"'{name}' group {g} comes after group {int(numbers[k - 1])}: "
                         "group numbers must increase along the table", row, locate)
        starts, stops, codes = motion[first], motion[last - 1] + 1, opcode[motion[first]]
        numbers = numbers.astype(np.int64)
    single = np.flatnonzero((opcode == OPCODE["rydberg"]) | two_qubit_gate_mask(table))
    starts = np.concatenate([starts, single])
    stops = np.concatenate([stops, single + 1])
    codes = np.concatenate([codes, opcode[single]]).astype(np.intp)
    numbers = np.concatenate([numbers, np.full(len(single), -1, dtype=np.int64)])
    order = np.argsort(starts, kind="stable")
    names = [_EVENT_KIND[c] for c in codes[order].tolist()]
    return names, starts[order].tolist(), stops[order].tolist(), numbers[order].tolist()


def two_qubit_gate_mask(table: GateTable) -> np.ndarray:
    """Rows that are two-qubit gates (illegal on a zoned device, where CZs run as `rydberg` rows)."""
    return np.isin(table.opcode, _GATE_OPCODES) & (np.diff(table.qubit_offsets) == 2)


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
