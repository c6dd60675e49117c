"""Shortest routes: A* gives least-cost routes (checked against networkx's Dijkstra), admissibly."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from navm.backends.routing_table import RoutingTable, from_device
from navm.backends.routing_table.route import _heuristic, edge_costs
from navm.diagnostics import NavmError
from tests.backends.routing_table.tables import ring_columns, ring_table


def random_graph_table(n: int, seed: int) -> RoutingTable:
    """Random positions and fidelities; each node lists up to 5 of its 8 nearest others (directed edges)."""
    rng = np.random.default_rng(seed)
    cols = ring_columns(n)
    cols["x_um"], cols["y_um"] = rng.uniform(0, 60, (2, n))
    cols["fidelity"] = rng.uniform(0.8, 1.0, n)
    cols["fidelity"][0] = 1.0
    cols["triangle"] = np.full(n, -1)
    xy = np.column_stack((cols["x_um"], cols["y_um"]))
    nb = np.full((n, 5), -1)
    for i in range(n):
        near = np.argsort(np.hypot(*(xy - xy[i]).T))[1:9]
        pick = rng.choice(near, rng.integers(0, 6), replace=False)
        nb[i, :len(pick)] = pick
    cols["neighbours"] = nb
    return RoutingTable.from_columns(cols)


def as_digraph(table: RoutingTable, scale: float) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(range(len(table)))
    x, y, f = table.column("x_um"), table.column("y_um"), table.column("fidelity")
    for u in range(len(table)):
        for v in table.neighbours_of(u):
            g.add_edge(u, v, weight=-0.5 * (math.log(f[u]) + math.log(f[v])) + math.hypot(x[u] - x[v], y[u] - y[v])
                       / scale)
    return g


@pytest.mark.parametrize("seed, scale", [(0, 1000.0), (1, 10.0), (2, 1e6)])
def test_least_cost_against_dijkstra(seed, scale):
    table = random_graph_table(80, seed)
    g = as_digraph(table, scale)
    rng = np.random.default_rng(seed)
    for src, dst in rng.integers(0, 80, (25, 2)).tolist():
        try:
            expected = nx.dijkstra_path_length(g, src, dst)
        except nx.NetworkXNoPath:
            with pytest.raises(NavmError, match=f"no route from node {src} to node {dst}"):
                table.route(src, dst, distance_scale_um=scale)
            continue
        found = table.route(src, dst, distance_scale_um=scale)
        assert found.nodes[0] == src and found.nodes[-1] == dst
        assert all(b in table.neighbours_of(a) for a, b in zip(found.nodes, found.nodes[1:]))
        walked = sum(g[a][b]["weight"] for a, b in zip(found.nodes, found.nodes[1:]))
        assert found.cost == pytest.approx(expected, rel=1e-12, abs=1e-15)
        assert walked == pytest.approx(found.cost, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("seed", [3, 4])
def test_heuristic_is_admissible_and_consistent(seed):
    table = random_graph_table(60, seed)
    scale = 50.0
    g = as_digraph(table, scale)
    edges = edge_costs(table)
    for target in (0, 17, 42):
        h = _heuristic(table, edges, target, scale)
        to_target = nx.single_source_dijkstra_path_length(g.reverse(), target)
        for node, cost in to_target.items():
            assert h[node] <= cost + 1e-12
        for u, v, w in g.edges(data="weight"):
            assert h[u] <= w + h[v] + 1e-12


def test_default_device_corner_to_corner():
    table = from_device("square-16x16")
    route = table.route(0, 255)
    assert route.hops == 15 and route.nodes == tuple(range(0, 256, 17))  # the diagonal
    assert route.distance_um == pytest.approx(15 * 5 * math.sqrt(2))
    assert route.fidelity == pytest.approx(0.995 ** 15)
    assert route.cost == pytest.approx(-math.log(0.995 ** 15) + route.distance_um / 1000.0)
    assert route.to_json() == {"source": 0, "target": 255, "nodes": list(range(0, 256, 17)), "hops": 15,
                               "cost": route.cost, "fidelity": route.fidelity, "distance_um": route.distance_um,
                               "distance_scale_um": 1000.0}


def test_distance_scale_trades_length_for_fidelity():
    """0 → 2 via node 1 (20 µm, but node 1 has fidelity 0.5: cost ln 2 + 20/L) or via node 3
    (34.1 µm, perfect: cost 34.1/L). A large L lets fidelity decide, a small one distance."""
    cols = ring_columns(4)
    cols["x_um"], cols["y_um"] = np.array([0.0, 0.0, 10.0, 20.0]), np.array([0.0, 10.0, 10.0, 0.0])
    cols["triangle"] = np.full(4, -1)
    cols["neighbours"] = np.array([[1, 3], [2, -1], [-1, -1], [2, -1]])
    cols["fidelity"] = np.array([1.0, 0.5, 1.0, 1.0])
    table = RoutingTable.from_columns(cols)
    assert table.route(0, 2, distance_scale_um=1e4).nodes == (0, 3, 2)  # fidelity matters most
    assert table.route(0, 2, distance_scale_um=1.0).nodes == (0, 1, 2)  # distance matters most
    poor = table.route(0, 2, distance_scale_um=1.0)
    assert poor.fidelity == pytest.approx(0.5)  # √(1·0.5) · √(0.5·1)


def test_route_to_itself():
    route = ring_table(5).route(3, 3)
    assert (route.nodes, route.hops, route.cost, route.fidelity, route.distance_um) == ((3,), 0, 0.0, 1.0, 0.0)


@pytest.mark.parametrize("args, kwargs, message", [
    ((0, 9), {}, "the routing table has no node 9"),
    ((-1, 2), {}, "the routing table has no node -1"),
    ((0, 2), {"distance_scale_um": 0.0}, "the distance scale must be a positive number of µm, got 0.0"),
    ((0, 2), {"distance_scale_um": math.nan}, "the distance scale must be a positive number"),
])
def test_route_errors(args, kwargs, message):
    with pytest.raises(NavmError, match=message):
        ring_table(5).route(*args, **kwargs)


def test_no_route_between_components():
    table = from_device("test-small")  # the storage row (nodes 9–12) is 20 µm from the entangling zone
    with pytest.raises(NavmError, match="no route from node 0 to node 10: the neighbour graph does not connect them"):
        table.route(0, 10)
    assert table.route(9, 12).nodes == (9, 10, 11, 12)
