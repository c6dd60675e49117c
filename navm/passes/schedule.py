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

The pass works on the table's columns: moments come from one loop over plain
lists, every timed row is sorted into a time segment of its moment (resets,
each global pulse, each chunk of local gates, each Rydberg stage,
measurements) with numpy, and only the segments are walked in Python to
advance the clock. See schedule_parts.py for the pieces.

ISA 1.2 (zoned) programs are timed by the sequential model of docs/zoned.md instead
(schedule_zoned.py). The module gets `navm.schedule` = {duration_us, stages, two_qubit_gates,
fidelity_estimate, mode}: the fidelity estimate is the product model — gate
fidelities × idle decay of every atom over its idle time × unpaired-atom
errors in each Rydberg stage × preparation and readout errors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import DictionaryAttr, FloatAttr, IntegerAttr, ModuleOp, StringAttr, f64, i64

from navm.diagnostics import NavmError
from navm.ir.circuit_table import GateTable, Row, normalized_table
from navm.ir.gates import GATES
from navm.ir.navm import CircuitOp, GateTableAttr, isa_version
from navm.passes.base import NavmPass, module_device, placed_sites
from navm.passes.schedule_parts import (
    GATE,
    KIND_OF_OPCODE,
    MEASURE,
    OTHER,
    RESET,
    SEGMENT_GLOBAL_1Q,
    SEGMENT_LOCAL_1Q,
    SEGMENT_MEASURE,
    SEGMENT_STAGE,
    RowKinds,
    local_chunks,
    moments,
    pulse_groups,
    row_location,
    rydberg_stages,
    segments,
    untimed_starts,
)

SCHEDULE_ATTR = "navm.schedule"


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
        if isa_version(module) == "1.2":  # zoned: the sequential model (schedule_zoned.py)
            self._run_zoned(module, profile)
            return
        for op in module.body.block.ops:
            if isinstance(op, CircuitOp):
                sites = placed_sites(op, self.name)
                timed, summary = schedule_table(op.gate_table, sites, profile, self.mode)
                op.properties["table"] = GateTableAttr(timed)
                module.attributes[SCHEDULE_ATTR] = _summary_attr(summary, self.mode)

    def _run_zoned(self, module: ModuleOp, profile) -> None:
        from navm.passes.schedule_zoned import schedule_zoned, summary_attr

        if profile.architecture is None:
            raise NavmError(f"schedule: an ISA 1.2 program needs a zoned device, and '{profile.name}' has no "
                            "architecture section; try --device zoned")
        for op in module.body.block.ops:
            if isinstance(op, CircuitOp):
                placed_sites(op, self.name)
                _check_native(op.gate_table, profile)
                timed, summary = schedule_zoned(op.gate_table, op.qubit_placement, profile)
                op.properties["table"] = GateTableAttr(timed)
                module.attributes[SCHEDULE_ATTR] = summary_attr(summary)


def schedule_rows(rows: list[Row], sites: np.ndarray, profile, mode: str = "asap"):
    """Rows with timing set, and the summary numbers (`schedule_table` on rows)."""
    timed, summary = schedule_table(GateTable.from_rows(rows), sites, profile, mode)
    return list(timed.rows()), summary


def _check_native(table: GateTable, profile) -> None:
    gates = profile.gates
    bad = [g.kind == "macro" or (g.kind == "gate" and not gates.is_native(g.name)) for g in GATES]
    rows = np.flatnonzero(np.array(bad)[table.opcode.astype(np.intp)])
    if rows.size:
        i = int(rows[0])
        g = GATES[int(table.opcode[i])]
        if g.kind == "macro":
            raise NavmError(f"schedule: '{g.name}' is a macro; run `unroll` first", row_location(table, i))
        raise NavmError(f"schedule: '{g.name}' is not native on device '{profile.name}'; "
                        "run `decompose-native` first", row_location(table, i))


def schedule_table(table: GateTable, sites: np.ndarray, profile, mode: str = "asap") -> tuple[GateTable, dict]:
    """The table with start, duration and stage set on every row, and the summary numbers."""
    gates = profile.gates
    num_qubits = len(sites)
    _check_native(table, profile)
    rows = RowKinds.of(table, gates)
    moment = moments(rows, num_qubits, mode)
    timed = np.flatnonzero(moment > 0)
    order = timed[np.argsort(moment[timed], kind="stable")]  # by moment, then row
    kind = rows.segment[order]
    number = np.zeros(len(order), dtype=np.int64)
    for segment_kind, numbering in (
        (SEGMENT_GLOBAL_1Q, lambda at: pulse_groups(rows, order[at], moment[order[at]])),
        (SEGMENT_LOCAL_1Q, lambda at: local_chunks(moment[order[at]], max(1, gates.max_local_1q))),
        (SEGMENT_STAGE, lambda at: rydberg_stages(rows, order[at], moment[order[at]], sites, profile)),
    ):
        at = np.flatnonzero(kind == segment_kind)
        number[at] = numbering(at)
    seg_of, seg_kind, seg_duration = segments(moment[order], kind, number, rows.duration[order])

    # The clock: one step per segment, in time order.
    seg_start = [0.0] * len(seg_kind)
    seg_stage = [-1] * len(seg_kind)
    stage_sizes: list[int] = []
    members = np.bincount(seg_of, minlength=len(seg_kind)).tolist()
    cursor = 0.0
    last_rydberg_end = -math.inf
    gap, dead_time = gates.rydberg_gap_us, gates.measure_dead_time_us
    for k, (kind_k, d) in enumerate(zip(seg_kind.tolist(), seg_duration.tolist())):
        if kind_k == SEGMENT_STAGE:
            start = max(cursor, last_rydberg_end + gap)
            seg_start[k], seg_stage[k] = start, len(stage_sizes)
            stage_sizes.append(members[k])
            cursor = last_rydberg_end = start + d
        elif kind_k == SEGMENT_MEASURE:
            seg_start[k] = cursor
            cursor += d + dead_time
        else:
            seg_start[k] = cursor
            cursor += d

    n = len(table)
    start = np.zeros(n)
    stage = np.full(n, -1, dtype=np.int32)
    start[order] = np.array(seg_start, dtype=np.float64)[seg_of]
    stage[order] = np.array(seg_stage, dtype=np.int32)[seg_of]
    untimed = np.flatnonzero(moment <= 0)
    if len(untimed):
        start[untimed] = untimed_starts(rows, start, rows.duration, moment > 0, untimed, num_qubits)
    summary = {
        "duration_us": cursor,
        "stages": len(stage_sizes),
        "two_qubit_gates": int(((rows.kind == GATE) & (rows.counts == 2)).sum()),
        "fidelity_estimate": fidelity_estimate(rows, num_qubits, cursor, stage_sizes, profile),
    }
    out = normalized_table(
        opcode=table.opcode, qubit_offsets=table.qubit_offsets, qubits=table.qubits, params=table.params,
        result=table.result, result_names=table.result_names, loc=table.loc, locs=table.locs,
        record_offsets=table.record_offsets, records=table.records,
        start=start, duration=rows.duration, stage=stage,
    )
    return out, summary


def fidelity_estimate(rows: RowKinds, num_qubits: int, total: float, stage_sizes: list[int], profile) -> float:
    """Product model; computed in log space so long circuits do not underflow to 0 early.
    The terms are added one by one in row order, as the model reads: the float sum is exact to it."""
    noise = profile.noise
    spam = noise.spam

    def log(fidelity: float) -> float:
        return math.log(fidelity) if fidelity > 0 else -math.inf

    per_opcode: dict[int, float] = {}
    for code in np.unique(rows.opcode[rows.kind != OTHER]).tolist():
        kind = KIND_OF_OPCODE[code]
        if kind == GATE:
            per_opcode[code] = log(noise.gate_fidelity(GATES[code].name))
        elif kind == MEASURE:
            per_opcode[code] = log(1 - (spam.readout_false_positive + spam.readout_false_negative) / 2)
        elif kind == RESET:
            per_opcode[code] = log(1 - spam.prep_error)
    log_f = 0.0
    contributing = np.flatnonzero(np.isin(rows.opcode, list(per_opcode)))
    for code in rows.opcode[contributing].tolist():
        log_f += per_opcode[code]
    busy = [0.0] * num_qubits
    timed = (rows.kind == GATE) | (rows.kind == MEASURE) | (rows.kind == RESET)
    owner = np.repeat(np.arange(len(rows.opcode)), rows.counts)
    entries = np.flatnonzero(timed[owner])
    for q, d in zip(rows.qubits[entries].tolist(), rows.duration[owner[entries]].tolist()):
        busy[q] += d
    log_f += log((1 - spam.prep_error) ** num_qubits)
    for q in range(num_qubits):
        log_f += log(1 - sum(noise.idle_pauli(max(total - busy[q], 0.0))))
    unpaired = 1 - sum(noise.unpaired_rydberg_pauli)
    per_size = {size: log(unpaired ** max(num_qubits - 2 * size, 0)) for size in set(stage_sizes)}
    for size in stage_sizes:
        log_f += per_size[size]
    return math.exp(log_f)


def _summary_attr(summary: dict, mode: str) -> DictionaryAttr:
    return DictionaryAttr({
        "duration_us": FloatAttr(summary["duration_us"], f64),
        "stages": IntegerAttr(summary["stages"], i64),
        "two_qubit_gates": IntegerAttr(summary["two_qubit_gates"], i64),
        "fidelity_estimate": FloatAttr(summary["fidelity_estimate"], f64),
        "mode": StringAttr(mode),
    })
