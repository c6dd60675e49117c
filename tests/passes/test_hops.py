"""navm.passes.placement.hops: all-pairs hop distances and components in NumPy, against scipy's csgraph."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, shortest_path

from navm.passes.placement.hops import UNREACHABLE, components, hop_distances
from navm.passes.placement.sites import site_graph
from navm.devices import load_profile


def _scipy(m: int, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    adjacency = coo_matrix((np.ones(len(a)), (a, b)), shape=(m, m)).tocsr()
    dist = shortest_path(adjacency, directed=False, unweighted=True)
    dist[np.isinf(dist)] = UNREACHABLE
    return dist.astype(np.int16), connected_components(adjacency, directed=False)[1]


@pytest.mark.parametrize("seed", range(40))
def test_random_graphs_agree_with_scipy(seed):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 200)) if seed else 1
    edges = int(rng.integers(0, 2 * m + 1))
    a, b = rng.integers(0, m, edges), rng.integers(0, m, edges)  # self-loops and repeats included
    dist, comp = _scipy(m, a, b)
    ours = hop_distances(m, a, b)
    assert ours.dtype == np.int16 and np.array_equal(ours, dist)
    assert np.array_equal(components(ours), comp)


@pytest.mark.parametrize("m", [63, 64, 65, 130])
def test_word_boundaries(m):
    a = np.arange(m - 1)
    dist = hop_distances(m, a, a + 1)  # a path: distance |i - j|
    i = np.arange(m)
    assert np.array_equal(dist, np.abs(i[:, None] - i[None, :]))


def test_no_nodes_and_no_edges():
    assert hop_distances(0, np.empty(0, int), np.empty(0, int)).shape == (0, 0)
    dist = hop_distances(3, np.empty(0, int), np.empty(0, int))
    assert np.array_equal(dist, np.where(np.eye(3, dtype=bool), 0, UNREACHABLE))
    assert components(dist).tolist() == [0, 1, 2]


def test_device_site_graph_agrees_with_scipy():
    graph = site_graph(load_profile("square-16x16"))
    a, b = graph.edges
    dist, comp = _scipy(len(graph), a, b)
    assert np.array_equal(graph.dist, dist)
    assert np.array_equal(graph.component, comp)
