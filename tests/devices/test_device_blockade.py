"""Blockade graph, restriction check and triangles of device profiles."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
import pytest

from navm.devices import load_profile
from navm.devices.blockade import (
    blockade_graph,
    blockade_pairs,
    pairs_within,
    restricted,
    restriction_masks,
    triangles,
    within_blockade,
)
from tests.devices.test_devices import parse, profile_text

R2 = math.sqrt(2.0)


@pytest.fixture(scope="module")
def default():
    return load_profile("square-16x16")


def brute_pairs(xy: np.ndarray, limit: float) -> list[tuple[int, int]]:
    return [(i, j) for i, j in itertools.combinations(range(len(xy)), 2)
            if math.hypot(*(xy[i] - xy[j])) <= limit * (1 + 1e-9)]


def brute_triangles(ids: list[int], xy: np.ndarray, limit: float) -> list[tuple[int, int, int]]:
    close = set(brute_pairs(xy, limit))
    return [(ids[a], ids[b], ids[c]) for a, b, c in itertools.combinations(range(len(xy)), 3)
            if {(a, b), (a, c), (b, c)} <= close]


# ---------------------------------------------------------------- graph


def test_default_graph_links_nearest_and_diagonal_neighbours(default):
    g = blockade_graph(default)
    # 16×16 at 5 µm with a 7.5 µm radius: 2·16·15 row/column bonds + 2·15·15 diagonals.
    assert (g.number_of_nodes(), g.number_of_edges()) == (256, 2 * 16 * 15 + 2 * 15 * 15)
    assert g.degree(17) == 8 and g.degree(0) == 3 and g.degree(1) == 5
    assert sorted(g.neighbors(0)) == [1, 16, 17]
    assert g.edges[0, 1]["distance_um"] == 5.0
    assert g.edges[0, 17]["distance_um"] == pytest.approx(5 * R2)
    assert not g.has_edge(0, 2)  # 10 µm


def test_graph_is_cached_and_frozen(default):
    g = blockade_graph(default)
    assert blockade_graph(default) is g
    assert nx.is_frozen(g)
    with pytest.raises(nx.NetworkXError):
        g.add_edge(0, 2)


def test_graph_has_every_site_even_isolated_ones():
    dev = parse(profile_text(lattice={"kind": "listed", "sites": [
        {"id": 3, "x": 0.0, "y": 0.0}, {"id": 9, "x": 5.0, "y": 0.0}, {"id": 4, "x": 50.0, "y": 0.0},
    ]}))
    g = blockade_graph(dev)
    assert sorted(g.nodes) == [3, 4, 9]
    assert list(g.edges(data="distance_um")) == [(3, 9, 5.0)]


def test_pairs_are_site_ids_sorted_and_read_only(default):
    a, b, d = blockade_pairs(default)
    assert len(a) == 930 and (a < b).all()
    assert list(zip(a[:3].tolist(), b[:3].tolist())) == [(0, 1), (0, 16), (0, 17)]
    assert set(d.tolist()) == {5.0, 5 * R2}
    with pytest.raises(ValueError):
        a[0] = 5


def test_radius_equal_to_spacing_counts_despite_rounding():
    # Triangular rows sit s·√3/2 apart: rounding may put a neighbour a hair beyond s.
    dev = parse(profile_text(lattice={"kind": "triangular", "rows": 6, "cols": 6, "spacing_um": 4.0},
                             blockade_radius_um=4.0))
    # 6 rows × 5 bonds along rows + 5 row gaps × 11 bonds between rows
    assert blockade_graph(dev).number_of_edges() == 6 * 5 + 5 * 11


def test_zones_far_apart_do_not_link():
    dev = load_profile("test-small")
    g = blockade_graph(dev)
    storage = [s.id for s in dev.sites if s.zone == "storage"]
    assert all(n in storage for s in storage for n in g.neighbors(s))
    assert g.number_of_edges() == 20 + 3  # 3×3 square with diagonals, and a row of four


@pytest.mark.parametrize("seed", range(12))
def test_pairs_within_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 150))
    xy = rng.uniform(-30.0, 30.0, size=(n, 2))
    if seed % 4 == 0:
        xy[n // 2] = xy[n // 3] + (3.0, 0.0)  # exactly on the limit
    limit = float(rng.choice([3.0, rng.uniform(0.5, 20.0)]))
    i, j, d = pairs_within(xy, limit)
    assert list(zip(i.tolist(), j.tolist())) == brute_pairs(xy, limit)
    assert d == pytest.approx([math.hypot(*(xy[a] - xy[b])) for a, b in zip(i, j)])


def test_pairs_within_degenerate_inputs():
    assert [len(x) for x in pairs_within(np.zeros((1, 2)), 5.0)] == [0, 0, 0]
    assert [len(x) for x in pairs_within(np.zeros((0, 2)), 5.0)] == [0, 0, 0]


# ---------------------------------------------------------------- pair checks


def test_within_blockade(default):
    assert within_blockade(default, 0, 1) and within_blockade(default, 1, 0)
    assert within_blockade(default, 0, 17)  # diagonal, 7.07 µm
    assert not within_blockade(default, 0, 2)  # 10 µm
    assert not within_blockade(default, 5, 5)  # a site is not its own partner
    with pytest.raises(KeyError, match="has no site 256"):
        within_blockade(default, 0, 256)


def test_restricted(default):
    assert default.restriction_radius_um == 15.0
    assert restricted(default, (0, 1), (3, 4))  # sites 1 and 3 are 10 µm apart
    assert not restricted(default, (0, 1), (4, 5))  # 15 µm apart: exactly allowed
    assert not restricted(default, [0, 16], [4, 20])  # columns 0 and 4: 20 µm
    assert restricted(default, [0, 16], [2, 18])
    assert restricted(default, (0, 1), (1, 2))  # a shared atom
    assert not restricted(default, (), (1, 2))
    with pytest.raises(KeyError):
        restricted(default, (0, 1), (999,))


def test_restricted_follows_the_factor():
    dev = parse(profile_text(lattice={"kind": "square", "rows": 1, "cols": 8, "spacing_um": 5.0},
                             restriction_factor=1.0))
    assert not restricted(dev, (0, 1), (3, 4))  # 10 µm ≥ 7.5 µm
    assert restricted(dev, (0, 1), (2, 3))  # 5 µm


def test_restriction_masks_are_restricted_on_every_pair(default):
    """Pairs exactly at the restriction distance (15 µm on the default lattice) included."""
    ids = [s.id for s in default.sites][::3]
    masks = restriction_masks(default, ids)
    assert [[bool(m >> k & 1) for k in range(len(ids))] for m in masks] == \
        [[restricted(default, [a], [b]) for b in ids] for a in ids]
    assert masks[0] & 1 and not masks[0] & 2  # one site; sites 0 and 3, exactly 15 µm apart
    with pytest.raises(KeyError):
        restriction_masks(default, [0, 999])


# ---------------------------------------------------------------- triangles


def test_triangles_of_test_small():
    # Each unit square of the 3×3 entangling zone holds 4 triangles (diagonals are 7.07 µm);
    # the storage row is a straight line (10 µm between its second neighbours).
    assert triangles(load_profile("test-small")) == [
        (0, 1, 3), (0, 1, 4), (0, 3, 4), (1, 2, 4), (1, 2, 5), (1, 3, 4), (1, 4, 5), (2, 4, 5),
        (3, 4, 6), (3, 4, 7), (3, 6, 7), (4, 5, 7), (4, 5, 8), (4, 6, 7), (4, 7, 8), (5, 7, 8),
    ]


def test_triangles_of_default(default):
    tri = triangles(default)
    assert len(tri) == 4 * 15 * 15 and tri == sorted(tri)
    assert all(within_blockade(default, a, b) for t in tri[:50] for a, b in itertools.combinations(t, 2))
    assert triangles(default) == tri and triangles(default) is not tri  # a fresh list from the cache


@pytest.mark.parametrize("seed", range(6))
def test_triangles_match_brute_force_with_gappy_ids(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(3, 60))
    xy = rng.uniform(0.0, 40.0, size=(n, 2))
    keep = [0] + [k for k in range(1, n) if np.hypot(*(xy[:k] - xy[k]).T).min() >= 4.0]
    xy = xy[keep]
    ids = sorted(rng.choice(10_000, size=len(xy), replace=False).tolist())
    sites = [{"id": i, "x": float(x), "y": float(y)} for i, (x, y) in zip(ids, xy)]
    dev = parse(profile_text(lattice={"kind": "listed", "sites": sites}, blockade_radius_um=9.0))
    assert triangles(dev) == brute_triangles(ids, xy, 9.0)


def test_ten_thousand_sites_quickly():
    dev = parse(profile_text(lattice={"kind": "square", "rows": 100, "cols": 100, "spacing_um": 5.0}))
    a, _, _ = blockade_pairs(dev)
    assert len(a) == 2 * 100 * 99 + 2 * 99 * 99
    assert len(triangles(dev)) == 4 * 99 * 99


def test_radius_below_the_minimum_spacing_links_nothing():
    dev = parse(profile_text(blockade_radius_um=1e-300, lattice={"kind": "listed", "sites": [
        {"id": 0, "x": 0.0, "y": 0.0}, {"id": 1, "x": 1e15, "y": 0.0}, {"id": 2, "x": 5.0, "y": 0.0}]}))
    assert blockade_graph(dev).number_of_edges() == 0 and triangles(dev) == []
