"""`insert-noise` for zoned programs (ISA 1.2): the device's noise model as explicit `noise` rows,
placed by the sequential schedule and the motion replay (docs/passes/insert-noise.md, "Zoned
programs").

insert_noise.py dispatches here for ISA 1.2 modules; the fixed-lattice path stays as it is. The
zoned schedule is sequential (docs/zoned.md, "Time"): table order is time order, so every channel
goes right where it acts. For every atom, in time order:

- preparation: `pauli(prep_error, 0, 0)` at the start and after each reset;
- gates: after each 1-qubit gate (`u3`) its channel from `noise.gate_pauli`; after a `rydberg`
  row the `cz` channel (`depolarize2`) on each pair; `loss` per atom if the profile has gate loss;
- transfers: after each `load` or `store` group, on each of its atoms,
  `depolarize(1 - architecture.transfer.fidelity)` and `loss(transfer.loss)`;
- excitation: after a `rydberg` row, `pauli(0, 0, unpaired_rydberg_error)` on every atom inside the
  laser region that is in no pair (the replay's `Pulse.unpaired`);
- idle: before an atom's next busy interval, `idle_pauli(gap)` (and `loss(idle_loss(gap))`) for the
  time since its previous one; an atom is busy during its own gates, measurements and resets, each
  load or store it takes part in, and every pulse while it stands inside the laser region (paired
  or not): the busy time of the "navm" fidelity model (zoned_fidelity.py), so moving counts as idle.
  The time from an atom's last busy interval to the end of the program is charged at the end;
- readout: `readout_flip((false_positive + false_negative) / 2)` before an atom's first measurement
  (it applies to every later measurement of the atom).

A motion group's rows stay consecutive (the idle channels of its atoms go before its first row,
their transfer channels after its last), so the program replays and checks as before. Channels with
zero probability are not emitted; inserted rows carry the source location of the row they belong to
and have zero duration.

Why these channels agree with the schedule's `fidelity_models["navm"]`: that model is the product
of exactly these channels' fidelities (1 − total error), with each atom's idle channels taken
together: the idle channel composes exactly (idle_pauli(a) then idle_pauli(b) is idle_pauli(a + b),
the Pauli eigenvalues being exponentials in time), and the model charges idle_pauli(total idle).
"""

from __future__ import annotations

import numpy as np

from navm.diagnostics import NavmError
from navm.ir.circuit_table import GateTable, Placement, Row
from navm.ir.gates import KIND
from navm.passes.analysis.motion import Pulse, steps
from navm.passes.analysis.motion_events import LOAD, MOVE, PULSE, STORE
from navm.passes.noise_rows import channel_row as _channel
from navm.passes.noise_rows import gate_rows, idle_rows

_TIMED = frozenset({"gate", "measure", "reset"})
EPS_US = 1e-9
"""Gaps shorter than this (relative to the clock, at least 1e-9 µs) are rounding, not idle time."""


def _replay(table: GateTable, placement: Placement, profile) -> tuple[dict[int, tuple[int, str]],
                                                                    dict[int, tuple[Pulse, list[int]]]]:
    """From one lenient replay: each motion group as first row → (stop, kind), and each pulse as
    row → (the Pulse, the atoms inside the laser region during it)."""
    groups: dict[int, tuple[int, str]] = {}
    pulses: dict[int, tuple[Pulse, list[int]]] = {}
    for ev, state, result in steps(table, placement, profile, strict=False):
        if ev.kind in (LOAD, MOVE, STORE):
            groups[ev.start] = (ev.stop, ev.kind)
        elif ev.kind == PULSE:
            pulses[ev.start] = (result, np.flatnonzero(state.in_laser).tolist())
    return groups, pulses


def zoned_noisy_rows(table: GateTable, placement: Placement, profile) -> list[Row]:
    """The rows of a scheduled zoned table with the device's noise channels inserted."""
    arch = profile.architecture
    if arch is None:
        raise NavmError(f"insert-noise: an ISA 1.2 program needs a zoned device, and '{profile.name}' has no "
                        "architecture section; try --device zoned")
    if len(table) and not table.scheduled:
        raise NavmError("insert-noise needs a scheduled circuit: run `schedule` first")
    noise = profile.noise
    spam = noise.spam
    readout = (spam.readout_false_positive + spam.readout_false_negative) / 2
    transfer_p = float(f"{1.0 - arch.transfer_fidelity:.15g}")  # 0.001, not 0.0010000000000000009
    transfer_loss = arch.transfer_loss
    excitation = noise.unpaired_rydberg_pauli
    cz = noise.gate_channels.get("cz")  # each pair of a pulse is a CZ
    cz_loss = noise.gate_loss("cz")

    rows = list(table.rows())
    n = placement.num_qubits
    groups, pulses = _replay(table, placement, profile)
    end = table.start + table.duration
    total = float(np.nanmax(end)) if len(table) else 0.0
    eps = EPS_US * max(1.0, total)

    out: list[Row] = []

    def emit(*rows: Row | None) -> None:
        out.extend(r for r in rows if r is not None)

    free = [0.0] * n  # when each atom's last busy interval ended
    last_loc = [None] * n
    read: set[int] = set()  # atoms whose readout error is already in place

    def idle(q: int, t: float, loc) -> None:
        """The idle channel of atom q from its last busy interval until t, which starts a busy one."""
        gap = t - free[q]
        if gap > eps:
            emit(*idle_rows(noise, q, gap, t, loc))

    first_loc = next((r.loc for r in rows if r.loc is not None), None)
    for q in range(n):
        emit(_channel("pauli", (q,), (spam.prep_error, 0.0, 0.0), 0.0, first_loc))

    i = 0
    while i < len(rows):
        row = rows[i]
        if i in groups:  # a motion group: its rows stay together
            stop, kind = groups[i]
            members = rows[i:stop]
            start, duration, _ = row.timing
            if kind != MOVE:
                for r in members:
                    for q in r.qubits:
                        idle(q, start, r.loc)
            out.extend(members)
            if kind != MOVE:
                t = start + duration
                for r in members:
                    for q in r.qubits:
                        emit(_channel("depolarize", (q,), (transfer_p,), t, r.loc))
                        emit(_channel("loss", (q,), (transfer_loss,), t, r.loc))
                        free[q], last_loc[q] = t, r.loc
            i = stop
            continue
        i += 1
        if i - 1 in pulses:  # a Rydberg pulse
            pulse, lit = pulses[i - 1]
            start, duration, _ = row.timing
            t = start + duration
            for q in lit:
                idle(q, start, row.loc)
            out.append(row)
            for a, b in pulse.pairs.tolist():
                if cz is not None and cz.channel == "depolarize2":
                    emit(_channel("depolarize2", (a, b), cz.params, t, row.loc))
                elif cz is not None:
                    for q in (a, b):
                        emit(_channel(cz.channel, (q,), cz.params, t, row.loc))
                for q in (a, b):
                    emit(_channel("loss", (q,), (cz_loss,), t, row.loc))
            for q in pulse.unpaired.tolist():
                emit(_channel("pauli", (q,), excitation, t, row.loc))
            for q in lit:
                free[q], last_loc[q] = t, row.loc
            continue
        kind = KIND[row.name]
        if kind not in _TIMED:  # noise, barriers, annotations, and a pulse the replay did not see
            out.append(row)
            continue
        start, duration, _ = row.timing
        t = start + duration
        for q in row.qubits:
            idle(q, start, row.loc)
        if kind == "measure":
            for q in row.qubits:
                if q not in read:
                    read.add(q)
                    emit(_channel("readout_flip", (q,), (readout,), start, row.loc))
        out.append(row)
        for q in row.qubits:
            free[q], last_loc[q] = t, row.loc
        if kind == "reset":
            for q in row.qubits:
                emit(_channel("pauli", (q,), (spam.prep_error, 0.0, 0.0), t, row.loc))
        elif kind == "gate":
            emit(*gate_rows(noise, row, t))
    end_loc = next((r.loc for r in reversed(rows) if r.loc is not None), None)
    for q in range(n):  # from each atom's last busy interval to the end of the program
        gap = total - free[q]
        if gap > eps:
            loc = last_loc[q] if last_loc[q] is not None else end_loc
            emit(*idle_rows(noise, q, gap, total, loc))
    return out
