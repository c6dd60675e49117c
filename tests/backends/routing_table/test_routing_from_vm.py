"""Producer (a): the routing table a QBC program writes into VM memory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from navm.backends.routing_table import from_program, from_vm_result
from navm.diagnostics import NavmError
from navm.runtime.vm import execute
from tests.backends.routing_table.tables import RING, RING_BASE
from tests.helpers import TESTS

LATTICE = TESTS.parent / "examples" / "lattice.qbc"


def test_ring_program_on_the_reference_engine():
    table = from_program(RING, RING_BASE, 6, engine="reference")
    assert len(table) == 6 and table.triangle_count == 2
    entry = table.find_node(1)
    assert entry == {"node_id": 1, "site_id": 11, "x_um": 5.0, "y_um": 0.0, "sigma": 8.0 / 6, "j_re": 1728.0,
                     "j_im": 1.0, "triangle": 0, "record_addr": RING_BASE + 128, "fidelity": 0.99,
                     "neighbours": [0, 2]}  # word 10 held -1: the ids moved to the front, in order
    assert table.find_node(0)["neighbours"] == [5, 1]
    assert type(entry["j_im"]) is float  # an int word in a float field is converted


def test_both_engines_agree():
    assert from_program(RING, RING_BASE, 6, engine="compiled") == from_program(RING, RING_BASE, 6, engine="reference")


def test_from_a_vm_result_and_source_text():
    source = RING.read_text()
    result = execute(source, engine="reference")
    assert from_vm_result(result, RING_BASE, 6) == from_program(RING, RING_BASE, 6, engine="reference")
    with pytest.raises(NavmError, match=r"entry 0 \(address 0x10000\) \(node 0\): neighbour 5 is not a node"):
        from_vm_result(result, RING_BASE, 5)  # node 0 links to node 5, left out


def test_count_zero_is_an_empty_table():
    assert len(from_program(RING, RING_BASE, 0, engine="reference")) == 0


def program(words: dict[int, str]) -> str:
    """A program that stores word k of entry 0 at ROUTES + 8k (others left unwritten)."""
    lines = [".isa 1.0", ".define ROUTES 0x2000"]
    for k, value in words.items():
        lines += [f"QMOV r1, {value}", "QMOV r2, ROUTES", f"QADD r2, {8 * k}", "QSTORE r1, r2"]
    return "\n".join(lines + ["QHALT"]) + "\n"


GOOD_WORDS = {0: "0", 1: "0", 2: "0.0", 3: "0.0", 4: "0.0", 5: "1728.0", 6: "0.0", 7: "-1", 8: "0", 9: "0.9",
              10: "-1", 11: "-1", 12: "-1", 13: "-1", 14: "-1", 15: "-1"}


@pytest.mark.parametrize("words, count, message", [
    ({**GOOD_WORDS, 0: "1.5"}, 1,
     "region: field 'node_id' is an int field, but the word at address 8192 holds a float"),
    ({**GOOD_WORDS, 9: "0"}, 1, "routes region at 0x2000 (1 entries of 128 bytes): entry 0 (address 0x2000) (node 0): "
                                "fidelity 0.0 is outside (0, 1]"),
    (GOOD_WORDS, 2, "routes region at 0x2000 (2 entries of 128 bytes): entry 1 (address 0x2080) is all zeros: "
                    "the program did not write it (unwritten words read as 0)"),
    ({**GOOD_WORDS, 1: "4294967296"}, 1, "entry 0 (address 0x2000): site_id 4294967296 does not fit a 32-bit field"),
    ({**GOOD_WORDS, 12: "7"}, 1, "neighbour 7 is not a node of the table"),
])
def test_region_errors(words, count, message):
    with pytest.raises(NavmError) as info:
        from_program(program(words), 0x2000, count, engine="reference")
    assert message in info.value.message


def test_good_single_entry():
    table = from_program(program(GOOD_WORDS), 0x2000, 1, engine="reference")
    assert table.find_node(0)["fidelity"] == 0.9 and table.find_node(0)["neighbours"] == []


@pytest.mark.parametrize("base, count, message", [
    (0x2004, 1, "address 8196 is not a multiple of 8"),
    (0x2000, -1, "entry count must be an int >= 0, got -1"),
    (0x2000, 1.0, "entry count must be an int >= 0, got 1.0"),
])
def test_bad_region_arguments(base, count, message):
    result = execute(program(GOOD_WORDS), engine="reference")
    with pytest.raises(NavmError, match=message):
        from_vm_result(result, base, count)


def test_lattice_example_builds_a_valid_table():
    """examples/lattice.qbc (N cut down to 300 as its tests do) gives a table that passes every rule."""
    n = 300
    source = LATTICE.read_text().replace(".define N 196883", f".define N {n}")
    assert f".define N {n}" in source
    table = from_program(source, 0x40000000, n, engine="reference")
    assert len(table) == n
    assert np.array_equal(table.column("sigma"), 8.0 * np.arange(n) / n)
    assert table.nearest_sigma(8.0 * 17 / n) == 17
    assert table.nearest_j(table.column("j_re")[123], table.column("j_im")[123]) == 123
    route = table.route(0, n - 1)
    assert route.nodes[0] == 0 and route.nodes[-1] == n - 1


def test_program_path_object(tmp_path):
    copy = Path(tmp_path) / "copy.qbc"
    copy.write_text(RING.read_text())
    assert len(from_program(copy, RING_BASE, 6, engine="reference")) == 6
