"""examples/lattice.qbc, run on the reference VM at small N, checked field by field against NumPy.

The expected values are computed here from the formulas in the program's header
comment (and neighbours from pairwise distances), never read back from the program.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from navm.runtime.vm import execute
from tests import qbc_defines
from tests.qbc_defines import with_defines

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "examples" / "lattice.qbc"
SOURCE = PROGRAM.read_text(encoding="utf-8")

ROUTE_FIELDS = ([("node_id", "int"), ("site_id", "int"), ("x_um", "float"), ("y_um", "float"),
                 ("sigma", "float"), ("j_re", "float"), ("j_im", "float"), ("triangle", "int"),
                 ("record_addr", "int"), ("fidelity", "float")]
                + [(f"nb{i}", "int") for i in range(6)])
NODE_FIELDS = [("node_id", "int"), ("row", "int"), ("col", "int"), ("x_um", "float"), ("y_um", "float"),
               ("triangle", "int")]
PHASE_FIELDS = [("sigma", "float"), ("theta", "float"), ("j_re", "float"), ("j_im", "float")]
WSTATE_FIELDS = [(f"{part}{m}", "float") for m in range(3) for part in ("re", "im")]
HEADER_FIELDS = [("n", "int"), ("w", "int"), ("rows", "int"), ("triangles", "int"), ("entry", "int")]

# (N, W): W dividing N or not, W a multiple of 3 or not, an odd number of rows, degenerate sizes.
SIZES = [(60, 8), (60, 6), (97, 10), (40, 7), (200, 13), (10, 2), (1, 5)]


def define(name: str) -> int | float:
    return qbc_defines.define(SOURCE, name)


D = {name: define(name) for name in ("HEADER", "NODES", "PHASES", "WSTATES", "ROUTES", "NODE_REC", "PHASE_REC",
                                     "WSTATE_REC", "ROUTE_ENTRY", "SPACING", "CZ_FIDELITY")}


def source_for(n: int, w: int) -> str:
    return with_defines(SOURCE, N=n, W=w)


@lru_cache(maxsize=None)
def run(n: int, w: int):
    return execute(source_for(n, w), engine="reference")


def tables(n: int, w: int):
    r = run(n, w)
    return (r.region(D["ROUTES"], D["ROUTE_ENTRY"], n, ROUTE_FIELDS),
            r.region(D["NODES"], D["NODE_REC"], n, NODE_FIELDS),
            r.region(D["PHASES"], D["PHASE_REC"], n, PHASE_FIELDS),
            r.region(D["WSTATES"], D["WSTATE_REC"], n, WSTATE_FIELDS))


def geometry(n: int, w: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    k = np.arange(n)
    row, col = k // w, k % w
    x = (col + 0.5 * (row % 2)) * 5.0
    y = row * 5.0 * (np.sqrt(3) / 2)
    return row, col, x, y


def expected_neighbours(n: int, w: int) -> np.ndarray:
    """Nodes at distance SPACING, from all pairwise distances: ascending, padded with -1."""
    _, _, x, y = geometry(n, w)
    dist = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    out = np.full((n, 6), -1, dtype=np.int64)
    for k in range(n):
        ids = np.flatnonzero(np.isclose(dist[k], D["SPACING"], rtol=0, atol=1e-9))
        assert len(ids) <= 6
        out[k, :len(ids)] = ids
    return out


def expected_triangles(n: int, w: int) -> np.ndarray:
    """The partition of the header comment, member by member: row pairs, blocks of three columns."""
    tri = np.full(n, -1, dtype=np.int64)
    blocks = w // 3
    for p in range((n + 2 * w - 1) // (2 * w)):
        for b in range(blocks):
            top, bottom = 2 * p * w + 3 * b, (2 * p + 1) * w + 3 * b
            for s, members in enumerate(((top, top + 1, bottom), (top + 2, bottom + 1, bottom + 2))):
                if max(members) < n:
                    tri[list(members)] = (p * blocks + b) * 2 + s
    return tri


def test_the_program_sets_the_full_size_on_one_line():
    assert re.findall(r"^\.define N .*$", SOURCE, re.M) == [".define N 196883"]
    assert re.findall(r"^\.define W \d+", SOURCE, re.M) == [".define W 444"]
    assert re.search(r"^\s+QHALT\b", SOURCE, re.M)


@pytest.mark.parametrize("n, w", [(60, 8), (97, 10), (200, 13), (300, 20)])
def test_about_600_instructions_per_node(n, w):
    assert 500 <= run(n, w).steps / n <= 700


def test_steps_grow_linearly_with_n():
    per_node = (run(200, 13).steps - run(60, 13).steps) / 140
    assert 500 <= per_node <= 700


@pytest.mark.parametrize("n, w", SIZES)
def test_routing_identity_geometry_sigma_fidelity(n, w):
    routes, *_ = tables(n, w)
    k = np.arange(n)
    _, _, x, y = geometry(n, w)
    assert np.array_equal(routes["node_id"], k) and np.array_equal(routes["site_id"], k)
    assert np.array_equal(routes["x_um"], x)
    assert np.array_equal(routes["y_um"], y)
    assert np.array_equal(routes["sigma"], 8.0 * k / n)
    assert np.all(routes["fidelity"] == 0.995) and D["CZ_FIDELITY"] == 0.995


@pytest.mark.parametrize("n, w", SIZES + [(997, 31)])
def test_j_coordinate(n, w):
    routes, _, phases, _ = tables(n, w)
    theta = 2 * np.pi * np.arange(n) / n
    np.testing.assert_allclose(routes["j_re"], 1728 * np.cos(theta), rtol=0, atol=1e-9)
    np.testing.assert_allclose(routes["j_im"], 1728 * np.sin(theta), rtol=0, atol=1e-9)
    assert np.array_equal(phases["theta"], theta)
    assert np.array_equal(phases["j_re"], routes["j_re"]) and np.array_equal(phases["j_im"], routes["j_im"])
    assert np.array_equal(phases["sigma"], routes["sigma"])


@pytest.mark.parametrize("n, w", SIZES)
def test_neighbours(n, w):
    routes, *_ = tables(n, w)
    got = np.stack([routes[f"nb{i}"] for i in range(6)], axis=1)
    assert np.array_equal(got, expected_neighbours(n, w))


def test_interior_nodes_have_six_neighbours():
    routes, *_ = tables(200, 13)
    interior = [k for k in range(200) if 0 < k // 13 < 200 // 13 - 1 and 0 < k % 13 < 12]
    assert interior and all(routes["nb5"][k] >= 0 for k in interior)


@pytest.mark.parametrize("n, w", SIZES)
def test_triangles_partition_nodes_into_neighbour_triples(n, w):
    routes, nodes, *_ = tables(n, w)
    _, _, x, y = geometry(n, w)
    tri = routes["triangle"]
    assert np.array_equal(nodes["triangle"], tri)
    assert np.array_equal(tri, expected_triangles(n, w))
    ids = np.unique(tri[tri >= 0])
    for t in ids:
        members = np.flatnonzero(tri == t)      # one id per node: triangles are disjoint
        assert len(members) == 3
        for a in members:
            for b in members:
                if a != b:
                    assert np.isclose(np.hypot(x[a] - x[b], y[a] - y[b]), D["SPACING"])
                    assert b in [routes[f"nb{i}"][a] for i in range(6)]
    header = run(n, w).region(D["HEADER"], 40, 1, HEADER_FIELDS)[0]
    assert header["triangles"] == len(ids)


@pytest.mark.parametrize("n, w, covered", [(60, 6, 60), (60, 8, 45), (97, 10, 87), (10, 2, 0), (1, 5, 0)])
def test_triangle_coverage(n, w, covered):
    routes, *_ = tables(n, w)
    assert np.count_nonzero(routes["triangle"] >= 0) == covered


@pytest.mark.parametrize("n, w", SIZES + [(997, 31)])
def test_w_state_amplitudes(n, w):
    *_, wstates = tables(n, w)
    amps = np.stack([wstates[f"re{m}"] + 1j * wstates[f"im{m}"] for m in range(3)], axis=1)
    np.testing.assert_allclose(np.sum(np.abs(amps) ** 2, axis=1), 1.0, rtol=0, atol=1e-12)
    phi = 2 * np.pi * np.arange(n)[:, None] / n + 2 * np.pi * np.arange(3)[None, :] / 3
    np.testing.assert_allclose(amps, np.exp(1j * phi) / np.sqrt(3), rtol=0, atol=1e-12)


@pytest.mark.parametrize("n, w", SIZES)
def test_node_records_and_record_addresses(n, w):
    routes, nodes, *_ = tables(n, w)
    row, col, x, y = geometry(n, w)
    k = np.arange(n)
    assert np.array_equal(routes["record_addr"], D["NODES"] + k * D["NODE_REC"])
    r = run(n, w)
    assert [r.read(int(a)) for a in routes["record_addr"]] == list(range(n))
    assert np.array_equal(nodes["node_id"], k)
    assert np.array_equal(nodes["row"], row) and np.array_equal(nodes["col"], col)
    assert np.array_equal(nodes["x_um"], x) and np.array_equal(nodes["y_um"], y)


@pytest.mark.parametrize("n, w", SIZES)
def test_header_and_no_stray_writes(n, w):
    r = run(n, w)
    header = r.region(D["HEADER"], 40, 1, HEADER_FIELDS)[0]
    assert (header["n"], header["w"], header["rows"], header["entry"]) == (n, w, -(-n // w), 128)
    words_per_node = (D["NODE_REC"] + D["PHASE_REC"] + D["WSTATE_REC"] + D["ROUTE_ENTRY"]) // 8
    assert len(r.memory) == 5 + n * words_per_node
    assert r.stack == []


def test_regions_do_not_overlap_at_full_size():
    n = define("N")
    spans = sorted([(D["HEADER"], D["HEADER"] + 40)]
                   + [(D[base], D[base] + n * D[size]) for base, size in
                      (("NODES", "NODE_REC"), ("PHASES", "PHASE_REC"), ("WSTATES", "WSTATE_REC"),
                       ("ROUTES", "ROUTE_ENTRY"))])
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:]))


def test_the_docs_example_runs(monkeypatch):
    doc = (ROOT / "docs" / "lattice.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", doc, re.S)
    assert blocks
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile(blocks[0], "docs/lattice.md", "exec"), namespace)
    routes = namespace["routes"]
    assert len(routes) == namespace["n"] and routes["node_id"][-1] == namespace["n"] - 1
