"""`RoutingTable`: one 128-byte record per lattice node, checked, indexed by node id, queryable.

The records are held exactly as they are stored on disk (a big-endian NumPy
structured array, `RECORD_DTYPE`), so writing a table is one buffer write and
reading one is a view of the file's bytes. Queries read native-endian copies
of the columns they need, made once per table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

import numpy as np

from navm.backends.routing_table.checks import Problem, first_problem, sorted_node_ids
from navm.backends.routing_table.layout import (
    ENTRY_FIELDS,
    FLOAT_FIELDS,
    MAX_NEIGHBOURS,
    NO_NEIGHBOUR,
    RECORD_DTYPE,
)
from navm.diagnostics import NavmError

_INT32 = np.iinfo(np.int32)
RowLabel = Callable[[int], str]


class RoutingTable:
    """A checked routing table. Build one with `from_columns`, a producer or a reader; never mutated."""

    def __init__(self, records: np.ndarray, *, what: str = "routing table", where: RowLabel | None = None) -> None:
        """Check `records` (RECORD_DTYPE) against the rules in checks.py.

        A broken rule is a NavmError "WHAT: WHERE (node N): message"; `where(row)`
        says where the entry came from (default "entry ROW").
        """
        if records.dtype != RECORD_DTYPE or records.ndim != 1:
            raise TypeError("RoutingTable wants a 1-D array of RECORD_DTYPE")
        problem = first_problem(records)
        if problem is not None:
            raise problem_error(problem, records, what, where)
        self.records = records
        self.records.flags.writeable = False

    @classmethod
    def checked(cls, records: np.ndarray) -> RoutingTable:
        """Wrap records a reader has already run `first_problem` on (it reports with its own locations)."""
        table = cls.__new__(cls)
        table.records = records
        table.records.flags.writeable = False
        return table

    @classmethod
    def from_columns(cls, columns: Mapping[str, Any] | None = None, /, *, what: str = "routing table",
                     where: RowLabel | None = None, **named: Any) -> RoutingTable:
        """A table from one array per field (ENTRY_FIELDS; `neighbours` is (n, k ≤ 12), -1 padded).

        `neighbour_count` is counted from the list. Integers must fit the record's
        types. `what` and `where` word the errors as for the constructor.
        """
        cols = {**(columns or {}), **named}
        missing = [name for name in ENTRY_FIELDS if name not in cols]
        unknown = sorted(set(cols) - set(ENTRY_FIELDS))
        if missing or unknown:
            raise NavmError(f"{what} columns: " + "; ".join(
                part for part in (f"missing {', '.join(missing)}" if missing else "",
                                  f"unknown {', '.join(unknown)}" if unknown else "") if part))
        n = len(np.asarray(cols["node_id"]))
        records = np.zeros(n, dtype=RECORD_DTYPE)
        for name in ENTRY_FIELDS:
            if name == "neighbours":
                continue
            records[name] = _column(name, cols[name], n, what, where)
        nb = _neighbour_block(cols["neighbours"], n, what, where)
        records["neighbours"] = nb
        records["neighbour_count"] = (nb != NO_NEIGHBOUR).sum(axis=1)
        return cls(records, what=what, where=where)

    def __len__(self) -> int:
        return len(self.records)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RoutingTable):
            return NotImplemented
        return len(self) == len(other) and self.records.tobytes() == other.records.tobytes()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<RoutingTable of {len(self)} entries, {self.triangle_count} triangles>"

    # ---------------------------------------------------------------- columns and the id index

    def column(self, name: str) -> np.ndarray:
        """A native-endian, read-only copy of one field (cached): what queries compute on."""
        cache = self.__dict__.setdefault("_columns", {})
        if name not in cache:
            col = np.ascontiguousarray(self.records[name], dtype=self.records.dtype[name].base.newbyteorder("="))
            col.flags.writeable = False
            cache[name] = col
        return cache[name]

    @cached_property
    def _id_index(self) -> tuple[np.ndarray, np.ndarray]:
        return sorted_node_ids(self.column("node_id").astype(np.int64))

    @cached_property
    def node_ids(self) -> np.ndarray:
        """Node ids in ascending order."""
        return self._id_index[1]

    @cached_property
    def triangle_count(self) -> int:
        tri = self.column("triangle")
        return len(np.unique(tri[tri >= 0]))

    def rows_of(self, node_ids: Any) -> np.ndarray:
        """The row of each node id (vectorised); -1 where the table has no such node."""
        wanted = np.asarray(node_ids, dtype=np.int64)
        order, ids = self._id_index
        if not len(ids):
            return np.full(wanted.shape, -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
        return np.where(ids[pos] == wanted, order[pos], -1)

    def row_of(self, node_id: int) -> int:
        """The row holding `node_id`; NavmError (naming the id range) when there is none."""
        row = int(self.rows_of(node_id))
        if row < 0:
            span = f"ids {int(self.node_ids[0])}..{int(self.node_ids[-1])}" if len(self) else "no entries"
            raise NavmError(f"the routing table has no node {node_id} ({len(self)} entries, {span})")
        return row

    # ---------------------------------------------------------------- entries as plain values

    def entry(self, row: int) -> dict[str, Any]:
        """Row `row` as the JSON mirror writes it (ENTRY_FIELDS; `neighbours` without padding)."""
        return self.entries(np.array([row]))[0]

    def entries(self, rows: Any = None) -> list[dict[str, Any]]:
        """Rows (all by default, in table order) as JSON-mirror dicts."""
        rec = self.records if rows is None else self.records[np.asarray(rows, dtype=np.int64)]
        names = [name for name in ENTRY_FIELDS if name != "neighbours"]
        cols = [(rec[name].astype(np.float64) if name in FLOAT_FIELDS else rec[name].astype(np.int64)).tolist()
                for name in names]
        lists = [nb[:c] for nb, c in zip(rec["neighbours"].astype(np.int64).tolist(),
                                          rec["neighbour_count"].tolist())]
        return [dict(zip(names, values), neighbours=nb) for *values, nb in zip(*cols, lists)]

    def neighbours_of(self, row: int) -> list[int]:
        count = int(self.records["neighbour_count"][row])
        return self.records["neighbours"][row][:count].astype(np.int64).tolist()

    # ---------------------------------------------------------------- queries (lookup.py, route.py)

    def find_node(self, node_id: int) -> dict[str, Any]:
        """The entry of `node_id`."""
        return self.entry(self.row_of(node_id))

    def nearest_sigma(self, sigma: Any) -> np.ndarray:
        from navm.backends.routing_table.lookup import nearest_sigma

        return nearest_sigma(self, sigma)

    def nearest_j(self, j_re: Any, j_im: Any) -> np.ndarray:
        from navm.backends.routing_table.lookup import nearest_j

        return nearest_j(self, j_re, j_im)

    def triangle(self, index: int) -> np.ndarray:
        from navm.backends.routing_table.lookup import triangle_rows

        return triangle_rows(self, index)

    def route(self, source: int, target: int, **options: Any):
        from navm.backends.routing_table.route import shortest_route

        return shortest_route(self, source, target, **options)


def entry_label(row: int) -> str:
    return f"entry {row}"


def problem_error(problem: Problem, records: np.ndarray, what: str, where: RowLabel | None = None) -> NavmError:
    node = int(records["node_id"][problem.row])
    return NavmError(f"{what}: {(where or entry_label)(problem.row)} (node {node}): {problem.message}")


def _column(name: str, values: Any, n: int, what: str, where: RowLabel | None) -> np.ndarray:
    arr = np.asarray(values)
    if arr.shape != (n,):
        raise NavmError(f"{what}: column '{name}' has shape {arr.shape}, expected ({n},)")
    if name in FLOAT_FIELDS:
        if arr.dtype.kind not in "iuf":
            raise NavmError(f"{what}: column '{name}' must be numbers, got {arr.dtype}")
        return arr.astype(np.float64)
    return _ints(name, arr, RECORD_DTYPE[name], what, where)


def _ints(name: str, arr: np.ndarray, target: np.dtype, what: str, where: RowLabel | None) -> np.ndarray:
    if arr.dtype.kind not in "iu":
        raise NavmError(f"{what}: column '{name}' must be integers, got {arr.dtype}")
    if target.base.itemsize == 4 and arr.size:
        outside = (arr < _INT32.min) | (arr > _INT32.max)
        if outside.any():
            row = int(np.argmax(outside.reshape(len(arr), -1).any(axis=1)))
            bad = int(arr.reshape(len(arr), -1)[row][outside.reshape(len(arr), -1)[row]][0])
            raise NavmError(f"{what}: {(where or entry_label)(row)}: {name} {bad} does not fit a 32-bit field")
    return arr.astype(np.int64)


def _neighbour_block(values: Any, n: int, what: str, where: RowLabel | None) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 2 or arr.shape[0] != n or arr.shape[1] > MAX_NEIGHBOURS:
        raise NavmError(f"{what}: column 'neighbours' has shape {arr.shape}, expected ({n}, k) "
                        f"with k <= {MAX_NEIGHBOURS}")
    block = np.full((n, MAX_NEIGHBOURS), NO_NEIGHBOUR, dtype=np.int64)
    block[:, :arr.shape[1]] = _ints("neighbours", arr, RECORD_DTYPE["neighbours"], what, where)
    return block
