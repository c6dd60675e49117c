"""`insert-noise`: the device's noise model as explicit `noise` rows, placed by the schedule.

Zoned programs (ISA 1.2) go to insert_noise_zoned.py (transfers, motion, excitation under the
laser); what follows is the fixed-lattice model. Needs a scheduled circuit (run `schedule`
first). For every atom, in time order:
- preparation: `pauli(prep_error, 0, 0)` at the start and after each reset;
- idle: before each timed op, the idle channel for the gap since the atom's
  previous op (`idle_pauli(dt)`, and `loss` if the profile has idle loss);
- unpaired atoms: for every Rydberg stage the atom is not part of,
  `pauli(0, 0, unpaired_rydberg_error)` (the Rydberg laser drives it without
  a partner), placed before its next op after that stage;
- gates: after each gate its channel (`pauli` / `depolarize` per atom, or
  `depolarize2` on the pair) and `loss` per atom if the profile has gate loss;
- measurement: `readout_flip((false_positive + false_negative) / 2)` before
  the atom's first measurement — a readout flip applies to every later
  measurement of the atom, each independently, so one row covers them all;
  symmetric, an approximation of the asymmetric readout error
  (docs/passes/insert-noise.md).
Channels with zero probability are not emitted. Inserted rows carry the
source location of the op they belong to and zero duration.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from navm.diagnostics import NavmError
from navm.ir.circuit_table import GateTable, Row
from navm.ir.gates import KIND
from navm.ir.navm import CircuitOp, GateTableAttr, isa_version
from navm.passes.base import NavmPass, module_device
from navm.passes.noise_rows import channel_row as _channel
from navm.passes.noise_rows import gate_rows, idle_rows

_TIMED = frozenset({"gate", "measure", "reset"})


@dataclass(frozen=True)
class InsertNoise(NavmPass):
    name = "insert-noise"

    device: str | None = None
    """Device profile whose noise model to insert; default: the module's navm.device."""

    def run(self, ctx: Context, module: ModuleOp) -> None:
        profile = module_device(module, self.device, self.name)
        if isa_version(module) == "1.2":  # zoned: motion, transfers, excitation (insert_noise_zoned.py)
            self._run_zoned(module, profile)
            return
        for op in module.body.block.ops:
            if isinstance(op, CircuitOp):
                table = op.gate_table
                if len(table) and not table.scheduled:
                    raise NavmError("insert-noise needs a scheduled circuit: run `schedule` first")
                rows = noisy_rows(list(table.rows()), op.qubit_placement.num_qubits, profile.noise)
                op.properties["table"] = GateTableAttr(GateTable.from_rows(rows))

    def _run_zoned(self, module: ModuleOp, profile) -> None:
        from navm.passes.insert_noise_zoned import zoned_noisy_rows

        for op in module.body.block.ops:
            if isinstance(op, CircuitOp):
                rows = zoned_noisy_rows(op.gate_table, op.qubit_placement, profile)
                op.properties["table"] = GateTableAttr(GateTable.from_rows(rows))


def noisy_rows(rows: list[Row], num_qubits: int, noise) -> list[Row]:
    out: list[Row] = []

    def emit(*rows: Row | None) -> None:
        out.extend(r for r in rows if r is not None)

    # Rydberg stages: start time and member atoms, sorted by time.
    stages: dict[int, tuple[float, set[int]]] = {}
    for row in rows:
        if row.timing is not None and row.timing[2] >= 0:
            start, members = stages.setdefault(row.timing[2], (row.timing[0], set()))
            members.update(row.qubits)
    stage_times = sorted((t, members) for t, members in stages.values())
    times = [t for t, _ in stage_times]
    unpaired_z = noise.unpaired_rydberg_pauli
    spam = noise.spam
    readout = (spam.readout_false_positive + spam.readout_false_negative) / 2

    def unpaired(q: int, since: float, until: float, loc) -> None:
        """The unpaired-atom error of each stage in [since, until) that q is not part of."""
        lo, hi = bisect.bisect_left(times, since), bisect.bisect_left(times, until)
        for t, members in stage_times[lo:hi]:
            if q not in members:
                emit(_channel("pauli", (q,), unpaired_z, t, loc))

    first_loc = next((r.loc for r in rows if r.loc is not None), None)
    for q in range(num_qubits):
        emit(_channel("pauli", (q,), (spam.prep_error, 0.0, 0.0), 0.0, first_loc))
    qubit_end = [0.0] * num_qubits
    read: set[int] = set()  # atoms whose readout error is already in place

    for row in rows:
        kind = KIND[row.name]
        if kind not in _TIMED:
            out.append(row)
            continue
        start, duration, stage = row.timing
        for q in row.qubits:
            unpaired(q, qubit_end[q], start, row.loc)
            gap = start - qubit_end[q]
            if gap > 0:
                emit(*idle_rows(noise, q, gap, start, row.loc))
        if kind == "measure" and row.qubits[0] not in read:
            read.add(row.qubits[0])
            emit(_channel("readout_flip", row.qubits, (readout,), start, row.loc))
        out.append(row)
        end = start + duration
        for q in row.qubits:
            qubit_end[q] = end
        if kind == "reset":
            emit(_channel("pauli", row.qubits, (spam.prep_error, 0.0, 0.0), end, row.loc))
        elif kind == "gate":
            emit(*gate_rows(noise, row, end))
    last_loc = next((r.loc for r in reversed(rows) if r.loc is not None), None)
    for q in range(num_qubits):  # stages after an atom's last op still drive it
        unpaired(q, qubit_end[q], float("inf"), last_loc)
    return out
