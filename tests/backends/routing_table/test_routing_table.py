"""`RoutingTable`: building from columns, the rules every table obeys, entries and the id index."""

from __future__ import annotations

import numpy as np
import pytest

from navm.backends.routing_table import RECORD_DTYPE, RoutingTable
from navm.diagnostics import NavmError
from tests.backends.routing_table.tables import ring_columns, ring_table


def changed(name, row, value):
    def edit(cols):
        col = np.array(cols[name])
        col[row] = value
        cols[name] = col
    return edit


RULES = {
    "negative node": (changed("node_id", 2, -5), "entry 2 (node -5): node_id -5 is negative"),
    "duplicate node": (changed("node_id", 4, 1), "entry 4 (node 1): node_id 1 is already used by entry 1"),
    "negative site": (changed("site_id", 0, -1), "entry 0 (node 0): site_id -1 is negative"),
    "nan x": (changed("x_um", 3, np.nan), "entry 3 (node 3): x_um nan is not a finite number"),
    "inf y": (changed("y_um", 3, np.inf), "y_um inf is not a finite number"),
    "sigma 8": (changed("sigma", 1, 8.0), "entry 1 (node 1): sigma 8.0 is outside [0, 8)"),
    "negative sigma": (changed("sigma", 1, -0.5), "sigma -0.5 is outside [0, 8)"),
    "inf j_re": (changed("j_re", 5, -np.inf), "j_re -inf is not a finite number"),
    "nan j_im": (changed("j_im", 5, np.nan), "j_im nan is not a finite number"),
    "triangle -2": (changed("triangle", 0, -2), "triangle -2 is below -1 (-1 means none)"),
    "triangle of 2": (changed("triangle", 2, -1), "entry 0 (node 0): triangle 0 has 2 member(s); a triangle has "
                                                 "exactly 3"),
    "triangle of 4": (changed("triangle", 3, 0), "triangle 0 has 4 member(s)"),
    "odd address": (changed("record_addr", 1, 12), "record_addr 12 is not a word address (a multiple of 8, >= 0)"),
    "negative address": (changed("record_addr", 1, -8), "record_addr -8 is not a word address"),
    "fidelity 0": (changed("fidelity", 2, 0.0), "fidelity 0.0 is outside (0, 1]"),
    "fidelity above 1": (changed("fidelity", 2, 1.5), "fidelity 1.5 is outside (0, 1]"),
    "unknown neighbour": (changed("neighbours", (2, 1), 99), "entry 2 (node 2): neighbour 99 is not a node of the "
                                                             "table"),
    "self neighbour": (changed("neighbours", (2, 1), 2), "entry 2 (node 2): node 2 lists itself as a neighbour"),
    "repeated neighbour": (changed("neighbours", (2, 1), 1), "neighbour list [1, 1, -1, -1, -1, -1, -1, -1, -1, -1, "
                                                             "-1, -1] repeats a node"),
    "gap in the list": (changed("neighbours", (2, 0), -1), "entry 2 (node 2): neighbour_count is 1 but the list is "
                                                           "[-1, 3, -1"),
    "earliest row wins": (lambda c: (changed("fidelity", 4, 2.0)(c), changed("x_um", 1, np.nan)(c)),
                          "entry 1 (node 1): x_um nan"),
}


@pytest.mark.parametrize("edit, message", RULES.values(), ids=RULES.keys())
def test_rule(edit, message):
    cols = ring_columns(6)
    edit(cols)
    with pytest.raises(NavmError) as info:
        RoutingTable.from_columns(cols)
    assert info.value.message.startswith("routing table: ")
    assert message in info.value.message


def test_non_contiguous_ids_use_the_sorted_index():
    cols = ring_columns(4)
    cols["node_id"] = np.array([40, 10, 30, 20])
    cols["neighbours"] = np.array([[10, 20], [40, 30], [10, 20], [40, 30]])
    table = RoutingTable.from_columns(cols)
    assert table.rows_of([10, 20, 30, 40, 25, -3]).tolist() == [1, 3, 2, 0, -1, -1]
    assert table.node_ids.tolist() == [10, 20, 30, 40]
    cols["neighbours"] = np.array([[10, 25], [40, 30], [10, 20], [40, 30]])
    with pytest.raises(NavmError, match="entry 0 \\(node 40\\): neighbour 25 is not a node"):
        RoutingTable.from_columns(cols)


COLUMN_ERRORS = {
    "missing": (lambda c: c.pop("fidelity"), "routing table columns: missing fidelity"),
    "unknown": (lambda c: c.update(colour=np.zeros(6)), "routing table columns: unknown colour"),
    "short": (lambda c: c.update(x_um=np.zeros(5)), "column 'x_um' has shape (5,), expected (6,)"),
    "float ids": (lambda c: c.update(site_id=np.zeros(6)), "column 'site_id' must be integers, got float64"),
    "text floats": (lambda c: c.update(x_um=np.array(["a"] * 6)), "column 'x_um' must be numbers"),
    "int32 overflow": (lambda c: c.update(site_id=np.array([0, 1, 2, 2**31, 4, 5])),
                       "routing table: entry 3: site_id 2147483648 does not fit a 32-bit field"),
    "neighbour overflow": (lambda c: c.update(neighbours=np.array([[1, 2]] * 5 + [[1, -2**40]])),
                           "entry 5: neighbours -1099511627776 does not fit a 32-bit field"),
    "13 neighbours": (lambda c: c.update(neighbours=np.full((6, 13), -1)),
                      "column 'neighbours' has shape (6, 13), expected (6, k) with k <= 12"),
}


@pytest.mark.parametrize("edit, message", COLUMN_ERRORS.values(), ids=COLUMN_ERRORS.keys())
def test_column_errors(edit, message):
    cols = ring_columns(6)
    edit(cols)
    with pytest.raises(NavmError) as info:
        RoutingTable.from_columns(cols)
    assert message in info.value.message


def test_neighbour_count_out_of_range_in_raw_records():
    records = ring_table(4).records.copy()
    records["neighbour_count"][1] = -1
    with pytest.raises(NavmError, match="entry 1 \\(node 1\\): neighbour_count -1 is outside 0..12"):
        RoutingTable(records)


def test_constructor_wants_record_arrays():
    with pytest.raises(TypeError):
        RoutingTable(np.zeros(3))


def test_entries_and_lookup_by_id():
    table = ring_table(6)
    assert len(table) == 6 and table.triangle_count == 1
    entry = table.find_node(4)
    assert entry == {"node_id": 4, "site_id": 104, "x_um": 20.0, "y_um": 0.0, "sigma": 8 * 4 / 6,
                     "j_re": 1728.0 * np.cos(2 * np.pi * 4 / 6), "j_im": 1728.0 * np.sin(2 * np.pi * 4 / 6),
                     "triangle": -1, "record_addr": 0x1200, "fidelity": 0.99, "neighbours": [3, 5]}
    assert all(type(entry[k]) is int for k in ("node_id", "site_id", "triangle", "record_addr"))
    assert [e["node_id"] for e in table.entries([5, 0])] == [5, 0]
    assert table.neighbours_of(0) == [5, 1]
    with pytest.raises(NavmError, match="the routing table has no node 6 \\(6 entries, ids 0..5\\)"):
        table.row_of(6)
    assert repr(table) == "<RoutingTable of 6 entries, 1 triangles>"


def test_tables_are_immutable_and_compare_by_content():
    table = ring_table(6)
    with pytest.raises(ValueError):
        table.records["fidelity"][0] = 0.5
    assert table == ring_table(6) and table != ring_table(7)
    assert table.__eq__(3) is NotImplemented
    assert table.records.dtype == RECORD_DTYPE
