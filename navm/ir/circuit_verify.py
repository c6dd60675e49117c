"""The invariants of a `navm.circuit`: its placement and every table row.

Checks run on whole NumPy columns, so verifying a 100k-row table costs
milliseconds; a failing row is reported with that row's source position.
"""

from __future__ import annotations

import numpy as np
from xdsl.utils.exceptions import VerifyException

from navm.diagnostics import SourceLocation
from navm.ir.circuit_table import GateTable, Placement
from navm.ir.gates import GATES, OPCODE, RECORD_KINDS, check_arity
from navm.ir.noise import channel_error


def verify_placement(p: Placement) -> None:
    """Shapes, finiteness, and no two qubits in one place (an error at the second one's declaration)."""
    if p.coords is not None:
        c = p.coords
        if c.shape != (p.num_qubits, 2):
            raise VerifyException("coordinate array does not match the qubit count")
        placed = c[~np.isnan(c).any(axis=1)]
        if not np.isfinite(placed).all():
            raise VerifyException("qubit coordinates must be finite")
        keys = np.round(np.where(np.isnan(c), np.inf, c), 9).view([("x", float), ("y", float)]).ravel()
        _no_duplicates(p, keys, ~np.isnan(c).any(axis=1), "coordinates")
    else:
        s = p.sites
        if s.shape != (p.num_qubits,):
            raise VerifyException("site array does not match the qubit count")
        if (s < -1).any():
            raise VerifyException("site ids must be non-negative")
        _no_duplicates(p, s, s >= 0, "site")


def _no_duplicates(p: Placement, keys: np.ndarray, placed: np.ndarray, what: str) -> None:
    index = np.flatnonzero(placed)
    uniq, first, counts = np.unique(keys[index], return_index=True, return_counts=True)
    if (counts > 1).any():
        value = uniq[counts > 1][0]
        same = index[keys[index] == value]
        a, b = int(same[0]), int(same[1])
        shown = tuple(value.tolist()) if what == "coordinates" else int(value)
        raise RowVerifyException(f"qubits q{a} and q{b} share the same {what}: {shown}", p.decl_loc(b),
                                 notes=(f"q{a} is declared at {p.decl_loc(a)}",) if p.decl_loc(a) else (),
                                 qubit=b)


ZONED_KINDS = frozenset({"motion", "pulse"})
"""Row kinds that exist from ISA 1.2 on (atoms that move between zones)."""


def verify_isa_rows(t: GateTable, version: str) -> None:
    """Atom motion and Rydberg pulses need ISA 1.2: an error at the first such row of an older circuit."""
    if version in ("1.0", "1.1") and len(t):
        zoned = np.isin(t.opcode, [i for i, g in enumerate(GATES) if g.kind in ZONED_KINDS])
        if zoned.any():
            i = int(np.flatnonzero(zoned)[0])
            raise _row_error(t, i, f"'{GATES[t.opcode[i]].name}' rows need ISA 1.2 (zoned devices), "
                                   f"but the circuit is ISA {version}")


def verify_table(t: GateTable, num_qubits: int) -> None:
    n = len(t)
    if t.qubit_offsets.shape != (n + 1,) or t.params.shape[0] != n:
        raise VerifyException("gate table columns have inconsistent lengths")
    if n and ((t.opcode < 0) | (t.opcode >= len(GATES))).any():
        raise VerifyException("gate table holds an unknown opcode")
    if len(t.qubits) and (t.qubits.min() < 0 or t.qubits.max() >= num_qubits):
        position = int(np.flatnonzero((t.qubits < 0) | (t.qubits >= num_qubits))[0])
        row = int(np.searchsorted(t.qubit_offsets, position, side="right") - 1)
        raise _row_error(t, row, f"qubit q{int(t.qubits[position])} is out of range for a "
                                 f"{num_qubits}-qubit circuit (q0 … q{num_qubits - 1})")
    if not np.isfinite(t.params).all():
        raise VerifyException("gate parameters must be finite")
    if (t.result >= len(t.result_names)).any() or (t.loc >= len(t.locs)).any():
        raise VerifyException("gate table refers to a missing result name or location")
    counts = np.diff(t.qubit_offsets)
    for code in np.unique(t.opcode).tolist():
        g = GATES[code]
        rows = np.nonzero(t.opcode == code)[0]
        arity = counts[rows]
        for k in np.unique(arity).tolist():
            if (msg := check_arity(g, k)) is not None:
                raise _row_error(t, int(rows[arity == k][0]), msg)
        has_result = t.result[rows] >= 0
        if g.kind == "measure" and not has_result.all():
            raise _row_error(t, int(rows[~has_result][0]), "measurement without a result name")
        if g.kind != "measure" and has_result.any():
            raise _row_error(t, int(rows[has_result][0]), f"'{g.name}' cannot have a result")
        if g.kind == "noise":
            for i in rows.tolist():
                if (msg := channel_error(g.name, t.params[i, : g.n_params].tolist())) is not None:
                    raise _row_error(t, i, msg)
        if g.kind == "pulse" and (odd := arity % 2 == 1).any():
            raise _row_error(t, int(rows[odd][0]), f"'{g.name}' pairs its atoms: it needs an even number")
        if g.kind == "motion":
            group = t.params[rows, 0]
            if (bad := (group < 0) | (group != np.floor(group))).any():
                raise _row_error(t, int(rows[bad][0]), f"'{g.name}' group {group[bad][0]!r} is not a "
                                                      "non-negative integer")
    _verify_records(t)
    _verify_timing(t)
    _verify_distinct_qubits(t, counts)


def _verify_distinct_qubits(t: GateTable, counts: np.ndarray) -> None:
    """No row names a qubit twice: vectorized for 2-qubit rows, a loop for the rare wider ones."""
    two = np.nonzero(counts == 2)[0]
    starts = t.qubit_offsets[two]
    same = two[t.qubits[starts] == t.qubits[starts + 1]]
    if same.size:
        raise _row_error(t, int(same[0]), f"'{GATES[t.opcode[same[0]]].name}' repeats a qubit")
    for i in np.nonzero(counts > 2)[0].tolist():
        qs = t.row_qubits(i)
        if len(set(qs)) != len(qs):
            raise _row_error(t, i, f"'{GATES[t.opcode[i]].name}' repeats a qubit")


def _verify_records(t: GateTable) -> None:
    """Detector/observable rows list earlier measurement records; no other row has any."""
    n = len(t)
    rec_counts = np.diff(t.record_offsets)
    if t.record_offsets.shape != (n + 1,):
        raise VerifyException("record column does not match the table length")
    annotation = np.isin(t.opcode, [i for i, g in enumerate(GATES) if g.kind in RECORD_KINDS])
    if (bad := np.nonzero(~annotation & (rec_counts > 0))[0]).size:
        raise _row_error(t, int(bad[0]), f"'{GATES[t.opcode[bad[0]]].name}' cannot list measurement records")
    if (bad := np.nonzero(annotation & (rec_counts == 0))[0]).size:
        raise _row_error(t, int(bad[0]), f"'{GATES[t.opcode[bad[0]]].name}' needs at least one measurement record")
    if not annotation.any():
        return
    is_measure = t.opcode == OPCODE["measure"]
    before = np.cumsum(is_measure) - is_measure  # measurements strictly before each row
    for i in np.nonzero(annotation)[0].tolist():
        recs = t.records[t.record_offsets[i] : t.record_offsets[i + 1]]
        if recs.min() < 0 or recs.max() >= before[i]:
            bad_rec = int(recs[(recs < 0) | (recs >= before[i])][0])
            raise _row_error(t, i, f"rec[{bad_rec}] is not an earlier measurement ({before[i]} so far)")
        g = GATES[t.opcode[i]]
        if g.name == "observable" and not (t.params[i, 0] >= 0 and float(t.params[i, 0]).is_integer()):
            raise _row_error(t, i, f"observable index {float(t.params[i, 0])!r} is not a non-negative integer")


def _verify_timing(t: GateTable) -> None:
    scheduled = ~np.isnan(t.start)
    if not scheduled.any():
        return
    if not scheduled.all() or np.isnan(t.duration[scheduled]).any():
        raise VerifyException("a schedule must give every row a start time and a duration")
    if (t.start < 0).any() or (t.duration < 0).any() or not np.isfinite(t.start).all():
        raise _row_error(t, int(np.nonzero((t.start < 0) | (t.duration < 0) | ~np.isfinite(t.start))[0][0]),
                         "start times and durations must be finite and non-negative")


class RowVerifyException(VerifyException):
    """A verifier failure in one table row or qubit declaration; `loc` is its source position."""

    def __init__(self, message: str, loc: SourceLocation | None, notes: tuple[str, ...] = (), *,
                 row: int | None = None, qubit: int | None = None) -> None:
        super().__init__(message)
        self.loc = loc
        self.notes = notes
        self.row, self.qubit = row, qubit  # which row or qubit declaration, for IR-text positions


def _row_error(t: GateTable, i: int, msg: str) -> RowVerifyException:
    loc = t.locs[t.loc[i]] if t.loc[i] >= 0 else None
    return RowVerifyException(f"row {i}: {msg}", loc, row=i)
