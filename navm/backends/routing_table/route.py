"""Shortest routes between nodes: A* on the neighbour graph.

A hop goes from a node to one of the neighbours its entry lists (edges are
directed as listed; the device producer lists both directions). A hop u → v
costs

    -ln √(f_u · f_v)  +  |p_u - p_v| / L

where f is each node's fidelity, p its site position in µm and L the
distance scale (`distance_scale_um`, 1000 µm by default, so a 5 µm hop costs
about as much distance as a 0.995-fidelity gate costs fidelity). The first
term summed over a route is -ln of its fidelity estimate ∏ √(f_u · f_v).

The heuristic is admissible and consistent: from node n to the target t it is
|p_n - p_t| / L (straight lines are shortest) plus ⌈|p_n - p_t| / ℓ_max⌉ · c_min
(a route needs at least that many hops, each costing at least the cheapest
fidelity term c_min; ℓ_max is the longest edge). So A* returns a route of
least cost; among equal-cost routes the one it finds first.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from navm.backends.routing_table.layout import MAX_NEIGHBOURS
from navm.diagnostics import NavmError

if TYPE_CHECKING:
    from navm.backends.routing_table.table import RoutingTable

DEFAULT_DISTANCE_SCALE_UM = 1000.0
_ROUNDING = 1e-9  # keeps ⌈d / ℓ_max⌉ from rounding up past the true hop bound


@dataclass(frozen=True)
class Route:
    """A route: node ids from source to target, its cost, fidelity estimate and length."""

    nodes: tuple[int, ...]
    cost: float
    fidelity: float
    distance_um: float
    distance_scale_um: float

    @property
    def hops(self) -> int:
        return len(self.nodes) - 1

    def to_json(self) -> dict:
        return {"source": self.nodes[0], "target": self.nodes[-1], "nodes": list(self.nodes), "hops": self.hops,
                "cost": self.cost, "fidelity": self.fidelity, "distance_um": self.distance_um,
                "distance_scale_um": self.distance_scale_um}


@dataclass(frozen=True)
class EdgeCosts:
    """Per row and neighbour slot: the neighbour's row (-1: none), the hop's fidelity term and length."""

    rows: np.ndarray
    fidelity_cost: np.ndarray
    length_um: np.ndarray


def edge_costs(table: RoutingTable) -> EdgeCosts:
    """The neighbour graph as (n, 12) arrays; made once per table."""
    memo = table.__dict__.setdefault("_route", {})
    if "edges" not in memo:
        count = table.column("neighbour_count")
        used = np.arange(MAX_NEIGHBOURS) < count[:, None]
        rows = np.where(used, table.rows_of(np.where(used, table.column("neighbours"), -1)), -1)
        safe = np.where(used, rows, np.arange(len(table))[:, None])
        x, y, log_f = table.column("x_um"), table.column("y_um"), np.log(table.column("fidelity"))
        fidelity_cost = np.where(used, -0.5 * (log_f[:, None] + log_f[safe]), 0.0)
        length = np.where(used, np.hypot(x[safe] - x[:, None], y[safe] - y[:, None]), 0.0)
        memo["edges"] = EdgeCosts(rows, fidelity_cost, length)
    return memo["edges"]


def _heuristic(table: RoutingTable, edges: EdgeCosts, target: int, scale: float) -> np.ndarray:
    x, y = table.column("x_um"), table.column("y_um")
    d = np.hypot(x - x[target], y - y[target])
    memo = table.__dict__.setdefault("_route", {})
    if "bounds" not in memo:  # the longest hop and the cheapest fidelity term: per table, not per route
        used = edges.rows >= 0
        memo["bounds"] = (float(edges.length_um[used].max()), float(edges.fidelity_cost[used].min())) \
            if used.any() else None
    if memo["bounds"] is None:
        return d / scale
    longest, cheapest = memo["bounds"]
    hops = np.ceil(d / longest - _ROUNDING) if longest > 0 else np.zeros_like(d)
    return d / scale + np.maximum(hops, 0) * cheapest


def shortest_route(table: RoutingTable, source: int, target: int, *,
                   distance_scale_um: float = DEFAULT_DISTANCE_SCALE_UM) -> Route:
    """The least-cost route from node `source` to node `target`; NavmError if there is none."""
    scale = float(distance_scale_um)
    if not (math.isfinite(scale) and scale > 0):
        raise NavmError(f"the distance scale must be a positive number of µm, got {distance_scale_um}")
    src, dst = table.row_of(source), table.row_of(target)
    edges = edge_costs(table)
    step_cost = edges.fidelity_cost + edges.length_um / scale
    h = _heuristic(table, edges, dst, scale).tolist()
    # Rows are turned into Python lists only when visited: a route rarely touches the whole table.
    rows_of, costs_of = edges.rows, step_cost
    best = [math.inf] * len(table)
    best[src] = 0.0
    parent: dict[int, int] = {}
    done = bytearray(len(table))
    frontier = [(h[src], 0.0, src)]
    pop, push = heapq.heappop, heapq.heappush
    while frontier:
        _, _, row = pop(frontier)
        if row == dst:
            break
        if done[row]:
            continue
        done[row] = 1
        g = best[row]
        for nxt, cost in zip(rows_of[row].tolist(), costs_of[row].tolist()):
            if nxt < 0:
                break
            candidate = g + cost
            if candidate < best[nxt] and not done[nxt]:
                best[nxt] = candidate
                parent[nxt] = row
                push(frontier, (candidate + h[nxt], -candidate, nxt))  # ties: deepest first
    else:  # the frontier ran dry before reaching the target
        raise NavmError(f"no route from node {source} to node {target}: the neighbour graph does not connect them")
    return _route(table, edges, src, dst, parent, scale)


def _route(table: RoutingTable, edges: EdgeCosts, src: int, dst: int, parent: dict[int, int],
           scale: float) -> Route:
    rows = [dst]
    while rows[-1] != src:
        rows.append(parent[rows[-1]])
    rows.reverse()
    fidelity_cost = length = 0.0
    for a, b in zip(rows, rows[1:]):
        slot = edges.rows[a].tolist().index(b)
        fidelity_cost += float(edges.fidelity_cost[a, slot])
        length += float(edges.length_um[a, slot])
    ids = table.column("node_id")
    return Route(tuple(int(ids[r]) for r in rows), fidelity_cost + length / scale, math.exp(-fidelity_cost),
                 length, scale)
