"""The JSON mirror: same content as the binary file, exact round trips, errors at the JSON value."""

from __future__ import annotations

import json

import numpy as np
import pytest

from navm.backends.routing_table import RoutingTable, decode, encode, from_device, from_json_text, load, save, \
    to_json_text
from navm.backends.routing_table.json_mirror import to_value
from navm.diagnostics import NavmError
from tests.backends.routing_table.tables import ring_columns, ring_table

KEYS = ["node_id", "site_id", "x_um", "y_um", "sigma", "j_re", "j_im", "triangle", "record_addr", "fidelity",
        "neighbours"]


def test_document_shape():
    text = to_json_text(ring_table(3))
    value = json.loads(text)
    assert list(value) == ["format", "version", "count", "entries"]
    assert (value["format"], value["version"], value["count"]) == ("navm-routing-table", 1, 3)
    assert list(value["entries"][1]) == KEYS
    assert value["entries"][1]["neighbours"] == [0, 2]
    assert value == to_value(ring_table(3))
    assert text.count("\n") == 5  # header line, one line per entry, closing line
    lines = text.split("\n")[1:-2]
    assert [line.strip().rstrip(",") for line in lines] == [json.dumps(e) for e in value["entries"]]


def test_escaped_keys_are_still_keys():
    text = to_json_text(ring_table(3)).replace('"fidelity"', '"fidelit\\u0079"')
    assert '"fidelit\\u0079"' in text
    assert from_json_text(text) == ring_table(3)


def test_binary_json_binary_is_byte_identical():
    rng = np.random.default_rng(1)
    cols = ring_columns(50)
    cols["x_um"] = rng.normal(size=50) * 1e3  # floats with all 17 digits
    cols["fidelity"] = rng.uniform(0.5, 1.0, 50)
    for table in (RoutingTable.from_columns(cols), from_device("square-16x16")):
        again = from_json_text(to_json_text(table))
        assert again == table
        assert encode(again) == encode(table)


def test_empty_table():
    empty = decode(encode(RoutingTable.from_columns(ring_columns(0))))
    assert to_json_text(empty) == '{"format": "navm-routing-table", "version": 1, "count": 0, "entries": []}\n'
    assert len(from_json_text(to_json_text(empty))) == 0


def test_files_choose_format_by_suffix_and_read_by_content(tmp_path):
    table = ring_table()
    assert save(table, tmp_path / "a.json") == len(to_json_text(table).encode())
    assert save(table, tmp_path / "a.bin") == len(encode(table))
    assert (tmp_path / "a.bin").read_bytes() == encode(table)
    (tmp_path / "json-named.bin").write_text(to_json_text(table))
    assert load(tmp_path / "a.json") == load(tmp_path / "a.bin") == load(tmp_path / "json-named.bin") == table
    with pytest.raises(NavmError, match=r"cannot tell the routing-table format of '.*a.txt': name it .bin"):
        save(table, tmp_path / "a.txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin", "a.json", "json-named.bin"]  # no temp files left


def test_save_into_missing_directory(tmp_path):
    with pytest.raises(NavmError, match="cannot write '.*no/such/a.bin'"):
        save(ring_table(), tmp_path / "no" / "such" / "a.bin")


def text_with(edit) -> str:
    value = to_value(ring_table(3))
    edit(value)
    head = json.dumps({k: v for k, v in value.items() if k != "entries"})[:-1]
    body = ",\n    ".join(json.dumps(e) for e in value["entries"])
    return f'{head}, "entries": [\n    {body}\n]}}\n'


def set_entry(k, key, v):
    return lambda value: value["entries"][k].__setitem__(key, v)


ERRORS = {
    "syntax": (lambda: to_json_text(ring_table(3)).replace('"count": 3,', '"count": 3'), 1),
    "newer version": (lambda: text_with(lambda v: v.__setitem__("version", 2)), 1),
    "count": (lambda: text_with(lambda v: v.__setitem__("count", 4)), 1),
    "missing key": (lambda: text_with(lambda v: v["entries"][1].pop("fidelity")), 3),
    "unknown key": (lambda: text_with(set_entry(1, "colour", 1)), 3),
    "string id": (lambda: text_with(set_entry(2, "node_id", "2")), 4),
    "too many neighbours": (lambda: text_with(set_entry(0, "neighbours", list(range(1, 14)))), 2),
    "int32 overflow": (lambda: text_with(set_entry(0, "site_id", 2**31)), 2),
    "duplicate node": (lambda: text_with(set_entry(2, "node_id", 0)), 4),
    "unknown neighbour": (lambda: text_with(set_entry(1, "neighbours", [0, 7])), 3),
    "explicit -1 neighbour": (lambda: text_with(set_entry(1, "neighbours", [0, -1])), 3),
    "sigma 8": (lambda: text_with(set_entry(1, "sigma", 8.0)), 3),
    "NaN": (lambda: to_json_text(ring_table(3)).replace('"j_im": 0.0', '"j_im": NaN'), 2),
    "duplicate key": (lambda: to_json_text(ring_table(3)).replace('"node_id": 0,', '"node_id": 0, "node_id": 0,'), 2),
}

MESSAGES = {
    "newer version": "routing table format version 2 is not supported (this navm reads version 1)",
    "count": "count is 4 but there are 3 entries",
    "duplicate node": "routing table entry 2 (node 0): node_id 0 is already used by entry 0",
    "unknown neighbour": "routing table entry 1 (node 1): neighbour 7 is not a node of the table",
    "explicit -1 neighbour": "routing table entry 1 (node 1): neighbour -1 is not a node of the table",
    "sigma 8": "routing table entry 1 (node 1): sigma 8.0 is outside [0, 8)",
}


@pytest.mark.parametrize("make, line", ERRORS.values(), ids=ERRORS.keys())
def test_errors_point_at_the_json_value(make, line, request):
    text = make()
    with pytest.raises(NavmError) as info:
        from_json_text(text, "t.json")
    err = info.value
    assert err.loc is not None and (err.loc.file, err.loc.line) == ("t.json", line), str(err)
    case = request.node.callspec.id
    if case in MESSAGES:
        assert err.message == MESSAGES[case]
    if case in ("duplicate node", "unknown neighbour", "sigma 8"):
        key = {"duplicate node": '"node_id"', "unknown neighbour": '"neighbours"', "sigma 8": '"sigma"'}[case]
        row = text.split("\n")[line - 1]
        assert err.loc.column == row.index(key) + len(key) + 3  # the value after `"key": `


def test_integral_float_ids_are_read_as_ints():
    text = to_json_text(ring_table(3)).replace('"node_id": 2,', '"node_id": 2.0,')
    assert from_json_text(text) == ring_table(3)


def test_invalid_utf8(tmp_path):
    (tmp_path / "t.json").write_bytes(b'{"format": "\xff"}')
    with pytest.raises(NavmError, match="not valid UTF-8"):
        load(tmp_path / "t.json")
