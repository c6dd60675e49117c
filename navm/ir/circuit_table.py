"""The gate table behind `navm.circuit`: a whole straight-line circuit as arrays.

xDSL costs ~30 µs per op to build and verify, so a 100k-gate circuit as one op
per gate would spend seconds in bookkeeping. After the front end, circuits are
tables: one row per gate/measurement/noise channel, columns as NumPy arrays.
Passes rewrite whole tables; nothing round-trips through text.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Iterator, NamedTuple, Sequence

import numpy as np

from navm.diagnostics import SourceLocation
from navm.ir.gates import GATES, MAX_PARAMS, OPCODE

_NAMES = [g.name for g in GATES]
_N_PARAMS = [g.n_params for g in GATES]
_N_PARAMS_ARRAY = np.array(_N_PARAMS, dtype=np.intp)


class Row(NamedTuple):
    """One table row in Python form (for printing, tests and small passes)."""

    name: str
    qubits: tuple[int, ...]
    params: tuple[float, ...]
    result: str | None = None
    loc: SourceLocation | None = None
    records: tuple[int, ...] = ()  # measurement-record indices (detector, observable)
    timing: tuple[float, float, int] | None = None  # (start µs, duration µs, Rydberg stage or -1)


@dataclass(frozen=True, eq=False)
class GateTable:
    """Columns: `opcode` (int16), CSR qubit lists (`qubit_offsets`, `qubits`),
    `params` (n × MAX_PARAMS float64, unused slots 0), `result` (index into
    `result_names` for measurements, else -1), `loc` (index into `locs`, or -1),
    CSR measurement-record lists (`record_offsets`, `records`: record k is the
    k-th measure row, 0-based) for detector and observable rows, and the
    schedule: `start` and `duration` in µs (NaN until `schedule` runs) and
    `stage` (the Rydberg stage of a two-qubit gate, else -1)."""

    opcode: np.ndarray
    qubit_offsets: np.ndarray
    qubits: np.ndarray
    params: np.ndarray
    result: np.ndarray
    result_names: tuple[str, ...]
    loc: np.ndarray
    locs: tuple[SourceLocation, ...]
    record_offsets: np.ndarray
    records: np.ndarray
    start: np.ndarray
    duration: np.ndarray
    stage: np.ndarray

    @property
    def scheduled(self) -> bool:
        return len(self) > 0 and not np.isnan(self.start).any()

    def __len__(self) -> int:
        return len(self.opcode)

    def row_qubits(self, i: int) -> tuple[int, ...]:
        return tuple(self.qubits[self.qubit_offsets[i] : self.qubit_offsets[i + 1]].tolist())

    def rows(self) -> Iterator[Row]:
        """The rows as Python tuples. Columns are converted to lists once and each
        field is built by a list comprehension: passes call this on every table."""
        n = len(self.opcode)
        names = [_NAMES[c] for c in self.opcode.tolist()]
        offsets = self.qubit_offsets.tolist()
        flat = self.qubits.tolist()
        qubits = [tuple(flat[a:b]) for a, b in zip(offsets, offsets[1:])]
        all_params = self.params.tolist()
        params = [tuple(p[: _N_PARAMS[c]]) if _N_PARAMS[c] else () for p, c in zip(all_params, self.opcode.tolist())]
        result_names, locs = self.result_names, self.locs
        results = [result_names[r] if r >= 0 else None for r in self.result.tolist()] if result_names else [None] * n
        loc_list = [locs[k] if k >= 0 else None for k in self.loc.tolist()] if locs else [None] * n
        if len(self.records):
            ro = self.record_offsets.tolist()
            rf = self.records.tolist()
            records = [tuple(rf[a:b]) if b > a else () for a, b in zip(ro, ro[1:])]
        else:
            records = [()] * n
        if np.isnan(self.start).all():
            timing = [None] * n
        else:
            timing = [None if t != t else (t, d, st)  # NaN: unscheduled
                      for t, d, st in zip(self.start.tolist(), self.duration.tolist(), self.stage.tolist())]
        return map(Row._make, zip(names, qubits, params, results, loc_list, records, timing))

    def max_qubit(self) -> int:
        return int(self.qubits.max()) if len(self.qubits) else -1

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GateTable):
            return NotImplemented
        return (
            self.result_names == other.result_names
            and self.locs == other.locs
            and all(
                np.array_equal(getattr(self, f), getattr(other, f))
                for f in ("opcode", "qubit_offsets", "qubits", "params", "result", "loc",
                          "record_offsets", "records", "stage")
            )
            and np.array_equal(self.start, other.start, equal_nan=True)
            and np.array_equal(self.duration, other.duration, equal_nan=True)
        )

    def __hash__(self) -> int:
        return hash((len(self), self.opcode[:64].tobytes(), self.qubits[:64].tobytes()))

    def take(self, index: Sequence[int] | np.ndarray) -> "GateTable":
        """The table of rows `index` (in that order, repeats allowed), built as `from_rows` would
        build it from those rows, but column-wise: passes that drop or reorder rows use it."""
        index = np.asarray(index, dtype=np.intp)
        qubit_offsets, qubits = gather_lists(self.qubit_offsets, self.qubits, index)
        record_offsets, records = gather_lists(self.record_offsets, self.records, index)
        return normalized_table(
            opcode=self.opcode[index], qubit_offsets=qubit_offsets, qubits=qubits, params=self.params[index],
            result=self.result[index], result_names=self.result_names, loc=self.loc[index], locs=self.locs,
            record_offsets=record_offsets, records=records,
            start=self.start[index], duration=self.duration[index], stage=self.stage[index],
        )

    def normalized(self) -> "GateTable":
        """`GateTable.from_rows(self.rows())` without the Python rows."""
        return self.take(np.arange(len(self)))

    @staticmethod
    def from_rows(rows: Sequence[Row]) -> "GateTable":
        """A table from rows, column by column (faster than adding rows one by one)."""
        rows = list(rows)
        n = len(rows)
        if not n:
            return TableBuilder().build()
        names, qubits, params, results, locs, records, timing = zip(*rows)
        opcode = np.fromiter((OPCODE[name] for name in names), dtype=np.int16, count=n)
        qubit_offsets = np.zeros(n + 1, dtype=np.int32)
        np.cumsum([len(q) for q in qubits], out=qubit_offsets[1:])
        flat_qubits = np.fromiter(chain.from_iterable(qubits), dtype=np.int32, count=int(qubit_offsets[-1]))
        param_array = np.zeros((n, MAX_PARAMS), dtype=np.float64)
        for i, p in enumerate(params):
            if p:
                param_array[i, : len(p)] = p
        result_ids: dict[str, int] = {}
        result = np.array([-1 if r is None else result_ids.setdefault(r, len(result_ids)) for r in results],
                          dtype=np.int32)
        loc_ids: dict[SourceLocation, int] = {}
        loc = np.array([-1 if k is None else loc_ids.setdefault(k, len(loc_ids)) for k in locs], dtype=np.int32)
        record_offsets = np.zeros(n + 1, dtype=np.int32)
        np.cumsum([len(r) for r in records], out=record_offsets[1:])
        flat_records = np.fromiter(chain.from_iterable(records), dtype=np.int32, count=int(record_offsets[-1]))
        return GateTable(
            opcode=opcode,
            qubit_offsets=qubit_offsets,
            qubits=flat_qubits,
            params=param_array,
            result=result,
            result_names=tuple(result_ids),
            loc=loc,
            locs=tuple(loc_ids),
            record_offsets=record_offsets,
            records=flat_records,
            **_timing_columns(n, {i: t for i, t in enumerate(timing) if t is not None}),
        )


def gather_lists(offsets: np.ndarray, flat: np.ndarray, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The CSR lists (`offsets`, `flat`) of rows `index`, as new int32 CSR columns."""
    counts = (offsets[1:] - offsets[:-1])[index]
    new_offsets = np.zeros(len(index) + 1, dtype=np.int32)
    np.cumsum(counts, out=new_offsets[1:])
    owner = np.repeat(np.arange(len(index)), counts)
    at = np.arange(int(new_offsets[-1])) - new_offsets[:-1][owner] + offsets[:-1][index][owner]
    return new_offsets, flat[at].astype(np.int32)


def _first_use_ids(ids: np.ndarray, values: tuple) -> tuple[np.ndarray, tuple]:
    """Re-number `ids` (-1: none) into `values` as `from_rows` does: distinct values numbered
    in order of first use, unused ones dropped."""
    used = ids >= 0
    if not values or not used.any():
        return np.full(len(ids), -1, dtype=np.int32), ()
    distinct, first = np.unique(ids[used], return_index=True)
    new_ids: dict = {}
    remap = np.full(int(distinct[-1]) + 1, -1, dtype=np.int32)
    for old in distinct[np.argsort(first)].tolist():
        remap[old] = new_ids.setdefault(values[old], len(new_ids))
    out = np.full(len(ids), -1, dtype=np.int32)
    out[used] = remap[ids[used]]
    return out, tuple(new_ids)


def normalized_table(
    *, opcode, qubit_offsets, qubits, params, result, result_names, loc, locs,
    record_offsets, records, start, duration, stage,
) -> GateTable:
    """The table `from_rows` builds from the rows these columns hold (CSR columns well formed):
    parameter slots past a gate's own are zero, result names and locations are numbered by first
    use, and a row without a start time has no duration or stage either."""
    opcode = np.asarray(opcode, dtype=np.int16)
    params = np.where(np.arange(MAX_PARAMS) < _N_PARAMS_ARRAY[opcode.astype(np.intp)][:, None], params, 0.0)
    result, result_names = _first_use_ids(np.asarray(result), result_names)
    loc, locs = _first_use_ids(np.asarray(loc), locs)
    start = np.array(start, dtype=np.float64)
    unscheduled = np.isnan(start)
    return GateTable(
        opcode=opcode,
        qubit_offsets=np.asarray(qubit_offsets, dtype=np.int32),
        qubits=np.asarray(qubits, dtype=np.int32),
        params=params.reshape(len(opcode), MAX_PARAMS),
        result=result,
        result_names=result_names,
        loc=loc,
        locs=locs,
        record_offsets=np.asarray(record_offsets, dtype=np.int32),
        records=np.asarray(records, dtype=np.int32),
        start=start,
        duration=np.where(unscheduled, np.nan, duration).astype(np.float64),
        stage=np.where(unscheduled, -1, stage).astype(np.int32),
    )


class TableBuilder:
    """Appends rows into Python lists and converts to arrays once, at `build()`."""

    def __init__(self) -> None:
        self._opcode: list[int] = []
        self._offsets: list[int] = [0]
        self._qubits: list[int] = []
        self._params: list[tuple[float, ...]] = []
        self._result: list[int] = []
        self._result_ids: dict[str, int] = {}
        self._loc: list[int] = []
        self._loc_ids: dict[SourceLocation, int] = {}
        self._record_offsets: list[int] = [0]
        self._records: list[int] = []
        self._timing: dict[int, tuple[float, float, int]] = {}

    def add(
        self,
        opcode: int,
        qubits: Sequence[int],
        params: Sequence[float] = (),
        result: str | None = None,
        loc: SourceLocation | None = None,
        records: Sequence[int] = (),
        timing: tuple[float, float, int] | None = None,
    ) -> None:
        self._opcode.append(opcode)
        self._qubits.extend(qubits)
        self._offsets.append(len(self._qubits))
        self._params.append(tuple(params))
        if result is None:
            self._result.append(-1)
        else:
            self._result.append(self._result_ids.setdefault(result, len(self._result_ids)))
        if loc is None:
            self._loc.append(-1)
        else:
            self._loc.append(self._loc_ids.setdefault(loc, len(self._loc_ids)))
        if records:
            self._records.extend(records)
        self._record_offsets.append(len(self._records))
        if timing is not None:
            self._timing[len(self._opcode) - 1] = timing

    def __len__(self) -> int:
        return len(self._opcode)

    def build(self) -> GateTable:
        n = len(self._opcode)
        params = np.zeros((n, MAX_PARAMS), dtype=np.float64)
        for i, p in enumerate(self._params):
            if p:
                params[i, : len(p)] = p
        return GateTable(
            opcode=np.asarray(self._opcode, dtype=np.int16),
            qubit_offsets=np.asarray(self._offsets, dtype=np.int32),
            qubits=np.asarray(self._qubits, dtype=np.int32),
            params=params,
            result=np.asarray(self._result, dtype=np.int32),
            result_names=tuple(self._result_ids),
            loc=np.asarray(self._loc, dtype=np.int32),
            locs=tuple(self._loc_ids),
            record_offsets=np.asarray(self._record_offsets, dtype=np.int32),
            records=np.asarray(self._records, dtype=np.int32),
            **_timing_columns(n, self._timing),
        )


def _timing_columns(n: int, timing: dict[int, tuple[float, float, int]]) -> dict[str, np.ndarray]:
    start = np.full(n, np.nan)
    duration = np.full(n, np.nan)
    stage = np.full(n, -1, dtype=np.int32)
    for i, (t, d, s) in timing.items():
        start[i], duration[i], stage[i] = t, d, s
    return {"start": start, "duration": duration, "stage": stage}


@dataclass(frozen=True, eq=False)
class Placement:
    """Where each qubit lives: `coords` (n × 2 µm, NaN = unplaced) for ISA 1.0,
    `sites` (n site ids, -1 = unplaced) for ISA 1.1. Exactly one is set.
    `decl_locs` (empty, or one per qubit) says where each qubit was declared."""

    num_qubits: int
    coords: np.ndarray | None = None
    sites: np.ndarray | None = None
    decl_locs: tuple[SourceLocation | None, ...] = ()

    def decl_loc(self, qubit: int) -> SourceLocation | None:
        return self.decl_locs[qubit] if qubit < len(self.decl_locs) else None

    @staticmethod
    def empty(num_qubits: int, isa_version: str) -> "Placement":
        if isa_version == "1.0":
            return Placement(num_qubits, coords=np.full((num_qubits, 2), np.nan))
        return Placement(num_qubits, sites=np.full(num_qubits, -1, dtype=np.int64))

    @property
    def kind(self) -> str:
        return "coords" if self.coords is not None else "sites"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Placement):
            return NotImplemented
        return (
            self.num_qubits == other.num_qubits
            and self.kind == other.kind
            and _padded(self.decl_locs, self.num_qubits) == _padded(other.decl_locs, other.num_qubits)
            and np.array_equal(
                self.coords if self.coords is not None else self.sites,
                other.coords if other.coords is not None else other.sites,
                equal_nan=self.coords is not None,
            )
        )

    def __hash__(self) -> int:
        return hash((self.num_qubits, self.kind))


def _padded(locs: tuple, n: int) -> tuple:
    return tuple(locs) + (None,) * (n - len(locs))
