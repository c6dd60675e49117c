"""`schedule` for zoned programs (ISA 1.2): the sequential time model and the fidelity models.

schedule.py dispatches here for ISA 1.2 modules; the fixed-lattice scheduler stays as it
is. The work is the analyses' (navm/passes/analysis): replay the motion leniently (the
legality check is `move-check`'s), time every row (zoned_time), score the program
(zoned_fidelity); this module only writes the timings into the table and the summary
into `navm.schedule`:

    {duration_us, stages, two_qubit_gates, fidelity_estimate, mode = "sequential",
     transfers, load_groups, move_groups, store_groups, unpaired_exposures,
     fidelity_models = {navm = {…}, zac = {…}, "zac+excitation" = {…}}}

where `stages` counts pulses, `two_qubit_gates` CZ pairs, and each model holds its
`fidelity`, `log10`, `factors_log10` and `counts`.
"""

from __future__ import annotations

import math

import numpy as np
from xdsl.dialects.builtin import DictionaryAttr, FloatAttr, IntegerAttr, StringAttr, f64, i64

from navm.diagnostics import NavmError
from navm.ir.circuit_table import GateTable, Placement, normalized_table
from navm.ir.gates import GATES
from navm.passes.analysis.motion import trace
from navm.passes.analysis.motion_events import table_locator, two_qubit_gate_mask, zoned_architecture
from navm.passes.analysis.zoned_fidelity import fidelity_models
from navm.passes.analysis.zoned_time import zoned_times


def schedule_zoned(table: GateTable, placement: Placement, profile) -> tuple[GateTable, dict]:
    """The table with every row timed, and the summary (plain Python values)."""
    zoned_architecture(profile)
    gates2 = np.flatnonzero(two_qubit_gate_mask(table))
    if gates2.size:
        row = int(gates2[0])
        name = GATES[int(table.opcode[row])].name
        loc = table_locator(table)(row)
        raise NavmError(f"schedule: '{name}' outside a 'rydberg' row: on a zoned device two-qubit gates run "
                        "as Rydberg pulses; run `stage` first", loc)
    motion = trace(table, placement, profile, strict=False)
    times = zoned_times(table, motion, profile)
    models = fidelity_models(table, motion, times, profile)
    timed = normalized_table(
        opcode=table.opcode, qubit_offsets=table.qubit_offsets, qubits=table.qubits, params=table.params,
        result=table.result, result_names=table.result_names, loc=table.loc, locs=table.locs,
        record_offsets=table.record_offsets, records=table.records,
        start=times.start, duration=times.duration, stage=times.stage,
    )
    summary = {
        "duration_us": times.total_us,
        "stages": len(motion.pulses),
        "two_qubit_gates": motion.cz,
        "fidelity_estimate": models["navm"].fidelity,
        "mode": "sequential",
        "transfers": motion.total_transfers,
        "load_groups": motion.count("load"),
        "move_groups": motion.count("move"),
        "store_groups": motion.count("store"),
        "unpaired_exposures": motion.unpaired_exposures,
        "fidelity_models": {name: {"fidelity": m.fidelity, "log10": m.log10, "factors_log10": m.factors_log10,
                                   "counts": m.counts} for name, m in models.items()},
    }
    return timed, summary


def summary_attr(value) -> DictionaryAttr:
    """A summary of plain values as IR attributes: dicts, ints (i64), floats (f64), strings."""
    return _attr(value)


def _attr(value):
    if isinstance(value, dict):
        return DictionaryAttr({str(k): _attr(v) for k, v in value.items()})
    if isinstance(value, bool):
        return IntegerAttr(int(value), i64)
    if isinstance(value, int):
        return IntegerAttr(value, i64)
    if isinstance(value, float):
        return FloatAttr(value if not math.isnan(value) else 0.0, f64)
    return StringAttr(str(value))
