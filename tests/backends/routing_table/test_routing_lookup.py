"""Lookups by σ (on the circle of circumference 8), by j (2-D) and by triangle, against brute force."""

from __future__ import annotations

import numpy as np
import pytest

from navm.backends.routing_table import RoutingTable
from navm.backends.routing_table.lookup import sigma_distance
from navm.diagnostics import NavmError
from tests.backends.routing_table.tables import grid_table, ring_columns, ring_table


def random_table(n: int, seed: int, *, coarse: bool = False) -> RoutingTable:
    """Shuffled ids; `coarse` σ and j take few distinct values, so ties are common."""
    rng = np.random.default_rng(seed)
    cols = ring_columns(n)
    cols["neighbours"] = np.full((n, 0), -1)
    cols["triangle"] = np.full(n, -1)
    cols["node_id"] = rng.permutation(n) * 3 + 7
    if coarse:
        cols["sigma"] = rng.integers(0, 16, n) / 2.0
        cols["j_re"], cols["j_im"] = rng.integers(-3, 4, (2, n)).astype(float)
    else:
        cols["sigma"] = rng.uniform(0, 8, n)
        cols["j_re"], cols["j_im"] = rng.normal(0, 1000, (2, n))
    return RoutingTable.from_columns(cols)


def brute_sigma(table, q):
    d = sigma_distance(table.column("sigma"), q)
    best = d == d.min()
    return int(np.flatnonzero(best)[np.argmin(table.column("node_id")[best])])


def brute_j(table, re, im):
    d = (table.column("j_re") - re) ** 2 + (table.column("j_im") - im) ** 2
    best = d == d.min()
    return int(np.flatnonzero(best)[np.argmin(table.column("node_id")[best])])


@pytest.mark.parametrize("seed, coarse", [(0, False), (1, True), (2, True)])
def test_nearest_sigma_matches_brute_force(seed, coarse):
    table = random_table(200, seed, coarse=coarse)
    rng = np.random.default_rng(seed + 100)
    queries = np.concatenate((rng.uniform(-10, 20, 300), np.arange(-2, 10.5, 0.25), table.column("sigma")[:20]))
    found = table.nearest_sigma(queries)
    assert found.shape == queries.shape
    assert found.tolist() == [brute_sigma(table, q) for q in queries]


@pytest.mark.parametrize("seed, coarse", [(0, False), (1, True)])
def test_nearest_j_matches_brute_force(seed, coarse):
    table = random_table(150, seed, coarse=coarse)
    rng = np.random.default_rng(seed + 200)
    re, im = rng.normal(0, 1200, (2, 120)) if not coarse else rng.integers(-4, 5, (2, 120)) / 2.0
    found = table.nearest_j(re, im)
    assert found.tolist() == [brute_j(table, a, b) for a, b in zip(re, im)]


def test_nearest_j_over_many_blocks():
    table = random_table(3000, 5)
    rng = np.random.default_rng(9)
    re, im = rng.normal(0, 1200, (2, 4000))  # 4000 queries × 3000 rows: several blocks
    found = table.nearest_j(re, im)
    sample = rng.choice(4000, 60, replace=False)
    assert [int(found[i]) for i in sample] == [brute_j(table, re[i], im[i]) for i in sample]
    assert table.nearest_j(re.reshape(40, 100), im.reshape(40, 100)).shape == (40, 100)


def test_sigma_wraps_round_8():
    table = ring_table(8)  # σ = 0, 1, …, 7
    assert table.nearest_sigma([7.6, 8.0, -0.3, 12.2, 15.9]).tolist() == [0, 0, 0, 4, 0]
    assert int(table.nearest_sigma(7.4)) == 7
    assert int(table.nearest_sigma(7.5)) == 0  # halfway between nodes 7 and 0: the smaller id
    assert int(table.nearest_sigma(2.5)) == 2
    assert sigma_distance(7.75, 0.25).tolist() == 0.5


def test_nearest_j_on_the_lattice_circle():
    table = grid_table(1000)
    k = np.arange(1000)
    angle = 2 * np.pi * k / 1000
    assert table.nearest_j(1728 * np.cos(angle), 1728 * np.sin(angle)).tolist() == k.tolist()
    assert table.nearest_sigma(8.0 * k / 1000).tolist() == k.tolist()


def test_triangle_rows_in_node_order():
    cols = ring_columns(6)
    cols["node_id"] = np.array([50, 40, 30, 20, 10, 0])
    cols["neighbours"] = np.full((6, 0), -1)
    cols["triangle"] = np.array([1, 0, 1, 0, 1, 0])
    table = RoutingTable.from_columns(cols)
    assert table.column("node_id")[table.triangle(1)].tolist() == [10, 30, 50]
    assert table.triangle(0).tolist() == [5, 3, 1]
    assert table.triangle(7).tolist() == []
    with pytest.raises(NavmError, match="a triangle index is an int >= 0, got -1"):
        table.triangle(-1)


@pytest.mark.parametrize("call, message", [
    (lambda t: t.nearest_sigma(np.nan), "sigma must be a finite number, got nan"),
    (lambda t: t.nearest_sigma([1.0, np.inf]), "sigma must be a finite number, got inf"),
    (lambda t: t.nearest_j(0.0, np.nan), "j_im must be a finite number"),
    (lambda t: ring_table(0).nearest_sigma(1.0), "the routing table has no entries to search"),
    (lambda t: ring_table(0).nearest_j(1.0, 0.0), "the routing table has no entries to search"),
])
def test_query_errors(call, message):
    with pytest.raises(NavmError, match=message):
        call(ring_table(4))
