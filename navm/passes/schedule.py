"""`schedule`: start times and durations in µs, CZs grouped into Rydberg stages.

Model (moment-synchronous, so every constraint holds by construction):
1. Each timed row (gate, measure, reset) gets a moment: ASAP, one after the
   latest earlier row on any of its qubits (ALAP with `mode=alap`); a barrier
   aligns its qubits (all qubits if it lists none). In ASAP mode, measurements
   that are their atom's last op all share one final moment, so a finished
   atom's readout does not stall the others.
2. Moments run one after another. Inside a moment: resets; then 1-qubit
   pulses — a globally addressed gate is one pulse per distinct (gate,
   parameters), locally addressed gates run in chunks of at most
   `max_local_1q`; then Rydberg stages — the moment's CZs partitioned greedily
   so that no stage holds more than `max_cz_per_stage` gates or two gates whose
   atoms are within the restriction distance, consecutive Rydberg pulses at
   least `rydberg_gap_us` apart (across moments too); then measurements, after
   which the measured atoms' dead time passes before the next moment.
3. Rows without duration (noise channels, barriers, annotations) get the end
   time of the previous timed row on their qubits.

The module gets `navm.schedule` = {duration_us, stages, two_qubit_gates,
fidelity_estimate, mode}: the fidelity estimate is the product model — gate
fidelities × idle decay of every atom over its idle time × unpaired-atom
errors in each Rydberg stage × preparation and readout errors.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import DictionaryAttr, FloatAttr, IntegerAttr, ModuleOp, StringAttr, f64, i64

from navm.diagnostics import NavmError
from navm.ir.circuit_table import GateTable, Row
from navm.ir.gates import KIND
from navm.ir.navm import CircuitOp, GateTableAttr
from navm.passes.base import NavmPass, module_device, placed_sites
from navm.runtime.devices.blockade import restricted

SCHEDULE_ATTR = "navm.schedule"
_TIMED = frozenset({"gate", "measure", "reset"})


@dataclass(frozen=True)
class Schedule(NavmPass):
    name = "schedule"

    mode: str = "asap"
    """`asap` (default) or `alap`: where each op's moment is placed."""

    device: str | None = None
    """Device profile; default: the module's navm.device."""

    def run(self, ctx: Context, module: ModuleOp) -> None:
        if self.mode not in ("asap", "alap"):
            raise NavmError(f"schedule: mode must be 'asap' or 'alap', not '{self.mode}'")
        profile = module_device(module, self.device, self.name)
        for op in module.body.block.ops:
            if isinstance(op, CircuitOp):
                sites = placed_sites(op, self.name)
                rows = list(op.gate_table.rows())
                timed, summary = schedule_rows(rows, sites, profile, self.mode)
                op.properties["table"] = GateTableAttr(GateTable.from_rows(timed))
                module.attributes[SCHEDULE_ATTR] = _summary_attr(summary, self.mode)


def _kind(row: Row) -> str:
    return KIND[row.name]


def _moments(rows: list[Row], num_qubits: int, mode: str) -> list[int]:
    """Moment index per row (-1 for rows without duration)."""
    order = range(len(rows)) if mode == "asap" else range(len(rows) - 1, -1, -1)
    last = [0] * num_qubits
    moment = [-1] * len(rows)
    for i in order:
        row = rows[i]
        kind = _kind(row)
        qubits = row.qubits if row.qubits or kind != "barrier" else range(num_qubits)
        if kind == "barrier":
            level = max((last[q] for q in qubits), default=0)
            for q in qubits:
                last[q] = level
        elif kind in _TIMED:
            if len(qubits) == 1:
                level = last[qubits[0]] + 1
            elif len(qubits) == 2:
                a, b = last[qubits[0]], last[qubits[1]]
                level = (a if a > b else b) + 1
            else:
                level = 1 + max((last[q] for q in qubits), default=0)
            moment[i] = level
            for q in qubits:
                last[q] = level
    if mode == "alap":
        top = max(moment, default=0)
        moment = [top + 1 - m if m > 0 else -1 for m in moment]
    else:
        _defer_terminal_measurements(rows, moment)
    return moment


def _defer_terminal_measurements(rows: list[Row], moment: list[int]) -> None:
    """Measurements that are their atom's last op all move to one final moment.

    A measurement (with its dead time) stalls the whole moment it is in; ASAP
    would put each terminal one right after its atom's last gate, stalling
    every later moment."""
    last_timed: dict[int, int] = {}
    for i, row in enumerate(rows):
        if moment[i] > 0:
            for q in row.qubits:
                last_timed[q] = i
    terminal = {i for i in last_timed.values() if rows[i].name == "measure"}
    if not terminal:
        return
    top = max((m for i, m in enumerate(moment) if m > 0 and i not in terminal), default=0)
    for i in terminal:
        moment[i] = top + 1


def _stages(czs: list[int], rows: list[Row], sites, profile, cache: dict) -> list[list[int]]:
    """Greedy partition of one moment's CZs into compatible Rydberg stages.

    `cache` remembers restriction checks between atom pairs: circuits reuse
    the same pairs of sites over and over."""
    limit = profile.gates.max_cz_per_stage
    stages: list[list[tuple[int, ...]]] = []
    members: list[list[int]] = []

    def clash(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
        key = (a, b)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = cache[(b, a)] = restricted(profile, a, b)
        return hit

    for i in czs:
        mine = tuple(int(sites[q]) for q in rows[i].qubits)
        for stage, ids in zip(stages, members):
            if len(stage) < limit and not any(clash(mine, other) for other in stage):
                stage.append(mine)
                ids.append(i)
                break
        else:
            stages.append([mine])
            members.append([i])
    return members


def schedule_rows(rows: list[Row], sites: np.ndarray, profile, mode: str = "asap"):
    """Rows with timing set, and the summary numbers."""
    gates = profile.gates
    num_qubits = len(sites)
    for row in rows:
        if _kind(row) == "gate" and not gates.is_native(row.name):
            raise NavmError(f"schedule: '{row.name}' is not native on device '{profile.name}'; "
                            "run `decompose-native` first", row.loc)
        if _kind(row) == "macro":
            raise NavmError(f"schedule: '{row.name}' is a macro; run `unroll` first", row.loc)
    moment = _moments(rows, num_qubits, mode)
    duration_of: dict[str, float] = {}

    def duration(name: str) -> float:
        d = duration_of.get(name)
        if d is None:
            d = duration_of[name] = gates.duration(name)
        return d

    by_moment: dict[int, list[int]] = defaultdict(list)
    for i, m in enumerate(moment):
        if m > 0:
            by_moment[m].append(i)
    kinds = [KIND[row.name] for row in rows]
    two_qubit = [kinds[i] == "gate" and len(row.qubits) == 2 for i, row in enumerate(rows)]

    timing: dict[int, tuple[float, float, int]] = {}
    restriction_cache: dict = {}
    cursor = 0.0
    last_rydberg_end = -math.inf
    stage_count = 0
    stage_members: list[list[int]] = []
    for m in sorted(by_moment):
        members = by_moment[m]
        resets = [i for i in members if rows[i].name == "reset"]
        measures = [i for i in members if rows[i].name == "measure"]
        czs = [i for i in members if two_qubit[i]]
        ones = [i for i in members if kinds[i] == "gate" and not two_qubit[i]]
        if resets:
            d = duration("reset")
            for i in resets:
                timing[i] = (cursor, d, -1)
            cursor += d
        for group in _pulses(ones, rows, gates):
            d = max(duration(rows[i].name) for i in group)
            for i in group:
                timing[i] = (cursor, duration(rows[i].name), -1)
            cursor += d
        for stage in _stages(czs, rows, sites, profile, restriction_cache):
            start = max(cursor, last_rydberg_end + gates.rydberg_gap_us)
            d = max(duration(rows[i].name) for i in stage)
            for i in stage:
                timing[i] = (start, duration(rows[i].name), stage_count)
            stage_members.append(stage)
            stage_count += 1
            cursor = last_rydberg_end = start + d
        if measures:
            d = duration("measure")
            for i in measures:
                timing[i] = (cursor, d, -1)
            cursor += d + gates.measure_dead_time_us

    # Rows without duration sit at the end of the previous timed row on their qubits.
    qubit_end = [0.0] * num_qubits
    latest = 0.0
    out: list[Row] = []
    for i, row in enumerate(rows):
        if i in timing:
            t, d, s = timing[i]
            end = t + d
            for q in row.qubits:
                qubit_end[q] = end
            if end > latest:
                latest = end
        else:
            t = max((qubit_end[q] for q in row.qubits), default=latest)
            d, s = 0.0, -1
        out.append(_with_timing(row, (t, d, s)))
    summary = {
        "duration_us": cursor,
        "stages": stage_count,
        "two_qubit_gates": sum(two_qubit),
        "fidelity_estimate": fidelity_estimate(out, num_qubits, cursor, stage_members, profile),
    }
    return out, summary


def _with_timing(row: Row, timing: tuple[float, float, int]) -> Row:
    """`row._replace(timing=...)` without its per-call overhead (it shows at 100k rows)."""
    return tuple.__new__(Row, (*row[:6], timing))


def _pulses(ones: list[int], rows: list[Row], gates) -> list[list[int]]:
    """Global gates: one pulse per distinct (gate, params); local gates: chunks of max_local_1q."""
    pulses: dict[tuple, list[int]] = {}
    local: list[int] = []
    for i in ones:
        row = rows[i]
        if gates.mode(row.name) == "global":
            pulses.setdefault((row.name, row.params), []).append(i)
        else:
            local.append(i)
    chunk = max(1, gates.max_local_1q)
    return list(pulses.values()) + [local[k : k + chunk] for k in range(0, len(local), chunk)]


def fidelity_estimate(rows: list[Row], num_qubits: int, duration: float, stages: list[list[int]], profile) -> float:
    """Product model; computed in log space so long circuits do not underflow to 0 early."""
    noise = profile.noise
    log_f = 0.0
    busy = [0.0] * num_qubits
    gate_log: dict[str, float] = {}

    def add(fidelity: float) -> None:
        nonlocal log_f
        log_f += math.log(fidelity) if fidelity > 0 else -math.inf

    for row in rows:
        kind = _kind(row)
        if kind == "gate":
            if row.name not in gate_log:
                f = noise.gate_fidelity(row.name)
                gate_log[row.name] = math.log(f) if f > 0 else -math.inf
            log_f += gate_log[row.name]
        elif kind == "measure":
            spam = noise.spam
            add(1 - (spam.readout_false_positive + spam.readout_false_negative) / 2)
        elif kind == "reset":
            add(1 - noise.spam.prep_error)
        if kind in _TIMED:
            for q in row.qubits:
                busy[q] += row.timing[1]
    add((1 - noise.spam.prep_error) ** num_qubits)
    for q in range(num_qubits):
        add(1 - sum(noise.idle_pauli(max(duration - busy[q], 0.0))))
    unpaired = 1 - sum(noise.unpaired_rydberg_pauli)
    for stage in stages:
        add(unpaired ** max(num_qubits - 2 * len(stage), 0))
    return math.exp(log_f)


def _summary_attr(summary: dict, mode: str) -> DictionaryAttr:
    return DictionaryAttr({
        "duration_us": FloatAttr(summary["duration_us"], f64),
        "stages": IntegerAttr(summary["stages"], i64),
        "two_qubit_gates": IntegerAttr(summary["two_qubit_gates"], i64),
        "fidelity_estimate": FloatAttr(summary["fidelity_estimate"], f64),
        "mode": StringAttr(mode),
    })
