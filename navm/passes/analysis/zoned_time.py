"""The sequential time model of zoned programs (docs/zoned.md, "Time").

ZAC's and QMAP's programs are one operation after another, and the published numbers are
computed that way, so navm scores zoned programs the same way: every step starts when the
previous one ends. A step is a whole motion group (its rows share a start and a duration),
or one timed row:

    load / store group   transfer.duration_us, however many atoms
    move group           sqrt(d / a) for the group's longest move d (movement.acceleration)
    rydberg pulse        the CZ duration
    1-qubit gate         its duration (one at a time)
    measure, reset       the profile's durations

Rows without a duration (noise channels, barriers, annotations) start when the previous
step ends and take no time. The clock is one cumulative sum over the rows, so a table of a
million rows is timed in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from navm.ir.circuit_table import GateTable
from navm.ir.gates import GATES, OPCODE
from navm.passes.analysis.motion import MotionTrace
from navm.passes.analysis.motion_events import MOVE, zoned_architecture

_TIMED_KINDS = ("gate", "measure", "reset")


@dataclass(frozen=True)
class ZonedTimes:
    """Per row: `start` and `duration` in µs, `stage` (the pulse index of a `rydberg` row, else -1);
    `total_us`, when the last step ends."""

    start: np.ndarray
    duration: np.ndarray
    stage: np.ndarray
    total_us: float


def row_durations(table: GateTable, trace: MotionTrace, profile) -> tuple[np.ndarray, np.ndarray]:
    """Each row's duration, and whether the row starts a step (False for the later rows of a group)."""
    arch = zoned_architecture(profile)
    gates = profile.gates
    per_opcode = np.zeros(len(GATES))
    for code in np.unique(table.opcode).tolist():
        g = GATES[code]
        if g.kind in _TIMED_KINDS:
            per_opcode[code] = gates.duration(g.name)
    per_opcode[OPCODE["rydberg"]] = gates.duration("cz")
    duration = per_opcode[table.opcode.astype(np.intp)]
    first = np.ones(len(table), bool)
    sizes = trace.group_stop - trace.group_start
    if len(sizes):
        per_group = np.full(len(sizes), arch.transfer_us)
        moves = np.flatnonzero(trace.group_kind == MOVE)
        per_group[moves] = [arch.move_duration_us(d) for d in trace.group_longest_um[moves].tolist()]
        # The rows of every group, one group after another, and the group of each.
        within = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        rows = np.repeat(trace.group_start, sizes) + within
        duration[rows] = np.repeat(per_group, sizes)
        first[rows[within > 0]] = False
    return duration, first


def zoned_times(table: GateTable, trace: MotionTrace, profile) -> ZonedTimes:
    """Start, duration and stage of every row under the sequential model."""
    duration, first = row_durations(table, trace, profile)
    step = np.where(first, duration, 0.0)
    clock = np.cumsum(step)
    start = clock - step
    # Later rows of a group start with the group's first row.
    head = np.maximum.accumulate(np.where(first, np.arange(len(table)), 0)) if len(table) else first
    start = start[head]
    stage = np.full(len(table), -1, dtype=np.int32)
    pulses = np.flatnonzero(table.opcode == OPCODE["rydberg"])
    stage[pulses] = np.arange(len(pulses))
    return ZonedTimes(start, duration, stage, float(clock[-1]) if len(table) else 0.0)
