"""place: interaction graphs that fit the blockade graph need no routing; user placements stay;
the seed decides ties; bad input is a located error."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from xdsl.dialects.builtin import ModuleOp

from navm.diagnostics import NavmError, SourceLocation
from navm.frontend import load, load_text
from navm.ir.circuit_table import GateTable, Placement, Row
from navm.ir.navm import CircuitOp, isa_version, set_isa_version
from navm.pipeline import compile_module
from navm.devices import load_profile
from navm.devices.blockade import within_blockade
from tests.helpers import TESTS

ROOT = TESTS.parent
DEFAULT = load_profile("square-16x16")


def circuit(module: ModuleOp) -> CircuitOp:
    (op,) = [op for op in module.body.block.ops if isinstance(op, CircuitOp)]
    return op


def pairs_module(pairs, n: int, sites=None) -> ModuleOp:
    """An ISA 1.1 circuit with one CZ per pair; `sites` (default: all unplaced) are user placements."""
    rows = [Row("cz", p, ()) for p in pairs] + [Row("h", (q,), ()) for q in range(n)]
    given = np.array(sites if sites is not None else [-1] * n, dtype=np.int64)
    module = ModuleOp([CircuitOp.build(GateTable.from_rows(rows), Placement(n, sites=given))])
    set_isa_version(module, "1.1")
    return module


def place(module: ModuleOp, options: str = "", device: str = "square-16x16") -> list[int]:
    compile_module(module, f"place{{{options}}}" if options else "place", device=device)
    return circuit(module).qubit_placement.sites.tolist()


def unrouted(module: ModuleOp) -> int:
    return module.attributes["navm.place.unrouted_pairs"].data


def out_of_range(sites, pairs, profile=DEFAULT) -> list[tuple[int, int]]:
    return [(a, b) for a, b in pairs if not within_blockade(profile, sites[a], sites[b])]


def grid(rows: int, cols: int) -> list[tuple[int, int]]:
    at = lambda i, j: i * cols + j
    return [(at(i, j), at(i, j + 1)) for i in range(rows) for j in range(cols - 1)] + [
        (at(i, j), at(i + 1, j)) for i in range(rows - 1) for j in range(cols)]


EMBEDDABLE = {
    "chain of 10": ([(i, i + 1) for i in range(9)], 10),
    "ring of 8": ([(i, (i + 1) % 8) for i in range(8)], 8),
    "3x3 grid": (grid(3, 3), 9),
    "GHZ fan of degree 8": ([(0, i) for i in range(1, 9)], 9),
    "triangle": ([(0, 1), (1, 2), (0, 2)], 3),
    "4-clique": (list(itertools.combinations(range(4), 2)), 4),
    "ten disjoint triangles": ([p for k in range(10) for p in itertools.combinations(range(3 * k, 3 * k + 3), 2)], 30),
    "10x10 grid": (grid(10, 10), 100),
    "chain of 100": ([(i, i + 1) for i in range(99)], 100),
    "ring of 60": ([(i, (i + 1) % 60) for i in range(60)], 60),
}


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("shape", sorted(EMBEDDABLE))
def test_embeddable_interaction_graphs_need_no_routing(shape, seed):
    pairs, n = EMBEDDABLE[shape]
    module = pairs_module(pairs, n)
    sites = place(module, f"seed={seed}")
    assert len(set(sites)) == n and min(sites) >= 0
    assert out_of_range(sites, pairs) == []
    assert unrouted(module) == 0
    assert isa_version(module) == "1.1"


def test_w_state_and_ring_program_fits_test_small(in_tests_dir):
    module = compile_module(load("programs/place_w_ring.qbc"), "unroll,place", device="test-small")
    sites = circuit(module).qubit_placement.sites.tolist()
    assert sites[0] == 4  # the program put q0 there
    pairs = [(0, 1), (0, 2), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 2)]
    assert out_of_range(sites, pairs, load_profile("test-small")) == [] and unrouted(module) == 0


def test_surface_code_re_placed_from_scratch_needs_no_routing():
    module = compile_module(load(ROOT / "examples/surface_code/memory_z_d5.qbc"), "unroll,place{override=true}",
                            device="square-16x16")
    assert unrouted(module) == 0


def test_what_cannot_embed_is_placed_tightly_and_counted():
    pairs = list(itertools.combinations(range(12), 2))
    module = pairs_module(pairs, 12)
    sites = place(module)
    assert unrouted(module) == len(out_of_range(sites, pairs)) > 0
    # Tight: every pair is at most two hops apart on the 16x16 king lattice.
    xy = np.array([[DEFAULT.site(s).x, DEFAULT.site(s).y] for s in sites]) / 5.0
    assert np.abs(xy[:, None, :] - xy[None, :, :]).max() <= 3


def test_degree_beyond_the_lattice_leaves_exactly_one_pair_out():
    pairs = [(0, i) for i in range(1, 10)]  # 9 partners; a site has 8 neighbours
    module = pairs_module(pairs, 10)
    sites = place(module)
    assert unrouted(module) == 1 == len(out_of_range(sites, pairs))


def test_a_ring_larger_than_the_entangling_zone_crosses_to_storage_twice():
    """test-small's storage row is not connected to its 3x3 zone: two ring pairs cannot meet."""
    pairs = [(i, (i + 1) % 11) for i in range(11)]
    module = pairs_module(pairs, 11)
    sites = place(module, device="test-small")
    assert unrouted(module) == 2 == len(out_of_range(sites, pairs, load_profile("test-small")))


def test_same_seed_same_placement_and_the_seed_breaks_ties():
    pairs = grid(3, 4)
    by_seed = {seed: place(pairs_module(pairs, 12), f"seed={seed}") for seed in range(6)}
    assert place(pairs_module(pairs, 12), "seed=3") == by_seed[3]
    assert len({tuple(s) for s in by_seed.values()}) > 1


def test_user_placements_are_kept_and_partners_placed_next_to_them():
    pairs = [(0, i) for i in range(1, 5)]
    module = pairs_module(pairs, 5, sites=[200, -1, -1, -1, -1])
    sites = place(module)
    assert sites[0] == 200 and out_of_range(sites, pairs) == []


def test_isa_1_0_coordinates_become_sites(in_tests_dir):
    module = compile_module(load("programs/bell.qbc"), "unroll,place", device="test-small")
    assert isa_version(module) == "1.1"
    placement = circuit(module).qubit_placement
    assert placement.sites.tolist() == [0, 1]
    assert placement.decl_loc(1) == SourceLocation("programs/bell.qbc", 4, 5)


FAR_APART = "QLOC q0, 0.0, 0.0\nQLOC q1, 75.0, 0.0\nQCX q0, q1\n"


def test_override_re_places_user_qubits():
    kept = compile_module(load_text(FAR_APART, "qbc", "m.qbc"), "unroll,place", device="square-16x16")
    assert circuit(kept).qubit_placement.sites.tolist() == [0, 15] and unrouted(kept) == 1
    moved = compile_module(load_text(FAR_APART, "qbc", "m.qbc"), "unroll,place{override=true}", device="square-16x16")
    sites = circuit(moved).qubit_placement.sites.tolist()
    assert unrouted(moved) == 0 and within_blockade(DEFAULT, *sites)


def test_qubits_without_gates_are_placed_too():
    sites = place(pairs_module([], 3))
    assert len(set(sites)) == 3 and min(sites) >= 0


# ----------------------------------------------------------------------------- errors


def test_no_device_profile():
    with pytest.raises(NavmError, match=r"place needs a device profile: pass --device PROFILE"):
        compile_module(pairs_module([(0, 1)], 2), "place")


def test_more_qubits_than_sites():
    text = "".join(f"QH q{q}\n" for q in range(14))
    with pytest.raises(NavmError) as err:
        compile_module(load_text(text, "qbc", "m.qbc"), "unroll,place", device="test-small")
    assert err.value.message == (
        "place: 14 qubits do not fit on device 'navm-test-small': it has 13 sites; "
        "q13 is the first without one")
    assert err.value.loc == SourceLocation("m.qbc", 14, 1)


def test_more_qubits_than_free_sites_names_the_placed_ones():
    text = ".isa 1.1\nQSITE q5, 2\n" + "".join(f"QH q{q}\n" for q in range(14))
    with pytest.raises(NavmError, match="it has 13 sites; 1 are taken by placed qubits; q13") as err:
        compile_module(load_text(text, "qbc", "m.qbc"), "unroll,place", device="test-small")
    assert err.value.loc == SourceLocation("m.qbc", 16, 1)


def test_user_placement_on_a_site_that_does_not_exist():
    text = ".isa 1.1\nQSITE q0, 0\nQSITE q1, 99\nQCZ q0, q1\n"
    with pytest.raises(NavmError) as err:
        compile_module(load_text(text, "qbc", "m.qbc"), "unroll,place", device="test-small")
    assert err.value.message == "device 'navm-test-small' has no site 99"
    assert err.value.loc == SourceLocation("m.qbc", 3, 1)


def test_coordinates_that_are_no_site():
    with pytest.raises(NavmError, match=r"\(2.5, 0.0\) µm is not a site of device") as err:
        compile_module(load_text("QLOC q0, 2.5, 0.0\nQH q0\n", "qbc", "m.qbc"), "unroll,place", device="test-small")
    assert err.value.loc == SourceLocation("m.qbc", 1, 1)


def test_place_needs_an_unrolled_program():
    with pytest.raises(NavmError, match="place works on navm.circuit; run `unroll` first") as err:
        compile_module(load_text("QH q0\n", "qbc", "m.qbc"), "place", device="test-small")
    assert err.value.loc == SourceLocation("m.qbc", 1, 1)
