"""What makes a set of records a routing table: the rules every producer and decoder enforces.

`first_problem` looks at all records at once (NumPy, no per-entry Python) and
reports the first rule broken as (row, field, message); the caller turns it
into a NavmError located where the entry came from (a byte offset, a JSON
value, a VM address).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from navm.backends.routing_table.layout import MAX_NEIGHBOURS, NO_NEIGHBOUR, NO_TRIANGLE, SIGMA_PERIOD


class Problem(NamedTuple):
    row: int
    field: str
    message: str


def _first(bad: np.ndarray) -> int | None:
    """The first row flagged in a boolean vector, or None."""
    if not bad.any():
        return None
    return int(np.argmax(bad))


def sorted_node_ids(node_id: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows in node-id order and the ids in that order (shared with the table's id index)."""
    order = np.argsort(node_id, kind="stable")
    return order, node_id[order]


def _scalar_problem(records: np.ndarray) -> Problem | None:
    checks = (
        ("node_id", records["node_id"] < 0, "node_id {} is negative"),
        ("site_id", records["site_id"] < 0, "site_id {} is negative"),
        ("x_um", ~np.isfinite(records["x_um"]), "x_um {} is not a finite number"),
        ("y_um", ~np.isfinite(records["y_um"]), "y_um {} is not a finite number"),
        ("sigma", ~((records["sigma"] >= 0) & (records["sigma"] < SIGMA_PERIOD)),
         "sigma {} is outside [0, 8)"),
        ("j_re", ~np.isfinite(records["j_re"]), "j_re {} is not a finite number"),
        ("j_im", ~np.isfinite(records["j_im"]), "j_im {} is not a finite number"),
        ("triangle", records["triangle"] < NO_TRIANGLE, "triangle {} is below -1 (-1 means none)"),
        ("record_addr", (records["record_addr"] < 0) | (records["record_addr"] % 8 != 0),
         "record_addr {} is not a word address (a multiple of 8, >= 0)"),
        ("fidelity", ~((records["fidelity"] > 0) & (records["fidelity"] <= 1)), "fidelity {} is outside (0, 1]"),
        ("neighbour_count", (records["neighbour_count"] < 0) | (records["neighbour_count"] > MAX_NEIGHBOURS),
         f"neighbour_count {{}} is outside 0..{MAX_NEIGHBOURS}"),
    )
    found = [(row, name, text) for name, bad, text in checks if (row := _first(bad)) is not None]
    if not found:
        return None
    row, name, text = min(found, key=lambda p: p[0])
    return Problem(row, name, text.format(records[name][row]))


def _unique_ids_problem(ids_sorted: np.ndarray, order: np.ndarray) -> Problem | None:
    dup = _first(ids_sorted[1:] == ids_sorted[:-1])
    if dup is None:
        return None
    first, again = sorted((int(order[dup]), int(order[dup + 1])))
    return Problem(again, "node_id", f"node_id {int(ids_sorted[dup])} is already used by entry {first}")


def _neighbour_problem(records: np.ndarray, ids_sorted: np.ndarray) -> Problem | None:
    nb = records["neighbours"].astype(np.int64)
    count = records["neighbour_count"].astype(np.int64)
    used = np.arange(MAX_NEIGHBOURS) < count[:, None]
    bad_pad = _first((~used & (nb != NO_NEIGHBOUR)).any(axis=1))
    if bad_pad is not None:
        return Problem(bad_pad, "neighbours", f"neighbour_count is {count[bad_pad]} but the list is "
                                              f"{_listed(nb[bad_pad])}: unused slots must be -1")
    own = records["node_id"].astype(np.int64)[:, None]
    self_loop = _first((used & (nb == own)).any(axis=1))
    if self_loop is not None:
        return Problem(self_loop, "neighbours", f"node {own[self_loop, 0]} lists itself as a neighbour")
    unknown = used & ~_known(ids_sorted, nb)
    row = _first(unknown.any(axis=1))
    if row is not None:
        missing = int(nb[row][np.argmax(unknown[row])])
        return Problem(row, "neighbours", f"neighbour {missing} is not a node of the table")
    ranked = np.sort(np.where(used, nb, np.iinfo(np.int64).max), axis=1)
    repeated = _first(((ranked[:, 1:] == ranked[:, :-1]) & (ranked[:, 1:] != np.iinfo(np.int64).max)).any(axis=1))
    if repeated is not None:
        return Problem(repeated, "neighbours", f"neighbour list {_listed(nb[repeated])} repeats a node")
    return None


def _known(ids_sorted: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Whether each wanted id is among the (unique, sorted) ids: a range check when they are contiguous."""
    if not len(ids_sorted):
        return np.zeros(wanted.shape, dtype=bool)
    lo, hi = ids_sorted[0], ids_sorted[-1]
    inside = (wanted >= lo) & (wanted <= hi)
    if hi - lo == len(ids_sorted) - 1:  # unique and contiguous: lo..hi are all there
        return inside
    pos = np.minimum(np.searchsorted(ids_sorted, wanted), len(ids_sorted) - 1)
    return inside & (ids_sorted[pos] == wanted)


def _triangle_problem(records: np.ndarray) -> Problem | None:
    tri = records["triangle"].astype(np.int64)
    members = tri[tri >= 0]
    if not len(members):
        return None
    labels, sizes = np.unique(members, return_counts=True)
    wrong = _first(sizes != 3)
    if wrong is None:
        return None
    label = labels[wrong]
    row = int(np.argmax(tri == label))
    return Problem(row, "triangle", f"triangle {label} has {sizes[wrong]} member(s); a triangle has exactly 3")


def _listed(nb: np.ndarray) -> str:
    return "[" + ", ".join(str(int(v)) for v in nb) + "]"


def first_problem(records: np.ndarray) -> Problem | None:
    """The first broken rule (earliest row among the scalar checks, then ids, neighbours, triangles)."""
    problem = _scalar_problem(records)
    if problem is not None:
        return problem
    order, ids_sorted = sorted_node_ids(records["node_id"].astype(np.int64))
    return (_unique_ids_problem(ids_sorted, order) or _neighbour_problem(records, ids_sorted)
            or _triangle_problem(records))
