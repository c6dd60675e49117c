"""The pieces of `schedule` that work on a table's columns (the model is in schedule.py).

Each timed row lands in one time segment of its moment; segments of a moment
run in the order of their kind (resets, global pulses, local chunks, Rydberg
stages, measurements) and, within a kind, of their number: the global pulse
of the (gate, parameters) seen first comes first, chunks and stages count up.
Only the moments (a dependency chain) and the greedy stage partition walk the
rows in Python, on plain lists.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from navm.diagnostics import SourceLocation
from navm.ir.circuit_table import GateTable
from navm.ir.gates import GATES, MAX_PARAMS
from navm.devices.blockade import restricted, restriction_masks

# Row kinds.
OTHER, GATE, MEASURE, RESET, BARRIER = range(5)
_KIND_CODES = {"gate": GATE, "measure": MEASURE, "reset": RESET, "barrier": BARRIER}
KIND_OF_OPCODE = np.array([_KIND_CODES.get(g.kind, OTHER) for g in GATES], dtype=np.int8)
_N_PARAMS = np.array([g.n_params for g in GATES], dtype=np.intp)

# Segment kinds, in the order they run inside a moment; UNTIMED rows are in none.
UNTIMED, SEGMENT_RESET, SEGMENT_GLOBAL_1Q, SEGMENT_LOCAL_1Q, SEGMENT_STAGE, SEGMENT_MEASURE = range(-1, 5)


@dataclass(frozen=True)
class RowKinds:
    """Per-row facts the scheduler reads: kind, segment kind, duration (0 for untimed rows),
    and the table's qubit and parameter columns."""

    opcode: np.ndarray
    kind: np.ndarray
    segment: np.ndarray
    duration: np.ndarray
    counts: np.ndarray
    offsets: np.ndarray
    qubits: np.ndarray
    params: np.ndarray

    @staticmethod
    def of(table: GateTable, gates) -> "RowKinds":
        """Reads `gates` only for the opcodes present; every gate must be native (checked before)."""
        opcode = table.opcode.astype(np.intp)
        kind = KIND_OF_OPCODE[opcode]
        counts = np.diff(table.qubit_offsets).astype(np.intp)
        per_opcode_duration = np.zeros(len(GATES))
        global_1q = np.zeros(len(GATES), dtype=bool)
        for code in np.unique(opcode[(kind == GATE) | (kind == MEASURE) | (kind == RESET)]).tolist():
            name = GATES[code].name
            per_opcode_duration[code] = gates.duration(name)
            if KIND_OF_OPCODE[code] == GATE:
                global_1q[code] = gates.mode(name) == "global"
        segment = np.full(len(opcode), UNTIMED, dtype=np.int64)
        segment[kind == RESET] = SEGMENT_RESET
        segment[kind == MEASURE] = SEGMENT_MEASURE
        gate = kind == GATE
        segment[gate & (counts == 2)] = SEGMENT_STAGE
        segment[gate & (counts != 2) & global_1q[opcode]] = SEGMENT_GLOBAL_1Q
        segment[gate & (counts != 2) & ~global_1q[opcode]] = SEGMENT_LOCAL_1Q
        return RowKinds(
            opcode=opcode, kind=kind, segment=segment,
            duration=np.where(segment != UNTIMED, per_opcode_duration[opcode], 0.0),
            counts=counts, offsets=table.qubit_offsets.astype(np.intp), qubits=table.qubits.astype(np.intp),
            params=table.params,
        )


def row_location(table: GateTable, i: int) -> SourceLocation | None:
    k = int(table.loc[i])
    return table.locs[k] if k >= 0 and table.locs else None


def moments(rows: RowKinds, num_qubits: int, mode: str) -> np.ndarray:
    """Moment index per row (-1 for rows without duration), as the model says."""
    n = len(rows.opcode)
    kinds = rows.kind.tolist()
    counts = rows.counts.tolist()
    offsets = rows.offsets.tolist()
    flat = rows.qubits.tolist()
    last = [0] * num_qubits
    moment = [-1] * n
    for i in (range(n) if mode == "asap" else range(n - 1, -1, -1)):
        kind = kinds[i]
        if kind == OTHER:
            continue
        c, o = counts[i], offsets[i]
        if kind == BARRIER:
            qubits = flat[o : o + c] if c else range(num_qubits)
            level = max((last[q] for q in qubits), default=0)
            for q in qubits:
                last[q] = level
        elif c == 1:
            q = flat[o]
            moment[i] = last[q] = last[q] + 1
        elif c == 2:
            a, b = flat[o], flat[o + 1]
            la, lb = last[a], last[b]
            moment[i] = last[a] = last[b] = (la if la > lb else lb) + 1
        else:
            qubits = flat[o : o + c]
            level = 1 + max((last[q] for q in qubits), default=0)
            moment[i] = level
            for q in qubits:
                last[q] = level
    out = np.array(moment, dtype=np.int64)
    if mode == "alap":
        top = int(out.max()) if n else 0
        return np.where(out > 0, top + 1 - out, -1)
    _defer_terminal_measurements(rows, out)
    return out


def _defer_terminal_measurements(rows: RowKinds, moment: np.ndarray) -> None:
    """Measurements that are their atom's last op all move to one final moment.

    A measurement (with its dead time) stalls the whole moment it is in; ASAP
    would put each terminal one right after its atom's last gate, stalling
    every later moment."""
    owner = np.repeat(np.arange(len(moment)), rows.counts)
    timed = moment[owner] > 0
    if not timed.any():
        return
    last = np.full(int(rows.qubits.max()) + 1, -1, dtype=np.int64)
    np.maximum.at(last, rows.qubits[timed], owner[timed])
    last = np.unique(last[last >= 0])
    terminal = last[rows.kind[last] == MEASURE]
    if not len(terminal):
        return
    others = moment > 0
    others[terminal] = False
    moment[terminal] = (int(moment[others].max()) if others.any() else 0) + 1


def pulse_groups(rows: RowKinds, index: np.ndarray, moment: np.ndarray) -> np.ndarray:
    """For global 1-qubit rows `index` (sorted by moment, then row): the number of their
    (gate, parameters) pulse inside their moment, pulses numbered by first row."""
    n = len(index)
    if not n:
        return np.zeros(0, dtype=np.int64)
    opcode = rows.opcode[index]
    used = np.arange(MAX_PARAMS) < _N_PARAMS[opcode][:, None]
    params = np.where(used, rows.params[index], 0.0) + 0.0  # -0.0 == 0.0, as tuples compare
    sort = np.lexsort((*params.T[::-1], opcode, moment))
    p, o, m = params[sort], opcode[sort], moment[sort]
    new = np.ones(n, dtype=bool)
    new[1:] = (m[1:] != m[:-1]) | (o[1:] != o[:-1]) | (p[1:] != p[:-1]).any(axis=1)
    group = np.empty(n, dtype=np.int64)
    group[sort] = np.cumsum(new) - 1
    by_first = np.argsort(sort[new], kind="stable")  # groups in order of their first row
    return _rank_within(m[new][by_first], by_first)[group]


def _rank_within(keys: np.ndarray, order: np.ndarray) -> np.ndarray:
    """`keys` sorted, one per item of `order`: each item's rank among the items with its key."""
    first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    rank_sorted = np.arange(len(keys)) - np.repeat(first, np.diff(np.r_[first, len(keys)]))
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = rank_sorted
    return rank


def local_chunks(moment: np.ndarray, size: int) -> np.ndarray:
    """For local 1-qubit rows sorted by moment: their chunk of `size` within their moment."""
    if not len(moment):
        return np.zeros(0, dtype=np.int64)
    return _rank_within(moment, np.arange(len(moment))) // size


def rydberg_stages(rows: RowKinds, index: np.ndarray, moment: np.ndarray, sites: np.ndarray, profile) -> np.ndarray:
    """For 2-qubit gates `index` (sorted by moment, then row): their Rydberg stage within
    their moment. Greedy: each gate joins the first stage with room (`max_cz_per_stage`)
    where no atom is within the restriction distance of its atoms, else opens a new one."""
    limit = profile.gates.max_cz_per_stage
    a = rows.qubits[rows.offsets[index]]
    b = rows.qubits[rows.offsets[index] + 1]
    atoms = np.unique(np.concatenate([a, b]))
    try:
        near = restriction_masks(profile, sites[atoms].tolist())
    except KeyError:  # an unknown site: check gate pairs one by one, as they are met
        return _stages_by_pairs(a, b, moment, sites, profile, limit)
    local_a, local_b = np.searchsorted(atoms, a).tolist(), np.searchsorted(atoms, b).tolist()
    out = [0] * len(index)
    current = None
    blocked: list[int] = []  # per stage of the current moment: atoms near one of its atoms
    sizes: list[int] = []
    for k, (m, x, y) in enumerate(zip(moment.tolist(), local_a, local_b)):
        if m != current:
            current, blocked, sizes = m, [], []
        for s, mask in enumerate(blocked):
            if sizes[s] < limit and not (mask >> x) & 1 and not (mask >> y) & 1:
                blocked[s] = mask | near[x] | near[y]
                sizes[s] += 1
                out[k] = s
                break
        else:
            out[k] = len(blocked)
            blocked.append(near[x] | near[y])
            sizes.append(1)
    return np.array(out, dtype=np.int64)


def _stages_by_pairs(a, b, moment, sites, profile, limit) -> np.ndarray:
    cache: dict = {}

    def clash(p: tuple[int, ...], q: tuple[int, ...]) -> bool:
        hit = cache.get((p, q))
        if hit is None:
            hit = cache[(p, q)] = cache[(q, p)] = restricted(profile, p, q)
        return hit

    out = [0] * len(a)
    current = None
    stages: list[list[tuple[int, ...]]] = []
    for k, (m, x, y) in enumerate(zip(moment.tolist(), a.tolist(), b.tolist())):
        if m != current:
            current, stages = m, []
        mine = (int(sites[x]), int(sites[y]))
        for s, stage in enumerate(stages):
            if len(stage) < limit and not any(clash(mine, other) for other in stage):
                stage.append(mine)
                out[k] = s
                break
        else:
            out[k] = len(stages)
            stages.append([mine])
    return np.array(out, dtype=np.int64)


def segments(moment: np.ndarray, kind: np.ndarray, number: np.ndarray, duration: np.ndarray):
    """Rows → (segment of each row, each segment's kind, each segment's duration = its longest
    row), segments in time order: by moment, kind, number."""
    if not len(moment):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    order = np.lexsort((number, kind, moment))
    m, k, s = moment[order], kind[order], number[order]
    new = np.r_[True, (m[1:] != m[:-1]) | (k[1:] != k[:-1]) | (s[1:] != s[:-1])]
    seg_of = np.empty(len(order), dtype=np.int64)
    seg_of[order] = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    return seg_of, k[starts], np.maximum.reduceat(duration[order], starts)


def untimed_starts(rows: RowKinds, start: np.ndarray, duration: np.ndarray, timed: np.ndarray,
                   untimed: np.ndarray, num_qubits: int) -> list[float]:
    """Start of each row of `untimed`: the end of the previous timed row on its qubits (with
    no qubits: the latest end so far)."""
    qubit_end = [0.0] * num_qubits
    latest = 0.0
    out = []
    offsets, flat = rows.offsets.tolist(), rows.qubits.tolist()
    starts, durations, is_timed = start.tolist(), duration.tolist(), timed.tolist()
    for i in range(int(untimed[-1]) + 1):
        qubits = flat[offsets[i] : offsets[i + 1]]
        if is_timed[i]:
            end = starts[i] + durations[i]
            for q in qubits:
                qubit_end[q] = end
            if end > latest:
                latest = end
        else:
            out.append(max((qubit_end[q] for q in qubits), default=latest))
    return out

