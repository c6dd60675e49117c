"""route: after it every 2-qubit gate acts on atoms within the blockade radius, and the circuit
computes the same state up to the recorded output permutation (ancilla atoms stay |0>)."""

from __future__ import annotations

import itertools
import json
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import ModuleOp

from navm.diagnostics import NavmError, SourceLocation
from navm.frontend import load, load_text
from navm.ir.circuit_table import GateTable, Placement, Row
from navm.ir.context import parse_module, print_module
from navm.ir.navm import CircuitOp, set_isa_version
from navm.pipeline import compile_module
from navm.devices import load_profile
from navm.devices.blockade import within_blockade
from tests.statevector import equal_up_to_phase, final_state

TWO_QUBIT = ("cz", "cx", "swap")


def circuit(module: ModuleOp) -> CircuitOp:
    (op,) = [op for op in module.body.block.ops if isinstance(op, CircuitOp)]
    return op


def rows_module(rows, n: int, sites=None) -> ModuleOp:
    given_sites = np.array(sites if sites is not None else [-1] * n, dtype=np.int64)
    module = ModuleOp([CircuitOp.build(GateTable.from_rows(rows), Placement(n, sites=given_sites))])
    set_isa_version(module, "1.1")
    return module


def permutation(module: ModuleOp) -> list[int]:
    return [a.data for a in module.attributes["navm.output_permutation"].data]


def swaps_added(module: ModuleOp) -> int:
    return module.attributes["navm.route.swaps_added"].data


def far_gates(module: ModuleOp, device: str) -> list[Row]:
    """2-qubit gates whose atoms are not within the blockade radius."""
    profile = load_profile(device)
    op = circuit(module)
    sites = op.qubit_placement.sites.tolist()
    return [r for r in op.gate_table.rows()
            if r.name in TWO_QUBIT and not within_blockade(profile, sites[r.qubits[0]], sites[r.qubits[1]])]


def expected_state(psi: np.ndarray, n: int, atoms: int, perm: list[int]) -> np.ndarray:
    """`psi` of n program qubits moved onto atoms: qubit k on atom perm[k], the others |0>."""
    tensor = psi.reshape((2,) * n)
    for _ in range(atoms - n):
        tensor = np.multiply.outer(tensor, np.array([1.0, 0.0]))
    rest = sorted(set(range(atoms)) - set(perm))
    return np.moveaxis(tensor, list(range(atoms)), list(perm) + rest).reshape(-1)


def probes(rows) -> GateTable:
    """The k-th measurement becomes rx(0.1 + 0.37 k) on the same qubit: the state then shows
    which qubit each measurement acted on (measurements keep their order through routing)."""
    out, k = [], 0
    for r in rows:
        if r.name == "measure":
            r = Row("rx", r.qubits, (0.1 + 0.37 * k,), None, r.loc)
            k += 1
        out.append(r)
    return GateTable.from_rows(out)


def assert_same_state(rows, n: int, module: ModuleOp) -> None:
    op = circuit(module)
    atoms = op.qubit_placement.num_qubits
    psi = final_state(probes(rows), n)
    routed = final_state(probes(op.gate_table.rows()), atoms)
    assert equal_up_to_phase(routed, expected_state(psi, n, atoms, permutation(module)))


def layer_of_rotations(n: int, step: int) -> list[Row]:
    return [Row("r", (q,), (0.3 * q + step, 0.7 + 0.1 * q)) for q in range(n)]


# ----------------------------------------------------------------------------- legality and semantics


def test_all_to_all_on_12_qubits_is_routed_within_the_blockade_radius():
    rows = [Row("cz", p, ()) for p in itertools.combinations(range(12), 2)]
    module = rows_module(rows, 12)
    compile_module(module, "place,route", device="square-16x16")
    assert swaps_added(module) > 0
    assert far_gates(module, "square-16x16") == []


def test_placement_fitted_to_the_gate_order_keeps_swaps_low():
    """12 qubits, a CZ between every pair: 29 SWAPs from the weights-only placement, 13 once place
    fits it to the gate order (qiskit 2.6 level 1 on the same graph: 19–21)."""
    module = rows_module([Row("cz", p, ()) for p in itertools.combinations(range(12), 2)], 12)
    compile_module(module, "place,route", device="square-16x16")
    assert swaps_added(module) <= 15


def test_all_to_all_on_8_qubits_keeps_the_state():
    rows = layer_of_rotations(8, 0)
    for k, (a, b) in enumerate(itertools.combinations(range(8), 2)):
        rows.append(Row("cx" if k % 2 else "cz", (a, b), ()))
        rows.append(Row("rz", (b,), (0.2 * k,)))
    rows += layer_of_rotations(8, 1)
    module = rows_module(rows, 8)
    compile_module(module, "place,route", device="square-16x16")
    assert swaps_added(module) > 0 and far_gates(module, "square-16x16") == []
    assert_same_state(rows, 8, module)


def test_long_range_cz_after_fixed_placement(in_tests_dir):
    module = compile_module(load("programs/route_long_cz.qbc"), "unroll,place,route", device="test-small")
    assert swaps_added(module) == 1 and far_gates(module, "test-small") == []
    perm = permutation(module)
    assert perm == [1, 0, 2]
    measured = [r.qubits[0] for r in circuit(module).gate_table.rows() if r.name == "measure"]
    assert measured == [perm[0], perm[2]]  # QMEAS q0, QMEAS q2 read the atoms now holding them
    detector = [r for r in circuit(module).gate_table.rows() if r.name == "detector"]
    assert detector[0].records == (1, 0)


def test_routed_ir_prints_and_parses_back(in_tests_dir):
    module = compile_module(load("programs/route_long_cz.qbc"), "unroll,place,route", device="test-small")
    text = print_module(module)
    assert "navm.output_permutation = [#builtin.int<1>, #builtin.int<0>, #builtin.int<2>]" in text
    assert parse_module(text).is_structurally_equivalent(module)


def test_inserted_rows_carry_the_location_of_the_gate_that_needed_them(in_tests_dir):
    module = compile_module(load("programs/route_long_cz.qbc"), "unroll,route", device="test-small")
    rows = list(circuit(module).gate_table.rows())
    assert [r.name for r in rows[1:10]] == ["r", "cz", "r"] * 3
    assert {r.loc for r in rows[1:11]} == {SourceLocation("programs/route_long_cz.qbc", 10, 9)}


def test_a_path_through_an_empty_site_brings_in_an_ancilla_atom():
    rows = [Row("h", (0,), ()), Row("cx", (0, 1), ()), Row("ry", (1,), (0.4,))]
    module = rows_module(rows, 2, sites=[0, 2])  # one empty site (1) between them on the default lattice
    compile_module(module, "route", device="square-16x16")
    placement = circuit(module).qubit_placement
    assert placement.num_qubits == 3 and placement.sites.tolist() == [0, 2, 1]
    assert swaps_added(module) == 1 and far_gates(module, "square-16x16") == []
    assert_same_state(rows, 2, module)


def test_native_swap_devices_get_one_swap_row(tmp_path, in_tests_dir):
    doc = json.loads(resources.files("navm.devices").joinpath("builtin/test-small.json").read_text())
    doc["gates"]["native"].append("swap")
    doc["gates"]["durations_us"]["swap"] = 3.0
    doc["noise"]["gate_pauli"]["swap"] = {"depolarize2": 0.01}
    path = tmp_path / "swap-native.json"
    path.write_text(json.dumps(doc))
    module = compile_module(load("programs/route_long_cz.qbc"), "unroll,route", device=str(path))
    names = [r.name for r in circuit(module).gate_table.rows()]
    assert names[:3] == ["h", "swap", "cz"] and swaps_added(module) == 1
    assert far_gates(module, "test-small") == []


def test_a_circuit_that_fits_is_left_alone():
    rows = [Row("h", (0,), ()), Row("cz", (0, 1), ()), Row("cz", (1, 2), ())]
    module = rows_module(rows, 3, sites=[0, 1, 2])
    before = circuit(module).gate_table
    compile_module(module, "route", device="square-16x16")
    assert circuit(module).gate_table == before
    assert permutation(module) == [0, 1, 2] and swaps_added(module) == 0


def test_routing_twice_composes_the_permutation():
    rows = [Row("cz", (0, 2), ()), Row("cz", (1, 2), ()), Row("cz", (0, 1), ())]
    module = rows_module(rows, 3, sites=[0, 2, 4])
    compile_module(module, "route", device="square-16x16")
    first = permutation(module)
    compile_module(module, "route", device="square-16x16")
    assert permutation(module) == first and swaps_added(module) == 0


def test_same_seed_same_routing():
    rows = [Row("cz", p, ()) for p in itertools.combinations(range(10), 2)]

    def routed(seed):
        module = rows_module(rows, 10)
        compile_module(module, f"place,route{{seed={seed}}}", device="square-16x16")
        return circuit(module).gate_table, permutation(module)

    assert routed(4) == routed(4)


sites_and_gates = st.integers(2, 6).flatmap(lambda n: st.tuples(
    st.just(n),
    st.permutations(range(9)).map(lambda p: list(p[:n])),
    st.lists(st.one_of(
        st.tuples(st.sampled_from(TWO_QUBIT), st.permutations(range(n)).map(lambda p: tuple(p[:2]))),
        st.tuples(st.sampled_from(["h", "t", "s", "x"]), st.integers(0, n - 1).map(lambda q: (q,))),
        st.tuples(st.sampled_from(["ry", "rz", "measure"]), st.integers(0, n - 1).map(lambda q: (q,))),
        st.just(("barrier", ())),
    ), min_size=1, max_size=25),
    st.integers(0, 3),
))


@settings(max_examples=60, deadline=None)
@given(sites_and_gates)
def test_random_circuits_keep_their_state_up_to_the_permutation(case):
    """Random circuits on random fixed sites of the 3x3 zone of test-small (≤ 9 atoms in all);
    mid-circuit measurements must read the atom that holds their qubit at that point."""
    n, sites, gates, seed = case
    rows = [Row(name, qs, (0.37 * (i + 1),) if name in ("ry", "rz") else (), "m" if name == "measure" else None)
            for i, (name, qs) in enumerate(gates)]
    module = rows_module(rows, n, sites=sites)
    compile_module(module, f"route{{seed={seed}}}", device="test-small")
    assert far_gates(module, "test-small") == []
    assert sorted(permutation(module)) == sorted(set(permutation(module)))
    assert_same_state(rows, n, module)


# ----------------------------------------------------------------------------- errors


def test_no_device_profile():
    with pytest.raises(NavmError, match=r"route needs a device profile"):
        compile_module(rows_module([Row("cz", (0, 1), ())], 2, sites=[0, 1]), "route")


def test_unplaced_qubits_need_place_first():
    text = ".isa 1.1\nQSITE q0, 0\nQH q0\nQCZ q0, q1\n"
    with pytest.raises(NavmError) as err:
        compile_module(load_text(text, "qbc", "m.qbc"), "unroll,route", device="test-small")
    assert err.value.message == "route: qubit q1 has no site; run `place` first"
    assert err.value.loc == SourceLocation("m.qbc", 4, 1)


def test_unknown_site():
    text = ".isa 1.1\nQSITE q0, 0\nQSITE q1, 77\nQCZ q0, q1\n"
    with pytest.raises(NavmError, match="device 'navm-test-small' has no site 77") as err:
        compile_module(load_text(text, "qbc", "m.qbc"), "unroll,route", device="test-small")
    assert err.value.loc == SourceLocation("m.qbc", 3, 1)


def test_sites_with_no_chain_between_them():
    text = ".isa 1.1\nQSITE q0, 0\nQSITE q1, 9\nQH q0\nQCZ q0, q1\n"  # site 9: the storage row
    with pytest.raises(NavmError) as err:
        compile_module(load_text(text, "qbc", "m.qbc"), "unroll,route", device="test-small")
    assert err.value.message == (
        "route: q0 (site 0) and q1 (site 9) cannot be brought within the blockade radius: "
        "no chain of sites within the radius joins their sites")
    assert err.value.loc == SourceLocation("m.qbc", 5, 1)


def test_macros_must_be_unrolled():
    text = ('builtin.module attributes {navm.isa_version = "1.1"} {\n'
            '  navm.circuit qubits 3 sites [0, 1, 3] {\n'
            '    w q0, q1, q2 loc("w.ir":7:3)\n'
            '  }\n}\n')
    with pytest.raises(NavmError, match="route: 'w' is a macro; run `unroll` first") as err:
        compile_module(parse_module(text, "w.ir"), "route", device="test-small")
    assert err.value.loc == SourceLocation("w.ir", 7, 3)


def test_route_needs_an_unrolled_program_on_sites():
    with pytest.raises(NavmError, match="route works on navm.circuit; run `unroll` and `place` first"):
        compile_module(load_text("QH q0\n", "qbc", "m.qbc"), "route", device="test-small")
    with pytest.raises(NavmError, match=r"route needs qubits on sites \(ISA 1.1\); run `place` first"):
        compile_module(load_text("QLOC q0, 0.0, 0.0\nQH q0\n", "qbc", "m.qbc"), "unroll,route", device="test-small")


def test_lookahead_must_be_positive():
    with pytest.raises(NavmError, match="route: lookahead must be at least 1, got 0"):
        compile_module(rows_module([Row("cz", (0, 1), ())], 2, sites=[0, 1]), "route{lookahead=0}", device="square-16x16")
