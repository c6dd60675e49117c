"""The gate table behind `navm.circuit`: a whole straight-line circuit as arrays.

xDSL costs ~30 µs per op to build and verify, so a 100k-gate circuit as one op
per gate would spend seconds in bookkeeping. After the front end, circuits are
tables: one row per gate/measurement/noise channel, columns as NumPy arrays.
Passes rewrite whole tables; nothing round-trips through text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, NamedTuple, Sequence

import numpy as np

from navm.diagnostics import SourceLocation
from navm.ir.gates import GATES, MAX_PARAMS, OPCODE


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
        opcode = self.opcode.tolist()
        offsets = self.qubit_offsets.tolist()
        qubits = self.qubits.tolist()
        params = self.params.tolist()
        result = self.result.tolist()
        loc = self.loc.tolist()
        rec_offsets = self.record_offsets.tolist()
        records = self.records.tolist()
        start, duration, stage = self.start.tolist(), self.duration.tolist(), self.stage.tolist()
        for i, code in enumerate(opcode):
            g = GATES[code]
            yield Row(
                g.name,
                tuple(qubits[offsets[i] : offsets[i + 1]]),
                tuple(params[i][: g.n_params]),
                self.result_names[result[i]] if result[i] >= 0 else None,
                self.locs[loc[i]] if loc[i] >= 0 else None,
                tuple(records[rec_offsets[i] : rec_offsets[i + 1]]) if rec_offsets[i + 1] > rec_offsets[i] else (),
                None if start[i] != start[i] else (start[i], duration[i], stage[i]),  # NaN: unscheduled
            )

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

    @staticmethod
    def from_rows(rows: Sequence[Row]) -> "GateTable":
        b = TableBuilder()
        for r in rows:
            b.add(OPCODE[r.name], r.qubits, r.params, r.result, r.loc, r.records, r.timing)
        return b.build()


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
