"""Lookups: the nearest node by σ, the nearest by j, the nodes of a triangle.

σ lives on a circle of circumference 8 (σ_k = 8k/N, and σ = 8 is node 0 again,
just as j = 1728·(cos, sin)(2πk/N) comes back to its start), so σ distances
wrap: |σ - σ'| taken the short way round, and a query σ is reduced mod 8
first. Ties go to the smaller node id. All functions take a scalar or an
array of queries and return rows of the table (an array, shaped like the
queries), found without per-entry Python loops.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from navm.backends.routing_table.layout import SIGMA_PERIOD
from navm.diagnostics import NavmError

if TYPE_CHECKING:
    from navm.backends.routing_table.table import RoutingTable

# Query rows × table rows per block of the j search: bounds its scratch memory to ~32 MB.
_J_BLOCK = 1 << 22


def _finite(name: str, values: Any) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if not np.isfinite(arr).all():
        raise NavmError(f"{name} must be a finite number, got {arr[~np.isfinite(arr)].flat[0]}")
    return arr


def _nonempty(table: RoutingTable) -> None:
    if not len(table):
        raise NavmError("the routing table has no entries to search")


def sigma_distance(a: Any, b: Any) -> np.ndarray:
    """Distance between σ-addresses the short way round the circle of circumference 8."""
    d = np.abs(np.asarray(a, dtype=np.float64) % SIGMA_PERIOD - np.asarray(b, dtype=np.float64) % SIGMA_PERIOD)
    return np.minimum(d, SIGMA_PERIOD - d)


def _sigma_index(table: RoutingTable) -> tuple[np.ndarray, np.ndarray]:
    """Rows sorted by (σ, node id), and σ in that order; made once per table."""
    memo = table.__dict__.setdefault("_lookup", {})
    if "sigma" not in memo:
        sigma, ids = table.column("sigma"), table.column("node_id")
        order = np.lexsort((ids, sigma))
        memo["sigma"] = (order, sigma[order])
    return memo["sigma"]


def _pick(table: RoutingTable, rows_a: np.ndarray, dist_a: np.ndarray, rows_b: np.ndarray,
          dist_b: np.ndarray) -> np.ndarray:
    """Per query, the closer of two candidates (the smaller node id on a tie)."""
    ids = table.column("node_id")
    take_b = (dist_b < dist_a) | ((dist_b == dist_a) & (ids[rows_b] < ids[rows_a]))
    return np.where(take_b, rows_b, rows_a)


def nearest_sigma(table: RoutingTable, sigma: Any) -> np.ndarray:
    """Row of the node whose σ is nearest to each query σ (wrapping round 8)."""
    _nonempty(table)
    q = _finite("sigma", sigma) % SIGMA_PERIOD
    order, s = _sigma_index(table)
    n = len(s)
    above = np.searchsorted(s, q, side="left")  # first σ >= q: the smallest id among equal σ
    upper = above % n  # past the end: wrap to the smallest σ
    below = (above - 1) % n  # before the start: wrap to the largest σ
    below = np.searchsorted(s, s[below], side="left")  # the smallest id among the equal σ below
    rows_up, rows_down = order[upper], order[below]
    return _pick(table, rows_up, sigma_distance(s[upper], q), rows_down, sigma_distance(s[below], q))


def nearest_j(table: RoutingTable, j_re: Any, j_im: Any) -> np.ndarray:
    """Row of the node whose j-coordinate is nearest (Euclidean) to each query point."""
    _nonempty(table)
    qr, qi = np.broadcast_arrays(_finite("j_re", j_re), _finite("j_im", j_im))
    shape = qr.shape
    qr, qi = qr.ravel(), qi.ravel()
    re, im = table.column("j_re"), table.column("j_im")
    ids = table.column("node_id").astype(np.int64)
    out = np.empty(len(qr), dtype=np.int64)
    step = max(1, _J_BLOCK // len(re))
    for start in range(0, len(qr), step):
        sl = slice(start, start + step)
        d2 = (re[None, :] - qr[sl, None]) ** 2 + (im[None, :] - qi[sl, None]) ** 2
        best = d2.min(axis=1, keepdims=True)
        # Among the rows at the minimum distance, the one with the smallest node id.
        out[sl] = np.argmin(np.where(d2 == best, ids[None, :], np.iinfo(np.int64).max), axis=1)
    return out.reshape(shape)


def j_distance(table: RoutingTable, rows: Any, j_re: Any, j_im: Any) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.int64)
    return np.hypot(table.column("j_re")[rows] - j_re, table.column("j_im")[rows] - j_im)


def triangle_rows(table: RoutingTable, index: int) -> np.ndarray:
    """Rows of the nodes in triangle `index`, in node-id order (empty if no node is in it)."""
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or index < 0:
        raise NavmError(f"a triangle index is an int >= 0, got {index!r}")
    rows = np.flatnonzero(table.column("triangle") == index)
    return rows[np.argsort(table.column("node_id")[rows], kind="stable")]
