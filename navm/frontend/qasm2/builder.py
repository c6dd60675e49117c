"""Build navm IR from OpenQASM 2: a `navm.circuit` (ISA 1.1), or `qbc` ops when the program has `if`.

A program without `if` is a straight-line circuit: one table row per navm
gate, measurement, reset and barrier, at the position of the statement it
comes from, and one unplaced qubit per register element (`place` chooses the
sites). A measurement row's result is its classical bit, `c[0]`.

`if (c == n) op;` needs the value of classical bits, which a circuit table
cannot hold; such a program becomes `qbc` instructions instead
(`dynamic.QbcEmitter`), which `unroll` turns back into a circuit when the
condition does not depend on a measurement, and which `navm run` runs shot by
shot when it does.
"""

from __future__ import annotations

from itertools import chain
from pathlib import Path

import numpy as np
from xdsl.dialects.builtin import ModuleOp

from navm.diagnostics import SourceLocation
from navm.frontend.qasm2.ast import Source
from navm.frontend.qasm2.program import Rows, Walker
from navm.ir.circuit_table import GateTable, Placement
from navm.ir.gates import MAX_PARAMS, OPCODE
from navm.ir.locations import to_attr
from navm.ir.navm import CircuitOp, set_isa_version

QASM2_ISA_VERSION = "1.1"
MEASURE = OPCODE["measure"]
RESET = OPCODE["reset"]


class NeedsDynamic(Exception):
    """The program has an `if`: build it as `qbc` instructions instead."""


class CircuitEmitter:
    """Collects each statement's rows as they come and makes the table's columns once, at the end
    (the columns `GateTable.from_rows` would make from the same rows, without a Python loop per row)."""

    def __init__(self) -> None:
        self.chunks: list[Rows] = []
        self.chunk_locs: list[SourceLocation] = []
        self.results: dict[int, str] = {}  # row number -> measurement result name
        self.n_rows = 0

    def rows(self, rows: Rows, loc: SourceLocation) -> None:
        if rows:
            self.chunks.append(rows)
            self.chunk_locs.append(loc)
            self.n_rows += len(rows)

    def measure(self, qubit: int, bit: int, bit_name: str, loc: SourceLocation) -> None:
        self.results[self.n_rows] = bit_name
        self.rows(((MEASURE, (qubit,), ()),), loc)

    def reset(self, qubit: int, loc: SourceLocation) -> None:
        self.rows(((RESET, (qubit,), ()),), loc)

    def begin_if(self, bits: range, value: int, loc: SourceLocation) -> None:
        raise NeedsDynamic

    def end_if(self) -> None:  # pragma: no cover - begin_if never returns
        raise NeedsDynamic

    def table(self) -> GateTable:
        n = self.n_rows
        if not n:
            return GateTable.from_rows([])
        codes, qubits, params = zip(*chain.from_iterable(self.chunks))
        qubit_offsets = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(np.fromiter(map(len, qubits), dtype=np.int32, count=n), out=qubit_offsets[1:])
        flat_qubits = np.fromiter(chain.from_iterable(qubits), dtype=np.int32, count=int(qubit_offsets[-1]))
        param_counts = np.fromiter(map(len, params), dtype=np.intp, count=n)
        flat_params = np.fromiter(chain.from_iterable(params), dtype=np.float64, count=int(param_counts.sum()))
        param_array = np.zeros((n, MAX_PARAMS), dtype=np.float64)
        rows_of = np.repeat(np.arange(n), param_counts)
        starts = np.repeat(np.cumsum(param_counts) - param_counts, param_counts)
        param_array[rows_of, np.arange(len(flat_params)) - starts] = flat_params
        result = np.full(n, -1, dtype=np.int32)
        names: dict[str, int] = {}
        for row, name in self.results.items():
            result[row] = names.setdefault(name, len(names))
        loc_ids: dict[SourceLocation, int] = {}
        chunk_ids = [loc_ids.setdefault(loc, len(loc_ids)) for loc in self.chunk_locs]
        loc = np.repeat(np.array(chunk_ids, dtype=np.int32), [len(c) for c in self.chunks])
        return GateTable(
            opcode=np.array(codes, dtype=np.int16), qubit_offsets=qubit_offsets, qubits=flat_qubits,
            params=param_array, result=result, result_names=tuple(names), loc=loc, locs=tuple(loc_ids),
            record_offsets=np.zeros(n + 1, dtype=np.int32), records=np.zeros(0, dtype=np.int32),
            start=np.full(n, np.nan), duration=np.full(n, np.nan), stage=np.full(n, -1, dtype=np.int32),
        )

    def module(self, walker: Walker) -> ModuleOp:
        n = walker.num_qubits
        placement = Placement(n, sites=np.full(n, -1, dtype=np.int64), decl_locs=tuple(walker.qubit_locs))
        op = CircuitOp.build(self.table(), placement)
        if self.chunk_locs:
            op.location = to_attr(self.chunk_locs[0])
        module = ModuleOp([op])
        set_isa_version(module, QASM2_ISA_VERSION)
        return module


def build_module(source: Source, path: Path | None = None) -> ModuleOp:
    """The IR of a parsed program. `path` (the main file on disk, if any) anchors relative includes."""
    emitter = CircuitEmitter()
    walker = Walker(emitter)
    try:
        walker.run(source, path)
    except NeedsDynamic:
        from navm.frontend.qasm2.dynamic import QbcEmitter

        dynamic = QbcEmitter()
        walker = Walker(dynamic)
        walker.run(source, path)
        return dynamic.module()
    return emitter.module(walker)
