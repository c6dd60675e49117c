"""The JSON mirror of a routing table: the same entries as the binary file, as readable text.

    {"format": "navm-routing-table", "version": 1, "count": N,
     "entries": [{"node_id": 0, "site_id": 0, "x_um": 0.0, ..., "neighbours": [1, 16]}, ...]}

One entry per line, keys named as the record fields (docs/routing-table.md);
floats are written in their shortest round-trip form, so binary → JSON →
binary gives the same bytes. Reading checks the document against a JSON
Schema and the table rules, and reports errors at the offending JSON value.
"""

from __future__ import annotations

import json
from itertools import chain
from typing import Any

import numpy as np

from navm.backends.routing_table.checks import first_problem
from navm.backends.routing_table.layout import (
    ENTRY_FIELDS,
    FLOAT_FIELDS,
    FORMAT_VERSION,
    MAX_NEIGHBOURS,
    NO_NEIGHBOUR,
    RECORD_DTYPE,
)
from navm.backends.routing_table.table import RoutingTable
from navm.diagnostics import NavmError

FORMAT_NAME = "navm-routing-table"

_INT32 = {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}
_INT64 = {"type": "integer", "minimum": -(2**63), "maximum": 2**63 - 1}
_NUMBER = {"type": "number"}
ENTRY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": list(ENTRY_FIELDS),
    "additionalProperties": False,
    "properties": {
        **{name: _NUMBER for name in FLOAT_FIELDS},
        "node_id": _INT32, "site_id": _INT32, "triangle": _INT32, "record_addr": _INT64,
        "neighbours": {"type": "array", "maxItems": MAX_NEIGHBOURS, "items": _INT32},
    },
}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["format", "version", "count", "entries"],
    "additionalProperties": False,
    "properties": {
        "format": {"const": FORMAT_NAME},
        "version": {"type": "integer"},
        "count": {"type": "integer", "minimum": 0},
        "entries": {"type": "array", "items": ENTRY_SCHEMA},
    },
}


_ENCODER = json.JSONEncoder(allow_nan=False)
_ENTRY_KEYS = frozenset(ENTRY_FIELDS)
_INT32_FIELDS = ("node_id", "site_id", "triangle")


def to_text(table: RoutingTable) -> str:
    """The JSON mirror as text: header keys, then one entry per line.

    Each line is filled from whole columns (`repr` is what `json` writes for
    finite floats and ints), rather than encoding 196,883 dicts one by one.
    """
    head = _ENCODER.encode({"format": FORMAT_NAME, "version": FORMAT_VERSION, "count": len(table)})[:-1]
    if not len(table):
        return f'{head}, "entries": []}}\n'
    rec = table.records
    columns = []
    for name in ENTRY_FIELDS[:-1]:
        kind = np.float64 if name in FLOAT_FIELDS else np.int64
        columns.append(list(map(repr, rec[name].astype(kind).tolist())))
    counts = rec["neighbour_count"].tolist()
    columns.append(["[" + ", ".join(map(str, nb[:c])) + "]"
                    for nb, c in zip(rec["neighbours"].astype(np.int64).tolist(), counts)])
    template = "{" + ", ".join(f'"{name}": %s' for name in ENTRY_FIELDS) + "}"
    body = ",\n    ".join([template % values for values in zip(*columns)])
    return f'{head}, "entries": [\n    {body}\n]}}\n'


def to_value(table: RoutingTable) -> dict[str, Any]:
    """The JSON mirror as a Python value (what `json.loads(to_text(table))` gives)."""
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, "count": len(table), "entries": table.entries()}


def from_text(text: str, file: str = "<routing table>") -> RoutingTable:
    """A table from JSON-mirror text; NavmError at the offending value (file:line:column).

    A valid document is read with the C JSON parser and NumPy checks; only a
    document with a problem is parsed again with positions, to say where it is.
    """
    records = _fast_records(text)
    if records is not None and first_problem(records) is None:
        return RoutingTable.checked(records)
    return _located_check(text, file)


def _located_check(text: str, file: str) -> RoutingTable:
    from navm.frontend.json_source import parse_json, validate

    doc = parse_json(text, file)
    value = doc.value
    if isinstance(value, dict) and value.get("format") == FORMAT_NAME \
            and value.get("version", FORMAT_VERSION) != FORMAT_VERSION:
        raise NavmError(f"routing table format version {value['version']!r} is not supported "
                        f"(this navm reads version {FORMAT_VERSION})", doc.locate(["version"]))
    validate(doc, SCHEMA, what="routing table")
    entries = value["entries"]
    if value["count"] != len(entries):
        raise NavmError(f"count is {value['count']} but there are {len(entries)} entries", doc.locate(["count"]))
    records = _records(entries)
    problem = first_problem(records)
    if problem is not None:
        field = "neighbours" if problem.field == "neighbour_count" else problem.field
        raise NavmError(f"routing table entry {problem.row} (node {int(records['node_id'][problem.row])}): "
                        f"{problem.message}", doc.locate(["entries", problem.row, field]))
    return RoutingTable.checked(records)  # valid after all: the fast path is stricter (it refuses 3.0 as an id)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _fast_records(text: str) -> np.ndarray | None:
    """The records of a well-formed document, or None if anything is off (then the slow path explains)."""
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
    if not (type(value) is dict and value.keys() == SCHEMA["properties"].keys()
            and value["format"] == FORMAT_NAME and value["version"] == FORMAT_VERSION
            and type(value["version"]) is int and type(value["count"]) is int
            and type(value["entries"]) is list and value["count"] == len(value["entries"])):
        return None
    entries = value["entries"]
    if set(map(type, entries)) - {dict} or not all(e.keys() == _ENTRY_KEYS for e in entries):
        return None
    # Every entry has every key, so a key string seen exactly once per entry means no duplicate keys
    # (json.loads keeps the last of duplicates silently; a key written with escapes sends us to the slow path).
    if any(text.count(f'"{key}"') != len(entries) for key in ENTRY_FIELDS) \
            or any(text.count(f'"{key}"') != 1 for key in SCHEMA["properties"]):
        return None
    for name in ENTRY_FIELDS:
        column = [e[name] for e in entries]
        if name == "neighbours":
            if set(map(type, column)) - {list} or max(map(len, column), default=0) > MAX_NEIGHBOURS \
                    or set(map(type, chain.from_iterable(column))) - {int}:
                return None
        elif set(map(type, column)) - ({float, int} if name in FLOAT_FIELDS else {int}):
            return None
    try:
        records = _records(entries)
    except (OverflowError, ValueError):
        return None
    return records


def _records(entries: list[dict[str, Any]]) -> np.ndarray:
    n = len(entries)
    records = np.zeros(n, dtype=RECORD_DTYPE)
    for name in ENTRY_FIELDS:
        if name == "neighbours":
            continue
        kind = np.float64 if name in FLOAT_FIELDS else np.int64
        column = np.fromiter((e[name] for e in entries), dtype=kind, count=n)
        if name in _INT32_FIELDS:
            _fits_int32(column)
        records[name] = column
    counts = np.fromiter((len(e["neighbours"]) for e in entries), dtype=np.int64, count=n)
    block = np.full((n, MAX_NEIGHBOURS), NO_NEIGHBOUR, dtype=np.int64)
    if n:
        flat = np.fromiter((v for e in entries for v in e["neighbours"]), dtype=np.int64, count=int(counts.sum()))
        _fits_int32(flat)
        rows = np.repeat(np.arange(n), counts)
        cols = np.arange(len(flat)) - np.repeat(np.cumsum(counts) - counts, counts)
        block[rows, cols] = flat
    records["neighbours"] = block
    records["neighbour_count"] = counts
    return records


def _fits_int32(column: np.ndarray) -> None:
    if column.size and (column.min() < -(2**31) or column.max() > 2**31 - 1):
        raise OverflowError("a value does not fit a 32-bit field")
